#!/usr/bin/env bash
# gen_nginx.sh OUT — run the REAL nginx (Debian package) on loopback ports and collect what it writes.
#
# Scenarios (each writes into OUT/<scenario>/):
#   tls      plain-HTTP server on 127.0.0.1:80; curl and openssl speak TLS to it (ClientHello 400s in the access
#            log, "invalid method" at info level in the error log); junk requests answered 400; a favicon 404.
#   refused  proxy_pass to 127.0.0.1:8000 where nothing listens (111 refused, 502 in the access log).
#   startup  `nginx -t` with an unresolvable upstream name; a second nginx on a taken port; an access_log in a
#            directory that does not exist.
# Needs: nginx, curl, openssl, python3 (apt-get install -y nginx curl openssl). Run as root (port 80).
# Times in the output are "now"; build.py rewrites them to the case's fixed date afterwards.
set -euo pipefail
OUT=${1:?usage: gen_nginx.sh OUTDIR}
W=$(mktemp -d /tmp/ngxgen.XXXXXX)
mkdir -p "$OUT"
HTML=/usr/share/nginx/html   # exists in the nginx package; has no favicon.ico

common_http='
    log_format main $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent";
'
stop() { [ -f "$1/logs/nginx.pid" ] && kill "$(cat "$1/logs/nginx.pid")" 2>/dev/null || true; sleep 0.5; }

send_raw() { # send_raw PORT BYTES(python literal): one raw request, then close
  python3 - "$1" "$2" <<'PY'
import socket, sys, ast, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(ast.literal_eval(sys.argv[2]))
try:
    s.recv(4096)
except Exception:
    pass
s.close()
PY
}

# ---------------------------------------------------------------- tls
P=$W/tls; mkdir -p $P/logs $P/conf
cat > $P/conf/nginx.conf <<CONF
worker_processes 1;
error_log logs/error.log info;
pid logs/nginx.pid;
events { worker_connections 64; }
http {
    $common_http
    access_log logs/access.log combined;
    server {
        listen 127.0.0.1:80;
        server_name athena.example.com;
        root $HTML;
        location / { index index.html; }
    }
}
CONF
nginx -p $P -c conf/nginx.conf
sleep 0.3
curl -s -o /dev/null -A 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36' http://127.0.0.1/ || true
curl -s -o /dev/null -A 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36' http://127.0.0.1/favicon.ico || true
curl -sk -o /dev/null https://127.0.0.1:80/ || true                       # TLS ClientHello to plain HTTP
echo | timeout 5 openssl s_client -connect 127.0.0.1:80 -tls1_2 >/dev/null 2>&1 || true
send_raw 80 "b'SSH-2.0-Go\r\n'"                                          # junk: ssh banner
send_raw 80 "b'GET /\x00 HTTP/1.1\r\n\r\n'"                               # junk: NUL in URI
send_raw 80 "b'\x03\x00\x00/*\xe0\x00\x00\x00\x00\x00Cookie: mstshash=Administr\r\n'"  # junk: RDP probe
send_raw 80 "b'\r\n\r\n'"                                                  # junk: empty request line
curl -s -o /dev/null -A 'Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0' http://127.0.0.1/ || true
sleep 0.3; stop $P
cp $P/logs/access.log $P/logs/error.log "$OUT/" 2>/dev/null || true
mkdir -p "$OUT/tls"; mv "$OUT/access.log" "$OUT/error.log" "$OUT/tls/"

# ---------------------------------------------------------------- refused
P=$W/refused; mkdir -p $P/logs $P/conf
cat > $P/conf/nginx.conf <<CONF
worker_processes 1;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 64; }
http {
    access_log logs/access.log combined;
    server {
        listen 127.0.0.1:8080;
        server_name meiyueart.com;
        root $HTML;
        location /api/ { proxy_pass http://127.0.0.1:8000; }
    }
}
CONF
nginx -p $P -c conf/nginx.conf
sleep 0.3
UA='Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
curl -s -o /dev/null -A "$UA" http://127.0.0.1:8080/ || true
curl -s -o /dev/null -A "$UA" -X POST -H 'Content-Type: application/json' -d '{"u":"a"}' http://127.0.0.1:8080/api/login || true
curl -s -o /dev/null -A "$UA" -X POST -H 'Content-Type: application/json' -d '{"u":"a"}' http://127.0.0.1:8080/api/login || true
curl -s -o /dev/null -A "$UA" http://127.0.0.1:8080/api/health || true
sleep 0.3; stop $P
mkdir -p "$OUT/refused"; cp $P/logs/access.log $P/logs/error.log "$OUT/refused/"

# ---------------------------------------------------------------- startup
P=$W/startup; mkdir -p $P/logs $P/conf
# (a) unresolvable upstream name: nginx -t
cat > $P/conf/hub.conf <<CONF
worker_processes 1;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 64; }
http {
    server {
        listen 127.0.0.1:8081;
        location /jupyter/ { proxy_pass http://ai-infra-jupyterhub:8000; }
    }
}
CONF
# (b) a server already holding the port, then a second one on the same port
cat > $P/conf/panel.conf <<CONF
worker_processes 1;
error_log logs/panel-error.log;
pid logs/panel.pid;
events { worker_connections 64; }
http { server { listen 127.0.0.1:80; return 200; } }
CONF
cat > $P/conf/frontend.conf <<CONF
worker_processes 1;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 64; }
http { server { listen 127.0.0.1:80; server_name insurance.example.com; root $HTML; } }
CONF
# (c) access_log into a directory that does not exist
rm -rf /var/log/nginx/athena
cat > $P/conf/logdir.conf <<CONF
worker_processes 1;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 64; }
http { access_log /var/log/nginx/athena/access.log; server { listen 127.0.0.1:8082; } }
CONF
{
  nginx -t -p $P -c conf/hub.conf 2>&1 || true
  nginx -p $P -c conf/panel.conf
  sleep 0.3
  nginx -p $P -c conf/frontend.conf 2>&1 || true
  [ -f $P/logs/panel.pid ] && kill "$(cat $P/logs/panel.pid)"; sleep 0.3
  nginx -t -p $P -c conf/logdir.conf 2>&1 || true
} > "$OUT/startup-stderr.txt"
mkdir -p "$OUT/startup"; mv "$OUT/startup-stderr.txt" "$OUT/startup/stderr.txt"
cp $P/logs/error.log "$OUT/startup/error.log" 2>/dev/null || true
rm -rf "$W"
echo "nginx output in $OUT"
