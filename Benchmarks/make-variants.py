#!/usr/bin/env python3
"""Derive the benchmark's workload variants from a generated workload (generate-workload.py's output).

    Benchmarks/make-variants.py --workload /tmp/logtriage-bench/1G [--only plain,gz,big,small,rules] [--jobs 2]

Every variant holds the same kind of logs as the workload, cut or compressed differently, and is written under
the workload folder (nothing is written into the repository):

    plain/var/...      the plain mix: every log file decompressed, same paths less `.gz`, the docker container
                       folders with their config.v2.json (so containers are still named); files that are not
                       gzip are hard links to the workload's own (a copy where links are not possible)
    gz/var/...         the gz mix: every log file gzip -6'd and named as logrotate would name it after one more
                       rotation with `compress`: x.log.2.gz -> x.log.3.gz, x.log.1 -> x.log.2.gz, x.log ->
                       x.log.1.gz (docker's <id>-json.log the same way), so each rotated set is still read oldest
                       first; the workload's own .gz files are hard-linked under their new names
    big/access.log     the nginx access log set, concatenated oldest first into one file
    big/access.log.gz  the same bytes as one gzip -6 member: one large gzip file
    small/             20,000 small rotated logs: 1,000 folders `small/NNNN-ROLE/`, each one rotated set
                       `NAME`, `NAME.1` ... `NAME.19` of a few KB each (512 B to 6 KiB, cut at record ends), taken in
                       turn from the streams of the plain mix (docker web and db, nginx access and error, journal
                       export, app log; a stream starts over when it runs out), every file plain so that grep -r
                       and rg read the same bytes as logtriage
    small-gz/          the same tree with NAME.2 ... NAME.19 gzip -6'd (NAME.2.gz ...), logrotate's `delaycompress`
    extra-patterns/    100 incident files of 10 evidence rules each: 1,000 extra literal rules for `--patterns`,
                       whose literals are made-up words (with a few common log words) that do not occur in the
                       workload; valid catalog YAML (kebab-case ids equal to the file names, literals >= 4 bytes)

and DIR/variants.json, which lists for each variant its files (oldest first within each rotated set), decompressed
and stored bytes and, where known, the incident evidence planted in it (from workload.json). A variant is made
once and reused while variants.json names it with the current VARIANTS_VERSION; everything is deterministic:
the same workload always gives the same variants.

Python standard library only.
"""

import argparse
import gzip
import json
import multiprocessing
import os
import pathlib
import random
import re
import shutil
import sys
import time

VARIANTS_VERSION = 1
ALL = ("plain", "gz", "big", "small", "rules")  # `small` makes small/ and small-gz/ together
CHUNK = 1 << 20
SMALL_SETS = 1000
SMALL_DEPTH = 20  # files per rotated set: NAME, NAME.1 ... NAME.19
SMALL_MIN, SMALL_MAX = 512, 6 << 10
SMALL_GZ_FROM = 2  # NAME.2 and older are compressed in small-gz/
RULE_FILES, RULES_PER_FILE = 100, 10

# Base name of each stream's rotated set in small/, and its share of the 1,000 sets (as in generate-workload.py).
SMALL_ROLES = {
    "docker-web": ("web.log", 0.30),
    "nginx-access": ("access.log", 0.30),
    "journal": ("journal.export", 0.18),
    "app": ("app.log", 0.10),
    "docker-db": ("db.log", 0.06),
    "nginx-error": ("error.log", 0.06),
}

ROTATED = re.compile(r"^(?P<base>.+?)(?:\.(?P<n>\d{1,6}))?(?P<gz>\.gz)?$")


def log(message):
    print(f"make-variants.py: {message}", file=sys.stderr, flush=True)


