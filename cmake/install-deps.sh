#!/usr/bin/env bash
# Installs what vspace needs on Debian 12, from Debian's own packages (nothing is downloaded
# at build time). Usage: cmake/install-deps.sh [--bench] [--browser]
#   (no flag)  compiler, CMake, libraries, test frameworks, Fashion-MNIST
#   --bench    also the anchor libraries the benchmarks compare with (FAISS, hnswlib, ...)
#   --browser  also Chromium, Node.js and npm for the browser test of the HTML map, and npm's
#              playwright-core in build/node/ (VSPACE_NODE_DIR), where tests/browser looks for it
set -euo pipefail
browser=0
packages=(
    g++ clang cmake make pkg-config file
    libeigen3-dev libxsimd-dev libboost-dev libboost-math-dev libspectra-dev
    nlohmann-json3-dev libstb-dev zlib1g-dev
    libgtest-dev libgmock-dev libbenchmark-dev libclang-rt-14-dev clang-tidy
    dataset-fashion-mnist
)
for arg in "$@"; do
    case "$arg" in
        --bench) packages+=(libhnswlib-dev libfaiss-dev python3-faiss libopenblas0-openmp python3-numpy
                            python3-sklearn umap-learn r-cran-uwot r-cran-rtsne python3-matplotlib hyperfine time) ;;
        # Node.js and npm only when absent: a Node.js from elsewhere (nodesource) bundles npm and
        # conflicts with Debian's npm package.
        --browser) packages+=(chromium); browser=1
                   command -v node >/dev/null || packages+=(nodejs)
                   command -v npm >/dev/null || packages+=(npm) ;;
        *) echo "install-deps.sh: unknown option '$arg' (expected --bench or --browser)" >&2; exit 2 ;;
    esac
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$browser" -eq 1 ]; then
    node_dir=${VSPACE_NODE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/node}
    if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ]; then
        mkdir -p "$node_dir"
        # playwright-core drives the system's Chromium and downloads no browser of its own.
        npm install --prefix "$node_dir" --no-audit --no-fund --no-save --loglevel=error playwright-core@1
    fi
    echo "install-deps: playwright-core in $node_dir/node_modules"
fi
echo "install-deps: all ${#packages[@]} packages present"
