from b import helper
def thing(): pass
