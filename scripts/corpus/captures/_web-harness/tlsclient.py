import sys, ssl, urllib.request
url, cafile = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
ctx = ssl.create_default_context(cafile=cafile)
urllib.request.urlopen(url, context=ctx, timeout=5)
