#!/usr/bin/env bash
# regen.sh — regenerate corpus/ (run as root from anywhere; needs nginx, curl, openssl, systemd-journal-remote,
# gpg, python3: `apt-get install -y nginx curl openssl systemd-journal-remote gpg`).
#   1. gen_nginx.sh, gen_journal.py, gen_apt.sh capture real software output into a temp dir;
#   2. build.py writes every case (real captures re-dated to each case's fixed 2025 date; handmade samples);
#   3. check.py re-reads patterns/ and corpus/ and compares with each expected.json (needs PyYAML).
# Real captures differ between runs in random bytes (TLS ClientHello, journal cursors, pids); counts do not.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
RAW=$(mktemp -d /tmp/corpus-raw.XXXXXX)
bash "$HERE/gen_nginx.sh" "$RAW/nginx"
python3 "$HERE/gen_journal.py" "$RAW/journal"
bash "$HERE/gen_apt.sh" "$RAW/apt"
python3 "$HERE/build.py" "$RAW" "$ROOT/corpus"
rm -rf "$RAW"
python3 "$HERE/check.py"
