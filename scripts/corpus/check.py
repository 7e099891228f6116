#!/usr/bin/env python3
"""check.py — a small reference evaluator for patterns/ over corpus/, used to keep expected.json honest.

    python3 scripts/corpus/check.py                 # check every corpus case and every pattern example
    python3 scripts/corpus/check.py -v CASE...      # also print each evidence record per incident

It reads the catalog the way logtriage is specified to (literal candidates `any`, `ignore_case`, `regex`, `not`,
`context` within N records of the same source) and decodes the corpus formats (docker json-file with partial
entries joined across a rotated set, CRI with P/F, journal export and JSON, nginx and plain text with the
`docker compose logs` prefix removed, gzip including multi-member). It is a cross-check, not the product:
regexes run on Python's `re` (named groups `(?<n>...)` are rewritten to `(?P<n>...)`).
Needs PyYAML to read patterns/ (the generators themselves need only the stdlib).
"""
import gzip, json, os, re, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def load_patterns():
    import yaml
    pats = []
    d = os.path.join(ROOT, "patterns")
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".yaml"):
            continue
        with open(os.path.join(d, fn), encoding="utf-8") as f:
            p = yaml.safe_load(f)
        assert p["id"] == fn[:-5], fn
        for r in p["evidence"]:
            r["_lits"] = [l.lower() if r.get("ignore_case") else l for l in r["any"]]
            # PCRE2's (*COMMIT) only stops retries at later start positions; Python's re has no such verb.
            r["_re"] = re.compile(r["regex"].replace("(*COMMIT)", "").replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!")) if r.get("regex") else None
        pats.append(p)
    return pats

class Rec:
    __slots__ = ("msg", "source", "idx")
    def __init__(self, msg, source):
        self.msg, self.source, self.idx = msg, source, 0

COMPOSE_PREFIX = re.compile(r"^([A-Za-z0-9][\w.-]*)\s*\| ")
CRI_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\S+) (stdout|stderr) ([PF]) ?(.*)$", re.S)

def read_bytes(path):
    with open(path, "rb") as f:
        b = f.read()
    if b[:2] == b"\x1f\x8b":
        b = gzip.decompress(b)  # handles multi-member
    return b

def sniff(b):
    head = b[:4096]
    first = head.split(b"\n", 1)[0]
    if first.startswith(b'{"log":'):
        return "docker"
    if first.startswith(b"{") and (b'"__CURSOR"' in first or b'"MESSAGE"' in first or b'"__REALTIME_TIMESTAMP"' in first):
        return "journal-json"
    if first.startswith(b"__CURSOR=") or first.startswith(b"__REALTIME_TIMESTAMP="):
        return "journal"
    if CRI_LINE.match(first.decode("utf-8", "replace")):
        return "cri"
    return "plain"

def dec(b):
    return b.decode("utf-8", "replace")

def decode_journal_export(b, out):
    i, n = 0, len(b)
    fields = {}
    while i < n:
        j = b.find(b"\n", i)
        if j < 0:
            j = n
        line = b[i:j]
        if line == b"":
            if fields:
                out.append(journal_rec(fields))
            fields = {}
            i = j + 1
            continue
        eq = line.find(b"=")
        if eq >= 0:
            fields[dec(line[:eq])] = line[eq + 1:]
            i = j + 1
        else:  # binary field: name \n le64 size data \n
            name = dec(line)
            size = struct.unpack("<Q", b[j + 1:j + 9])[0]
            fields[name] = b[j + 9:j + 9 + size]
            i = j + 9 + size + 1
    if fields:
        out.append(journal_rec(fields))

def journal_rec(fields):
    msg = dec(fields.get("MESSAGE", b""))
    src = dec(fields.get("_SYSTEMD_UNIT") or fields.get("SYSLOG_IDENTIFIER") or b"")
    return Rec(msg.rstrip("\n"), src)

def decode_set(paths):
    """Decode one rotated set (oldest first) into records."""
    out = []
    pending = ""  # docker/CRI partial state survives across the set
    for p in paths:
        b = read_bytes(p)
        fmt = sniff(b)
        if fmt == "journal":
            decode_journal_export(b, out)
            continue
        for raw in b.split(b"\n"):
            if raw == b"":
                continue
            if fmt == "docker":
                e = json.loads(raw)
                pending += e["log"]
                if pending.endswith("\n"):
                    out.append(Rec(pending[:-1], ""))
                    pending = ""
            elif fmt == "cri":
                m = CRI_LINE.match(dec(raw))
                pending += m.group(4)
                if m.group(3) == "F":
                    out.append(Rec(pending, ""))
                    pending = ""
            elif fmt == "journal-json":
                e = json.loads(raw)
                m = e.get("MESSAGE", "")
                if isinstance(m, list):
                    m = dec(bytes(m))
                src = e.get("_SYSTEMD_UNIT") or e.get("SYSLOG_IDENTIFIER") or ""
                out.append(Rec(m.rstrip("\n"), src))
            else:
                line = dec(raw).rstrip("\r")
                m = COMPOSE_PREFIX.match(line)
                if m:
                    out.append(Rec(line[m.end():], m.group(1)))
                else:
                    out.append(Rec(line, ""))
    if pending:
        out.append(Rec(pending, ""))
    return out

