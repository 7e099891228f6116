#!/usr/bin/env python3
"""Soak test of `logtriage tail`: rotation of every kind and SIGKILL at random moments, for minutes.

Lays out a host the way the issue describes it, under a temporary folder:
  var/log/nginx/error.log    rotated by logrotate with `create` + `delaycompress`, the writer reopening late
  var/log/nginx/access.log   rotated by logrotate with `copytruncate` + `compress`
  var/log/nginx/other.log    rotated by logrotate with `create` + `compress` (no delaycompress)
  var/lib/docker/containers/<id>/<id>-json.log   rotated the way dockerd does (`.1`, gzipped to `.1.gz`), with lines
                                                 split into partial entries, one split across each rotation
and runs `logtriage tail var/log/nginx var/lib/docker/containers --window 0 --output json`, killing it with
SIGKILL at random moments (sometimes staying down across a rotation) and starting it again, while writers append
numbered probe lines at a steady rate. At the end it checks, per file, that every probe line on disk was read
(logrotate itself loses some: copytruncate those written between its copy and its truncation, compress without
delaycompress those written to the renamed file after gzip took it; tail, holding the file open, still reads
these while it runs), that the count in `logtriage summary` is the number of distinct records printed (a record
counted twice would make it larger), and how many events were printed again after a kill (one printed just
before a kill is printed again after the restart; its count is not doubled). It also checks that the metrics file agrees with the summary.

Standard library only; needs logrotate and gzip. Usage:
    Benchmarks/live-soak.py [--binary .build/release/logtriage] [--seconds 120] [--rate 400]
"""
import argparse
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

PROBES = {
    "error": "PROBEERR",
    "access": "PROBEACC",
    "other": "PROBEOTH",
    "docker": "PROBEDOCK",
}


def pattern(kind, word):
    return f"""id: soak-{kind}
title: Soak probe ({kind})
severity: warning
summary: A line written by the soak benchmark.
evidence:
  - name: probe
    any: ['{word}']
    regex: '{word} (?<seq>\\d+)'
values:
  seq: Sequence
remediation: |
  Nothing to do.
"""


