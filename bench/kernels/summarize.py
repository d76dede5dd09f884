#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Markdown tables for docs/benchmarks.md from bench_kernels' JSON output.

    bench_kernels --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \\
                  --benchmark_format=json --benchmark_out=kernels.json
    bench/kernels/summarize.py kernels.json [median|min]

Figures are medians (or minima) of the repetitions, in CPU time (the process's own time, which
a busy machine disturbs less than wall time).
"""
import json
import sys

KERNELS = ["f32_dot", "f32_l2sq", "f32_cosine", "i8_dot", "i8_l2sq", "i8_cosine", "b1_hamming", "b1_jaccard"]
DIMS = [96, 384, 768, 784, 1536]
LEVELS = ["serial", "sse2", "sse4_2", "avx2", "avx512", "avx512_vnni"]


def load(path, stat):
    """{(kernel, shape, level, dims): (ns per call or per row, GB/s)} from the `stat` rows."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != stat:
            continue
        name = b["run_name"]
        kernel, shape, level, dims = name.split("/")
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
        ns = b["per_row"] * 1e9 if "per_row" in b else b["cpu_time"] * scale
        out[(kernel, shape, level, int(dims))] = (ns, b.get("bytes_per_second", 0) / 1e9)
    return out


def fmt(ns):
    return f"{ns:.1f}" if ns < 100 else f"{ns:.0f}"


def table_best_level(r, level):
    print(f"\n**{level}**: ns per call for one pair in L1 / ns per row for one query against 32 KiB of rows"
          " (`many`); GB/s of the pair's two vectors in brackets.\n")
    print("| kernel | " + " | ".join(str(d) for d in DIMS) + " |")
    print("|---|" + "---|" * len(DIMS))
    for k in KERNELS:
        cells = []
        for d in DIMS:
            p, m = r.get((k, "pair", level, d)), r.get((k, "many", level, d))
            cells.append(f"{fmt(p[0])} [{p[1]:.0f}] / {fmt(m[0])}" if p and m else "-")
        print(f"| {k} | " + " | ".join(cells) + " |")


def table_levels(r, dims):
    print(f"\nEvery level at {dims} dimensions, ns per call (pair in L1):\n")
    print("| kernel | " + " | ".join(LEVELS) + " |")
    print("|---|" + "---|" * len(LEVELS))
    for k in KERNELS:
        cells = [fmt(r[(k, "pair", lv, dims)][0]) if (k, "pair", lv, dims) in r else "-" for lv in LEVELS]
        print(f"| {k} | " + " | ".join(cells) + " |")


def table_alternatives(r):
    rows = [
        ("i8 dot: `vpdpbusd` + offset (chosen)", "i8_dot", "avx512_vnni"),
        ("i8 dot: widen + `vpdpwssd`", "i8_dot_vpdpwssd", "avx512_vnni"),
        ("i8 dot: widen + `vpmaddwd` (avx512 level)", "i8_dot", "avx512"),
        ("i8 l2sq: `vpdpbusd` on \\|a-b\\| (chosen)", "i8_l2sq", "avx512_vnni"),
        ("i8 l2sq: widen + `vpdpwssd`", "i8_l2sq_vpdpwssd", "avx512_vnni"),
        ("i8 l2sq: widen + `vpmaddwd` (avx512 level)", "i8_l2sq", "avx512"),
        ("b1 hamming: avx512_vnni level (POPCNT < 8 words, else `vpopcntq`)", "b1_hamming", "avx512_vnni"),
        ("b1 hamming: `vpopcntq` only", "b1_hamming_vpopcntq", "avx512_vnni"),
        ("b1 hamming: avx512 level (POPCNT < 8 words, else `pshufb`)", "b1_hamming", "avx512"),
        ("b1 hamming: `pshufb` lookup only, zmm", "b1_hamming_pshufb", "avx512"),
        ("b1 hamming: POPCNT words only (avx512 unit)", "b1_hamming_popcnt", "avx512"),
        ("b1 hamming: avx2 level (POPCNT < 8 words, else `pshufb`)", "b1_hamming", "avx2"),
        ("b1 hamming: `pshufb` lookup only, ymm", "b1_hamming_pshufb", "avx2"),
        ("b1 hamming: POPCNT words only (avx2 unit)", "b1_hamming_popcnt", "avx2"),
        ("f32 l2sq: 4 rows per pass (chosen, AVX-512)", "f32_l2sq", "avx512"),
        ("f32 l2sq: 2 rows per pass", "f32_l2sq_2rows", "avx512"),
        ("f32 l2sq: 1 row per pass", "f32_l2sq_1row", "avx512"),
        ("f32 dot: 4 rows per pass (chosen, AVX-512)", "f32_dot", "avx512"),
        ("f32 dot: 1 row per pass", "f32_dot_1row", "avx512"),
        ("f32 l2sq: 2 rows per pass (chosen, AVX2)", "f32_l2sq", "avx2"),
        ("f32 l2sq: 4 rows per pass, AVX2", "f32_l2sq_4rows", "avx2"),
        ("f32 l2sq: 1 row per pass, AVX2", "f32_l2sq_1row", "avx2"),
        ("i8 dot: 4 rows per pass (chosen, VNNI)", "i8_dot", "avx512_vnni"),
        ("i8 dot: 1 row per pass, VNNI", "i8_dot_1row", "avx512_vnni"),
        ("i8 dot: 4 rows per pass (chosen, AVX2)", "i8_dot", "avx2"),
        ("i8 dot: 2 rows per pass, AVX2", "i8_dot_2rows", "avx2"),
    ]
    print("\nAlternatives (ns per call for a pair / ns per row for `many`):\n")
    print("| design | " + " | ".join(str(d) for d in DIMS) + " |")
    print("|---|" + "---|" * len(DIMS))
    for label, kernel, level in rows:
        cells = []
        for d in DIMS:
            p, m = r.get((kernel, "pair", level, d)), r.get((kernel, "many", level, d))
            cells.append(f"{fmt(p[0])} / {fmt(m[0])}" if p and m else "-")
        print(f"| {label} | " + " | ".join(cells) + " |")


def table_gather(r):
    rows = [("f32 l2sq", "f32_l2sq", "f32_l2sq_noprefetch", "avx512"),
            ("i8 l2sq", "i8_l2sq", "i8_l2sq_noprefetch", "avx512_vnni"),
            ("b1 hamming", "b1_hamming", "b1_hamming_noprefetch", "avx512_vnni")]
    print("\nScattered rows (`gather`: 32 rows at random from 128 MiB), ns per row:\n")
    print("| kernel | dims | with prefetch (chosen) | one pair at a time, no prefetch |")
    print("|---|---|---|---|")
    for label, chosen, plain, level in rows:
        for d in (96, 768):
            a, b = r.get((chosen, "gather", level, d)), r.get((plain, "gather", level, d))
            if a and b:
                print(f"| {label} ({level}) | {d} | {fmt(a[0])} | {fmt(b[0])} |")


def main():
    r = load(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "median")
    table_best_level(r, "avx512_vnni")
    table_levels(r, 768)
    table_alternatives(r)
    table_gather(r)


if __name__ == "__main__":
    main()
