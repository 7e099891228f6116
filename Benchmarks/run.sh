#!/usr/bin/env bash
# Throughput benchmark of `logtriage scan` against grep and against zlib/ISA-L inflate on the same input.
#
#   Benchmarks/run.sh [SIZE]        SIZE: 1G, 256M, 64M ... (default $BENCH_SIZE, else 256M)
#
# Environment: BENCH_SIZE, BENCH_RUNS (3), BENCH_SEED (1), BENCH_DIR (/tmp/logtriage-bench/SIZE),
# BENCH_SCRATCH (SwiftPM scratch path, default .build). See Benchmarks/README.md for what is measured.
# Prints a table; writes nothing into the repository except the build in the scratch path.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # nothing written into Benchmarks/

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
size=${1:-${BENCH_SIZE:-256M}}
runs=${BENCH_RUNS:-3}
seed=${BENCH_SEED:-1}
workload=${BENCH_DIR:-/tmp/logtriage-bench/$size}
scratch=${BENCH_SCRATCH:-$repo/.build}

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "run.sh: $*" >&2; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive number, not '$runs'"
[[ $size =~ ^[0-9]+(\.[0-9]+)?[KkMmGgTt]?$ ]] || die "the size must look like 1G, 256M or 64M, not '$size'"

apt_install() { # package: install through apt-get (sudo when not root); returns non-zero if that fails
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    note "installing $1 (apt-get install -y $1)"
    "${sudo[@]}" apt-get install -y -q "$1" >/dev/null 2>&1 ||
        { "${sudo[@]}" apt-get update -q >/dev/null 2>&1 && "${sudo[@]}" apt-get install -y -q "$1" >/dev/null 2>&1; }
}

for tool in python3 swift zcat grep; do
    command -v "$tool" >/dev/null || die "$tool is needed and not installed"
done
[[ -x /usr/bin/time ]] || apt_install time || die "GNU time (/usr/bin/time) is needed: apt-get install time"
igzip=$(command -v igzip || true)
if [[ -z $igzip ]]; then
    apt_install isal && igzip=$(command -v igzip || true)
    [[ -n $igzip ]] || note "igzip (apt package isal) is not available; the ISA-L row is left out"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/logtriage-bench-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- build -------------------------------------------------------------------------------------------------
note "building: swift build -c release --product logtriage --scratch-path $scratch"
(cd "$repo" && swift build -c release --product logtriage --scratch-path "$scratch") >&2 ||
    die "the release build failed"
bin="$(cd "$repo" && swift build -c release --scratch-path "$scratch" --show-bin-path)/logtriage"
[[ -x $bin ]] || die "no binary at $bin after the build"

# --- workload ----------------------------------------------------------------------------------------------
if [[ ! -f $workload/workload.json ]]; then
    [[ ! -e $workload ]] || die "$workload exists without a workload.json (an interrupted generation?); remove it"
    note "generating: $here/generate-workload.py --size $size --seed $seed --out $workload"
    mkdir -p "$(dirname "$workload")"
    python3 "$here/generate-workload.py" --size "$size" --seed "$seed" --out "$workload.partial.$$" ||
        die "generating the workload failed"
    mv "$workload.partial.$$" "$workload"
fi
python3 - "$here/generate-workload.py" "$workload/workload.json" "$size" "$seed" <<'EOF' ||
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("generate_workload", sys.argv[1])
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)
manifest = json.load(open(sys.argv[2]))
wanted = (generator.GENERATOR_VERSION, generator.parse_size(sys.argv[3]), int(sys.argv[4]))
found = (manifest.get("generator_version"), manifest.get("size"), manifest.get("seed"))
sys.exit(0 if wanted == found else f"(generator version, size, seed) {found} != {wanted}")
EOF
    die "$workload was generated with other settings; remove it or set BENCH_DIR"

# The log files, oldest first within each rotated set, as stored and as a decompressed copy for grep.
mapfile -t stored < <(python3 -c 'import json,sys; [print(f["path"]) for f in json.load(open(sys.argv[1]))["files"]]' \
    "$workload/workload.json")
mapfile -t gzipped < <(python3 -c 'import json,sys; [print(f["path"]) for f in json.load(open(sys.argv[1]))["files"] if f["gzip"]]' \
    "$workload/workload.json")
