#!/bin/bash
# Reproduces port conflicts on 127.0.0.1:18080 (held by a python listener) with real programs.
# Needs: nginx, python3 (+ pyenv 2.7/3.6/3.12/3.13), node, go, java/javac, redis-server, musl-tools,
# and a venv /tmp/ltvenv with gunicorn werkzeug flask uvicorn.
set -u
OUT=${OUT:-$(pwd)}
P=18080
python3 - <<'PY' &
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 18080)); s.listen()
u = socket.socket(socket.AF_UNIX); import os
try: os.unlink("/tmp/lt-held.sock")
except FileNotFoundError: pass
u.bind("/tmp/lt-held.sock"); u.listen()
time.sleep(40)
PY
HOLDER=$!
sleep 1
# nginx (glibc)
D=$(mktemp -d); mkdir -p $D/logs
cat > $D/nginx.conf <<NG
daemon off; error_log $D/logs/error.log; pid $D/nginx.pid;
events {}
http { access_log off; server { listen 127.0.0.1:$P; } server { listen unix:/tmp/lt-held.sock; } }
NG
timeout 8 nginx -p $D -c $D/nginx.conf > $OUT/nginx-stderr.txt 2>&1
cp $D/logs/error.log $OUT/nginx-error.log
# python versions: plain socket bind, and asyncio create_server
for v in 2.7.18 3.6.15 3.11.7 3.12.1 3.13.0; do
  PY=/root/.pyenv/versions/$v/bin/python
  $PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', $P))" > $OUT/python-$v.txt 2>&1
  case $v in 2.*) ;; *) $PY -c "
import asyncio
async def main():
    await asyncio.get_event_loop().create_server(asyncio.Protocol, '127.0.0.1', $P)
asyncio.get_event_loop().run_until_complete(main())" > $OUT/python-asyncio-$v.txt 2>&1;; esac
done
# node: tcp and unix
node -e "require('net').createServer().listen($P,'127.0.0.1')" > $OUT/node-tcp.txt 2>&1
node -e "require('net').createServer().listen('/tmp/lt-held.sock')" > $OUT/node-unix.txt 2>&1
# go: tcp and unix
G=$(mktemp -d); cat > $G/main.go <<'GO'
package main
import ("log"; "net"; "os")
func main() { _, err := net.Listen(os.Args[1], os.Args[2]); if err != nil { log.Fatal(err) } }
GO
(cd $G && go mod init lt >/dev/null 2>&1 && go build -o lt . ) && { $G/lt tcp 127.0.0.1:$P > $OUT/go-tcp.txt 2>&1; $G/lt tcp4 :$P > $OUT/go-tcp4.txt 2>&1; $G/lt unix /tmp/lt-held.sock > $OUT/go-unix.txt 2>&1; }
# java: classic ServerSocket and NIO
J=$(mktemp -d); cat > $J/B.java <<'JV'
import java.net.*; import java.nio.channels.*;
public class B { public static void main(String[] a) throws Exception {
  if (a[0].equals("nio")) ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[1])));
  else new ServerSocket(Integer.parseInt(a[1]), 50, InetAddress.getByName("127.0.0.1")); } }
JV
(cd $J && javac B.java) && { java -cp $J B classic $P > $OUT/java-serversocket.txt 2>&1; java -cp $J B nio $P > $OUT/java-nio.txt 2>&1; }
# redis
timeout 5 redis-server --port $P --bind 127.0.0.1 --save '' --appendonly no > $OUT/redis.txt 2>&1
# musl strerror texts
M=$(mktemp -d); cat > $M/e.c <<'C'
#include <stdio.h>
#include <string.h>
#include <errno.h>
int main(void){ int e[]={EADDRINUSE,ECONNREFUSED,ENOENT,EACCES,EAGAIN,ETIMEDOUT,EHOSTUNREACH,EADDRNOTAVAIL,0};
 for(int i=0;e[i];i++) printf("(%d: %s)\n", e[i], strerror(e[i])); return 0; }
C
musl-gcc -static -o $M/e $M/e.c && $M/e > $OUT/musl-strerror.txt; gcc -o $M/g $M/e.c && $M/g > $OUT/glibc-strerror.txt
# gunicorn / werkzeug / uvicorn
V=/tmp/ltvenv/bin
cat > $M/app.py <<'APP'
def app(environ, start_response):
    start_response("200 OK", []); return [b"ok"]
async def asgi(scope, receive, send):
    pass
APP
(cd $M && timeout 20 $V/gunicorn -b 127.0.0.1:$P app:app > $OUT/gunicorn.txt 2>&1)
(cd $M && timeout 20 $V/gunicorn -b unix:/tmp/lt-held.sock app:app > $OUT/gunicorn-unix.txt 2>&1)
(cd $M && timeout 10 $V/python -c "from werkzeug.serving import run_simple; from app import app; run_simple('127.0.0.1', $P, app)" > $OUT/werkzeug.txt 2>&1)
(cd $M && timeout 10 $V/uvicorn --host 127.0.0.1 --port $P app:asgi > $OUT/uvicorn.txt 2>&1)
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
rm -rf $D $G $J $M /tmp/lt-held.sock