def link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def gzip_file(task):
    """(source, destination): compresses one file as one gzip member, level 6, no name, mtime 0."""
    src, dst = task
    with open(src, "rb") as inp, open(dst, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as out:
            shutil.copyfileobj(inp, out, CHUNK)
    return dst


def roles_of(root, manifest):
    """Maps each workload file to its stream role, from its path (and config.v2.json for containers)."""
    roles = {}
    for f in manifest["files"]:
        path = f["path"]
        name = os.path.basename(path)
        if "/docker/containers/" in f"/{path}":
            config = json.loads((root / os.path.dirname(path) / "config.v2.json").read_text())
            roles[path] = "docker-" + config["Name"].lstrip("/")
        elif name.startswith("access.log"):
            roles[path] = "nginx-access"
        elif name.startswith("error.log"):
            roles[path] = "nginx-error"
        elif name.startswith("journal"):
            roles[path] = "journal"
        else:
            roles[path] = "app"
    return roles


def stripped(path):
    return path[:-3] if path.endswith(".gz") else path


def container_configs(root, manifest):
    return sorted({os.path.join(os.path.dirname(f["path"]), "config.v2.json") for f in manifest["files"]
                   if (root / os.path.dirname(f["path"]) / "config.v2.json").is_file()})


def make_plain(root, manifest, out):
    files = []
    for f in manifest["files"]:
        rel = stripped(f["path"])
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if f["gzip"]:
            with gzip.open(root / f["path"], "rb") as inp, open(dst, "wb") as outp:
                shutil.copyfileobj(inp, outp, CHUNK)
        else:
            link_or_copy(root / f["path"], dst)
        files.append(rel)
    for config in container_configs(root, manifest):
        shutil.copyfile(root / config, out / config)
    return {"scan": "plain/var", "files": [f"plain/{p}" for p in files], "bytes": manifest["bytes"],
            "stored_bytes": sum((out / p).stat().st_size for p in files), "planted": manifest["planted"]}


def gz_name(path):
    """x.log -> x.log.1.gz, x.log.N -> x.log.(N+1).gz, x.log.N.gz -> x.log.(N+1).gz."""
    directory, name = os.path.split(path)
    m = ROTATED.match(name)
    n = int(m.group("n")) + 1 if m.group("n") else 1
    return os.path.join(directory, f"{m.group('base')}.{n}.gz")


def plan_gz(root, manifest, out):
    files, tasks = [], []
    for f in manifest["files"]:
        rel = gz_name(f["path"])
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if f["gzip"]:
            link_or_copy(root / f["path"], dst)  # already gzip level 6, one member
        else:
            tasks.append((str(root / f["path"]), str(dst)))
        files.append(rel)
    for config in container_configs(root, manifest):
        shutil.copyfile(root / config, out / config)

    def finish(final):
        return {"scan": "gz/var", "files": [f"gz/{p}" for p in files], "bytes": manifest["bytes"],
                "stored_bytes": sum((final / p).stat().st_size for p in files), "planted": manifest["planted"]}

    return tasks, finish


def plan_big(root, manifest, roles, out):
    parts = [f for f in manifest["files"] if roles[f["path"]] == "nginx-access"]
    out.mkdir(parents=True, exist_ok=True)
    plain = out / "access.log"
    with open(plain, "wb") as outp:
        for f in parts:
            opener = gzip.open if f["gzip"] else open
            with opener(root / f["path"], "rb") as inp:
                shutil.copyfileobj(inp, outp, CHUNK)
    planted = {}
    for f in parts:
        for k, v in f["planted"].items():
            planted[k] = planted.get(k, 0) + v

    def finish(final):
        return {"plain": "big/access.log", "gz": "big/access.log.gz", "bytes": sum(f["bytes"] for f in parts),
                "stored_bytes": (final / "access.log.gz").stat().st_size, "planted": planted,
                "from": [f["path"] for f in parts]}

    return [(str(plain), str(out / "access.log.gz"))], finish


class Stream:
    """The bytes of one role's files, oldest first, read on demand and started over at the end."""

    def __init__(self, root, manifest, roles, role):
        self.paths = [root / f["path"] for f in manifest["files"] if roles[f["path"]] == role]
        self.gz = [f["gzip"] for f in manifest["files"] if roles[f["path"]] == role]
        self.index = -1
        self.file = None
        self.buffer = bytearray()
        self.separator = b"\n\n" if role == "journal" else b"\n"

    def _read(self):
        while True:
            if self.file is None:
                self.index = (self.index + 1) % len(self.paths)
                self.file = (gzip.open if self.gz[self.index] else open)(self.paths[self.index], "rb")
            data = self.file.read(CHUNK)
            if data:
                self.buffer += data
                return
            self.file.close()
            self.file = None

    def take(self, size):
        """At least `size` bytes, up to the end of the record they end in."""
        while True:
            while len(self.buffer) < size + 1:
                self._read()
            end = self.buffer.find(self.separator, size - 1)
            if end >= 0:
                end += len(self.separator)
                piece = bytes(self.buffer[:end])
                del self.buffer[:end]
                return piece
            self._read()


def make_small(root, manifest, roles, seed, out, out_gz):
    rng = random.Random(f"{seed}:small-files:{VARIANTS_VERSION}")
    streams = {role: Stream(root, manifest, roles, role) for role in SMALL_ROLES}
    names = list(SMALL_ROLES)
    weights = [SMALL_ROLES[r][1] for r in names]
    total = stored_gz = files = 0
    for s in range(SMALL_SETS):
        role = rng.choices(names, weights)[0]
        base = SMALL_ROLES[role][0]
        folder = f"{s:04d}-{role}"
        (out / folder).mkdir(parents=True)
        (out_gz / folder).mkdir(parents=True)
        # Oldest first, so the stream's order is the rotated set's order.
        for age in range(SMALL_DEPTH - 1, -1, -1):
            data = streams[role].take(rng.randint(SMALL_MIN, SMALL_MAX))
            name = base if age == 0 else f"{base}.{age}"
            (out / folder / name).write_bytes(data)
            if age >= SMALL_GZ_FROM:
                target = out_gz / folder / f"{name}.gz"
                with open(target, "wb") as raw:
                    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as z:
                        z.write(data)
            else:
                target = out_gz / folder / name
                target.write_bytes(data)
            stored_gz += target.stat().st_size
            total += len(data)
            files += 1
    for stream in streams.values():
        if stream.file:
            stream.file.close()
    return ({"scan": "small", "files": files, "sets": SMALL_SETS, "bytes": total, "stored_bytes": total},
            {"scan": "small-gz", "files": files, "sets": SMALL_SETS, "bytes": total, "stored_bytes": stored_gz,
             "gzip_files": SMALL_SETS * (SMALL_DEPTH - SMALL_GZ_FROM)})


# Made-up words: syllables that English log text does not produce together, checked by run.sh (no extra incident
# may be reported, and grep with the extra literals must count what it counts without them).
ONSETS = ["b", "br", "d", "dr", "f", "g", "gl", "k", "kr", "l", "m", "n", "p", "qu", "r", "s", "sk", "t", "th", "v",
          "vr", "x", "z", "zh"]
VOWELS = ["a", "e", "i", "o", "u", "ae", "ou", "y"]
CODAS = ["", "", "k", "l", "m", "n", "r", "x", "z", "th"]
COMMON = ["failed", "error", "timeout", "connection", "refused", "cannot", "unable to", "service", "worker",
          "denied", "not found", "exited", "restarting", "invalid", "missing", "lost", "queue", "handshake"]


def made_up_word(rng):
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(3, 4)))


