#!/bin/bash
# unshare -n -m bash ns-req.sh MODE : python-requests and urllib against a name that fails to resolve
ip link set lo up
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /tmp/webcap/dns/resolv.conf
mount --bind /tmp/webcap/dns/resolv.conf /etc/resolv.conf
[ "$1" != none ] && { python3 /tmp/webcap/dns/fakedns.py "$1" & sleep 0.5; }
python3 resolve_req.py backend.invalid 2>&1 | tail -1
python3 -c "import urllib.request; urllib.request.urlopen('http://backend.invalid:8000/')" 2>&1 | tail -1
kill %1 2>/dev/null
