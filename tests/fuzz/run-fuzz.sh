#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a while and reports one line per target.
#   bash tests/fuzz/run-fuzz.sh [--merge] BUILD_DIR SECONDS [PARALLEL]
# BUILD_DIR: a build configured with -DVSPACE_BUILD_FUZZ=ON (cmake --build BUILD_DIR --target
# fuzz_all). Each target runs PARALLEL at a time (default 2) on a scratch copy of its corpus in
# BUILD_DIR/fuzz-run/<target>/, so the inputs it finds never touch the committed corpus; with
# --merge, those that add coverage are merged back into tests/fuzz/<target>/corpus (-merge=1).
# Exits 1 when any target found a crash, leak, timeout or out-of-memory; its input and log stay
# in BUILD_DIR/fuzz-run/<target>/ (the summary says where). Environment: VSPACE_FUZZ_TARGETS
# (space-separated subset of the targets).
set -uo pipefail

merge=0
if [ "${1:-}" = "--merge" ]; then merge=1; shift; fi
if [ $# -lt 2 ]; then
    echo "usage: run-fuzz.sh [--merge] BUILD_DIR SECONDS [PARALLEL]" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "$1" && pwd) || exit 2
seconds=$2 parallel=${3:-2}
targets=${VSPACE_FUZZ_TARGETS:-"npy texmex word_vectors idx load map_text hnsw command_line"}
runs=$build/fuzz-run

max_len() {  # the largest input worth trying: a few seed files' worth
    case $1 in
        hnsw) echo 16384 ;;
        word_vectors) echo 8192 ;;
        map_text | command_line) echo 2048 ;;
        *) echo 4096 ;;
    esac
}

# fuzz NAME: one target's run, in its own folder; writes rc there
fuzz() {
    local name=$1 dir=$runs/$1 bin=$build/tests/fuzz/fuzz_$1
    rm -rf "$dir"
    mkdir -p "$dir/artifacts"
    cp -r "$here/$name/corpus" "$dir/corpus"
    # the outer timeout only guards against a target that hangs before libFuzzer's clock starts
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        timeout $((seconds + 120)) "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -max_len="$(max_len "$name")" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
        >"$dir/log" 2>&1
    echo $? >"$dir/rc"
}

mkdir -p "$runs"
for name in $targets; do
    if [ ! -x "$build/tests/fuzz/fuzz_$name" ]; then
        echo "run-fuzz: $build/tests/fuzz/fuzz_$name is missing (build the fuzz_all target)" >&2
        exit 2
    fi
done
echo "run-fuzz: $(echo $targets | wc -w) targets, $seconds s each, $parallel at a time, in $runs"
running=0
for name in $targets; do
    if [ "$running" -ge "$parallel" ]; then
        wait -n
        running=$((running - 1))
    fi
    fuzz "$name" &
    running=$((running + 1))
done
wait

failed=0
printf '%-13s %7s %10s %16s  %s\n' target seconds execs "corpus files" result
for name in $targets; do
    dir=$runs/$name
    rc=$(cat "$dir/rc" 2>/dev/null || echo 1)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' | tail -1)
    before=$(ls "$here/$name/corpus" | wc -l) after=$(ls "$dir/corpus" | wc -l)
    result=PASS
    if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$dir/artifacts")" ]; then
        result="FAIL (rc $rc; log $dir/log; input $(ls -d "$dir"/artifacts/* 2>/dev/null | tr '\n' ' '))"
        failed=1
    fi
    printf '%-13s %7s %10s %16s  %s\n' "$name" "$seconds" "${execs:-?}" "$before -> $after" "$result"
done

if [ "$merge" -eq 1 ]; then
    for name in $targets; do
        "$build/tests/fuzz/fuzz_$name" -merge=1 -max_len="$(max_len "$name")" "$here/$name/corpus" "$runs/$name/corpus" \
            >"$runs/$name/merge.log" 2>&1 && echo "merged: $name now has $(ls "$here/$name/corpus" | wc -l) files" ||
            { echo "merge of $name failed (see $runs/$name/merge.log)"; failed=1; }
    done
fi
exit $failed
