#!/usr/bin/env python3
"""gen_journal.py OUTDIR — build journald samples with the REAL journald tools.

Writes a journal export stream by hand (fixed times, fixed boot/machine ids), feeds it to
`/lib/systemd/systemd-journal-remote -o X.journal -` (apt-get install -y systemd-journal-remote), and lets
`journalctl --file X.journal -o export` / `-o json` write what the corpus keeps, so the bytes are journalctl's own.

  OUTDIR/flask.export     host meiyueart-prod, 2025-02-11: flask-app.service crash loop (gunicorn cannot open
                          its log file), systemd giving up, a kernel OOM kill of mysqld; one MESSAGE is a binary
                          field with embedded newlines.
  OUTDIR/athena.json      host athena-eye, 2025-03-14: memory-cgroup OOM kill of mysqld in a container, an OOM
                          kill of node (not the database), dockerd/containerd noise.
"""
import os, struct, subprocess, sys, tempfile
from datetime import datetime, timezone

BOOT = "5e1c0b7f3a9d4c21b8e6f0a2d4c6e8f1"
MACHINE = "a41d2c9e7b3f4e5d8c1b0a9f8e7d6c5b"

def us(s):  # "2025-02-11 10:00:01.123456" (UTC) -> microseconds
    return int(datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp() * 1_000_000)

def entry(t, msg, host, **f):
    e = {"__REALTIME_TIMESTAMP": str(us(t)), "__MONOTONIC_TIMESTAMP": str(us(t) - us("2025-01-01 00:00:00.000000")),
         "_BOOT_ID": BOOT, "_MACHINE_ID": MACHINE, "_HOSTNAME": host, "MESSAGE": msg}
    e.update({k: str(v) for k, v in f.items()})
    return e

def export(entries):
    out = bytearray()
    for e in entries:
        for k, v in e.items():
            vb = v.encode() if isinstance(v, str) else v
            if b"\n" in vb or any(c < 0x20 and c != 0x09 for c in vb):
                out += k.encode() + b"\n" + struct.pack("<Q", len(vb)) + vb + b"\n"
            else:
                out += k.encode() + b"=" + vb + b"\n"
        out += b"\n"
    return bytes(out)

def gunicorn(t, pid, text, host):
    return entry(t, text, host, PRIORITY=6, SYSLOG_FACILITY=3, SYSLOG_IDENTIFIER="gunicorn", _TRANSPORT="stdout",
                 _PID=pid, _UID=33, _GID=33, _COMM="gunicorn", _SYSTEMD_UNIT="flask-app.service",
                 _SYSTEMD_CGROUP="/system.slice/flask-app.service", _STREAM_ID="9f0c1d2e3b4a59687766554433221100")

def pid1(t, text, unit, host, prio=6, **extra):
    return entry(t, text, host, PRIORITY=prio, SYSLOG_FACILITY=3, SYSLOG_IDENTIFIER="systemd", _TRANSPORT="journal",
                 _PID=1, _UID=0, _GID=0, _COMM="systemd", _EXE="/usr/lib/systemd/systemd", UNIT=unit,
                 _SYSTEMD_UNIT="init.scope", _SYSTEMD_CGROUP="/init.scope", CODE_FILE="src/core/unit.c", **extra)

def kernel(t, text, host, prio=3):
    return entry(t, text, host, PRIORITY=prio, SYSLOG_FACILITY=0, SYSLOG_IDENTIFIER="kernel", _TRANSPORT="kernel",
                 _SOURCE_MONOTONIC_TIMESTAMP=str(us(t) - us("2025-01-01 00:00:00.000000")))

