#!/usr/bin/env bash
# Throughput benchmark of `logtriage scan` against grep, ripgrep, Hyperscan and zlib/ISA-L inflate on the same
# input, over several variants of one generated workload, with the speed targets checked at the end.
#
#   Benchmarks/run.sh [SIZE]        SIZE: 1G, 256M, 64M ... (default $BENCH_SIZE, else 256M)
#
# Environment: BENCH_SIZE, BENCH_RUNS (3), BENCH_SHORT_RUNS (3 x BENCH_RUNS), BENCH_SEED (1), BENCH_DIR (/tmp/logtriage-bench/SIZE),
# BENCH_SCRATCH (SwiftPM scratch path, default .build), BENCH_SCALE (1; 0 leaves out the 4x-size workload),
# BENCH_SCALE_DIR (/tmp/logtriage-bench/<4x SIZE>), BENCH_KEEP (a folder to keep the raw results in),
# BENCH_BIN (a logtriage binary to measure instead of building one).
# See Benchmarks/README.md for what is measured. Prints the tables; writes nothing into the repository except
# the build in the scratch path.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # nothing written into Benchmarks/

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
size=${1:-${BENCH_SIZE:-256M}}
runs=${BENCH_RUNS:-3}
# The rows over the 20,000 small files last 0.2-0.5 s each, as long as a stall of this machine can be: they take
# more runs, so that their best is as steady as that of the rows lasting seconds.
short_runs=${BENCH_SHORT_RUNS:-$((3 * ${runs}))}
seed=${BENCH_SEED:-1}
workload=${BENCH_DIR:-/tmp/logtriage-bench/$size}
scratch=${BENCH_SCRATCH:-$repo/.build}
scale=${BENCH_SCALE:-1}
keep=${BENCH_KEEP:-}

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "run.sh: $*" >&2; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive number, not '$runs'"
[[ $short_runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_SHORT_RUNS must be a positive number, not '$short_runs'"
[[ $size =~ ^[0-9]+(\.[0-9]+)?[KkMmGgTt]?$ ]] || die "the size must look like 1G, 256M or 64M, not '$size'"
[[ $scale == 0 || $scale == 1 ]] || die "BENCH_SCALE must be 0 or 1, not '$scale'"

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
    [[ -n $igzip ]] || note "igzip (apt package isal) is not available; the ISA-L rows are left out"
fi
rg=$(command -v rg || true)
if [[ -z $rg ]]; then
    apt_install ripgrep && rg=$(command -v rg || true)
    [[ -n $rg ]] || note "rg (apt package ripgrep) is not available; the ripgrep rows are left out"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/logtriage-bench-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out"
: >"$tmp/runs"
: >"$tmp/na"

# Hyperscan ceiling: Benchmarks/hs-count.c, compiled here (never into the repository).
hs=""
if [[ ! -f /usr/include/hs/hs.h ]]; then
    apt_install libhyperscan-dev || true
fi
if ! command -v cc >/dev/null; then
    note "no C compiler (cc); the Hyperscan rows are left out"
elif [[ ! -f /usr/include/hs/hs.h ]]; then
    note "Hyperscan (apt package libhyperscan-dev) is not available; the Hyperscan rows are left out"
elif cc -O2 -o "$tmp/hs-count" "$here/hs-count.c" -lhs 2>"$tmp/hs-build.log"; then
    hs=$tmp/hs-count
else
    cat "$tmp/hs-build.log" >&2
    note "compiling Benchmarks/hs-count.c failed; the Hyperscan rows are left out"
fi

# --- build -------------------------------------------------------------------------------------------------
if [[ -n ${BENCH_BIN:-} ]]; then
    bin=$BENCH_BIN
    [[ -x $bin ]] || die "BENCH_BIN=$bin is not an executable"
    note "using $bin (BENCH_BIN); not building"
else
    note "building: swift build -c release --product logtriage --static-swift-stdlib --scratch-path $scratch"
    (cd "$repo" && swift build -c release --product logtriage --static-swift-stdlib --scratch-path "$scratch") >&2 ||
        die "the release build failed"
    bin="$(cd "$repo" && swift build -c release --scratch-path "$scratch" --show-bin-path)/logtriage"
    [[ -x $bin ]] || die "no binary at $bin after the build"
fi
scan_help=$("$bin" scan --help 2>&1 || true)
has_jobs=0 has_inflate=0
[[ $scan_help == *--jobs* ]] && has_jobs=1
[[ $scan_help == *--inflate* ]] && has_inflate=1
unsupported="n/a (flag not supported by this build)"

# --- workloads ---------------------------------------------------------------------------------------------
ensure_workload() { # DIR SIZE: generates DIR unless it holds a workload of that size and seed
    local dir=$1 want=$2
    if [[ ! -f $dir/workload.json ]]; then
        [[ ! -e $dir ]] || die "$dir exists without a workload.json (an interrupted generation?); remove it"
        note "generating: $here/generate-workload.py --size $want --seed $seed --out $dir"
        mkdir -p "$(dirname "$dir")"
        local started=$EPOCHREALTIME
        python3 "$here/generate-workload.py" --size "$want" --seed "$seed" --out "$dir.partial.$$" ||
            die "generating the workload failed"
        mv "$dir.partial.$$" "$dir"
        echo "generate $want $started $EPOCHREALTIME" >>"$tmp/setup"
    fi
    python3 - "$here/generate-workload.py" "$dir/workload.json" "$want" "$seed" <<'EOF' ||
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("generate_workload", sys.argv[1])
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)
manifest = json.load(open(sys.argv[2]))
wanted = (generator.GENERATOR_VERSION, generator.parse_size(sys.argv[3]), int(sys.argv[4]))
found = (manifest.get("generator_version"), manifest.get("size"), manifest.get("seed"))
sys.exit(0 if wanted == found else f"(generator version, size, seed) {found} != {wanted}")
EOF
        die "$dir was generated with other settings; remove it or set BENCH_DIR / BENCH_SCALE_DIR"
}

: >"$tmp/setup"
ensure_workload "$workload" "$size"
started=$EPOCHREALTIME
before=$(stat -c %Y.%s "$workload/variants.json" 2>/dev/null || true)
python3 "$here/make-variants.py" --workload "$workload" || die "making the workload variants failed"
[[ $(stat -c %Y.%s "$workload/variants.json") == "$before" ]] || echo "variants $size $started $EPOCHREALTIME" >>"$tmp/setup"

scale_size=""
scaled=""
if [[ $scale == 1 ]]; then
    scale_size=$(python3 - "$here/generate-workload.py" "$size" <<'EOF'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("generate_workload", sys.argv[1])
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)
n = 4 * generator.parse_size(sys.argv[2])
for suffix, unit in (("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
    if n % unit == 0:
        print(f"{n // unit}{suffix}")
        break
else:
    print(n)
EOF
)
    scaled=${BENCH_SCALE_DIR:-$(dirname "$workload")/$scale_size}
    ensure_workload "$scaled" "$scale_size"
fi

files_of() { # MANIFEST KEY [FILTER]: prints the paths a JSON list holds
    python3 -c 'import json, sys
data = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    data = data[key]
for item in data:
    if isinstance(item, dict):
        if len(sys.argv) > 3 and not item[sys.argv[3]]:
            continue
        item = item["path"]
    print(item)' "$@"
}
mapfile -t stored < <(files_of "$workload/workload.json" files)
mapfile -t gzipped < <(files_of "$workload/workload.json" files gzip)
mapfile -t plain_rel < <(files_of "$workload/variants.json" plain.files)
mapfile -t gz_rel < <(files_of "$workload/variants.json" gz.files)
stored_paths=("${stored[@]/#/$workload/}")
gz_rotations=("${gzipped[@]/#/$workload/}")
plain_paths=("${plain_rel[@]/#/$workload/}")
gz_paths=("${gz_rel[@]/#/$workload/}")
big_gz=$workload/big/access.log.gz
big_plain=$workload/big/access.log
small=$workload/small
small_gz=$workload/small-gz
extra=$workload/extra-patterns

python3 "$here/literals.py" -o "$tmp/literals.txt" 2>"$tmp/literals.log" ||
    { cat "$tmp/literals.log" >&2; die "literals.py failed"; }
python3 "$here/literals.py" --patterns "$extra" -o "$tmp/extra-literals.txt" 2>>"$tmp/literals.log" ||
    { cat "$tmp/literals.log" >&2; die "literals.py failed on $extra"; }
cat "$tmp/literals.txt" "$tmp/extra-literals.txt" >"$tmp/literals-plus.txt"
lit=$tmp/literals.txt

# --- measuring ---------------------------------------------------------------------------------------------
# measure NAME OK_STATUSES OUT COMMAND...: runs COMMAND $runs times under /usr/bin/time with stdout to the file
# OUT; appends one line per run to $tmp/runs: name, start and end (bash clock, µs resolution), peak RSS KiB,
# CPU%, user s, system s, bytes written to OUT.
measure() {
    local run
    for ((run = 1; run <= runs; run++)); do measure_once "$run" "$@"; done
}
measure_once() { # RUN NAME OK_STATUSES OUT COMMAND...: one run of measure
    local run=$1 name=$2 ok=$3 out=$4 start end rc
    shift 4
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
    echo "$name $start $end ${rss} ${cpu%\%} $user $sys $(stat -c %s "$out")" >>"$tmp/runs"
    note "$name run $run/$runs: $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f s", e - s }'), ${rss} KiB, $cpu"
}
na() { echo "$1 $2" >>"$tmp/na"; } # NAME REASON...: a row that could not be measured
# A command whose large output only its size matters for: measured into a file, which is then removed.
measure_sink() { local name=$1; shift; measure "$name" 0 "$tmp/out/$name.out" "$@"; rm -f "$tmp/out/$name.out"; }
lt() { measure "$1" "0 1" "$tmp/out/$1.json" "$bin" scan "${@:2}" --output json --no-progress; }
# NAME_A ARGS_A NAME_B ARGS_B: logtriage with the arguments in the arrays named ARGS_A and ARGS_B (rows NAME_A and
# NAME_B), the two taking turns run by run, so that a slow stretch of the machine falls on both rows of a ratio
# rather than on one.
lt_turns() {
    local -n turn_a=$2 turn_b=$4
    local run
    for ((run = 1; run <= runs; run++)); do
        measure_once "$run" "$1" "0 1" "$tmp/out/$1.json" "$bin" scan "${turn_a[@]}" --output json --no-progress
        measure_once "$run" "$3" "0 1" "$tmp/out/$3.json" "$bin" scan "${turn_b[@]}" --output json --no-progress
    done
}
# PREFIX PATH: logtriage on PATH with --jobs 1 (row PREFIX.jobs1) and --jobs 2 (PREFIX.jobs2), in turns.
lt_jobs() {
    local jobs_one=("$2" --jobs 1) jobs_two=("$2" --jobs 2)
    lt_turns "$1.jobs1" jobs_one "$1.jobs2" jobs_two
}
pipe_grep() { # NAME LITERALS DECOMPRESSOR FILES...: DECOMPRESSOR FILES | grep -c
    local name=$1 lits=$2 dec=$3
    shift 3
    measure "$name" "0 1" "$tmp/out/$name.out" bash -c 'set -o pipefail; lit=$1; dec=$2; shift 2
        $dec -- "$@" | LC_ALL=C grep -a -c -F -f "$lit"' _ "$lits" "$dec" "$@"
}
pipe_hs() { # NAME FILES...: igzip -dc FILES | hs-count
    local name=$1
    shift
    measure "$name" "0 1" "$tmp/out/$name.out" bash -c 'set -o pipefail; hs=$1; lit=$2; igzip=$3; shift 3
        "$igzip" -dc -- "$@" | "$hs" -f "$lit"' _ "$hs" "$lit" "$igzip" "$@"
}
grep_rows() { # PREFIX FILES...: grep, rg and hs-count with the catalog's literals over plain files
    local p=$1
    shift
    measure "$p.grep" "0 1" "$tmp/out/$p.grep.out" env LC_ALL=C grep -a -c -F -f "$lit" -- "$@"
    if [[ -n $rg ]]; then
        measure "$p.rg" "0 1" "$tmp/out/$p.rg.out" "$rg" --no-config -c -a -F -f "$lit" -- "$@"
    else na "$p.rg" "rg not installed"; fi
    if [[ -n $hs ]]; then
        measure "$p.hs" "0 1" "$tmp/out/$p.hs.out" "$hs" -f "$lit" -- "$@"
    else na "$p.hs" "hs-count not built"; fi
}
inflate_rows() { # PREFIX FILES...: zcat | grep, rg -z, igzip -dc > out, zcat > out, igzip -dc | hs-count
    local p=$1
    shift
    pipe_grep "$p.zcat-grep" "$lit" zcat "$@"
    if [[ -n $rg ]]; then
        measure "$p.rg" "0 1" "$tmp/out/$p.rg.out" "$rg" --no-config -z -c -a -F -f "$lit" -- "$@"
    else na "$p.rg" "rg not installed"; fi
    if [[ -n $igzip ]]; then
        measure_sink "$p.igzip" "$igzip" -dc -- "$@"
    else na "$p.igzip" "igzip not installed"; fi
    measure_sink "$p.zcat" zcat -- "$@"
    if [[ -n $igzip && -n $hs ]]; then
        pipe_hs "$p.igzip-hs" "$@"
    else na "$p.igzip-hs" "igzip or hs-count missing"; fi
}
warm() { find "$@" -type f -exec cat {} + >/dev/null; } # into the page cache: the figures are CPU cost

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
measure_started=$EPOCHREALTIME

# The archive as generated (a third behind gzip), as in the first version of this benchmark.
warm "$workload/var"
# Its logtriage row is measured at the end, in turns with the 4x workload's (the scaling check); here without it.
[[ -n $scaled ]] || lt stored.logtriage "$workload/var"
pipe_grep stored.zcat-grep "$lit" "zcat -f" "${stored_paths[@]}"
measure_sink stored.zcat zcat -- "${gz_rotations[@]}"
if [[ -n $igzip ]]; then measure_sink stored.igzip "$igzip" -dc -- "${gz_rotations[@]}"; else na stored.igzip "igzip not installed"; fi

# The plain mix: every file decompressed.
warm "$workload/plain"
# In turns with the catalog plus the 1,000 generated rules (the scaling row; grep's and hs-count's are below).
plain_args=("$workload/plain/var")
rules_args=("$workload/plain/var" --patterns "$extra")
lt_turns plain.logtriage plain_args rules.logtriage rules_args
if ((has_jobs)); then
    lt_jobs plain "$workload/plain/var"
else
    na plain.jobs1 "$unsupported"
    na plain.jobs2 "$unsupported"
fi
grep_rows plain "${plain_paths[@]}"

# The gz mix: every file gzip -6'd.
warm "$workload/gz"
lt gz.logtriage "$workload/gz/var"
if ((has_inflate)); then lt gz.zlib "$workload/gz/var" --inflate zlib; else na gz.zlib "$unsupported"; fi
inflate_rows gz "${gz_paths[@]}"

# One large gzip file, and the same bytes decompressed.
warm "$workload/big"
lt big.logtriage "$big_gz"
if ((has_inflate)); then lt big.zlib "$big_gz" --inflate zlib; else na big.zlib "$unsupported"; fi
lt big.plain "$big_plain"
measure big.grep "0 1" "$tmp/out/big.grep.out" env LC_ALL=C grep -a -c -F -f "$lit" -- "$big_plain"
inflate_rows big "$big_gz"

# 20,000 small rotated files, with more runs each (see short_runs).
warm "$small" "$small_gz"
long_runs=$runs
runs=$short_runs
lt small.logtriage "$small"
if ((has_jobs)); then
    lt_jobs small "$small"
else
    na small.jobs1 "$unsupported"
    na small.jobs2 "$unsupported"
fi
lt small.gz "$small_gz"
measure small.grep "0 1" "$tmp/out/small.grep.out" env LC_ALL=C grep -r -a -c -F -f "$lit" -- "$small"
if [[ -n $rg ]]; then
    measure small.rg "0 1" "$tmp/out/small.rg.out" "$rg" --no-config --no-ignore -c -a -F -f "$lit" -- "$small"
else na small.rg "rg not installed"; fi
if [[ -n $hs ]]; then measure small.hs "0 1" "$tmp/out/small.hs.out" "$hs" -f "$lit" -- "$small"; else na small.hs "hs-count not built"; fi
runs=$long_runs

# Scaling: the catalog plus 1,000 generated literal rules over the plain mix; 4x the archive as generated.
measure rules.grep "0 1" "$tmp/out/rules.grep.out" env LC_ALL=C grep -a -c -F -f "$tmp/literals-plus.txt" -- "${plain_paths[@]}"
if [[ -n $hs ]]; then
    measure rules.hs "0 1" "$tmp/out/rules.hs.out" "$hs" -f "$tmp/literals-plus.txt" -- "${plain_paths[@]}"
else na rules.hs "hs-count not built"; fi
if [[ -n $scaled ]]; then
    warm "$workload/var" "$scaled/var"
    stored_args=("$workload/var")
    scale_args=("$scaled/var")
    lt_turns stored.logtriage stored_args scale.logtriage scale_args
else
    na scale.logtriage "left out (BENCH_SCALE=0)"
fi

measure_ended=$EPOCHREALTIME
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------------------------------------
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git -C "$repo" status --porcelain -- Sources Package.swift patterns 2>/dev/null) ]] || commit="$commit+local changes"
[[ -z ${BENCH_BIN:-} ]] || commit="$commit (binary: $BENCH_BIN)"
cat >"$tmp/context.json" <<EOF
{"size": "$size", "runs": $runs, "short_runs": $short_runs, "commit": "$commit", "load_before": "$load_before", "load_after": "$load_after",
 "cores": $(nproc), "workload": "$workload", "scaled": "$scaled", "scale_size": "$scale_size",
 "has_jobs": $has_jobs, "has_inflate": $has_inflate, "measure_seconds": $(awk -v s="$measure_started" -v e="$measure_ended" 'BEGIN { printf "%.1f", e - s }'),
 "literals": $(wc -l <"$tmp/literals.txt"), "extra_literals": $(wc -l <"$tmp/extra-literals.txt")}
EOF
if [[ -n $keep ]]; then
    mkdir -p "$keep"
    cp -r "$tmp/runs" "$tmp/na" "$tmp/setup" "$tmp/context.json" "$tmp/out" "$keep/"
    note "raw results kept in $keep (Benchmarks/report.py $keep prints the tables again)"
fi
python3 "$here/report.py" "$tmp"
