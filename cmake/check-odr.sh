#!/usr/bin/env bash
# ODR guard for the per-level SIMD objects: every weak (inline or template) symbol a per-level
# unit defines must be specific to its instruction set, or the linker could pick a copy with
# wide-vector code for use on a CPU without it. Usage: cmake/check-odr.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: check-odr.sh BUILD_DIR}
objects=$(find "$build" -path '*_generated/simd_*.o')
[ -n "$objects" ] || { echo "check-odr: no per-level objects under $build" >&2; exit 1; }
bad=$(for o in $objects; do nm -C --defined-only "$o" | awk '$2 ~ /^[WVuw]$/' | cut -c20- |
      grep -v -E 'sse2|sse4_2|avx2|avx512|serial_arch|DW\.ref\.__gxx_personality_v0' | sed "s|^|$(basename "$o"): |" || true; done)
if [ -n "$bad" ]; then
    echo "check-odr: arch-independent weak symbols in per-level objects:" >&2
    echo "$bad" >&2
    exit 1
fi
echo "check-odr: $(echo "$objects" | wc -l) per-level objects clean"