def flask_entries():
    H = "meiyueart-prod"
    E = []
    def boot_cycle(base_s, master, worker, counter):
        ts = lambda s: f"2025-02-11 10:{base_s + s // 60:02d}:{s % 60:02d}.{(worker * 7919) % 1000000:06d}"
        local = lambda s: f"2025-02-11 18:{base_s + s // 60:02d}:{s % 60:02d} +0800"
        E.append(pid1(ts(0), "Started flask-app.service - Flask backend (meiyueart).", "flask-app.service", H,
                      JOB_TYPE="start", JOB_RESULT="done"))
        E.append(gunicorn(ts(1), master, f"[{local(1)}] [{master}] [INFO] Starting gunicorn 21.2.0", H))
        E.append(gunicorn(ts(1), master, f"[{local(1)}] [{master}] [INFO] Listening at: http://127.0.0.1:8080 ({master})", H))
        E.append(gunicorn(ts(1), master, f"[{local(1)}] [{master}] [INFO] Using worker: sync", H))
        E.append(gunicorn(ts(1), worker, f"[{local(1)}] [{worker}] [INFO] Booting worker with pid: {worker}", H))
        E.append(gunicorn(ts(2), worker, f"[{local(2)}] [{worker}] [ERROR] Exception in worker process", H))
        for line in [
            "Traceback (most recent call last):",
            '  File "/var/www/meiyueart/venv/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker',
            "    worker.init_process()",
            '  File "/var/www/meiyueart/venv/lib/python3.11/site-packages/gunicorn/workers/base.py", line 134, in init_process',
            "    self.load_wsgi()",
            '  File "/var/www/meiyueart/venv/lib/python3.11/site-packages/gunicorn/workers/base.py", line 146, in load_wsgi',
            "    self.wsgi = self.app.wsgi()",
            '  File "/var/www/meiyueart/app/__init__.py", line 18, in <module>',
            "    handler = logging.FileHandler(LOG_DIR / \"flask-app.log\")",
            '  File "/usr/lib/python3.11/logging/__init__.py", line 1181, in __init__',
            "    StreamHandler.__init__(self, self._open())",
            '  File "/usr/lib/python3.11/logging/__init__.py", line 1213, in _open',
            "    return open_func(self.baseFilename, self.mode,",
            "FileNotFoundError: [Errno 2] No such file or directory: '/var/www/meiyueart/logs/flask-app.log'",
        ]:
            E.append(gunicorn(ts(2), worker, line, H))
        E.append(gunicorn(ts(2), worker, f"[{local(2)}] [{worker}] [INFO] Worker exiting (pid: {worker})", H))
        E.append(gunicorn(ts(3), master, f"[{local(3)}] [{master}] [ERROR] Worker (pid:{worker}) exited with code 3", H))
        E.append(gunicorn(ts(3), master, f"[{local(3)}] [{master}] [ERROR] Shutting down: Master", H))
        E.append(gunicorn(ts(3), master, f"[{local(3)}] [{master}] [ERROR] Reason: Worker failed to boot.", H))
        E.append(pid1(ts(3), "flask-app.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED", "flask-app.service", H, prio=5,
                      EXIT_CODE="exited", EXIT_STATUS="3"))
        E.append(pid1(ts(3), "flask-app.service: Failed with result 'exit-code'.", "flask-app.service", H, prio=4,
                      UNIT_RESULT="exit-code"))
        if counter:
            E.append(pid1(ts(13), f"flask-app.service: Scheduled restart job, restart counter is at {counter}.", "flask-app.service", H))
            E.append(pid1(ts(13), "Stopped flask-app.service - Flask backend (meiyueart).", "flask-app.service", H))
    E.append(entry("2025-02-11 09:59:58.402117", "Reached target multi-user.target - Multi-User System.", H,
                   PRIORITY=6, SYSLOG_IDENTIFIER="systemd", _TRANSPORT="journal", _PID=1, _COMM="systemd", _SYSTEMD_UNIT="init.scope"))
    # an audit logger set up lazily logs its own failure through the journal handler: one binary MESSAGE
    boot_cycle(0, 812, 815, 1)
    E.append(entry("2025-02-11 10:00:02.771204",
                   "audit logger setup failed\nTraceback (most recent call last):\n"
                   '  File "/var/www/meiyueart/app/audit.py", line 22, in get_audit_logger\n'
                   "    h = RotatingFileHandler(AUDIT_LOG, maxBytes=10485760, backupCount=5)\n"
                   '  File "/usr/lib/python3.11/logging/handlers.py", line 155, in __init__\n'
                   "    BaseRotatingHandler.__init__(self, filename, mode, encoding=encoding,\n"
                   "FileNotFoundError: [Errno 2] No such file or directory: '/var/www/meiyueart/logs/audit.log'",
                   H, PRIORITY=3, SYSLOG_IDENTIFIER="flask-app", _TRANSPORT="journal", _PID=815, _COMM="gunicorn",
                   _SYSTEMD_UNIT="flask-app.service", CODE_FILE="/var/www/meiyueart/app/audit.py", CODE_LINE=25,
                   CODE_FUNC="get_audit_logger", LOGGER="app.audit"))
    boot_cycle(1, 846, 849, 0)
    E.append(pid1("2025-02-11 10:01:04.000113", "flask-app.service: Start request repeated too quickly.", "flask-app.service", H, prio=4))
    E.append(pid1("2025-02-11 10:01:04.000188", "flask-app.service: Failed with result 'exit-code'.", "flask-app.service", H, prio=4,
                  UNIT_RESULT="exit-code"))
    E.append(pid1("2025-02-11 10:01:04.000301", "Failed to start flask-app.service - Flask backend (meiyueart).", "flask-app.service", H, prio=3,
                  JOB_TYPE="start", JOB_RESULT="failed"))
    # later: the MySQL server on the same VM is OOM-killed
    E.append(kernel("2025-02-11 10:20:41.118032", "mysqld invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0", H, prio=4))
    E.append(kernel("2025-02-11 10:20:41.118410", "Mem-Info:", H, prio=4))
    E.append(kernel("2025-02-11 10:20:41.119921", "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/mysql.service,task=mysqld,pid=1342,uid=113", H, prio=6))
    E.append(kernel("2025-02-11 10:20:41.119950", "Out of memory: Killed process 1342 (mysqld) total-vm:1765432kB, anon-rss:402116kB, file-rss:0kB, shmem-rss:0kB, UID:113 pgtables:1204kB oom_score_adj:0", H))
    E.append(pid1("2025-02-11 10:20:41.163002", "mysql.service: A process of this unit has been killed by the OOM killer.", "mysql.service", H, prio=4))
    E.append(pid1("2025-02-11 10:20:41.402551", "mysql.service: Main process exited, code=killed, status=9/KILL", "mysql.service", H, prio=5,
                  EXIT_CODE="killed", EXIT_STATUS="9"))
    E.append(pid1("2025-02-11 10:20:41.402620", "mysql.service: Failed with result 'oom-kill'.", "mysql.service", H, prio=4,
                  UNIT_RESULT="oom-kill"))
    E.append(pid1("2025-02-11 10:20:46.650210", "mysql.service: Scheduled restart job, restart counter is at 1.", "mysql.service", H))
    E.append(pid1("2025-02-11 10:20:46.651002", "Started mysql.service - MySQL Community Server.", "mysql.service", H))
    return E

