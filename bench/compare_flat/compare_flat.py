#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Exact search on Fashion-MNIST: vspace (bench_flat) against FAISS, in one run, same data.

Base = the 60,000 train images, queries = the 10,000 test images, 784 pixel values 0..255 as
float32, k = 10. Prints one Markdown table row per case: FAISS seconds, vspace seconds, the
ratio (FAISS / vspace, > 1 means vspace is faster) and recall@10 against FAISS's exact float L2
results. Times are medians of --repeat searches (index build and data loading excluded, listed
separately); "process" is the wall time of a whole `bench_flat l2` run (load, build, search).

  flock /tmp/vspace-bench.lock /usr/bin/python3 bench/compare_flat/compare_flat.py \\
      --bench build/bench/compare_flat/bench_flat [--repeat 5]

Needs python3-faiss and python3-numpy (Debian); install libopenblas0-openmp so that NumPy and
FAISS do not use the reference BLAS.
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"


def load_images(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 784).astype(np.float32)


def median_time(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def recall(found, truth, k=10):
    hits = sum(len(set(a[:k]) & set(b[:k])) for a, b in zip(found, truth))
    return hits / (truth.shape[0] * k)


def run_vspace(bench, mode, threads, repeat, extra=(), ids=None):
    cmd = [bench, mode, "--threads", str(threads), "--repeat", str(repeat), *extra]
    if ids:
        cmd += ["--ids", ids]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    process = time.perf_counter() - t0
    line = json.loads(out.strip().splitlines()[-1])
    line["process_s"] = process
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", required=True, help="path of the bench_flat executable")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-single", action="store_true", help="skip single-query throughput")
    args = parser.parse_args()

    import faiss  # after argparse, so --help works without it

    base = load_images("train-images-idx3-ubyte.gz")
    queries = load_images("t10k-images-idx3-ubyte.gz")
    k, rows = 10, []
    tmp = tempfile.mkdtemp(prefix="compare_flat_")
    print(f"# FAISS {faiss.__version__}, NumPy {np.__version__}; base {base.shape}, queries {queries.shape}, k={k}",
          file=sys.stderr)

    def row(case, faiss_s, ours, rec, note=""):
        v = ours["search_s"]
        ratio = f"{faiss_s / v:.2f}x" if faiss_s else "-"
        faiss_text = f"{faiss_s:.3f}" if faiss_s else "-"
        rows.append(f"| {case} | {faiss_text} | {v:.3f} | {ratio} | {rec} | {note} |")
        print(rows[-1], file=sys.stderr)

    # --- float L2, 1 and 2 threads; FAISS's result is the ground truth -----------------------
    flat = faiss.IndexFlatL2(784)
    flat.add(base)
    truth = None
    for threads in (1, 2):
        faiss.omp_set_num_threads(threads)
        t, (_, ids) = median_time(lambda: flat.search(queries, k), args.repeat)
        if truth is None:
            truth = ids
        path = os.path.join(tmp, f"l2_{threads}.npy")
        ours = run_vspace(args.bench, "l2", threads, args.repeat, ids=path)
        row(f"float L2, {threads} thread{'s' if threads > 1 else ''}", t, ours,
            f"{recall(np.load(path), truth):.4f}",
            f"vspace process {ours['process_s']:.2f} s (load {ours['load_s']:.2f}, build {ours['build_s']:.2f})")

    # --- inner product on unit vectors, 2 threads --------------------------------------------
    faiss.omp_set_num_threads(2)
    nb, nq = base.copy(), queries.copy()
    faiss.normalize_L2(nb)
    faiss.normalize_L2(nq)
    ip = faiss.IndexFlatIP(784)
    ip.add(nb)
    t, (_, ip_truth) = median_time(lambda: ip.search(nq, k), args.repeat)
    path = os.path.join(tmp, "ip.npy")
    ours = run_vspace(args.bench, "ip", 2, args.repeat, ids=path)
    row("inner product, unit vectors, 2 threads", t, ours, f"{recall(np.load(path), ip_truth):.4f} (vs FAISS IP)")

    # --- int8; FAISS SQ8 (8-bit scalar quantizer) as an extra anchor: it scans (no GEMM), so
    # it is timed on the first 500 queries only and reported in queries/s.
    sq = faiss.IndexScalarQuantizer(784, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_L2)
    sq.train(base)
    sq.add(base)
    n_sq = 500
    t_sq, (_, sq_ids) = median_time(lambda: sq.search(queries[:n_sq], k), 1)
    float2 = run_vspace(args.bench, "l2", 2, args.repeat)
    for rescore in (0, 2, 4):
        path = os.path.join(tmp, f"i8_{rescore}.npy")
        extra = ("--rescore", str(rescore)) if rescore else ()
        ours = run_vspace(args.bench, "i8", 2, args.repeat, extra, ids=path)
        name = "int8 codes" + (f" + float re-rank of top {k * rescore}" if rescore else "") + ", 2 threads"
        row(name, None, ours, f"{recall(np.load(path), truth):.4f}",
            f"{float2['search_s'] / ours['search_s']:.2f}x faster than vspace float; FAISS SQ8: "
            f"{n_sq / t_sq:.0f} q/s (vspace {10000 / ours['search_s']:.0f}), recall {recall(sq_ids, truth[:n_sq]):.4f}")

    # --- binary: mean-thresholded bits (98-byte codes), FAISS IndexBinaryFlat ----------------
    bits = np.packbits(base > base.mean(axis=0), axis=1)
    qbits = np.packbits(queries > base.mean(axis=0), axis=1)
    binary = faiss.IndexBinaryFlat(784)
    binary.add(bits)
    t_bin, (_, bin_ids) = median_time(lambda: binary.search(qbits, k), args.repeat)
    path = os.path.join(tmp, "b1.npy")
    ours = run_vspace(args.bench, "b1", 2, args.repeat, ids=path)
    row("binary codes (Hamming), 2 threads", t_bin, ours, f"{recall(np.load(path), truth):.4f}",
        f"FAISS recall {recall(bin_ids, truth):.4f}; AVX-512 FAISS 1.15: 2.23 s, {2.23 / ours['search_s']:.1f}x")
    for rescore in (5, 10, 20, 50):
        path = os.path.join(tmp, f"b1_{rescore}.npy")
        ours = run_vspace(args.bench, "b1", 2, args.repeat, ("--rescore", str(rescore)), ids=path)
        row(f"binary codes + float re-rank of top {k * rescore}, 2 threads", None, ours,
            f"{recall(np.load(path), truth):.4f}")

    # --- single queries, one thread -----------------------------------------------------------
    if not args.skip_single:
        faiss.omp_set_num_threads(1)
        n = 300
        t, _ = median_time(lambda: [flat.search(queries[i:i + 1], k) for i in range(n)], args.repeat)
        ours = run_vspace(args.bench, "single", 1, args.repeat)
        faiss_qps = n / t
        rows.append(f"| single query, float L2, 1 thread (q/s) | {faiss_qps:.1f} | {ours['qps']:.1f} | "
                    f"{ours['qps'] / faiss_qps:.2f}x | - | vspace reads the base at {ours['gb_per_s']:.1f} GB/s |")
        print(rows[-1], file=sys.stderr)

    print("| case | FAISS 1.7.3 (s) | vspace (s) | FAISS / vspace | recall@10 | notes |")
    print("|---|---:|---:|---:|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
