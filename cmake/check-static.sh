#!/usr/bin/env bash
# The small static `vspace` binary: builds it (-DVSPACE_STATIC_CLI=ON: -static, -Os, section GC,
# link-time optimisation, stripped), checks its size against the budget, and checks that it
# gives the same answers at every SIMD dispatch level the CPU has, AVX2-only and SSE4.2-only
# included (VSPACE_SIMD_ARCH caps the level).
#   bash cmake/check-static.sh [BUILD_DIR]     (default build/static)
# Needs Fashion-MNIST (cmake/install-deps.sh installs it) as the test data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/static}
budget=3000000  # bytes: the goal, 3 MB (docs/benchmarks.md#binary-size: 2.58 MB on 2026-12-04)
data=${VSPACE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}/t10k-images-idx3-ubyte.gz

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=MinSizeRel -DVSPACE_STATIC_CLI=ON \
    -DVSPACE_BUILD_TESTS=OFF -DVSPACE_BUILD_EXAMPLES=ON >"$build.configure.log" 2>&1 ||
    { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target vspace_cli -j "${VSPACE_JOBS:-2}"
tool=$build/vspace
file "$tool" | grep -q "statically linked" || { echo "check-static: $tool is not statically linked"; exit 1; }
size=$(stat -c %s "$tool")
echo "check-static: $tool is $size bytes (budget $budget)"
[ "$size" -le "$budget" ] || { echo "check-static: over the budget"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
levels=$("$tool" info | sed -n 's/^simd cpu levels: //p')
echo "check-static: levels of this CPU: $levels"
reference=""
for level in $levels; do
    case $level in serial | sse2 | avx512_vnni) continue ;; esac  # the levels the issue names, and avx512
    for t in f32 i8 b1; do
        VSPACE_SIMD_ARCH=$level "$tool" knn "$data" "$data" -k 5 --type "$t" -o "$work/$level-$t.npy" --quiet
    done
    VSPACE_SIMD_ARCH=$level "$tool" project "$data" --method pca -o "$work/$level-pca.npy" --quiet
    VSPACE_SIMD_ARCH=$level "$tool" info | grep -q "simd active: $level" || { echo "check-static: $level not active"; exit 1; }
    sums=$(cd "$work" && cat "$level"-*.npy | md5sum | cut -c1-32)
    echo "check-static: $level: knn f32/i8/b1 and pca on 10,000 x 784 -> $sums"
    if [ -z "$reference" ]; then reference=$sums
    elif [ "$sums" != "$reference" ]; then echo "check-static: $level gives other answers"; exit 1
    fi
done
echo "check-static: passed"