ROT = re.compile(r"^(.*?)\.(\d+)(\.gz)?$")

def rotated_sets(case_dir):
    groups = {}
    for dp, _, fns in os.walk(case_dir):
        for fn in fns:
            full = os.path.join(dp, fn)
            m = ROT.match(fn)
            if m:
                key, order = os.path.join(dp, m.group(1)), int(m.group(2))
            elif fn.endswith(".gz") and os.path.exists(full[:-3]):
                key, order = full[:-3], 1
            else:
                key, order = full, 0
            groups.setdefault(key, []).append((order, full))
    for key in sorted(groups):
        yield [p for _, p in sorted(groups[key], key=lambda t: -t[0])]

def rule_hits(rule, msg):
    hay = msg.lower() if rule.get("ignore_case") else msg
    if not any(l in hay for l in rule["_lits"]):
        return None
    for n in rule.get("not", []) or []:
        if n in msg:
            return None
    if rule["_re"] is not None:
        m = rule["_re"].search(msg)
        if not m:
            return None
        return {k: v for k, v in m.groupdict().items() if v is not None}
    return {}

def evaluate(records, pats):
    """records: list of Rec, in one stream order. Returns {id: [(rec, values)]}."""
    by_src = {}
    for r in records:
        lst = by_src.setdefault(r.source, [])
        r.idx = len(lst)
        lst.append(r)
    hits = {}
    for r in records:
        for p in pats:
            for rule in p["evidence"]:
                v = rule_hits(rule, r.msg)
                if v is None:
                    continue
                ctx = rule.get("context")
                if ctx:
                    lst = by_src[r.source]
                    lo, hi = max(0, r.idx - ctx["within"]), min(len(lst), r.idx + ctx["within"] + 1)
                    if not any(any(l in lst[k].msg for l in ctx["any"]) for k in range(lo, hi)):
                        continue
                hits.setdefault(p["id"], []).append((r, rule["name"], v))
                break
    return hits

def check_examples(pats):
    bad = 0
    for p in pats:
        for kind in ("match", "no_match"):
            for ex in p["examples"].get(kind, []) or []:
                recs = [Rec(l, "") for l in ex.split("\n")]
                got = p["id"] in evaluate(recs, [p])
                if got != (kind == "match"):
                    bad += 1
                    print(f"EXAMPLE FAIL {p['id']} {kind}: {ex[:160]!r}")
    return bad

def main():
    verbose = "-v" in sys.argv
    only = [a for a in sys.argv[1:] if a != "-v"]
    pats = load_patterns()
    bad = check_examples(pats)
    cdir = os.path.join(ROOT, "corpus")
    for case in sorted(os.listdir(cdir)):
        cpath = os.path.join(cdir, case)
        if not os.path.isdir(cpath) or (only and case not in only):
            continue
        counts, detail = {}, {}
        for s in rotated_sets(cpath):
            recs = decode_set(s)
            for iid, lst in evaluate(recs, pats).items():
                counts[iid] = counts.get(iid, 0) + len(lst)
                detail.setdefault(iid, []).extend((os.path.relpath(s[-1], cpath), r, n, v) for r, n, v in lst)
        # the top-level README is scanned too when a user scans corpus/
        with open(os.path.join(cpath, "expected.json")) as f:
            exp = json.load(f)["incidents"]
        ok = counts == exp
        print(f"{'ok  ' if ok else 'FAIL'} {case}: got {json.dumps(counts, sort_keys=True)}" + ("" if ok else f" expected {json.dumps(exp, sort_keys=True)}"))
        bad += 0 if ok else 1
        if verbose or not ok:
            for iid in sorted(detail):
                for f, r, n, v in detail[iid]:
                    print(f"    {iid} [{n}] {f}: {r.msg[:150]!r} {v if v else ''}")
    readme = os.path.join(cdir, "README.md")
    if os.path.exists(readme):
        h = evaluate(decode_set([readme]), pats)
        if h:
            bad += 1
            print("FAIL corpus/README.md contains evidence:", {k: len(v) for k, v in h.items()})
    print("all good" if bad == 0 else f"{bad} problem(s)")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
