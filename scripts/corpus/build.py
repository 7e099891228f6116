#!/usr/bin/env python3
"""build.py RAW CORPUS — assemble corpus/ from the real-software captures in RAW and from handmade samples.

RAW is what gen_nginx.sh, gen_journal.py and gen_apt.sh wrote (see regen.sh). Real captures are copied as the
software wrote them, except: times are moved to the case's fixed 2025 date (each line keeps its offset from the
first line of its run), the temporary nginx prefix is shown as /etc/nginx, and apt's temporary directory name
is made fixed. The cases of real captures listed in captures/ (one per incident of the grown catalog) are kept as
they were recorded and never rebuilt. Handmade samples (docker json-file, CRI, compose output, kern.log, JupyterHub, negatives) use
message wording confirmed against upstream sources; they are written byte-for-byte deterministically.
Only the python3 standard library is used.
"""
import gzip, hashlib, io, json, os, re, shutil, struct, sys, zlib
from datetime import datetime, timedelta, timezone

RAW, CORPUS = sys.argv[1], sys.argv[2]

def w(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def expected(case, description, incidents):
    w(os.path.join(CORPUS, case, "expected.json"),
      json.dumps({"description": description, "incidents": incidents}, indent=2, sort_keys=True) + "\n")

# ---------------------------------------------------------------- gzip
def gzip_member(data, mtime=1741910400, extra=None):
    """One gzip member written by hand. extra: FEXTRA payload (docker's gzip writer sets one)."""
    flg = 0x04 if extra is not None else 0
    hdr = b"\x1f\x8b\x08" + bytes([flg]) + struct.pack("<I", mtime) + b"\x00\xff"
    if extra is not None:
        hdr += struct.pack("<H", len(extra)) + extra
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = c.compress(data) + c.flush()
    return hdr + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)

def docker_extra(last_time):
    # docker's compressed rotations record the last log time in the gzip header's extra field as JSON
    # (subfield id "dk"); reproduced here so readers must skip FEXTRA correctly.
    payload = json.dumps({"last": last_time}, separators=(",", ":")).encode()
    return b"dk" + struct.pack("<H", len(payload)) + payload

# ---------------------------------------------------------------- time rewriting for real captures
ACC = re.compile(r"\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d) ([+-]\d{4})\]")
ERR = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d)")

def retime(lines, base):
    """Move nginx access/error times so the first one found becomes `base`; offsets are kept."""
    t0 = None
    out = []
    for ln in lines:
        m = ACC.search(ln)
        if m:
            t = datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S")
            t0 = t0 or t
            n = base + (t - t0)
            ln = ln[:m.start(1)] + n.strftime("%d/%b/%Y:%H:%M:%S") + ln[m.end(1):]
        m = ERR.search(ln)
        if m:
            t = datetime.strptime(m.group(1), "%Y/%m/%d %H:%M:%S")
            t0 = t0 or t
            n = base + (t - t0)
            ln = n.strftime("%Y/%m/%d %H:%M:%S") + ln[m.end(1):]
        out.append(ln)
    return out

def rawlines(path):
    with open(path, "rb") as f:
        data = f.read()
    # keep bytes exactly (nginx error logs hold raw binary): decode as latin-1 so every byte survives
    return data.decode("latin-1").split("\n")[:-1]

def joinl(lines):
    return ("\n".join(lines) + "\n").encode("latin-1")

