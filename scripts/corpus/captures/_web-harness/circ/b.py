from a import thing
def helper(): pass
