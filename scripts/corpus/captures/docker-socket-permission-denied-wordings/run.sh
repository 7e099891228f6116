#!/bin/bash
# The docker CLI (28.2.2 here) and the Python SDK (docker 7.x in a venv of Debian python3, /opt/ltvenv-sys) as an unprivileged user
# against a socket it may not open (root:root 0660), against a missing socket (daemon stopped), and against
# a socket file nobody listens on (daemon crashed). No daemon is involved: the socket is a bare listener.
set -u
OUT=${OUT:-$(pwd)}
D=$(mktemp -d); chmod 755 $D
python3 - "$D" <<'PY' &
import socket, sys, os, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1] + "/docker.sock"); os.chmod(sys.argv[1] + "/docker.sock", 0o660); s.listen()
d = socket.socket(socket.AF_UNIX); d.bind(sys.argv[1] + "/dead.sock"); os.chmod(sys.argv[1] + "/dead.sock", 0o666)   # never listens
time.sleep(15)
PY
HOLDER=$!
sleep 1
H="unix://$D/docker.sock"
runuser -u nobody -- docker -H $H ps > $OUT/cli-permission-denied.txt 2>&1
runuser -u nobody -- docker -H $H run --rm hello-world > $OUT/cli-run-permission-denied.txt 2>&1
runuser -u nobody -- docker -H unix://$D/missing.sock ps > $OUT/cli-no-socket.txt 2>&1
runuser -u nobody -- docker -H unix://$D/dead.sock ps > $OUT/cli-refused.txt 2>&1
PYSDK='import docker; docker.from_env()'
runuser -u nobody -- env DOCKER_HOST=$H /opt/ltvenv-sys/bin/python -c "$PYSDK" > $OUT/python-sdk-permission-denied.txt 2>&1
runuser -u nobody -- env DOCKER_HOST=unix://$D/missing.sock /opt/ltvenv-sys/bin/python -c "$PYSDK" > $OUT/python-sdk-no-socket.txt 2>&1
runuser -u nobody -- env DOCKER_HOST=unix://$D/dead.sock /opt/ltvenv-sys/bin/python -c "$PYSDK" > $OUT/python-sdk-refused.txt 2>&1
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
sed -i "s#$D#/var/run#g; s#$(echo $D | sed 's#/#%2F#g')#%2Fvar%2Frun#g" $OUT/*.txt
rm -rf $D
