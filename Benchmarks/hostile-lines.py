#!/usr/bin/env python3
"""Time every literal of the catalog on hostile lines: how long one record made to be hard costs each rule.

For each literal of patterns/ (or of --patterns DIR, which the scans then load) (Benchmarks/literals.py), writes one record of SIZE bytes: the literal, then the
literal followed by a space over and over (what makes an unanchored rule start again at every occurrence), and
another record of the literal followed by spaces; scans each with `logtriage scan` and reports the slowest. A
rule whose regex is quadratic on such a line shows as seconds where the others take milliseconds.

    Benchmarks/hostile-lines.py [--bin PATH] [--size 1M] [--top 10] [--patterns DIR]

Prints the slowest scans and the number over one second; exits 1 when any took a second or more.
Standard library only.
"""
import argparse, os, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))


def size_of(text):
    units = {"K": 1 << 10, "M": 1 << 20}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(here, "..", ".build", "release", "logtriage"))
    ap.add_argument("--size", default="1M")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--patterns")
    args = ap.parse_args()
    size = size_of(args.size)
    cmd = [sys.executable, os.path.join(here, "literals.py")] + (["--patterns", args.patterns] if args.patterns else [])
    literals = [l for l in subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split("\n") if l]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hostile.log")
        for literal in literals:
            for name, piece in (("literal repeated", literal + " "), ("spaces", " ")):
                body = (piece * (size // len(piece) + 1))[: size - len(literal)]
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(literal + body + "\n")
                start = time.monotonic()
                extra = ["-p", args.patterns] if args.patterns else []
                subprocess.run([args.bin, "scan", "--no-progress", "-o", "json"] + extra + [path], capture_output=True)
                results.append((time.monotonic() - start, literal, name))
    results.sort(reverse=True)
    print(f"{len(results)} scans of one {args.size} record each ({len(literals)} literals x 2 shapes), {args.bin}")
    print(f"{'seconds':>8}  shape              literal")
    for seconds, literal, name in results[: args.top]:
        print(f"{seconds:8.3f}  {name:<17}  {literal!r}")
    slow = [r for r in results if r[0] >= 1.0]
    print(f"median {results[len(results) // 2][0]:.3f} s; {len(slow)} at one second or more")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
