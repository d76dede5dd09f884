#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs the Debian packages vspace needs, builds the
# `vspace` tool (Release) and runs the main job on built-in data:
#   vspace knn --demo   Fashion-MNIST (Debian's dataset-fashion-mnist): 60,000 training images
#                       as the base, the 10,000 test images as queries, k = 10; exact float
#                       search versus int8 and binary (+ float re-ranking), timed, with recall.
# Usage: bash cmake/quickstart.sh        (the tool ends up in build/release/vspace)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${VSPACE_BUILD_DIR:-$root/build/release}

bash "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVSPACE_BUILD_TESTS=OFF -DVSPACE_BUILD_EXAMPLES=ON
cmake --build "$build" --target vspace_cli -j "$(nproc)"
echo
echo "== $build/vspace knn --demo"
"$build/vspace" knn --demo
