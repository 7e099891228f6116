#!/usr/bin/env python3
"""Print the tables of a Benchmarks/run.sh run from its raw results.

    Benchmarks/report.py RESULTS

RESULTS is the folder run.sh measures into (kept with BENCH_KEEP=DIR): `runs` (one line per run: name, start,
end, peak RSS KiB, CPU%, user s, system s, bytes written), `na` (rows not measured, with the reason), `setup`
(generation times), `context.json`, and `out/` (each command's output: logtriage's JSON reports, grep's counts).
The workload folders named in context.json are read for their workload.json and variants.json.

Prints one table per workload, the targets with their figures, the checks, and planted against reported
incidents. Python standard library only.
"""

import json
import os
import pathlib
import sys

MB = 1e6
MIB = 1 << 20


def load(results):
    context = json.loads((results / "context.json").read_text())
    rows = {}
    for line in (results / "runs").read_text().splitlines():
        name, start, end, rss, cpu, user, system, written = line.split()
        rows.setdefault(name, []).append({"wall": float(end) - float(start), "rss": int(rss), "cpu": cpu,
                                          "written": int(written)})
    na = {}
    for line in (results / "na").read_text().splitlines():
        if line.strip():
            name, reason = line.split(" ", 1)
            na[name] = reason
    setup = []
    if (results / "setup").exists():
        for line in (results / "setup").read_text().splitlines():
            what, size, start, end = line.split()
            setup.append((what, size, float(end) - float(start)))
    return context, rows, na, setup


def grep_total(path):
    """Sum of grep -c style output: `COUNT` or `PATH:COUNT` lines."""
    total = 0
    for line in open(path, errors="replace"):
        line = line.strip()
        if line:
            total += int(line.rsplit(":", 1)[-1])
    return total


def disk_usage(*folders):
    """Allocated bytes under the folders, each inode once (the variants hard-link the workload's files)."""
    seen = set()
    total = 0
    for folder in folders:
        if not folder or not os.path.isdir(folder):
            continue
        for base, dirs, files in os.walk(folder):
            for name in files + dirs:
                st = os.lstat(os.path.join(base, name))
                if (st.st_dev, st.st_ino) in seen:
                    continue
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