class Writer(threading.Thread):
    """Appends probe lines to one log at `rate` lines/s and rotates it every `every` lines."""

    def __init__(self, kind, path, rate, every, root, stop):
        super().__init__(daemon=True)
        self.kind, self.path, self.rate, self.every, self.root, self.stop = kind, path, rate, every, root, stop
        self.word = PROBES[kind]
        self.written = 0
        self.rotations = 0
        self.pending_compress = False
        self.error = None
        if kind != "docker":
            mode = {"error": "create\n    compress\n    delaycompress", "access": "copytruncate\n    compress",
                    "other": "create\n    compress"}[kind]
            self.config = os.path.join(root, f"logrotate-{kind}.conf")
            with open(self.config, "w") as f:
                f.write(f'"{path}" {{\n    rotate 1000\n    missingok\n    {mode}\n}}\n')

    def line(self, n):
        if self.kind == "access":
            return (f'10.0.0.{n % 250} - - [05/Aug/2025:01:03:02 +0000] "GET /{self.word} {n} HTTP/1.1" '
                    f'502 157 "-" "curl/8.0"\n')
        return f"2025/08/05 01:03:02 [error] 1#1: *{n} {self.word} {n} upstream timed out\n"

    def docker_entry(self, text, n):
        return json.dumps({"log": text, "stream": "stderr",
                           "time": f"2025-08-05T01:03:{n % 60:02d}.000000001Z"}) + "\n"

    def run(self):
        try:
            self.loop()
        except Exception as error:  # reported at the end
            self.error = repr(error)

    def loop(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        reopen_at = None
        started = time.monotonic()
        n = 0
        while not self.stop.is_set():
            n += 1
            if self.kind == "docker":
                text = f"{self.word} {n} upstream failed\n"
                rotate = n % self.every == 0
                if rotate or n % 10 == 0:
                    os.write(fd, self.docker_entry(text[:4], n).encode())
                    if rotate:
                        fd = self.docker_rotate(fd)
                    os.write(fd, self.docker_entry(text[4:], n).encode())
                    if self.pending_compress:
                        subprocess.run(["gzip", "-f", self.path + ".1"], check=True)
                        self.pending_compress = False
                else:
                    os.write(fd, self.docker_entry(text, n).encode())
            else:
                os.write(fd, self.line(n).encode())
                if n % self.every == 0:
                    subprocess.run(["logrotate", "-f", "-s", os.path.join(self.root, f"state-{self.kind}"),
                                    self.config], check=True)
                    self.rotations += 1
                    if self.kind != "access":
                        reopen_at = n + random.randint(5, 60)  # nginx reopens on USR1, a little later
            if reopen_at is not None and n >= reopen_at:
                os.close(fd)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                reopen_at = None
            self.written = n
            delay = started + n / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        os.close(fd)

    def docker_rotate(self, fd):
        os.close(fd)
        k = self.rotations
        while k >= 1:
            for suffix in ("", ".gz"):
                if os.path.exists(f"{self.path}.{k}{suffix}"):
                    os.rename(f"{self.path}.{k}{suffix}", f"{self.path}.{k + 1}{suffix}")
            k -= 1
        os.rename(self.path, self.path + ".1")
        self.rotations += 1
        fresh = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.pending_compress = True  # dockerd compresses `.1` to `.1.gz` right after, in the background
        return fresh


def rotation_order(name):
    """Sorts a rotated set oldest first: x.log.12.gz, …, x.log.2.gz, x.log.1, x.log."""
    parts = name.replace(".gz", "").rsplit(".", 1)
    return -int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else 1


def on_disk(folder, word):
    """The probe numbers in the files under `folder`, inflating rotations and joining docker's partial entries
    across files in rotation order."""
    seqs = []
    pattern_re = re.compile(re.escape(word) + r" (\d+)")
    names = sorted((n for n in os.listdir(folder) if n != "config.v2.json"), key=rotation_order)
    pending = ""
    for name in names:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read().decode(errors="replace")
        if "-json.log" in name:
            # A `log` without its newline continues in the next entry, which may be in the next file.
            joined = []
            for line in data.splitlines():
                try:
                    pending += json.loads(line)["log"]
                except ValueError:
                    continue
                if pending.endswith("\n"):
                    joined.append(pending)
                    pending = ""
            data = "".join(joined)
        seqs += [int(m) for m in pattern_re.findall(data)]
    return seqs


def summary(binary, state, patterns):
    run = subprocess.run([binary, "summary", "--state", state, "--patterns", patterns, "--output", "json"],
                         capture_output=True, text=True)
    document = json.loads(run.stdout)
    return {i["id"]: i["count"] for i in document["incidents"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/logtriage")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--rate", type=int, default=400, help="lines per second per writer")
    parser.add_argument("--rotate-every", type=int, default=700, help="lines between rotations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    random.seed(args.seed)
    binary = os.path.abspath(args.binary)

    root = tempfile.mkdtemp(prefix="logtriage-soak-")
    nginx = os.path.join(root, "var/log/nginx")
    containers = os.path.join(root, "var/lib/docker/containers")
    container_id = "ab" * 32
    docker_dir = os.path.join(containers, container_id)
    patterns = os.path.join(root, "patterns")
    for folder in (nginx, docker_dir, patterns):
        os.makedirs(folder)
    with open(os.path.join(docker_dir, "config.v2.json"), "w") as f:
        json.dump({"Name": "/soak-web", "ID": container_id}, f)
    for kind, word in PROBES.items():
        with open(os.path.join(patterns, f"soak-{kind}.yaml"), "w") as f:
            f.write(pattern(kind, word))
    paths = {"error": os.path.join(nginx, "error.log"), "access": os.path.join(nginx, "access.log"),
             "other": os.path.join(nginx, "other.log"),
             "docker": os.path.join(docker_dir, f"{container_id}-json.log")}
    for path in paths.values():
        open(path, "w").close()
    state = os.path.join(root, "state")
    metrics = os.path.join(root, "logtriage.prom")
    command = [binary, "tail", "--state", state, "--patterns", patterns, "--from-start", "--window", "0",
               "--output", "json", "--metrics-file", metrics, nginx, containers]

    runs = []

    def start():
        out = open(os.path.join(root, f"run{len(runs)}.out"), "w")
        err = open(os.path.join(root, f"run{len(runs)}.err"), "w")
        process = subprocess.Popen(command, stdout=out, stderr=err)
        runs.append((process, out.name, err.name))
        return process

    stop = threading.Event()
    writers = [Writer(kind, paths[kind], args.rate, args.rotate_every, root, stop) for kind in PROBES]
    tail = start()
    time.sleep(0.5)
    for writer in writers:
        writer.start()
    started = time.monotonic()
    kills = 0
    while time.monotonic() - started < args.seconds:
        time.sleep(random.uniform(0.2, 3.0))
        tail.send_signal(signal.SIGKILL)
        tail.wait()
        kills += 1
        if random.random() < 0.4:
            time.sleep(random.uniform(0.2, 2.0))  # down across a rotation, now and then
        tail = start()
    stop.set()
    for writer in writers:
        writer.join()
    truth = {kind: sorted(on_disk(nginx if kind != "docker" else docker_dir, word)) for kind, word in PROBES.items()}
    deadline = time.monotonic() + 30
    counts = {}
    while time.monotonic() < deadline:
        counts = summary(binary, state, patterns)
        if all(counts.get(f"soak-{k}", 0) >= len(v) for k, v in truth.items()):
            break
        time.sleep(0.5)
    time.sleep(1)
    tail.send_signal(signal.SIGTERM)
    status = tail.wait()
    counts = summary(binary, state, patterns)

    printed = {kind: [] for kind in PROBES}
    warnings = []
    for _, out, err in runs:
        with open(out) as f:
            for line in f:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue  # a line cut by SIGKILL
                if event.get("event") == "incident":
                    kind = event["id"].removeprefix("soak-")
                    printed[kind] += [int(s) for s in event["values"].get("seq", [])]
        with open(err) as f:
            warnings += [line.strip() for line in f if line.strip()]

    print(f"tail soak: {args.seconds:.0f} s, {kills} SIGKILLs, exit status at SIGTERM {status}")
    failed = status != 0
    for writer in writers:
        kind = writer.kind
        disk = truth[kind]
        counted = counts.get(f"soak-{kind}", 0)
        seen = set(printed[kind])
        # Every probe on disk was read; every record counted was printed and none counted twice (a record counted
        # twice would make the count exceed the distinct records printed); nothing counted that was not written.
        missed = len(set(disk) - seen)
        twice = len(printed[kind]) - len(seen)
        exact = missed == 0 and counted == len(seen) and counted <= writer.written and writer.error is None
        print(f"  {kind:7} {writer.written:6} lines written, {writer.rotations:3} rotations, {len(disk):6} on disk, "
              f"counted {counted:6}, distinct printed {len(seen):6}, on disk but not read {missed}, printed again "
              f"after a kill {twice}" + (f", writer error {writer.error}" if writer.error else "")
              + ("" if exact else "  <- WRONG"))
        failed |= not exact
    with open(metrics) as f:
        exposed = f.read()
    for kind in PROBES:
        match = re.search(r'logtriage_incidents_total\{id="soak-' + kind + r'",severity="warning"\} (\d+)', exposed)
        agree = match is not None and int(match.group(1)) == counts.get(f"soak-{kind}", 0)
        failed |= not agree
        if not agree:
            print(f"  metrics disagree for {kind}: {match.group(0) if match else 'missing'}")
    if warnings:
        print(f"  tail said ({len(warnings)} lines): " + "\n    ".join(warnings[:10]))
    print("  result: " + ("exact: nothing lost, nothing counted twice" if not failed else "FAILED"))
    if args.keep or failed:
        print(f"  kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