def make_rules(seed, out):
    rng = random.Random(f"{seed}:extra-rules:{VARIANTS_VERSION}")
    out.mkdir(parents=True)
    seen = set()
    ids = []
    literals = 0
    for n in range(RULE_FILES):
        incident = f"extra-rule-set-{n:03d}"
        ids.append(incident)
        rules = []
        for r in range(RULES_PER_FILE):
            while True:
                word, other, common = made_up_word(rng), made_up_word(rng), rng.choice(COMMON)
                form = rng.randrange(4)
                literal = (f"{word.capitalize()} {common}", f"{common} {word}", f"{word}-{other}",
                           f"{word}: {common}")[form]
                if literal not in seen:
                    seen.add(literal)
                    break
            ignore = "\n    ignore_case: true" if rng.random() < 0.1 else ""
            rules.append(f"  - name: rule-{r:02d}\n    any: ['{literal}']{ignore}\n")
            literals += 1
        text = (f"id: {incident}\n"
                f"title: Generated benchmark rule set {n:03d}\n"
                f"severity: warning\n"
                f"summary: >-\n  One of the rule sets Benchmarks/make-variants.py generates to measure a larger catalog;"
                f" its literals never occur in the workload.\n"
                f"evidence:\n{''.join(rules)}"
                f"remediation: |\n  Nothing to do: this incident exists only for the benchmark.\n")
        (out / f"{incident}.yaml").write_text(text)
    return {"dir": "extra-patterns", "incidents": ids, "rules": literals, "literals": literals}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", type=pathlib.Path, required=True, help="a folder generate-workload.py wrote")
    parser.add_argument("--only", default=",".join(ALL),
                        help=f"comma-separated variants to make (default all: {','.join(ALL)})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel gzip processes")
    args = parser.parse_args()
    wanted = [v for v in args.only.split(",") if v]
    for v in wanted:
        if v not in ALL:
            parser.error(f"unknown variant {v!r}; one of {', '.join(ALL)}")

    root = args.workload
    manifest = json.loads((root / "workload.json").read_text())
    index_path = root / "variants.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    if index.get("version") != VARIANTS_VERSION or index.get("workload") != [
            manifest["generator_version"], manifest["size"], manifest["seed"]]:
        index = {"version": VARIANTS_VERSION,
                 "workload": [manifest["generator_version"], manifest["size"], manifest["seed"]]}
    roles = roles_of(root, manifest)

    def save():
        tmp = index_path.with_suffix(".json.partial")
        tmp.write_text(json.dumps(index, indent=2) + "\n")
        os.replace(tmp, index_path)

    def fresh(*names):
        for name in names:
            for path in (root / name, root / f"{name}.partial"):
                if path.exists():
                    shutil.rmtree(path)
        return [root / f"{name}.partial" for name in names]

    def publish(*names):
        for name in names:
            os.replace(root / f"{name}.partial", root / name)

    todo = [v for v in wanted if v not in index]
    if "big" in todo and "plain" not in index and "plain" not in todo:
        todo.insert(0, "plain")
    started = time.monotonic()

    if "plain" in todo:
        log(f"plain mix -> {root / 'plain'}")
        (out,) = fresh("plain")
        index["plain"] = make_plain(root, manifest, out)
        publish("plain")
        save()

    tasks, finishers = [], []
    if "gz" in todo:
        log(f"gz mix -> {root / 'gz'}")
        (out,) = fresh("gz")
        more, finish = plan_gz(root, manifest, out)
        tasks += more
        finishers.append(("gz", finish))
    if "big" in todo:
        log(f"one large gzip -> {root / 'big'}")
        (out,) = fresh("big")
        more, finish = plan_big(root, manifest, roles, out)
        tasks += more
        finishers.append(("big", finish))
    if tasks:
        # Largest first, so that the last file compressed is a small one.
        tasks.sort(key=lambda t: -os.path.getsize(t[0]))
        with multiprocessing.get_context("fork").Pool(max(1, args.jobs)) as pool:
            for _ in pool.imap_unordered(gzip_file, tasks):
                pass
        for name, finish in finishers:
            publish(name)
            index[name] = finish(root / name)
            save()

    if "small" in todo:
        log(f"{SMALL_SETS * SMALL_DEPTH} small files -> {root / 'small'} and {root / 'small-gz'}")
        out, out_gz = fresh("small", "small-gz")
        index["small"], index["small-gz"] = make_small(root, manifest, roles, manifest["seed"], out, out_gz)
        publish("small", "small-gz")
        save()

    if "rules" in todo:
        log(f"{RULE_FILES * RULES_PER_FILE} extra literal rules -> {root / 'extra-patterns'}")
        (out,) = fresh("extra-patterns")
        index["rules"] = make_rules(manifest["seed"], out)
        publish("extra-patterns")
        save()

    if todo:
        log(f"made {', '.join(todo)} in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