if [[ ! -f $workload/plain/.complete ]]; then
    note "decompressing a copy for grep into $workload/plain"
    rm -rf "$workload/plain"
    for f in "${stored[@]}"; do
        mkdir -p "$workload/plain/$(dirname "$f")"
        zcat -f -- "$workload/$f" > "$workload/plain/${f%.gz}"
    done
    touch "$workload/plain/.complete"
fi
stored_paths=("${stored[@]/#/$workload/}")
gz_paths=("${gzipped[@]/#/$workload/}")
plain_paths=()
for f in "${stored[@]}"; do plain_paths+=("$workload/plain/${f%.gz}"); done

python3 "$here/literals.py" -o "$tmp/literals.txt" 2>"$tmp/literals.log" || { cat "$tmp/literals.log" >&2; die "literals.py failed"; }

# --- measuring ---------------------------------------------------------------------------------------------
# measure NAME OK_STATUSES STDOUT COMMAND...: runs COMMAND $runs times under /usr/bin/time; appends one line per
# run to $tmp/runs: name, wall seconds (bash clock, µs resolution), peak RSS KiB, CPU%, user s, system s.
measure() {
    local name=$1 ok=$2 out=$3 run start end rc
    shift 3
    for ((run = 1; run <= runs; run++)); do
        start=$EPOCHREALTIME
        set +e
        /usr/bin/time -f '%M %P %U %S' -o "$tmp/time" "$@" >"$out" 2>"$tmp/stderr"
        rc=$?
        set -e
        end=$EPOCHREALTIME
        if [[ " $ok " != *" $rc "* ]]; then
            cat "$tmp/stderr" >&2
            die "$name: exit status $rc (expected one of: $ok): $*"
        fi
        read -r rss cpu user sys < <(tail -n 1 "$tmp/time")
        echo "$name $start $end ${rss} ${cpu%\%} $user $sys" >>"$tmp/runs"
        note "$name run $run/$runs: $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f s", e - s }'), ${rss} KiB, $cpu"
    done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/runs"

# (a) logtriage over the archive as stored (gzip rotations included); 0 = no incident, 1 = incidents, 2 = error.
measure logtriage "0 1" "$tmp/logtriage.json" "$bin" scan "$workload/var" --output json --no-progress
# (b) grep with the same literals over the decompressed copy of the same log files: matching alone.
measure grep "0 1" "$tmp/grep.out" env LC_ALL=C grep -a -c -F -f "$tmp/literals.txt" -- "${plain_paths[@]}"
# (b') zcat -f | grep over the archive as stored: what a shell pipeline does with the same input.
measure zcat-grep "0 1" "$tmp/zcat-grep.out" bash -c 'set -o pipefail; lit=$1; shift; zcat -f -- "$@" | LC_ALL=C grep -a -c -F -f "$lit"' \
    _ "$tmp/literals.txt" "${stored_paths[@]}"
# (c) inflate alone: zlib (zcat) against ISA-L (igzip) on the gzip rotations.
if ((${#gz_paths[@]})); then
    measure zcat "0" /dev/null zcat -- "${gz_paths[@]}"
    [[ -z $igzip ]] || measure igzip "0" /dev/null "$igzip" -dc -- "${gz_paths[@]}"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------------------------------------
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git -C "$repo" status --porcelain -- Sources Package.swift patterns 2>/dev/null) ]] || commit="$commit+local changes"

python3 - "$tmp" "$workload" "$size" "$runs" "$commit" "$load_before" "$load_after" "$(nproc)" <<'EOF'
import json, sys
tmp, workload, size, runs, commit, load_before, load_after, cores = sys.argv[1:]
manifest = json.load(open(f"{workload}/workload.json"))
report = json.load(open(f"{tmp}/logtriage.json"))
stats = report["stats"]

rows = {}
for line in open(f"{tmp}/runs"):
    name, start, end, rss, cpu, user, system = line.split()
    rows.setdefault(name, []).append((float(end) - float(start), int(rss), cpu, float(user), float(system)))

def grep_total(path):
    total = 0
    for line in open(path, errors="replace"):
        line = line.strip()
        if line:
            total += int(line.rsplit(":", 1)[-1])
    return total

