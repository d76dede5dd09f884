#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs the Debian packages vspace needs, builds the
# `vspace` tool (Release) and runs the main job on built-in data:
#   vspace map --demo   the interactive data map of all 70,000 Fashion-MNIST images (Debian's
#                       dataset-fashion-mnist): HNSW kNN graph, UMAP, class names on the map,
#                       one self-contained HTML file; prints where it is and how good the map is.
# `vspace knn --demo` (exact versus int8/binary search on the same images) is the second job.
# Usage: bash cmake/quickstart.sh        (the tool ends up in build/release/vspace)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${VSPACE_BUILD_DIR:-$root/build/release}

bash "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVSPACE_BUILD_TESTS=OFF -DVSPACE_BUILD_EXAMPLES=ON
cmake --build "$build" --target vspace_cli -j "$(nproc)"
echo
echo "== $build/vspace map --demo -o $build/fashion-mnist-map.html --report"
"$build/vspace" map --demo -o "$build/fashion-mnist-map.html" --report
