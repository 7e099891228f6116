# Minimal stand-in for a registry's error answers (Distribution spec error bodies), on 127.0.0.1:5000 only.
import json, http.server
ERR = {
  'denied':      (401, 'DENIED', 'requested access to the resource is denied'),
  'nomanifest':  (404, 'MANIFEST_UNKNOWN', 'manifest unknown'),
  'ratelimited': (429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit'),
  'unauth':      (401, 'UNAUTHORIZED', 'authentication required'),
}
class H(http.server.BaseHTTPRequestHandler):
    def answer(self, code, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Docker-Distribution-API-Version', 'registry/2.0')
        for k, v in (extra or {}).items(): self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if self.command != 'HEAD': self.wfile.write(data)
    def do_GET(self):
        p = self.path.split('?')[0]
        if p in ('/v2/', '/v2'): return self.answer(200, {})
        parts = p.split('/')
        name = parts[2] if len(parts) > 2 else ''
        code, ec, msg = ERR.get(name, (404, 'NAME_UNKNOWN', 'repository name not known to registry'))
        extra = {'WWW-Authenticate': 'Bearer realm="http://127.0.0.1:5000/token",service="fake",scope="repository:%s:pull",error="insufficient_scope"' % name} if ec == 'DENIED' else None
        self.answer(code, {'errors': [{'code': ec, 'message': msg, 'detail': [{'Type': 'repository', 'Class': '', 'Name': name, 'Action': 'pull'}] if ec == 'DENIED' else ('unknown tag' if ec == 'MANIFEST_UNKNOWN' else None)}]})
    do_HEAD = do_GET
H.protocol_version = 'HTTP/1.1'
http.server.ThreadingHTTPServer(('127.0.0.1', 5000), H).serve_forever()