all_bytes = manifest["bytes"]
gz_bytes = manifest["gzip_bytes"]
mb = 1e6
described = {
    "logtriage": ("logtriage scan DIR --output json --no-progress", all_bytes,
                  f"{stats['records']} records, {len(report['incidents'])} incidents"),
    "grep": ("LC_ALL=C grep -a -c -F -f literals.txt (decompressed copy)", all_bytes,
             f"{grep_total(f'{tmp}/grep.out')} matching lines"),
    "zcat-grep": ("zcat -f STORED... | LC_ALL=C grep -a -c -F -f literals.txt", all_bytes,
                  f"{grep_total(f'{tmp}/zcat-grep.out')} matching lines"),
    "zcat": ("zcat GZ... > /dev/null (zlib inflate)", gz_bytes, "gzip rotations only"),
    "igzip": ("igzip -dc GZ... > /dev/null (ISA-L inflate)", gz_bytes, "gzip rotations only"),
}

print()
print(f"logtriage benchmark: {size} workload at {workload} (seed {manifest['seed']}), commit {commit}")
print(f"input: {all_bytes / 2**20:.1f} MiB decompressed in {len(manifest['files'])} log files "
      f"({manifest['stored_bytes'] / 2**20:.1f} MiB stored; {gz_bytes / 2**20:.1f} MiB of it behind gzip); "
      f"{cores} cores; load average {load_before} before, {load_after} after")
print(f"best wall time of {runs} runs; MB/s = decompressed bytes / wall (1 MB = 10^6 bytes); "
      f"RSS = peak resident set, highest of the runs; CPU% = (user+sys)/wall of the best run, 100% per core")
print()
header = f"{'command':<62} {'wall s':>8} {'MB/s':>8} {'RSS MiB':>8} {'CPU%':>6}  notes"
print(header)
print("-" * len(header))
best = {}
for name in ("logtriage", "grep", "zcat-grep", "zcat", "igzip"):
    if name not in rows:
        continue
    label, nbytes, notes = described[name]
    wall, _, cpu, _, _ = min(rows[name])
    rss = max(r[1] for r in rows[name])
    best[name] = wall
    print(f"{label:<62} {wall:8.3f} {nbytes / mb / wall:8.1f} {rss / 1024:8.1f} {cpu:>5}%  {notes}")
print()

rss_mib = max(r[1] for r in rows["logtriage"]) / 1024
lines = [
    f"logtriage / grep wall time: {best['logtriage'] / best['grep']:.2f}x (target: at most 1.00x, with gzip "
    f"included on logtriage's side)",
    f"logtriage / (zcat | grep) wall time: {best['logtriage'] / best['zcat-grep']:.2f}x",
]
if "igzip" in best:
    lines.append(f"ISA-L inflate is {best['zcat'] / best['igzip']:.2f}x zlib on these rotations "
                 f"(target for logtriage's gzip input: ISA-L speed, 3-5x zlib)")
lines.append(f"logtriage peak RSS {rss_mib:.1f} MiB (target: under 64 MiB whatever the input)")
cpu = min(rows["logtriage"])[2]
lines.append(f"logtriage CPU {cpu}% of {int(cores) * 100}% (target: both cores used)")
lines.append(f"logtriage's own stats: {stats['bytes']} bytes decoded, {stats['stored_bytes']} stored, "
             f"{stats['files']} files, {stats['seconds']} s")
for line in lines:
    print(line)
if stats["bytes"] != all_bytes:
    print(f"WARNING: logtriage decoded {stats['bytes']} bytes but the workload has {all_bytes}: "
          f"the rows above do not compare the same input")
if report.get("errors") or report.get("skipped"):
    print(f"WARNING: logtriage reported errors {report.get('errors')} and skipped {report.get('skipped')}")

reported = {i["id"]: i["count"] for i in report["incidents"]}
planted = manifest["planted"]
print()
print(f"{'incident':<34} {'planted':>8} {'reported':>9}")
for key in sorted(set(planted) | set(reported)):
    flag = "" if planted.get(key, 0) == reported.get(key, 0) else "   <- differs"
    print(f"{key:<34} {planted.get(key, 0):>8} {reported.get(key, 0):>9}{flag}")
EOF
