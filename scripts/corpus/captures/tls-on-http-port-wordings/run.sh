#!/bin/bash
# nginx 1.22.1 (OpenSSL 3.0) proxying with https:// to a plain-HTTP backend (python http.server on
# 127.0.0.1:18199), and a plain-HTTPS mix-up in the other direction (plain HTTP sent to an ssl port)
# as a look-alike. TLS ClientHellos to a plain port: see ../nginx/ (access.log, access.json, error.log).
set -u
OUT=${OUT:-$(pwd)}
D=$(mktemp -d); chmod 755 $D; mkdir -p $D/logs
openssl req -x509 -newkey rsa:2048 -nodes -keyout $D/k.pem -out $D/c.pem -days 1 -subj /CN=localhost >/dev/null 2>&1
python3 -m http.server 18199 --bind 127.0.0.1 >/dev/null 2>&1 &
B=$!
cat > $D/nginx.conf <<NG
daemon on; error_log $D/logs/error.log info; pid $D/nginx.pid;
events {}
http { access_log $D/logs/access.log;
  server { listen 127.0.0.1:18183; location / { proxy_pass https://127.0.0.1:18199; } }
  server { listen 127.0.0.1:18184 ssl; ssl_certificate $D/c.pem; ssl_certificate_key $D/k.pem; }
}
NG
sleep 0.5; nginx -p $D -c $D/nginx.conf; sleep 0.5
curl -s -o /dev/null http://127.0.0.1:18183/
curl -s -o /dev/null http://127.0.0.1:18184/
curl -sS https://127.0.0.1:18199/ -o /dev/null > $OUT/curl-https-to-plain.txt 2>&1
sleep 0.3; kill $(cat $D/nginx.pid); kill $B; sleep 0.3
grep -a -v -E '\[notice\]|closed keepalive' $D/logs/error.log > $OUT/error.log; cp $D/logs/access.log $OUT/access.log
rm -rf $D
