from json import loads_fast  # name that does not exist
app = None
