#!/usr/bin/env python3
"""Time building the matcher for catalogs of 1,000, 10,000 and 100,000 extra literal rules.

Writes the rules as `--patterns` folders (files of 100 rules, one literal each, one in ten `ignore_case`; made-up
words that occur in no log) and runs, for each size, `logtriage patterns list -p DIR` (loading and checking the
YAML only) and `logtriage scan -p DIR` of an empty input (loading plus building the automaton, its prefilter and
the regex table, the catalog's examples check included). The difference is the build. Peak RSS of each from
/usr/bin/time. Standard library only.

    Benchmarks/catalog-build.py [--bin PATH] [--sizes 1000,10000,100000] [--runs 2]
"""
import argparse, os, random, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))


def word(rng):
    return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiouy") for _ in range(rng.randint(3, 6)))


def write_rules(folder, count, rng):
    seen = set()
    per_file = 100
    for n in range((count + per_file - 1) // per_file):
        rules = []
        for r in range(min(per_file, count - n * per_file)):
            while True:
                literal = f"{word(rng)}-{word(rng)}"
                if literal not in seen:
                    seen.add(literal)
                    break
            ignore = "\n    ignore_case: true" if rng.random() < 0.1 else ""
            rules.append(f"  - name: rule-{r:03d}\n    any: ['{literal}']{ignore}\n")
        incident = f"built-rule-set-{n:05d}"
        with open(os.path.join(folder, incident + ".yaml"), "w") as f:
            f.write(f"id: {incident}\ntitle: Generated rule set {n}\nseverity: warning\nsummary: Generated.\n"
                    f"evidence:\n{''.join(rules)}remediation: |\n  Nothing to do.\n")


def timed(command, runs):
    best, rss = None, 0
    for _ in range(runs):
        start = time.monotonic()
        done = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        wall = time.monotonic() - start
        if done.returncode not in (0, 1):
            sys.exit(f"catalog-build.py: {' '.join(command)} failed: {done.stderr[-500:]}")
        rss = max(rss, int(done.stderr.strip().split("\n")[-1]))
        best = wall if best is None else min(best, wall)
    return best, rss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(here, "..", ".build", "release", "logtriage"))
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    rng = random.Random(1)
    print(f"{'extra rules':>12}  {'load s':>8}  {'load+build s':>12}  {'build s':>8}  {'load RSS MiB':>12}  "
          f"{'RSS MiB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.log")
        open(empty, "w").close()
        for size in (int(s) for s in args.sizes.split(",")):
            folder = os.path.join(tmp, f"rules-{size}")
            os.mkdir(folder)
            write_rules(folder, size, rng)
            load, load_rss = timed([args.bin, "patterns", "list", "-p", folder], args.runs)
            both, rss = timed([args.bin, "scan", "--no-progress", "-p", folder, empty], args.runs)
            print(f"{size:>12}  {load:8.3f}  {both:12.3f}  {both - load:8.3f}  {load_rss:12.1f}  {rss:8.1f}")


if __name__ == "__main__":
    main()
