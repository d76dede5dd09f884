#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script and nothing else).
#   bash cmake/run-tests.sh            all steps below, then a summary; exit 1 if any failed
# Steps (each runs even when an earlier one failed; builds keep going past a failing target, so
# one broken file does not hide the results of the rest):
#   release-build   Release build of everything, warnings as errors (-DVSPACE_WERROR=ON): library
#                   tests, examples, the vspace tool, and tests/compile (every public header
#                   compiled on its own)
#   release-tests   all tests (ctest -j2): unit tests, CLI tests, lessons, must-not-compile
#                   tests, docs snippets
#   odr             cmake/check-odr.sh on the per-level SIMD objects
#   noexcept        the lesson built with -fno-exceptions runs
#   sanitize-build  Debug build (-O1) with ASan + UBSan
#   sanitize-tests  all tests again under the sanitizers
#   tsan            ThreadSanitizer build of the multi-threaded tests (concurrent HNSW add and
#                   search, deterministic parallel builds, UMAP/t-SNE SGD, k-means), run alone
#   fuzz            Clang build of the libFuzzer targets only (fuzz_all, -DVSPACE_BUILD_FUZZ=ON), each
#                   run for 30 s on a scratch copy of its corpus, 2 at a time (tests/fuzz/run-fuzz.sh)
#   tidy            clang-tidy (.clang-tidy: bug-finding checks only) over the tool's sources, which
#                   include every part of the library; any finding fails the step
#   static          the small static tool (cmake/check-static.sh): size budget, and the same
#                   answers at every SIMD dispatch level (AVX2-only and SSE4.2-only included)
#   consumer        tests/consumer against the installed package (cmake --install, find_package)
#   subdirectory    tests/consumer through add_subdirectory of this source tree
# Environment: VSPACE_CI_DIR (build folder, default build/ci), VSPACE_JOBS (default 2),
# VSPACE_CI_STEPS (space-separated subset of the steps, default all).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${VSPACE_CI_DIR:-$root/build/ci}
jobs=${VSPACE_JOBS:-2}
steps=${VSPACE_CI_STEPS:-"release-build release-tests odr noexcept sanitize-build sanitize-tests tsan fuzz tidy static consumer subdirectory"}
mkdir -p "$out"
log_dir=$out/logs
mkdir -p "$log_dir"

names=() results=() seconds=()
failed=0

# run_step NAME FUNCTION: runs FUNCTION, logs to $log_dir/NAME.log (also shown), records the result.
run_step() {
    local name=$1 fn=$2 start=$SECONDS status
    case " $steps " in *" $name "*) ;; *) return 0 ;; esac
    echo
    echo "===== $name"
    $fn 2>&1 | tee "$log_dir/$name.log"
    status=${PIPESTATUS[0]}
    names+=("$name") seconds+=($((SECONDS - start)))
    if [ "$status" -eq 0 ]; then results+=(PASS); else results+=(FAIL); failed=1; fi
}

configure() {  # configure DIR [cmake args...]
    local dir=$1
    shift
    cmake -S "$root" -B "$dir" -DVSPACE_BUILD_TESTS=ON -DVSPACE_BUILD_EXAMPLES=ON "$@" >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log"; return 1; }
}

build_all() {  # build_all DIR: every target, going on past failures (reported at the end)
    local keep=-k
    [ -f "$1/build.ninja" ] && keep="-k 0"
    cmake --build "$1" -j "$jobs" -- $keep
}

run_ctest() {  # run_ctest DIR
    [ -f "$1/CTestTestfile.cmake" ] || { echo "no test tree in $1 (configure failed)"; return 1; }
    ctest --test-dir "$1" -j "$jobs" --output-on-failure --timeout 900
}

step_release_build() {
    configure "$out/release" -DCMAKE_BUILD_TYPE=Release -DVSPACE_WERROR=ON && build_all "$out/release"
}

step_release_tests() {
    run_ctest "$out/release"
}

step_odr() {
    bash "$root/cmake/check-odr.sh" "$out/release"
}

step_noexcept() {
    cmake --build "$out/release" --target example_02_search_noexcept -j "$jobs" &&
        "$out/release/examples/example_02_search_noexcept" 2000 32
}

