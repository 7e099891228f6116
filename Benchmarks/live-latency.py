#!/usr/bin/env python3
"""Latency of `logtriage tail`: from a line being appended to its incident being printed.

A writer appends nginx error-log lines to a followed file at a steady rate (default 10,000 lines/s); every
`--hit-every`th line is evidence of a test incident and carries its sequence number. `logtriage tail --window 0
--output json` prints one JSON line per such record; a reader takes the time each arrives. The figure is the
time from the write(2) of a line to the read of its event, as percentiles, with the lines lost or printed twice.
The writer rotates the file (rename + create) every `--rotate-every` lines, as logrotate would, so the rotation
path is part of the measurement.

Standard library only. Usage:
    Benchmarks/live-latency.py [--binary .build/release/logtriage] [--seconds 30] [--rate 10000]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PATTERN = """id: latency-probe
title: Latency probe
severity: warning
summary: A line written by the latency benchmark.
evidence:
  - name: probe
    any: ['LATENCYPROBE']
    regex: 'LATENCYPROBE (?<seq>\\d+)'
values:
  seq: Sequence
remediation: |
  Nothing to do.
"""


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[k]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/logtriage")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=int, default=10000, help="lines per second")
    parser.add_argument("--hit-every", type=int, default=100, help="one probe line in this many")
    parser.add_argument("--rotate-every", type=int, default=50000, help="lines between rotations (0: never)")
    parser.add_argument("--poll", help="pass --poll INTERVAL to tail instead of using inotify")
    args = parser.parse_args()

    root = tempfile.mkdtemp(prefix="logtriage-latency-")
    logs = os.path.join(root, "logs")
    patterns = os.path.join(root, "patterns")
    os.makedirs(logs)
    os.makedirs(patterns)
    with open(os.path.join(patterns, "latency-probe.yaml"), "w") as f:
        f.write(PATTERN)
    path = os.path.join(logs, "error.log")
    open(path, "w").close()

    command = [args.binary, "tail", "--state", os.path.join(root, "state"), "--patterns", patterns,
               "--window", "0", "--output", "json", logs]
    if args.poll:
        command[2:2] = ["--poll", args.poll]
    tail = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    written = {}
    arrived = {}
    duplicates = [0]

    def read_events():
        for line in tail.stdout:
            now = time.monotonic()
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") != "incident":
                continue
            for seq in event.get("values", {}).get("seq", []):
                seq = int(seq)
                if seq in arrived:
                    duplicates[0] += 1
                else:
                    arrived[seq] = now

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    time.sleep(1.0)  # let tail start and take the file (it starts at the end of files it has not seen)

    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    total = int(args.seconds * args.rate)
    batch = max(1, args.rate // 1000)  # lines per millisecond
    started = time.monotonic()
    rotations = 0
    n = 0
    while n < total:
        chunk = []
        probes = []
        for _ in range(batch):
            n += 1
            if n % args.hit_every == 0:
                chunk.append(f"2025/08/05 01:03:02 [error] 1#1: *{n} LATENCYPROBE {n} upstream timed out\n")
                probes.append(n)
            else:
                chunk.append(f"2025/08/05 01:03:02 [info] 1#1: *{n} client closed keepalive connection\n")
        os.write(fd, "".join(chunk).encode())
        now = time.monotonic()
        for seq in probes:
            written[seq] = now
        if args.rotate_every and n % args.rotate_every < batch:
            os.rename(path, f"{path}.{rotations + 1}")
            rotations += 1
            os.close(fd)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        due = started + n / args.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    os.close(fd)
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 10
    while len(arrived) < len(written) and time.monotonic() < deadline:
        time.sleep(0.05)
    tail.terminate()
    tail.wait(timeout=30)
    reader.join(timeout=5)
    stderr = tail.stderr.read().decode(errors="replace")

    latencies = [(arrived[s] - written[s]) * 1000 for s in written if s in arrived]
    lost = len([s for s in written if s not in arrived])
    print(f"tail latency: {n} lines in {elapsed:.1f} s ({n / elapsed:,.0f} lines/s), {len(written)} probes, "
          f"{rotations} rotations, {'poll ' + args.poll if args.poll else 'inotify'}")
    print(f"  p50 {percentile(latencies, 50):.1f} ms · p90 {percentile(latencies, 90):.1f} ms · "
          f"p99 {percentile(latencies, 99):.1f} ms · max {max(latencies) if latencies else float('nan'):.1f} ms")
    print(f"  lost {lost} · printed twice {duplicates[0]}")
    target = percentile(latencies, 99) <= 200 and lost == 0 and duplicates[0] == 0
    print(f"  target p99 <= 200 ms at {args.rate} lines/s, nothing lost or doubled: {'met' if target else 'MISSED'}")
    if stderr.strip():
        print("  tail said: " + stderr.strip().replace("\n", "\n    "))
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
