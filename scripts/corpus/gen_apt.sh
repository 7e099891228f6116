#!/usr/bin/env bash
# gen_apt.sh OUT — capture REAL apt-get/dpkg messages (Debian's apt), isolated from the system's own sources.
#   OUT/lock.txt       apt-get while another process holds /var/lib/dpkg/lock-frontend (python fcntl lock),
#                      once failing at once and once waiting (-o DPkg::Lock::Timeout=3)
#   OUT/interrupted.txt apt-get while dpkg has a pending journal entry (a file in /var/lib/dpkg/updates/);
#                      the file is removed again right after
#   OUT/nopubkey.txt   apt-get update against a throwaway repository on 127.0.0.1 whose InRelease is signed
#                      with a key apt does not have (temporary GNUPGHOME, sources and lists under a temp dir)
# Run as root. The lock holder is reported by apt as python3; build.py keeps the output as apt wrote it.
set -uo pipefail
OUT=${1:?usage: gen_apt.sh OUTDIR}
mkdir -p "$OUT"
W=$(mktemp -d /tmp/aptgen.XXXXXX)

# --- lock held
python3 -c '
import fcntl, time, os
fd = os.open("/var/lib/dpkg/lock-frontend", os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
open("'$W'/locked", "w").close()
time.sleep(12)
' &
HOLDER=$!
while [ ! -f $W/locked ]; do sleep 0.1; done
{ apt-get install -y cowsay 2>&1; apt-get -o DPkg::Lock::Timeout=3 install -y cowsay 2>&1; } > "$OUT/lock.txt"
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null

# --- dpkg interrupted
touch /var/lib/dpkg/updates/0099
apt-get install -y cowsay > "$OUT/interrupted.txt" 2>&1
rm -f /var/lib/dpkg/updates/0099

# --- repository signed by an unknown key
export GNUPGHOME=$W/gnupg; mkdir -m 700 $GNUPGHOME
gpg --batch --quiet --passphrase '' --quick-gen-key 'Throwaway Repo <repo@example.invalid>' rsa2048 sign never 2>/dev/null
R=$W/repo/dists/jammy; mkdir -p $R/stable/binary-amd64; : > $R/stable/binary-amd64/Packages
( cd $W/repo/dists/jammy && {
  echo "Origin: Throwaway"; echo "Label: Throwaway"; echo "Suite: jammy"; echo "Codename: jammy"
  echo "Date: $(date -Ru)"; echo "Architectures: amd64"; echo "Components: stable"; echo "SHA256:"
  printf ' %s %s %s\n' "$(sha256sum stable/binary-amd64/Packages | cut -d' ' -f1)" 0 stable/binary-amd64/Packages
} > Release && gpg --batch --yes --clearsign -o InRelease Release )
( cd $W/repo && exec python3 -m http.server 18765 --bind 127.0.0.1 >/dev/null 2>&1 ) &
HTTPD=$!
sleep 1
echo "deb [arch=amd64] http://127.0.0.1:18765 jammy stable" > $W/sources.list
mkdir -p $W/lists/partial
apt-get update -o Dir::Etc::SourceList=$W/sources.list -o Dir::Etc::SourceParts=$W/none \
  -o Dir::State::Lists=$W/lists -o APT::Get::List-Cleanup=0 > "$OUT/nopubkey.txt" 2>&1
kill $HTTPD 2>/dev/null; wait $HTTPD 2>/dev/null
rm -rf "$W"
echo "apt output in $OUT"