step_sanitize_build() {
    # -O1: sanitized code at -O0 is several times slower, and -O1 keeps useful stack traces.
    configure "$out/sanitize" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
        -DVSPACE_SANITIZE=address,undefined && build_all "$out/sanitize"
}

step_sanitize_tests() {
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest "$out/sanitize"
}

# The tests whose threads share data (their names say so); the rest of the suite gains nothing
# from TSan beyond what ASan already checks.
tsan_targets="test_core test_hnsw test_flat test_kmeans test_umap_steps test_tsne_parts test_quantize test_determinism"
tsan_tests='[Tt]hread|concurren|while_rows_are_added|deterministic'

step_tsan() {
    configure "$out/tsan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DVSPACE_SANITIZE=thread \
        -DVSPACE_BUILD_EXAMPLES=OFF || return 1
    cmake --build "$out/tsan" -j "$jobs" --target $tsan_targets || return 1
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ctest --test-dir "$out/tsan" -j "$jobs" --output-on-failure --timeout 900 -R "$tsan_tests"
}

step_fuzz() {
    # Only the fuzz targets are built (fuzz_all), not the rest of the test tree.
    CC=clang CXX=clang++ configure "$out/fuzz" -DCMAKE_BUILD_TYPE=Debug -DVSPACE_BUILD_FUZZ=ON \
        -DVSPACE_BUILD_EXAMPLES=OFF || return 1
    cmake --build "$out/fuzz" -j "$jobs" --target fuzz_all || return 1
    # seeds cut from the real data sets are not committed (their licences): made here
    bash "$root/tests/fuzz/make_corpus.sh" "$out/fuzz" || return 1
    bash "$root/tests/fuzz/run-fuzz.sh" "$out/fuzz" 30 2
}

# The tool's commands between them include every public header; the lessons add nothing new.
tidy_sources="main command_line info knn build search quantize cluster similar outliers project map"

step_tidy() {
    # a compilation database from Clang's point of view; nothing is built
    CC=clang CXX=clang++ configure "$out/tidy" -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DVSPACE_BUILD_TESTS=OFF || return 1
    local files=()
    for f in $tidy_sources; do files+=("$root/examples/cli/$f.cpp"); done
    printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 1 clang-tidy -p "$out/tidy" --quiet
}

step_static() {
    bash "$root/cmake/check-static.sh" "$out/static"
}

step_consumer() {
    local prefix=$out/prefix
    rm -rf "$prefix" "$out/consumer"
    cmake --install "$out/release" --prefix "$prefix" >"$out/install.log" 2>&1 || { cat "$out/install.log"; return 1; }
    cmake -S "$root/tests/consumer" -B "$out/consumer" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" &&
        cmake --build "$out/consumer" -j "$jobs" &&
        "$out/consumer/consumer" && "$out/consumer/consumer_header_only"
}

step_subdirectory() {
    rm -rf "$out/subdirectory"
    cmake -S "$root/tests/consumer" -B "$out/subdirectory" -DCMAKE_BUILD_TYPE=Release -DVSPACE_SOURCE_DIR="$root" &&
        cmake --build "$out/subdirectory" -j "$jobs" &&
        "$out/subdirectory/consumer" && "$out/subdirectory/consumer_header_only"
}

total_start=$SECONDS
run_step release-build step_release_build
run_step release-tests step_release_tests
run_step odr step_odr
run_step noexcept step_noexcept
run_step sanitize-build step_sanitize_build
run_step sanitize-tests step_sanitize_tests
run_step tsan step_tsan
run_step fuzz step_fuzz
run_step tidy step_tidy
run_step static step_static
run_step consumer step_consumer
run_step subdirectory step_subdirectory

echo
echo "===== summary ($(nproc) cores, $((SECONDS - total_start)) s in all; logs in $log_dir)"
for i in "${!names[@]}"; do
    printf '  %-15s %s  %5d s\n' "${names[$i]}" "${results[$i]}" "${seconds[$i]}"
done
if [ "$failed" -ne 0 ]; then
    echo "run-tests: FAILED"
    exit 1
fi
echo "run-tests: all steps passed"