class Report:
    def __init__(self, results):
        self.results = results
        self.context, self.rows, self.na, self.setup = load(results)
        c = self.context
        self.workload = pathlib.Path(c["workload"])
        self.manifest = json.loads((self.workload / "workload.json").read_text())
        self.variants = json.loads((self.workload / "variants.json").read_text())
        self.scaled = json.loads((pathlib.Path(c["scaled"]) / "workload.json").read_text()) if c["scaled"] else None
        self.warnings = []
        self.json_cache = {}

    # --- figures --------------------------------------------------------------------------------------------
    def best(self, name):
        runs = self.rows.get(name)
        if not runs:
            return None
        best = min(runs, key=lambda r: r["wall"])
        return {"wall": best["wall"], "cpu": best["cpu"], "rss": max(r["rss"] for r in runs) / 1024,
                "written": best["written"]}

    def wall(self, name):
        b = self.best(name)
        return b["wall"] if b else None

    def report_json(self, name):
        if name not in self.json_cache:
            path = self.results / "out" / f"{name}.json"
            self.json_cache[name] = json.loads(path.read_text()) if name in self.rows and path.exists() else None
        return self.json_cache[name]

    def count(self, name):
        path = self.results / "out" / f"{name}.out"
        return grep_total(path) if name in self.rows and path.exists() else None

    # --- tables ---------------------------------------------------------------------------------------------
    def table(self, title, rows, ref=None, pairs=None):
        """rows: (name, label, decompressed input bytes, kind) with kind logtriage | count | inflate.
        The last column is ref's wall / the row's wall, or with pairs the row's wall / its pair's."""
        print()
        print(title)
        last = "÷ base" if pairs else "lt ÷ row"
        header = f"{'command':<58} {'wall s':>8} {'MB/s':>8} {'RSS MiB':>8} {'CPU%':>6} {last:>9}  notes"
        print(header)
        print("-" * len(header))
        ref_wall = self.wall(ref) if ref else None
        for name, label, nbytes, kind in rows:
            b = self.best(name)
            if b is None:
                reason = self.na.get(name, "not measured")
                print(f"{label:<58} {'—':>8} {'—':>8} {'—':>8} {'—':>6} {'—':>9}  {reason}")
                continue
            if pairs:
                base = pairs.get(name)
                ratio = "base" if base is None else (
                    f"{b['wall'] / self.wall(base):.2f}x" if self.wall(base) else "—")
            else:
                ratio = f"{ref_wall / b['wall']:.2f}" if ref_wall else "—"
            print(f"{label:<58} {b['wall']:8.3f} {nbytes / MB / b['wall']:8.1f} {b['rss']:8.1f} {b['cpu']:>5}% "
                  f"{ratio:>9}  {self.notes(name, nbytes, kind)}")

    def notes(self, name, nbytes, kind):
        if kind == "logtriage":
            r = self.report_json(name)
            if r is None:
                return "no JSON report"
            n = len(r["incidents"])
            return f"{r['stats']['records']} records, {n} incident{'' if n == 1 else 's'}"
        if kind == "count":
            n = self.count(name)
            return f"{n} matching lines" if n is not None else ""
        if kind == "inflate":
            written = self.best(name)["written"]
            flag = "" if written == nbytes else f" (expected {nbytes})"
            return f"{written} bytes out{flag}"
        return ""

    def print_tables(self):
        m, v, c = self.manifest, self.variants, self.context
        all_bytes, gz_bytes = m["bytes"], m["gzip_bytes"]
        small = v["small"]
        big = v["big"]
        lt = "logtriage"

        self.table(
            f"archive as generated: {len(m['files'])} log files, {gz_bytes / MIB:.0f} of {all_bytes / MIB:.0f} MiB "
            f"behind gzip ({self.workload}/var)", [
                ("stored.logtriage", "logtriage scan var/", all_bytes, lt),
                ("plain.grep", "LC_ALL=C grep -a -c -F -f (decompressed copy)", all_bytes, "count"),
                ("stored.zcat-grep", "zcat -f FILES | LC_ALL=C grep -a -c -F -f", all_bytes, "count"),
                ("stored.zcat", "zcat ROTATIONS > out (the .gz files only)", gz_bytes, "inflate"),
                ("stored.igzip", "igzip -dc ROTATIONS > out (the .gz files only)", gz_bytes, "inflate"),
            ], ref="stored.logtriage")

        self.table(f"plain mix: the {len(v['plain']['files'])} log files decompressed, "
                   f"{all_bytes / MIB:.0f} MiB ({self.workload}/plain/var)", [
                       ("plain.logtriage", "logtriage scan plain/var", all_bytes, lt),
                       ("plain.jobs1", "logtriage scan plain/var --jobs 1", all_bytes, lt),
                       ("plain.jobs2", "logtriage scan plain/var --jobs 2", all_bytes, lt),
                       ("plain.grep", "LC_ALL=C grep -a -c -F -f FILES", all_bytes, "count"),
                       ("plain.rg", "rg -c -a -F -f FILES", all_bytes, "count"),
                       ("plain.hs", "hs-count -f FILES (Hyperscan, ceiling)", all_bytes, "count"),
                   ], ref="plain.logtriage")

        self.table(f"gz mix: the same {len(v['gz']['files'])} files, each gzip -6 "
                   f"({v['gz']['stored_bytes'] / MIB:.1f} MiB stored; {self.workload}/gz/var)", [
                       ("gz.logtriage", "logtriage scan gz/var", all_bytes, lt),
                       ("gz.zlib", "logtriage scan gz/var --inflate zlib", all_bytes, lt),
                       ("gz.zcat-grep", "zcat FILES | LC_ALL=C grep -a -c -F -f", all_bytes, "count"),
                       ("gz.rg", "rg -z -c -a -F -f FILES", all_bytes, "count"),
                       ("gz.igzip", "igzip -dc FILES > out", all_bytes, "inflate"),
                       ("gz.zcat", "zcat FILES > out", all_bytes, "inflate"),
                       ("gz.igzip-hs", "igzip -dc FILES | hs-count (ceiling)", all_bytes, "count"),
                   ], ref="gz.logtriage")

        self.table(f"one large gzip: the nginx access log, {big['bytes'] / MIB:.0f} MiB in one gzip member "
                   f"({big['stored_bytes'] / MIB:.1f} MiB; {self.workload}/big)", [
                       ("big.logtriage", "logtriage scan access.log.gz", big["bytes"], lt),
                       ("big.zlib", "logtriage scan access.log.gz --inflate zlib", big["bytes"], lt),
                       ("big.plain", "logtriage scan access.log (the same bytes, plain)", big["bytes"], lt),
                       ("big.grep", "LC_ALL=C grep -a -c -F -f access.log", big["bytes"], "count"),
                       ("big.zcat-grep", "zcat access.log.gz | LC_ALL=C grep -a -c -F -f", big["bytes"], "count"),
                       ("big.rg", "rg -z -c -a -F -f access.log.gz", big["bytes"], "count"),
                       ("big.igzip", "igzip -dc access.log.gz > out", big["bytes"], "inflate"),
                       ("big.zcat", "zcat access.log.gz > out", big["bytes"], "inflate"),
                       ("big.igzip-hs", "igzip -dc access.log.gz | hs-count (ceiling)", big["bytes"], "count"),
                   ], ref="big.logtriage")

        self.table(f"{small['files']} small files: {small['sets']} rotated sets of {small['files'] // small['sets']}, "
                   f"{small['bytes'] / MIB:.0f} MiB ({self.workload}/small)", [
                       ("small.logtriage", "logtriage scan small/", small["bytes"], lt),
                       ("small.jobs1", "logtriage scan small/ --jobs 1", small["bytes"], lt),
                       ("small.jobs2", "logtriage scan small/ --jobs 2", small["bytes"], lt),
                       ("small.gz", f"logtriage scan small-gz/ ({v['small-gz']['gzip_files']} of them .gz)",
                        small["bytes"], lt),
                       ("small.grep", "LC_ALL=C grep -r -a -c -F -f small/", small["bytes"], "count"),
                       ("small.rg", "rg -c -a -F -f small/", small["bytes"], "count"),
                       ("small.hs", "hs-count -f small/ (Hyperscan, ceiling)", small["bytes"], "count"),
                   ], ref="small.logtriage")

        scaled_bytes = self.scaled["bytes"] if self.scaled else 0
        lits, extra = c["literals"], c["extra_literals"]
        self.table(f"scaling: {c['size']} against {c['scale_size'] or '4x (left out)'}; the built-in catalog "
                   f"({lits} literals) against it plus {v['rules']['rules']} generated literal rules", [
                       ("stored.logtriage", f"logtriage scan var/ ({c['size']})", all_bytes, lt),
                       ("scale.logtriage", f"logtriage scan var/ ({c['scale_size'] or '4x'})", scaled_bytes, lt),
                       ("plain.logtriage", "logtriage scan plain/var (built-in catalog)", all_bytes, lt),
                       ("rules.logtriage", "logtriage scan plain/var --patterns extra-patterns", all_bytes, lt),
                       ("plain.grep", f"LC_ALL=C grep -a -c -F -f ({lits} literals)", all_bytes, "count"),
                       ("rules.grep", f"LC_ALL=C grep -a -c -F -f ({lits + extra} literals)", all_bytes, "count"),
                       ("plain.hs", f"hs-count ({lits} literals)", all_bytes, "count"),
                       ("rules.hs", f"hs-count ({lits + extra} literals)", all_bytes, "count"),
                   ], pairs={"scale.logtriage": "stored.logtriage", "rules.logtriage": "plain.logtriage",
                             "rules.grep": "plain.grep", "rules.hs": "plain.hs"})

    # --- targets --------------------------------------------------------------------------------------------
    def ratio(self, a, b):
        wa, wb = self.wall(a), self.wall(b)
        return wa / wb if wa and wb else None

    def print_targets(self):
        targets = []  # (target, figure text, value, must, aim, comparison)

        def add(target, value, must, aim, better="lower", unit="x", missing=None, where=None):
            targets.append((target, value, must, aim, better, unit, missing, where))

        def why(*names):
            for n in names:
                if n in self.na:
                    return self.na[n]
                if n not in self.rows:
                    return "not measured"
            return None

        add("plain mix, full classification: logtriage / grep -c -F -f", self.ratio("plain.logtriage", "plain.grep"),
            1.0, 0.5, missing=why("plain.logtriage", "plain.grep"))
        add("gz mix: speed-up over zcat | grep", self.ratio("gz.zcat-grep", "gz.logtriage"), 4.0, None, "higher",
            missing=why("gz.zcat-grep", "gz.logtriage"))
        add("gz mix: logtriage / igzip -dc > out", self.ratio("gz.logtriage", "gz.igzip"), 2.5, 1.25,
            missing=why("gz.logtriage", "gz.igzip"))
        add("one large gzip: speed-up over zcat | grep", self.ratio("big.zcat-grep", "big.logtriage"), 4.0, None,
            "higher", missing=why("big.zcat-grep", "big.logtriage"))
        add("one large gzip: logtriage / igzip -dc > out", self.ratio("big.logtriage", "big.igzip"), 2.5, None,
            missing=why("big.logtriage", "big.igzip"))
        add("one large gzip: inflate hidden (.gz / same bytes plain)", self.ratio("big.logtriage", "big.plain"),
            None, 1.05, missing=why("big.logtriage", "big.plain"))
        add("2 jobs vs 1 job, plain mix: speed-up", self.ratio("plain.jobs1", "plain.jobs2"), 1.7, 1.9, "higher",
            missing=why("plain.jobs1", "plain.jobs2"))
        add("2 jobs vs 1 job, 20,000 small files: speed-up", self.ratio("small.jobs1", "small.jobs2"), 1.7, 1.9,
            "higher", missing=why("small.jobs1", "small.jobs2"))
        rules = self.ratio("plain.logtriage", "rules.logtriage")
        add("+1,000 literal rules: throughput drop", None if rules is None else 1 - rules, 0.25, 0.10, unit="%",
            missing=why("plain.logtriage", "rules.logtriage"))
        add("20,000 small files: logtriage / grep -r -c -F -f", self.ratio("small.logtriage", "small.grep"), 1.5, 1.0,
            missing=why("small.logtriage", "small.grep"))
        # Any input size, with the built-in catalog: the +1,000 rules row is a larger catalog, not a larger input.
        lt_rows = [n for n in self.rows if self.report_json(n) is not None and not n.startswith("rules.")]
        peak_row = max(lt_rows, key=lambda n: self.best(n)["rss"], default=None)
        add(f"peak RSS MiB, any input (max of {len(lt_rows)} logtriage rows)",
            self.best(peak_row)["rss"] if peak_row else None, 64, 32, unit=" MiB", where=peak_row)
        add("4x input: time ratio (linear: about 4)", self.ratio("scale.logtriage", "stored.logtriage"), 4.4, None,
            missing=why("scale.logtriage"))
        rss4 = self.best("scale.logtriage")
        rss1 = self.best("stored.logtriage")
        add("4x input: peak RSS ratio (flat: about 1)", rss4["rss"] / rss1["rss"] if rss4 and rss1 else None,
            1.10, None, missing=why("scale.logtriage"))

        print()
        print("targets (from one run; must/aim as set by the speed issue; the 4x rows check 'linear' and 'flat')")
        header = f"{'target':<58} {'figure':>9} {'must':>9} {'aim':>9}  result"
        print(header)
        print("-" * len(header))

        def fmt(value, unit, better):
            if value is None:
                return "—"
            if unit == "%":
                return f"{value * 100:.1f}%"
            if unit == " MiB":
                return f"{value:.1f}"
            return f"{value:.2f}x"

        def bound(value, unit, better):
            if value is None:
                return "—"
            return ("≥ " if better == "higher" else "≤ ") + fmt(value, unit, better)

        for target, value, must, aim, better, unit, missing, where in targets:
            if value is None:
                result = missing or "n/a"
            else:
                def ok(limit):
                    return value >= limit if better == "higher" else value <= limit
                parts = []
                if must is not None:
                    parts.append("must met" if ok(must) else "must MISSED")
                if aim is not None:
                    parts.append("aim met" if ok(aim) else "aim missed")
                result = ", ".join(parts) + (f" (row {where})" if where else "")
            print(f"{target:<58} {fmt(value, unit, better):>9} {bound(must, unit, better):>9} "
                  f"{bound(aim, unit, better):>9}  {result}")

    # --- checks ---------------------------------------------------------------------------------------------
    def check(self):
        m, v = self.manifest, self.variants
        expected = {
            "stored": (m["bytes"], m["planted"]), "plain": (m["bytes"], m["planted"]),
            "gz": (m["bytes"], m["planted"]), "rules": (m["bytes"], m["planted"]),
            "big": (v["big"]["bytes"], v["big"]["planted"]), "small": (v["small"]["bytes"], None),
        }
        if self.scaled:
            expected["scale"] = (self.scaled["bytes"], self.scaled["planted"])
        extra_ids = set(v["rules"]["incidents"])
        defaults = {}
        for name in self.rows:
            group, variant = name.split(".", 1)
            r = self.report_json(name)
            if r is not None and variant == "logtriage" and group != "rules":
                defaults[group] = {i["id"]: i["count"] for i in r["incidents"]}
        for name in sorted(self.rows):
            r = self.report_json(name)
            if r is None:
                continue
            group, variant = name.split(".", 1)
            want_bytes, _ = expected[group]
            stats = r["stats"]
            if stats["bytes"] != want_bytes:
                self.warnings.append(f"{name}: logtriage decoded {stats['bytes']} bytes, the input has {want_bytes}: "
                                     f"the row does not compare the same input")
            if r.get("errors") or r.get("skipped"):
                self.warnings.append(f"{name}: logtriage reported errors {r.get('errors')[:3]} and skipped "
                                     f"{r.get('skipped')[:3]}")
            found = {i["id"]: i["count"] for i in r["incidents"]}
            if extra_ids & set(found):
                self.warnings.append(f"{name}: generated rules matched ({sorted(extra_ids & set(found))[:5]}): "
                                     f"their literals occur in the workload")
            key = "plain" if group == "rules" else group
            if (variant != "logtriage" or group == "rules") and key in defaults and \
                    {k: n for k, n in found.items() if k not in extra_ids} != defaults[key]:
                self.warnings.append(f"{name}: incidents {found} differ from {key}.logtriage's {defaults[key]}")
        for group in ("plain", "gz", "big", "small"):
            counts = {n: self.count(n) for n in self.rows if n.startswith(group + ".")}
            counts = {n: c for n, c in counts.items() if c is not None}
            if group in ("gz", "big"):
                counts.pop(f"{group}.igzip", None)
                counts.pop(f"{group}.zcat", None)
            if len(set(counts.values())) > 1:
                self.warnings.append(f"{group}: the matching-line counts differ: {counts}")
        if self.count("rules.grep") is not None and self.count("rules.grep") != self.count("plain.grep"):
            self.warnings.append(f"grep finds {self.count('rules.grep') - self.count('plain.grep')} more lines with "
                                 f"the generated literals: they occur in the workload")
        for name, nbytes in (("stored.zcat", m["gzip_bytes"]), ("stored.igzip", m["gzip_bytes"]),
                             ("gz.zcat", m["bytes"]), ("gz.igzip", m["bytes"]),
                             ("big.zcat", v["big"]["bytes"]), ("big.igzip", v["big"]["bytes"])):
            b = self.best(name)
            if b and b["written"] != nbytes:
                self.warnings.append(f"{name}: wrote {b['written']} bytes, expected {nbytes}")
        print()
        if self.warnings:
            for w in self.warnings:
                print(f"WARNING: {w}")
        else:
            print("checks: every logtriage row decoded its input's bytes with no error; logtriage's flag variants "
                  "found the same incidents; grep, rg and hs-count counted the same lines on each input; "
                  "the generated literals occur nowhere")

    def print_planted(self):
        columns = [("stored", "stored.logtriage", self.manifest["planted"]),
                   ("plain", "plain.logtriage", self.manifest["planted"]),
                   ("gz", "gz.logtriage", self.manifest["planted"]),
                   ("+rules", "rules.logtriage", self.manifest["planted"]),
                   ("big", "big.logtriage", self.variants["big"]["planted"])]
        if self.scaled:
            columns.append(("4x", "scale.logtriage", self.scaled["planted"]))
        columns.append(("small", "small.logtriage", None))
        reported = {}
        for title, name, _ in columns:
            r = self.report_json(name)
            reported[title] = {i["id"]: i["count"] for i in r["incidents"]} if r else None
        ids = set(self.manifest["planted"]) | set(self.variants["big"]["planted"])
        if self.scaled:
            ids |= set(self.scaled["planted"])
        for found in reported.values():
            ids |= set(found or {})
        print()
        print("incidents: planted / reported per workload (small: reported only; its files are slices of the "
              "mix, planted counts unknown)")
        head = f"{'incident':<32}" + "".join(f" {t:>11}" for t, _, _ in columns)
        print(head)
        differs = False
        for key in sorted(ids):
            cells = []
            for title, _, planted in columns:
                got = reported[title]
                if got is None:
                    cells.append("—")
                elif planted is None:
                    cells.append(f"{got.get(key, 0)}")
                else:
                    p, g = planted.get(key, 0), got.get(key, 0)
                    cells.append(f"{p}/{g}" + ("" if p == g else "!"))
                    differs |= p != g
            print(f"{key:<32}" + "".join(f" {c:>11}" for c in cells))
        if differs:
            print("('!' marks a reported count that differs from the planted one: a finding, not a benchmark failure)")

    def print_header(self):
        c, m = self.context, self.manifest
        print()
        print(f"logtriage benchmark: {c['size']} workload at {self.workload} (seed {m['seed']}), commit {c['commit']}")
        print(f"input: {m['bytes'] / MIB:.1f} MiB decompressed in {len(m['files'])} log files "
              f"({m['stored_bytes'] / MIB:.1f} MiB stored as generated); {c['cores']} cores; "
              f"load average {c['load_before']} before, {c['load_after']} after")
        flags = []
        flags.append("--jobs supported" if c["has_jobs"] else "--jobs not supported")
        flags.append("--inflate supported" if c["has_inflate"] else "--inflate not supported")
        short = c.get("short_runs", c["runs"])
        runs = f"{c['runs']} runs" + (f" ({short} for the small files)" if short != c["runs"] else "")
        print(f"logtriage: {', '.join(flags)}; best wall time of {runs}; "
              f"MB/s = decompressed input bytes / wall (1 MB = 10^6 bytes)")
        print("RSS = peak resident set, highest of the runs; CPU% = (user+sys)/wall of the best run, 100% per core; "
              "lt ÷ row = logtriage's wall / the row's (below 1: logtriage is faster)")

    def print_footer(self):
        c = self.context
        made = ", ".join(f"{what} {size} {seconds:.0f} s" for what, size, seconds in self.setup)
        disk = disk_usage(str(self.workload))
        scaled_disk = disk_usage(c["scaled"]) if c["scaled"] else 0
        print()
        print(f"time: measuring {c['measure_seconds']:.0f} s" + (f"; generated this run: {made}" if made else "")
              + f". disk: {disk / 2**30:.2f} GiB in {self.workload}"
              + (f", {scaled_disk / 2**30:.2f} GiB in {c['scaled']}" if c["scaled"] else ""))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    report = Report(pathlib.Path(sys.argv[1]))
    report.print_header()
    report.print_tables()
    report.print_targets()
    report.check()
    report.print_planted()
    report.print_footer()


if __name__ == "__main__":
    main()