# ---------------------------------------------------------------- docker json-file
def go_json(s):
    """Encode a str the way Go's encoding/json does (docker json-file)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"': out.append('\\"')
        elif ch == "\\": out.append("\\\\")
        elif ch == "\n": out.append("\\n")
        elif ch == "\r": out.append("\\r")
        elif ch == "\t": out.append("\\t")
        elif o < 0x20 or ch in "<>&" or o in (0x2028, 0x2029): out.append("\\u%04x" % o)
        else: out.append(ch)
    out.append('"')
    return "".join(out)

def djson(log, stream, t):
    return '{"log":%s,"stream":"%s","time":"%s"}\n' % (go_json(log), stream, t)

class Clock:
    def __init__(self, start):
        self.t = start
    def tick(self, ms=1.0):
        self.t += timedelta(milliseconds=ms)
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.") + "%09dZ" % (self.t.microsecond * 1000 + 123)

def docker_entries(lines, stream, clock, ms=1.0):
    """lines: list of full log lines; returns json-file entries, splitting lines longer than 16 KiB like docker."""
    out = []
    for ln in lines:
        data = (ln + "\n").encode()
        t = clock.tick(ms)
        while len(data) > 16384:
            out.append(djson(data[:16384].decode("utf-8", "replace"), stream, t))
            data = data[16384:]
        out.append(djson(data.decode(), stream, t))
    return out

def container(case, cid, name, image, files):
    base = os.path.join(CORPUS, case, "var/lib/docker/containers", cid)
    cfg = {"StreamConfig": {}, "State": {"Running": False}, "ID": cid, "Created": "2025-03-14T02:58:30.401822637Z",
           "Path": "docker-entrypoint.sh", "Config": {"Hostname": cid[:12], "Image": image,
           "Labels": {"com.docker.compose.project": "athena-eye", "com.docker.compose.service": name.split("_")[-1]}},
           "Image": "sha256:" + hashlib.sha256(image.encode()).hexdigest(), "Name": "/" + name,
           "LogPath": os.path.join("/var/lib/docker/containers", cid, cid + "-json.log"),
           "HostConfig": {"LogConfig": {"Type": "json-file", "Config": {"max-file": "3", "max-size": "10m"}}}}
    w(os.path.join(base, "config.v2.json"), json.dumps(cfg, separators=(",", ":")))
    for suffix, data in files:
        w(os.path.join(base, cid + "-json.log" + suffix), data)

def cid_for(name):
    return hashlib.sha256(("athena-eye/" + name).encode()).hexdigest()

# ================================================================ real nginx cases
def nginx_cases():
    tls_acc = rawlines(os.path.join(RAW, "nginx/tls/access.log"))
    tls_err = rawlines(os.path.join(RAW, "nginx/tls/error.log"))
    base = datetime(2025, 3, 14, 9, 20, 5)
    # one timeline for both files of the run: retime them together
    both = retime(tls_acc + tls_err, base)
    acc, err = both[:len(tls_acc)], both[len(tls_acc):]
    c = "nginx-tls-plain"
    w(os.path.join(CORPUS, c, "var/log/nginx/access.log"), joinl(acc))
    w(os.path.join(CORPUS, c, "var/log/nginx/error.log"), joinl(err))
    expected(c, "Real nginx on a plain-HTTP port: two TLS clients, four junk requests, a missing favicon.",
             {"tls-on-http-port": 4})

    # the same access lines as a logrotate-style set, one chunk per day; .3.gz holds two gzip members
    c = "nginx-rotated-set"
    d = os.path.join(CORPUS, c, "var/log/nginx")
    chunks = [tls_acc[0:2], tls_acc[2:3], tls_acc[3:5], tls_acc[5:]]
    days = [datetime(2025, 3, 11, 21, 4, 10), datetime(2025, 3, 12, 6, 51, 2), datetime(2025, 3, 13, 13, 7, 45), datetime(2025, 3, 14, 9, 20, 5)]
    rt = [retime(ch, day) for ch, day in zip(chunks, days)]
    m1, m2 = joinl(rt[0][:1]), joinl(rt[0][1:])
    w(os.path.join(d, "access.log.3.gz"), gzip_member(m1, 1741734000) + gzip_member(m2, 1741737600))  # two members
    w(os.path.join(d, "access.log.2.gz"), gzip_member(joinl(rt[1]), 1741820400))
    w(os.path.join(d, "access.log.1"), joinl(rt[2]))
    w(os.path.join(d, "access.log"), joinl(rt[3]))
    n = sum(1 for ch in rt for ln in ch if '"\\x16\\x03' in ln)
    expected(c, "Real nginx access lines spread over a rotated set (plain, gzip, multi-member gzip).",
             {"tls-on-http-port": n})

    c = "nginx-upstream-refused"
    ra = rawlines(os.path.join(RAW, "nginx/refused/access.log"))
    re_ = rawlines(os.path.join(RAW, "nginx/refused/error.log"))
    both = retime(ra + re_, datetime(2025, 2, 11, 10, 5, 31))
    w(os.path.join(CORPUS, c, "var/log/nginx/access.log"), joinl(both[:len(ra)]))
    w(os.path.join(CORPUS, c, "var/log/nginx/error.log"), joinl(both[len(ra):]))
    expected(c, "Real nginx proxying the login API to a port where nothing listens; users get 502.",
             {"upstream-connection-refused": len(re_)})

    c = "nginx-startup-errors"
    st = rawlines(os.path.join(RAW, "nginx/startup/stderr.txt"))
    se = rawlines(os.path.join(RAW, "nginx/startup/error.log"))
    both = retime(st + se, datetime(2025, 8, 5, 1, 3, 2))
    fix = lambda ls: [re.sub(r"/tmp/ngxgen\.\w+/startup/conf/", "/etc/nginx/", l) for l in ls]
    w(os.path.join(CORPUS, c, "root/nginx-start.txt"), joinl(fix(both[:len(st)])))
    w(os.path.join(CORPUS, c, "var/log/nginx/error.log"), joinl(fix(both[len(st):])))
    binds = sum(1 for l in st + se if "(98: Address already in use)" in l)
    expected(c, "Real nginx start-up failures: an unresolvable upstream name, a taken port, a missing log directory.",
             {"upstream-host-not-found": 1, "port-already-in-use": binds, "missing-log-directory": 1})

# ================================================================ real journald cases
def journal_cases():
    c = "journald-export-flask"
    shutil.copy(os.path.join(RAW, "journal/flask.export"), os.path.join(mk(c, "var/log/journal-export"), "meiyueart-prod.export"))
    expected(c, "journalctl export stream of a host whose backend unit crash-loops and whose database is killed.",
             {"missing-log-directory": 3, "systemd-unit-failed": 8, "mysql-oom-killed": 4})
    c = "journald-json-athena"
    shutil.copy(os.path.join(RAW, "journal/athena.json"), os.path.join(mk(c, "var/log/journal-json"), "athena-eye.json"))
    expected(c, "journalctl JSON of a container host: a database killed in its memory cgroup, another process killed later.",
             {"mysql-oom-killed": 2, "process-oom-killed": 3})

def mk(case, sub):
    p = os.path.join(CORPUS, case, sub)
    os.makedirs(p, exist_ok=True)
    return p

# ================================================================ real apt case
def apt_case():
    c = "apt-dpkg-output"
    d = mk(c, "home/xiaofeng_0209/setup-logs")
    for fn in ("lock.txt", "interrupted.txt", "nopubkey.txt"):
        data = open(os.path.join(RAW, "apt", fn), "rb").read()
        data = re.sub(rb"/tmp/aptgen\.\w+/", b"/tmp/aptgen/", data)
        w(os.path.join(d, "apt-" + fn.replace(".txt", ".log")), data)
    expected(c, "Real apt-get output: package lock held by another process, an interrupted dpkg, an unsigned repository.",
             {"apt-lock-held": 7, "apt-missing-gpg-key": 3})

# ================================================================ handmade: docker json-file
GUNI_TB = [
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker',
    "    worker.init_process()",
    '  File "/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py", line 134, in init_process',
    "    self.load_wsgi()",
    '  File "/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py", line 146, in load_wsgi',
    "    self.wsgi = self.app.wsgi()",
    '  File "/app/app/__init__.py", line 9, in <module>',
    "    from .logger import logger",
    '  File "/app/app/logger.py", line 14, in <module>',
    "    file_handler = logging.FileHandler(os.path.join(LOG_DIR, \"athena_eye.log\"))",
    '  File "/usr/local/lib/python3.11/logging/__init__.py", line 1181, in __init__',
    "    StreamHandler.__init__(self, self._open())",
    "                                 ^^^^^^^^^^^^",
    '  File "/usr/local/lib/python3.11/logging/__init__.py", line 1213, in _open',
    "    return open_func(self.baseFilename, self.mode,",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/athena_eye.log'",
]

def gunicorn_boot(ts, master, worker, crash=True):
    out = [f"[{ts} +0000] [{master}] [INFO] Starting gunicorn 22.0.0",
           f"[{ts} +0000] [{master}] [INFO] Listening at: http://0.0.0.0:8000 ({master})",
           f"[{ts} +0000] [{master}] [INFO] Using worker: sync",
           f"[{ts} +0000] [{worker}] [INFO] Booting worker with pid: {worker}"]
    if crash:
        out += [f"[{ts} +0000] [{worker}] [ERROR] Exception in worker process"] + GUNI_TB + [
            f"[{ts} +0000] [{worker}] [INFO] Worker exiting (pid: {worker})",
            f"[{ts} +0000] [{master}] [ERROR] Worker (pid:{worker}) exited with code 3",
            f"[{ts} +0000] [{master}] [ERROR] Shutting down: Master",
            f"[{ts} +0000] [{master}] [ERROR] Reason: Worker failed to boot."]
    return out

MYSQL_START = [
    "{t}+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.41-1.el9 started.",
    "{t}+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'",
    "{t}+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.41-1.el9 started.",
    "{t}+00:00 [Note] [Entrypoint]: Initializing database files",
]

def docker_case():
    c = "docker-json-athena"
    # --- db: removed option, then a file with an option before its first group, then a silent death
    clk = Clock(datetime(2025, 3, 14, 2, 58, 40))
    db = []
    db += docker_entries([l.format(t="2025-03-14 02:58:40") for l in MYSQL_START], "stdout", clk)
    db += docker_entries(["2025-03-14T02:58:41.214903Z 0 [System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld 8.0.41) initializing of server in progress as process 80",
                          "2025-03-14T02:58:41.214990Z 0 [ERROR] [MY-000067] [Server] unknown variable 'query_cache_type=0'.",
                          "2025-03-14T02:58:41.215001Z 0 [ERROR] [MY-010119] [Server] Aborting",
                          "2025-03-14T02:58:41.216220Z 0 [System] [MY-015016] [Server] MySQL Server - end."], "stderr", clk)
    clk = Clock(datetime(2025, 3, 14, 3, 2, 11))
    db += docker_entries([l.format(t="2025-03-14 03:02:11") for l in MYSQL_START[:2]], "stdout", clk)
    db += docker_entries(["mysqld: [ERROR] Found option without preceding group in config file /etc/mysql/conf.d/my.cnf at line 1.",
                          "mysqld: [ERROR] Fatal error in defaults handling. Program aborted!"], "stderr", clk)
    clk = Clock(datetime(2025, 3, 14, 3, 10, 30))
    db += docker_entries([l.format(t="2025-03-14 03:10:30") for l in MYSQL_START], "stdout", clk)
    db += docker_entries(["2025-03-14T03:10:31.002114Z 0 [System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld 8.0.41) initializing of server in progress as process 80",
                          "2025-03-14T03:10:31.019730Z 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started."], "stderr", clk, ms=400)
    container(c, cid_for("athena_eye_db"), "athena_eye_db", "mysql:8.0", [("", "".join(db).encode())])

    # --- backend: gzip rotations with FEXTRA; a >16 KiB line split across the .1.gz -> current boundary
    old = []
    clk = Clock(datetime(2025, 3, 13, 22, 40, 2))
    old += docker_entries(gunicorn_boot("2025-03-13 22:40:02", 1, 7, crash=False), "stderr", clk)
    old += docker_entries(['172.19.0.4 - - [13/Mar/2025:22:41:%02d +0000] "GET /api/v1/health HTTP/1.0" 200 15 "-" "curl/8.5.0"' % s for s in range(0, 60, 10)], "stdout", clk, ms=10000)
    one = []
    clk = Clock(datetime(2025, 3, 14, 3, 21, 7))
    one += docker_entries(gunicorn_boot("2025-03-14 03:21:07", 1, 8), "stderr", clk)
    # the image's structured start-up record: a settings dump, then the error; docker cuts it at 16 KiB
    settings = {"feature_flags": {f"flag_{i:03d}": (i % 3 == 0) for i in range(40)},
                "allowed_origins": [f"https://tenant-{i:03d}.athena-eye.example" for i in range(400)]}
    head = '{"level":"error","ts":"2025-03-14T03:21:09.448Z","logger":"athena.boot","msg":"start-up failed","settings":' + json.dumps(settings, separators=(",", ":")) + ',"pad":"'
    err = "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/athena_eye.log'"
    cut = 16384 - len(head.encode()) - 20   # put docker's 16 KiB cut inside the error text
    big = head + "x" * cut + '","error":"' + err + '"}'
    assert 16384 < len(big.encode()) + 1 < 2 * 16384
    pieces = docker_entries([big], "stderr", clk)
    assert len(pieces) == 2
    one += pieces[:1]
    cur = pieces[1:]
    clk = Clock(datetime(2025, 3, 14, 3, 21, 9, 450000))
    cur += docker_entries(["[2025-03-14 03:21:09 +0000] [1] [ERROR] Worker (pid:9) exited with code 3",
                           "[2025-03-14 03:21:09 +0000] [1] [ERROR] Shutting down: Master",
                           "[2025-03-14 03:21:09 +0000] [1] [ERROR] Reason: Worker failed to boot."], "stderr", clk)
    clk = Clock(datetime(2025, 3, 14, 3, 22, 40))
    cur += docker_entries(gunicorn_boot("2025-03-14 03:22:40", 1, 8), "stderr", clk)
    bid = cid_for("athena_eye_backend")
    last = lambda ents: json.loads(ents[-1])["time"]
    container(c, bid, "athena_eye_backend", "athena-eye-backend:prod", [
        (".2.gz", gzip_member("".join(old).encode(), 1741905662, docker_extra(last(old)))),
        (".1.gz", gzip_member("".join(one).encode(), 1741922469, docker_extra(last(one)))),
        ("", "".join(cur).encode())])

    # --- frontend nginx: TLS to port 80, 502s towards the dead backend; a long line split across .1 -> current
    fr1, frc = [], []
    clk = Clock(datetime(2025, 3, 14, 3, 25, 0))
    fr1 += docker_entries(["/docker-entrypoint.sh: Configuration complete; ready for start up",
                           "2025/03/14 03:25:00 [notice] 1#1: nginx/1.27.4",
                           "2025/03/14 03:25:00 [notice] 1#1: start worker processes"], "stderr", clk)
    longq = "&".join(f"id={i}" for i in range(3400))
    fr1_long = docker_entries([f'203.0.113.7 - - [14/Mar/2025:03:26:11 +0000] "GET /reports/export?{longq} HTTP/1.1" 200 5120 "http://34.85.10.7/reports" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"'], "stdout", clk)
    assert len(fr1_long) == 2
    fr1 += fr1_long[:1]
    frc += fr1_long[1:]
    clk = Clock(datetime(2025, 3, 14, 3, 27, 3))
    frc += docker_entries([
        '203.0.113.7 - - [14/Mar/2025:03:27:03 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\\x8F\\x1B\\xC4 \\x92" 400 157 "-" "-"',
        '203.0.113.7 - - [14/Mar/2025:03:27:03 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\\xE5\\x0Cq\\x9A" 400 157 "-" "-"',
        '203.0.113.7 - - [14/Mar/2025:03:27:09 +0000] "GET / HTTP/1.1" 200 615 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"',
        '2025/03/14 03:27:09 [error] 29#29: *5 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 203.0.113.7, server: localhost, request: "GET /favicon.ico HTTP/1.1", host: "34.85.10.7", referrer: "http://34.85.10.7/"',
        '203.0.113.7 - - [14/Mar/2025:03:27:09 +0000] "GET /favicon.ico HTTP/1.1" 404 153 "http://34.85.10.7/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"',
        '2025/03/14 03:27:12 [error] 29#29: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: localhost, request: "POST /api/v1/login HTTP/1.1", upstream: "http://172.19.0.3:8000/api/v1/login", host: "34.85.10.7", referrer: "http://34.85.10.7/login"',
        '203.0.113.7 - - [14/Mar/2025:03:27:12 +0000] "POST /api/v1/login HTTP/1.1" 502 157 "http://34.85.10.7/login" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"',
        '198.51.100.9 - - [14/Mar/2025:03:29:40 +0000] "SSH-2.0-Go" 400 157 "-" "-"',
    ], "stdout", clk, ms=700)
    container(c, cid_for("athena_eye_frontend"), "athena_eye_frontend", "athena-eye-frontend:prod",
              [(".1", "".join(fr1).encode()), ("", "".join(frc).encode())])
    expected(c, "docker json-file logs of a three-container stack (database, gunicorn backend, nginx frontend) with rotations.",
             {"mysql-unknown-option": 1, "mysql-config-no-group": 1, "missing-log-directory": 3,
              "tls-on-http-port": 2, "upstream-connection-refused": 1})

# ================================================================ handmade: CRI (containerd) pod log
def cri_case():
    c = "cri-jupyterhub"
    t = [datetime(2025, 8, 5, 1, 0, 50)]
    def L(stream, msg, tag="F", ms=3.0):
        t[0] += timedelta(milliseconds=ms)
        return t[0].strftime("%Y-%m-%dT%H:%M:%S.") + "%09dZ" % (t[0].microsecond * 1000 + 456) + f" {stream} {tag} {msg}"
    def hub(level, ts, where, msg):
        return f"[{level} 2025-08-05 {ts} JupyterHub {where}] {msg}"
    lines = [
        L("stderr", hub("I", "01:00:50.102", "app:3354", "Running JupyterHub version 5.2.1")),
        L("stderr", hub("I", "01:00:50.103", "app:3384", "Using Authenticator: ldapauthenticator.ldapauthenticator.LDAPAuthenticator-2.0.2")),
        L("stderr", hub("I", "01:00:50.411", "app:2110", "Adding external service binder at http://binderhub:8090")),
        L("stderr", hub("E", "01:00:51.522", "app:3652", "Cannot connect to external service binder at http://binderhub:8090. Is it running?"), ms=1100),
        L("stderr", hub("D", "01:00:51.522", "application:1060", "Exiting application: jupyterhub")),
    ]
    # restarted with the binder service removed: the key and then the database stop it
    t[0] = datetime(2025, 8, 5, 1, 2, 9)
    lines += [
        L("stderr", hub("I", "01:02:09.881", "app:3354", "Running JupyterHub version 5.2.1")),
        L("stderr", hub("D", "01:02:10.003", "application:1060", "Exiting application: jupyterhub")),
        # containerd split this line (P) before its end (F)
        L("stderr", "auth_state is enabled, but encryption is not available: Encryption keys mus", tag="P"),
        L("stderr", "t be 32 bytes, hex or base64-encoded.", tag="F", ms=0.1),
    ]
    t[0] = datetime(2025, 8, 5, 1, 2, 26)
    lines += [
        L("stderr", hub("I", "01:02:26.107", "app:3354", "Running JupyterHub version 5.2.1")),
        L("stderr", hub("I", "01:02:26.261", "app:1984", "Not using allowed_users. Any authenticated user will be allowed.")),
        L("stderr", hub("D", "01:02:26.300", "application:1060", "Exiting application: jupyterhub")),
        L("stderr", "Found database schema version 19c0846f6344 != 4621fec11365. Backup your database and run `jupyterhub upgrade-db` to upgrade to the latest schema."),
    ]
    w(os.path.join(CORPUS, c, "var/log/pods/jhub_hub-6f9c7d8b5-x2kqp_8d2f1c3a-5b6e-4f70-9a1b-2c3d4e5f6a7b/hub/0.log"), "\n".join(lines) + "\n")
    expected(c, "containerd (CRI) log of a hub pod restarting three times; one record arrives as a partial plus a final piece.",
             {"external-service-unreachable": 1, "crypt-key-length": 1, "alembic-version-mismatch": 1})

# ================================================================ handmade: docker compose output
def compose_case():
    c = "compose-logs-athena"
    P = lambda name, width=19: (lambda msg: f"{name:<{width}}| {msg}")
    db, be, fe = P("athena_eye_db"), P("athena_eye_backend"), P("athena_eye_frontend")
    logs = [db(l.format(t="2025-03-14 03:10:30")) for l in MYSQL_START]
    logs += [db("2025-03-14T03:10:31.002114Z 0 [System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld 8.0.41) initializing of server in progress as process 80"),
             db("2025-03-14T03:10:31.019730Z 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.")]
    logs += [be(l) for l in gunicorn_boot("2025-03-14 03:21:07", 1, 8)]
    logs += [fe("/docker-entrypoint.sh: Configuration complete; ready for start up"),
             fe('203.0.113.7 - - [14/Mar/2025:03:27:03 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\\x8F\\x1B\\xC4 \\x92" 400 157 "-" "-"'),
             fe('2025/03/14 03:27:12 [error] 29#29: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: localhost, request: "POST /api/v1/login HTTP/1.1", upstream: "http://172.19.0.3:8000/api/v1/login", host: "34.85.10.7"'),
             fe('203.0.113.7 - - [14/Mar/2025:03:27:12 +0000] "POST /api/v1/login HTTP/1.1" 502 157 "http://34.85.10.7/login" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"')]
    w(os.path.join(CORPUS, c, "home/xiaofeng_0209/athena-eye/compose-logs.txt"), "\n".join(logs) + "\n")
    up = [
        "[+] Running 4/4",
        " \u2714 Network athena-eye_default     Created                                                     0.1s",
        " \u2714 Container athena_eye_db        Healthy                                                    31.2s",
        " \u2714 Container athena_eye_backend   Started                                                    31.5s",
        " \u2714 Container athena_eye_frontend  Started                                                    31.9s",
        "Attaching to athena_eye_backend, athena_eye_db, athena_eye_frontend",
        "athena_eye_db exited with code 137",
        "",
        "[+] Running 2/3",
        " \u2718 Container athena_eye_db        Error                                                     61.4s",
        " \u2718 Container athena_eye_backend   Error dependency db failed to start                        61.4s",
        " \u283f Container athena_eye_frontend  Waiting                                                   61.4s",
        "dependency failed to start: container athena_eye_db is unhealthy",
    ]
    w(os.path.join(CORPUS, c, "home/xiaofeng_0209/athena-eye/compose-up.txt"), "\n".join(up) + "\n")
    expected(c, "docker compose logs and docker compose up output of the three-container stack.",
             {"missing-log-directory": 1, "tls-on-http-port": 1, "upstream-connection-refused": 1,
              "mysql-oom-killed": 1, "container-dependency-unhealthy": 2})

# ================================================================ handmade: kernel logs as plain text
def kern_case():
    c = "host-kern-dmesg"
    kern = [
        "2025-03-14T03:11:57.440113+00:00 athena-eye kernel: [ 8123.440113] mysqld invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
        "2025-03-14T03:11:57.440150+00:00 athena-eye kernel: [ 8123.440150] CPU: 0 PID: 2318 Comm: mysqld Not tainted 6.1.0-31-cloud-amd64 #1 Debian 6.1.128-1",
        "2025-03-14T03:11:57.441002+00:00 athena-eye kernel: [ 8123.441002] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
        "2025-03-14T03:11:57.441017+00:00 athena-eye kernel: [ 8123.441017] [   2318]   999  2318   443051    99636  1208320        0             0 mysqld",
        "2025-03-14T03:11:57.441021+00:00 athena-eye kernel: [ 8123.441021] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=docker-3f2c9a1be0d4.scope,mems_allowed=0,global_oom,task_memcg=/system.slice/docker-3f2c9a1be0d4.scope,task=mysqld,pid=2318,uid=999",
        "2025-03-14T03:11:57.441060+00:00 athena-eye kernel: [ 8123.441060] Out of memory: Killed process 2318 (mysqld) total-vm:1772204kB, anon-rss:398544kB, file-rss:0kB, shmem-rss:0kB, UID:999 pgtables:1180kB oom_score_adj:0",
        "2025-03-14T03:11:57.502311+00:00 athena-eye kernel: [ 8123.502311] oom_reaper: reaped process 2318 (mysqld), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        "2025-03-14T04:02:31.110402+00:00 athena-eye kernel: [11157.110402] java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
        "2025-03-14T04:02:31.112980+00:00 athena-eye kernel: [11157.112980] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/es.service,task=java,pid=3990,uid=112",
        "2025-03-14T04:02:31.113004+00:00 athena-eye kernel: [11157.113004] Out of memory: Killed process 3990 (java) total-vm:3790724kB, anon-rss:610910kB, file-rss:6822kB, shmem-rss:0kB, UID:112 pgtables:2120kB oom_score_adj:0",
    ]
    w(os.path.join(CORPUS, c, "var/log/kern.log"), "\n".join(kern) + "\n")
    # an older kernel on the other VM (CentOS 7 style), as `dmesg -T` prints it
    dm = [
        "[Tue Mar 11 22:14:03 2025] mysqld invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
        "[Tue Mar 11 22:14:03 2025] Out of memory: Kill process 1342 (mysqld) score 612 or sacrifice child",
        "[Tue Mar 11 22:14:03 2025] Killed process 1342 (mysqld), UID 27, total-vm:1653284kB, anon-rss:401228kB, file-rss:0kB, shmem-rss:0kB",
        "[Tue Mar 11 22:40:51 2025] Out of memory: Kill process 2210 (node) score 301 or sacrifice child",
        "[Tue Mar 11 22:40:51 2025] Killed process 2210 (node), UID 1000, total-vm:1193112kB, anon-rss:281244kB, file-rss:0kB, shmem-rss:0kB",
    ]
    w(os.path.join(CORPUS, c, "root/dmesg-db2.txt"), "\n".join(dm) + "\n")
    expected(c, "Kernel messages in a syslog file and in dmesg -T output, new and old kernel wording, several victims.",
             {"mysql-oom-killed": 5, "process-oom-killed": 4})

# ================================================================ handmade: a shell session log
def shell_case():
    c = "shell-session-athena"
    s = [
        "xiaofeng_0209@athena-eye:~/athena-eye$ docker ps",
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/json": dial unix /var/run/docker.sock: connect: permission denied',
        "xiaofeng_0209@athena-eye:~/athena-eye$ sudo usermod -aG docker $USER",
        "xiaofeng_0209@athena-eye:~/athena-eye$ docker compose -f docker-compose.prod.yml up -d",
        "permission denied while trying to connect to the docker API at unix:///var/run/docker.sock",
        "xiaofeng_0209@athena-eye:~/athena-eye$ groups",
        "xiaofeng_0209 adm dip video plugdev google-sudoers",
        "xiaofeng_0209@athena-eye:~/athena-eye$ exit",
        "xiaofeng_0209@athena-eye:~/athena-eye$ groups",
        "xiaofeng_0209 adm dip video plugdev google-sudoers docker",
        "xiaofeng_0209@athena-eye:~/athena-eye$ docker ps -a",
        "CONTAINER ID   IMAGE                      COMMAND                  CREATED          STATUS                       PORTS                NAMES",
        '9b1e77c2a0f3   athena-eye-frontend:prod   "/docker-entrypoint.\u2026"   14 minutes ago   Created                                           athena_eye_frontend',
        '5d0e8f3b7c21   athena-eye-backend:prod    "gunicorn -w 2 -b 0.\u2026"   14 minutes ago   Created                                           athena_eye_backend',
        '3f2c9a1be0d4   mysql:8.0                  "docker-entrypoint.s\u2026"   14 minutes ago   Exited (137) 12 minutes ago                       athena_eye_db',
        "xiaofeng_0209@athena-eye:~/athena-eye$ docker events --since 20m --until 0m --filter container=athena_eye_db",
        "2025-03-14T03:10:30.401822637Z container start 3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e (com.docker.compose.project=athena-eye, com.docker.compose.service=db, image=mysql:8.0, name=athena_eye_db)",
        "2025-03-14T03:12:09.117803114Z container oom 3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e (com.docker.compose.project=athena-eye, com.docker.compose.service=db, image=mysql:8.0, name=athena_eye_db)",
        "2025-03-14T03:12:09.214488301Z container die 3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e (com.docker.compose.project=athena-eye, com.docker.compose.service=db, exitCode=137, image=mysql:8.0, name=athena_eye_db)",
        "xiaofeng_0209@athena-eye:~/athena-eye$ docker run -d -p 80:80 --name probe nginx:1.27",
        "e41b0c9d2f7a8b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
        "docker: Error response from daemon: driver failed programming external connectivity on endpoint probe (8c1f0e2d3b4a5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d): Bind for 0.0.0.0:80 failed: port is already allocated.",
        "xiaofeng_0209@athena-eye:~/athena-eye$ sudo ss -ltnp | grep ':80 '",
        'LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=73691,fd=6),("nginx",pid=73690,fd=6))',
    ]
    w(os.path.join(CORPUS, c, "home/xiaofeng_0209/screenlog.0"), "\r\n".join(s) + "\r\n")
    expected(c, "A screen session log: docker CLI before and after a group change, container listing, events, a port clash.",
             {"docker-socket-permission-denied": 2, "mysql-oom-killed": 2, "port-already-in-use": 1})

# ================================================================ handmade: JupyterHub 4.x log file + upgrade-db run
def jhub_case():
    c = "jupyterhub-plain"
    log = [
        "[I 2024-10-04 07:37:39.102 JupyterHub app:2859] Running JupyterHub version 4.1.5",
        "[I 2024-10-04 07:37:39.514 JupyterHub app:3224] Adding external service binder at http://binderhub:8090",
        "[E 2024-10-04 07:37:40.531 JupyterHub app:3246] Cannot connect to external service binder at http://binderhub:8090. Is it running?",
        "[I 2024-10-04 07:37:40.902 JupyterHub app:3424] JupyterHub is now running at http://:8000",
        "[W 2024-10-04 07:38:41.631 JupyterHub app:2508] Cannot connect to external service binder at http://binderhub:8090",
        "[W 2024-10-04 07:39:41.633 JupyterHub app:2508] Cannot connect to external service binder at http://binderhub:8090",
        "[I 2024-10-04 07:40:12.208 JupyterHub log:192] 200 GET /hub/api (@127.0.0.1) 0.71ms",
    ]
    w(os.path.join(CORPUS, c, "var/log/jupyterhub/jupyterhub.log"), "\n".join(log) + "\n")
    up = [
        "$ docker run --rm --network ai-infra-network --env POSTGRES_DB=ansible_playbook_generator ai-infra-jupyterhub:latest jupyterhub upgrade-db",
        "[I 2025-08-05 02:10:40.511 JupyterHub app:3384] Upgrading postgresql://jupyterhub:***@ai-infra-postgres:5432/ansible_playbook_generator",
        "[I 2025-08-05 02:10:40.902 alembic.runtime.migration] Context impl PostgresqlImpl.",
        "[I 2025-08-05 02:10:40.903 alembic.runtime.migration] Will assume transactional DDL.",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/alembic/script/revision.py", line 238, in _revision_map',
        "    ...",
        "alembic.util.exc.CommandError: Can't locate revision identified by '19c0846f6344'",
        "$ docker exec ai-infra-postgres psql -U postgres -d ansible_playbook_generator -c \"UPDATE alembic_version SET version_num='833da8570507'\"",
        "UPDATE 1",
        "$ docker run --rm --network ai-infra-network --env POSTGRES_DB=ansible_playbook_generator ai-infra-jupyterhub:latest jupyterhub upgrade-db",
        "[I 2025-08-05 02:14:03.118 alembic.runtime.migration] Context impl PostgresqlImpl.",
        "[I 2025-08-05 02:14:03.119 alembic.runtime.migration] Will assume transactional DDL.",
        "[I 2025-08-05 02:14:03.141 alembic.runtime.migration] Running upgrade 833da8570507 -> 4621fec11365, manage roles",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/default.py", line 941, in do_execute',
        "    cursor.execute(statement, parameters)",
        'psycopg2.errors.DuplicateTable: relation "roles" already exists',
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateTable) relation "roles" already exists',
        "[SQL: ",
        "CREATE TABLE roles (",
        "\tid SERIAL NOT NULL, ",
        "\tname VARCHAR(255), ",
        "\tPRIMARY KEY (id)",
        ")",
        "",
        "]",
        "(Background on this error at: https://sqlalche.me/e/20/f405)",
    ]
    w(os.path.join(CORPUS, c, "root/upgrade-db.txt"), "\n".join(up) + "\n")
    expected(c, "A JupyterHub 4.x log that keeps retrying a service, and two attempts to upgrade a shared database.",
             {"external-service-unreachable": 3, "alembic-version-mismatch": 3})

# ================================================================ negatives: near misses only
def negatives_case():
    c = "negatives"
    app = [
        # missing executable / data files are not a missing log directory
        "[E 2025-08-05 01:04:12.310 JupyterHub proxy:748] Failed to find proxy ['configurable-http-proxy']",
        "FileNotFoundError: [Errno 2] No such file or directory: 'configurable-http-proxy'",
        "[2025-03-14 03:30:01 +0000] [1] [INFO] Booting worker with pid: 12",
        "Traceback (most recent call last):",
        '  File "/app/app/model.py", line 7, in <module>',
        "    CLASSIFIER = joblib.load(MODEL_PATH)",
        "FileNotFoundError: [Errno 2] No such file or directory: '/app/models/classifier.pkl'",
        "[2025-03-14 03:30:02 +0000] [1] [ERROR] Reason: Worker failed to boot.",
        "Error: ENOENT: no such file or directory, open '/app/config/settings.json'",
        # other projects' key-length messages, and a missing (not wrong-length) key
        "auth_state is enabled, but encryption is not available: Encryption keys must be specified in JUPYTERHUB_CRYPT_KEY env",
        "ValueError: Encryption keys must be 32 bytes for AES-256",
        # schema messages that are not a mismatch
        "[D 2025-08-05 01:02:26.301 JupyterHub orm:1040] database schema version found: 4621fec11365",
        "alembic.util.exc.CommandError: Can't locate revision identified by 'head'",
        'psycopg2.errors.DuplicateTable: relation "users" already exists',
        # JupyterHub lines around services that are fine or managed
        "[I 2024-10-04 07:37:39.514 JupyterHub app:3224] Adding external service binder at http://binderhub:8090",
        "[E 2024-10-18 10:18:09.522 JupyterHub app:3652] Cannot connect to managed service cull-idle at http://127.0.0.1:10101. Is it running?",
        # compose and docker lines that are healthy or about other containers
        " \u2714 Container athena_eye_db        Healthy                                                    31.2s",
        " \u283f Container athena_eye_frontend  Waiting                                                    1.2s",
        "athena_eye_backend exited with code 137",
        "athena_eye_db exited with code 1",
        '9b1e77c2a0f3   athena-eye-frontend:prod   "/docker-entrypoint.\u2026"   2 hours ago   Exited (137) 1 hour ago   athena_eye_frontend',
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
        # mysql lines that are not option errors
        "2025-03-14T03:10:31.215001Z 0 [ERROR] [MY-010119] [Server] Aborting",
        "mysqld: [ERROR] Fatal error in defaults handling. Program aborted!",
        "make: warning: unknown variable 'CFLAGS_EXTRA'",
        # apt messages that are not a held lock or a missing key
        "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)",
        "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?",
        "W: https://download.docker.com/linux/ubuntu/dists/jammy/InRelease: Key is stored in legacy trusted.gpg keyring (/etc/apt/trusted.gpg), see the DEPRECATION section in apt-key(8) for details.",
        # systemd lines that are not failures
        "Feb 11 10:30:00 meiyueart systemd[1]: flask-app.service: Main process exited, code=exited, status=0/SUCCESS",
        "Feb 11 10:30:00 meiyueart systemd[1]: flask-app.service: Deactivated successfully.",
        "Feb 11 10:30:05 meiyueart systemd[1]: flask-app.service: Scheduled restart job, restart counter is at 1.",
        "Feb 11 10:30:05 meiyueart systemd[1]: Started flask-app.service - Flask backend (meiyueart).",
        # ports: a permission problem and a healthy listener
        "nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)",
        "[2025-06-02 14:10:03 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
        # upstream trouble that is not a refused connection or an unresolvable name
        "curl: (6) Could not resolve host: ai-infra-jupyterhub",
        'psql: error: connection to server at "127.0.0.1", port 5432 failed: Connection refused',
    ]
    w(os.path.join(CORPUS, c, "var/log/app/near-misses.log"), "\n".join(app) + "\n")
    acc = [
        '198.51.100.9 - - [14/Mar/2025:09:21:00 +0000] "SSH-2.0-Go" 400 157 "-" "-"',
        '198.51.100.9 - - [14/Mar/2025:09:21:01 +0000] "GET /\\x00 HTTP/1.1" 400 157 "-" "-"',
        '198.51.100.9 - - [14/Mar/2025:09:21:02 +0000] "-" 400 0 "-" "-"',
        '198.51.100.9 - - [14/Mar/2025:09:21:02 +0000] "" 400 0 "-" "-"',
        '198.51.100.9 - - [14/Mar/2025:09:21:03 +0000] "\\x03\\x00\\x00/*\\xE0\\x00\\x00\\x00\\x00\\x00Cookie: mstshash=Administr" 400 157 "-" "-"',
        '198.51.100.9 - - [14/Mar/2025:09:21:04 +0000] "GET /favicon.ico HTTP/1.1" 404 555 "-" "Mozilla/5.0"',
        '223.104.3.17 - - [14/Mar/2025:09:21:05 +0000] "POST /api/login HTTP/1.1" 502 157 "-" "Mozilla/5.0"',
        '198.51.100.9 - - [14/Mar/2025:09:21:06 +0000] "GET /\\x16\\x03\\x01 HTTP/1.1" 404 153 "-" "curl/8.5.0"',
    ]
    w(os.path.join(CORPUS, c, "var/log/nginx/access.log"), "\n".join(acc) + "\n")
    err = [
        '2025/03/14 09:21:00 [info] 29#29: *5 client sent invalid method while reading client request line, client: 198.51.100.9, server: _, request: "SSH-2.0-Go"',
        '2025/03/14 09:21:04 [error] 29#29: *9 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 198.51.100.9, server: _, request: "GET /favicon.ico HTTP/1.1", host: "34.85.10.7"',
        '2025/03/14 09:21:07 [error] 29#29: *10 open() "/usr/share/nginx/html/debug.log" failed (2: No such file or directory), client: 198.51.100.9, server: _, request: "GET /debug.log HTTP/1.1", host: "34.85.10.7"',
        '2025/03/14 09:21:08 [emerg] 1#1: open() "/etc/nginx/conf.d/jupyter.conf" failed (2: No such file or directory) in /etc/nginx/nginx.conf:31',
        '2025/03/14 09:21:09 [error] 29#29: *11 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.9, server: _, request: "GET /api/report HTTP/1.1", upstream: "http://172.19.0.3:8000/api/report", host: "34.85.10.7"',
    ]
    w(os.path.join(CORPUS, c, "var/log/nginx/error.log"), "\n".join(err) + "\n")
    # kernel: OOM kills of other processes only
    kern = [
        "Mar 14 04:02:31 athena-eye kernel: [11157.110402] mysqld invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
        "Mar 14 04:02:31 athena-eye kernel: [11157.112980] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=node,pid=5678,uid=1000",
        "Mar 14 04:02:31 athena-eye kernel: [11157.113004] Out of memory: Killed process 5678 (node) total-vm:1234567kB, anon-rss:987654kB, file-rss:123456kB, shmem-rss:0kB, UID:1000 pgtables:2120kB oom_score_adj:0",
        "Mar 14 04:05:10 athena-eye kernel: [11316.001220] Memory cgroup out of memory: Killed process 17143 (java) total-vm:7790724kB, anon-rss:4108910kB, file-rss:6822kB, shmem-rss:0kB, UID:1001 pgtables:9120kB oom_score_adj:0",
    ]
    w(os.path.join(CORPUS, c, "var/log/kern.log"), "\n".join(kern) + "\n")
    # docker json-file: a non-database container killed with 137, and a healthy compose line inside a log
    clk = Clock(datetime(2025, 3, 14, 9, 30, 0))
    ents = docker_entries(["[2025-03-14 09:30:00 +0000] [1] [INFO] Handling signal: term",
                           "worker <pid 12> exited with code 137 after 30s timeout",
                           "[2025-03-14 09:30:01 +0000] [1] [INFO] Shutting down: Master"], "stderr", clk)
    cid = hashlib.sha256(b"negatives/worker").hexdigest()
    base = os.path.join(CORPUS, c, "var/lib/docker/containers", cid)
    w(os.path.join(base, "config.v2.json"), json.dumps({"ID": cid, "Name": "/athena_eye_worker", "Config": {"Image": "athena-eye-backend:prod"}}, separators=(",", ":")))
    w(os.path.join(base, cid + "-json.log"), "".join(ents))
    expected(c, "Near misses of the design's sixteen incidents in several formats; seven lines are incidents of the grown catalog instead (OOM kills of node and java, a refused psql, an unresolvable name for curl, a stopped docker daemon, a missing nginx include, an upstream timeout).",
             {'database-connection-refused': 1, 'dns-resolution-failed': 1, 'docker-daemon-not-running': 1, 'nginx-config-invalid': 1, 'process-oom-killed': 3, 'upstream-timeout': 1})

# Cases of real captures kept as recorded (scripts/corpus/captures/<case>/HOWTO.txt says how): never rebuilt here.
CAPTURED = {name for name in os.listdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures"))
            if not name.startswith("_")}

def main():
    if os.path.isdir(CORPUS):
        for name in os.listdir(CORPUS):
            p = os.path.join(CORPUS, name)
            if os.path.isdir(p) and name not in CAPTURED:
                shutil.rmtree(p)
    nginx_cases(); journal_cases(); apt_case()
    docker_case(); cri_case(); compose_case(); kern_case(); shell_case(); jhub_case(); negatives_case()

if __name__ == "__main__":
    main()
