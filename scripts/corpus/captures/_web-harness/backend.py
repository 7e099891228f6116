# Slow HTTP backend for nginx timeout captures (loopback only).
import time, socketserver
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if "slowbody" in self.path:
            self.send_response(200); self.send_header("Content-Length", "100"); self.end_headers()
            self.wfile.write(b"x" * 10); self.wfile.flush(); time.sleep(4); return
        if "slow" in self.path:
            time.sleep(4)
        body = b"ok\n"
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n) if n else None
        self.do_GET()
class S(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
S(("127.0.0.1", 18090), H).serve_forever()