def athena_entries():
    H = "athena-eye"
    E = []
    def dockerd(t, text, prio=6):
        E.append(entry(t, text, H, PRIORITY=prio, SYSLOG_FACILITY=3, SYSLOG_IDENTIFIER="dockerd", _TRANSPORT="stdout",
                       _PID=712, _COMM="dockerd", _SYSTEMD_UNIT="docker.service"))
    dockerd("2025-03-14 03:10:02.114020", 'time="2025-03-14T03:10:02.113877412Z" level=info msg="Loading containers: done."')
    E.append(kernel("2025-03-14 03:12:08.903311", "mysqld invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0", H, prio=4))
    E.append(kernel("2025-03-14 03:12:08.904870", "memory: usage 524288kB, limit 524288kB, failcnt 1873", H, prio=6))
    E.append(kernel("2025-03-14 03:12:08.905944", "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=docker-3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e.scope,mems_allowed=0,oom_memcg=/system.slice/docker-3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e.scope,task_memcg=/system.slice/docker-3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e.scope,task=mysqld,pid=2318,uid=999", H, prio=6))
    E.append(kernel("2025-03-14 03:12:08.905977", "Memory cgroup out of memory: Killed process 2318 (mysqld) total-vm:1512044kB, anon-rss:487312kB, file-rss:20480kB, shmem-rss:0kB, UID:999 pgtables:1248kB oom_score_adj:0", H))
    dockerd("2025-03-14 03:12:09.118612", 'time="2025-03-14T03:12:09.118277013Z" level=info msg="ignoring event" container=3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"')
    E.append(entry("2025-03-14 03:12:09.120044", 'time="2025-03-14T03:12:09.119805521Z" level=info msg="shim disconnected" id=3f2c9a1be0d4c6f18a7e2b9d0c1f4a5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e namespace=moby', H,
                   PRIORITY=6, SYSLOG_IDENTIFIER="containerd", _TRANSPORT="stdout", _PID=688, _COMM="containerd", _SYSTEMD_UNIT="containerd.service"))
    # a different process killed later: not the database
    E.append(kernel("2025-03-14 03:40:15.500120", "node invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0", H, prio=4))
    E.append(kernel("2025-03-14 03:40:15.502231", "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1001.slice/session-3.scope,task=node,pid=4410,uid=1001", H, prio=6))
    E.append(kernel("2025-03-14 03:40:15.502260", "Out of memory: Killed process 4410 (node) total-vm:1093112kB, anon-rss:301244kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:1020kB oom_score_adj:0", H))
    E.append(entry("2025-03-14 03:40:16.010331", "session-3.scope: A process of this unit has been killed by the OOM killer.", H,
                   PRIORITY=4, SYSLOG_IDENTIFIER="systemd", _TRANSPORT="journal", _PID=1, _COMM="systemd", UNIT="session-3.scope", _SYSTEMD_UNIT="init.scope"))
    return E

def run(entries, fmt, dest):
    with tempfile.TemporaryDirectory() as d:
        j = os.path.join(d, "x.journal")
        subprocess.run(["/lib/systemd/systemd-journal-remote", "-o", j, "-"], input=export(entries), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(dest, "wb") as f:
            subprocess.run(["journalctl", "--file", j, "-o", fmt, "--no-pager"], stdout=f, check=True)

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    run(flask_entries(), "export", os.path.join(out, "flask.export"))
    run(athena_entries(), "json", os.path.join(out, "athena.json"))

if __name__ == "__main__":
    main()
