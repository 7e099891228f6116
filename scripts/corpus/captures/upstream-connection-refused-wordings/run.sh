#!/bin/bash
# Real nginx (Debian 12 nginx 1.22.1) on 127.0.0.1:18181: upstream refused (TCP, missing UNIX socket,
# stale UNIX socket), names that do not resolve (runtime via resolver, no resolver defined, startup),
# a resolver that refuses, TLS client hellos to the plain port (combined and escape=json logs).
set -u
OUT=${OUT:-$(pwd)}
D=$(mktemp -d); chmod 755 $D; mkdir -p $D/logs
python3 -c "import socket,os; s=socket.socket(socket.AF_UNIX); s.bind('$D/stale.sock'); os.chmod('$D/stale.sock', 0o777)"   # a socket file nobody listens on
cat > $D/nginx.conf <<NG
daemon on; error_log $D/logs/error.log info; pid $D/nginx.pid;
events {}
http {
  log_format json escape=json '{"remote_addr":"\$remote_addr","request":"\$request","status":\$status}';
  access_log $D/logs/access.log;
  access_log $D/logs/access.json json;
  server {
    listen 127.0.0.1:18181;
    location /tcp   { proxy_pass http://127.0.0.1:18199; }
    location /nosock { proxy_pass http://unix:$D/missing.sock:/; }
    location /stale { proxy_pass http://unix:$D/stale.sock:/; }
    location /resolve { resolver 127.0.0.1:18153 valid=1s; resolver_timeout 2s; set \$b http://backend.example.invalid:8000; proxy_pass \$b; }
    location /noresolver { set \$b http://backend-no-resolver:8000; proxy_pass \$b; }
  }
}
NG
nginx -p $D -c $D/nginx.conf
sleep 0.5
for p in tcp nosock stale resolve noresolver; do curl -s -o /dev/null -m 5 http://127.0.0.1:18181/$p; done
curl -s -m 3 https://127.0.0.1:18181/ -o /dev/null
echo | timeout 3 openssl s_client -connect 127.0.0.1:18181 >/dev/null 2>&1
sleep 0.5
kill $(cat $D/nginx.pid); sleep 0.5
cp $D/logs/error.log $OUT/error.log; cp $D/logs/access.log $OUT/access.log; cp $D/logs/access.json $OUT/access.json
# startup: proxy_pass to a name that does not resolve; access_log in a missing directory
cat > $D/t1.conf <<NG
events {} http { server { listen 127.0.0.1:18182; location / { proxy_pass http://ai-infra-jupyterhub.invalid:8000; } } }
NG
nginx -t -p $D -c $D/t1.conf > $OUT/nginx-t-host-not-found.txt 2>&1
cat > $D/t2.conf <<NG
events {} http { access_log $D/nope/access.log; server { listen 127.0.0.1:18182; } }
NG
nginx -t -p $D -c $D/t2.conf > $OUT/nginx-t-missing-log-dir.txt 2>&1
cat > $D/t3.conf <<NG
error_log $D/nope/error.log; events {} http { server { listen 127.0.0.1:18182; } }
NG
nginx -t -p $D -c $D/t3.conf > $OUT/nginx-t-missing-error-log-dir.txt 2>&1
rm -rf $D
