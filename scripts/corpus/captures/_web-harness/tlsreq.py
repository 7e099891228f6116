import sys, requests
url, ca = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else True)
requests.get(url, verify=ca, timeout=5)
