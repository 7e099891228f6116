#!/bin/bash
# apt 2.6 / dpkg 1.21 (Debian 12) against a private dpkg admin dir and lists dir whose locks a python
# process holds (fcntl), so the host's own apt is never blocked. Also an interrupted dpkg journal.
set -u
OUT=${OUT:-$(pwd)}
D=$(mktemp -d); mkdir -p $D/admin/updates $D/admin/info $D/lists/partial $D/cache/archives/partial
cp /var/lib/dpkg/status $D/admin/status; touch $D/admin/available
O="-o Dir::State::status=$D/admin/status -o Dir::State::Lists=$D/lists -o Dir::Cache=$D/cache -o DPkg::Options::=--admindir=$D/admin"
python3 - $D <<'PY' &
import fcntl, os, sys, time
d = sys.argv[1]
fds = []
for p in ("admin/lock-frontend", "admin/lock", "lists/lock", "cache/archives/lock"):
    fd = os.open(os.path.join(d, p), os.O_RDWR | os.O_CREAT, 0o640)
    fcntl.lockf(fd, fcntl.LOCK_EX); fds.append(fd)
time.sleep(12)
PY
H=$!; sleep 1
LC_ALL=C apt-get $O install -y hello > $OUT/apt-get-install-lock-held.txt 2>&1
LC_ALL=C apt-get $O update > $OUT/apt-get-update-lock-held.txt 2>&1
LC_ALL=C apt-get $O -o DPkg::Lock::Timeout=3 install -y hello > $OUT/apt-get-install-lock-timeout.txt 2>&1
LC_ALL=C dpkg --admindir=$D/admin --configure -a > $OUT/dpkg-lock-held.txt 2>&1
kill $H; wait $H 2>/dev/null
touch $D/admin/updates/0001
LC_ALL=C apt-get $O install -y hello > $OUT/apt-get-dpkg-interrupted.txt 2>&1
runuser -u nobody -- env LC_ALL=C apt-get $O install -y hello > $OUT/apt-get-not-root.txt 2>&1
sed -i "s#$D/admin#/var/lib/dpkg#g; s#$D/lists#/var/lib/apt/lists#g; s#$D/cache#/var/cache/apt#g" $OUT/*.txt
rm -rf $D
