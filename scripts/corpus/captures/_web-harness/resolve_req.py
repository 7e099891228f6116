import sys, requests
requests.get("http://%s:8000/api/health" % sys.argv[1], timeout=10)
