#!/bin/bash
# Runs inside: unshare -n -m bash ns-run.sh MODE   (a private network namespace with only loopback)
# MODE: 3 (NXDOMAIN answers), 2 (SERVFAIL answers), drop (no answers), none (nothing listens on 127.0.0.1:53)
set -u
mode=$1
ip link set lo up
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /tmp/webcap/dns/resolv.conf
mount --bind /tmp/webcap/dns/resolv.conf /etc/resolv.conf
if [ "$mode" != none ]; then python3 /tmp/webcap/dns/fakedns.py "$mode" & dns=$!; sleep 0.5; fi
host=backend.invalid
run() { echo "\$ $*"; timeout 40 "$@" 2>&1 | grep -v '^    \|^  File\|^             \|^\s*\^' | head -${LINES_MAX:-8}; echo "[exit ${PIPESTATUS[0]}]"; }
run ./gai-glibc $host
run ./gai-musl $host
run python3 resolve.py $host
LINES_MAX=3 run python3 resolve_req.py $host
run node resolve.js $host
run ./resolve-go $host
run java -cp . Resolve $host
run curl -sS http://$host:8000/
[ "$mode" != none ] && kill $dns
