#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""UMAP of the Fashion-MNIST images (all 70,000 by default; 784 pixels, Euclidean,
n_neighbors 15, min_dist 0.1): vspace, umap-learn 0.5.3 and uwot 0.1.14 in one run, on the same
machine and thread count, each as a whole process (reading the idx.gz files, kNN graph, fuzzy
set, spectral start, SGD, writing the map). Reports wall time and peak memory of each process
and scores every map the same way with score_map (trustworthiness and 10-NN preservation on a
fixed 5,000-point sample, 10-NN accuracy on the map, train -> test), which also draws each map
as a PNG with vspace's renderer.

The anchors run in their fastest 2-thread mode by default: umap-learn without a random_state
(its SGD then runs in parallel; with one it runs on one thread) and uwot with n_sgd_threads =
threads (uwot's default, 0, runs the SGD on one thread). Both are then not reproducible run to
run; vspace's parallel SGD is. --reproducible-anchors seeds both and gives them one SGD thread.
uwot's kNN is its default for this size, Annoy (50 trees); umap-learn's is NN-descent.

usage: flock /tmp/vspace-bench.lock /usr/bin/python3 bench/compare_umap/compare_umap.py \\
           BUILD/bench/compare_umap/bench_umap BUILD/bench/compare_umap/score_map \\
           [--runs 3] [--threads 2] [--anchors umap-learn,uwot] [--n 70000] [--out DIR]
"""
import argparse, gzip, os, re, subprocess, sys, tempfile

FOLDER = "/usr/share/datasets/fashion-mnist"
ALL = 70000


def images(n):
    """The first n images (train then test), float32 pixels 0..255 as vspace reads them."""
    import numpy as np
    parts = []
    for name in ("train", "t10k"):
        with gzip.open(f"{FOLDER}/{name}-images-idx3-ubyte.gz") as f:
            parts.append(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784))
    return np.vstack(parts)[:n].astype(np.float32)


def umap_learn_worker(out, n, threads, seed):
    """Whole umap-learn pipeline in this process (timed from outside)."""
    import numpy as np
    import umap
    model = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="euclidean", n_components=2, n_jobs=threads,
                      random_state=seed)
    y = model.fit_transform(images(n))
    np.save(out, y.astype(np.float32))


UWOT = r"""
read_images <- function(path, count) {
  con <- gzcon(file(path, "rb")); on.exit(close(con))
  readBin(con, "integer", n = 4, size = 4, endian = "big")
  matrix(as.numeric(readBin(con, "raw", n = count * 784)), nrow = count, byrow = TRUE)
}
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[3]); threads <- as.integer(args[4]); sgd_threads <- as.integer(args[5])
x <- read_images(file.path(args[1], "train-images-idx3-ubyte.gz"), min(n, 60000))
if (n > 60000) x <- rbind(x, read_images(file.path(args[1], "t10k-images-idx3-ubyte.gz"), n - 60000))
if (args[6] != "none") set.seed(as.integer(args[6]))
y <- uwot::umap(x, n_neighbors = 15, min_dist = 0.1, metric = "euclidean", n_components = 2,
                n_threads = threads, n_sgd_threads = sgd_threads)
writeBin(as.vector(t(y)), args[2], size = 8)
"""


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (stdout, wall seconds, peak RSS in GB)."""
    r = subprocess.run(["/usr/bin/time", "-f", "TIME wall=%e rss_kb=%M"] + cmd, capture_output=True, text=True,
                       env=env)
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{r.stdout}\n{r.stderr}")
    t = dict(re.findall(r"(\w+)=([\d.]+)", r.stderr.splitlines()[-1]))
    return r.stdout, float(t["wall"]), float(t["rss_kb"]) / 2**20


def median_run(runs):
    """The run with the median wall time (the lower middle one for an even count)."""
    return sorted(runs, key=lambda t: t[0])[(len(runs) - 1) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", nargs="?")
    ap.add_argument("score", nargs="?")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool; the median wall time is reported")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--anchors", default="umap-learn,uwot")
    ap.add_argument("--n", type=int, default=ALL, help="only the first N images (quick checks)")
    ap.add_argument("--out", help="folder for the maps (.npy) and their PNGs (default: a new temporary one)")
    ap.add_argument("--reproducible-anchors", action="store_true",
                    help="seed umap-learn and uwot (42); both then run their SGD on one thread")
    ap.add_argument("--vspace-args", default="", help="extra key=value arguments for bench_umap")
    ap.add_argument("--umap-learn-worker", metavar="OUT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not 70 <= args.n <= ALL:
        sys.exit(f"--n {args.n}: expected 70 to {ALL}")
    if args.runs < 1 or args.threads < 1:
        sys.exit("--runs and --threads must be at least 1")
    seed = 42 if args.reproducible_anchors else None
    threads = str(args.threads)
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, NUMBA_NUM_THREADS=threads,
               RCPP_PARALLEL_NUM_THREADS=threads)
    if args.umap_learn_worker:
        umap_learn_worker(args.umap_learn_worker, args.n, args.threads, seed)
        return
    if not args.bench or not args.score:
        ap.error("give the paths of bench_umap and score_map")
    anchors = [a for a in args.anchors.split(",") if a]
    for a in anchors:
        if a not in ("umap-learn", "uwot"):
            sys.exit(f"--anchors: unknown anchor '{a}' (expected umap-learn and/or uwot)")
    work = args.out or tempfile.mkdtemp(prefix="compare_umap.")
    os.makedirs(work, exist_ok=True)
    rows, maps = {}, {}

    runs = []
    for r in range(args.runs):
        out = f"{work}/vspace-run{r}.npy"
        text, wall, rss = timed([args.bench, out, f"threads={args.threads}", f"n={args.n}"]
                                + args.vspace_args.split(), env)
        runs.append((wall, rss, dict(re.findall(r"(\w+)=([\w.]+)", text)), out))
        print(f"vspace run {r}: wall {wall:.1f} s, peak {rss:.2f} GB, {text.strip()}", flush=True)
    wall, rss, stages, out = median_run(runs)
    os.replace(out, f"{work}/vspace.npy")
    rows["vspace"] = {"wall": wall, "rss_gb": rss, "knn": "HNSW"}
    maps["vspace"] = f"{work}/vspace.npy"

    if "umap-learn" in anchors:
        runs = []
        for r in range(args.runs):
            out = f"{work}/umap-learn-run{r}.npy"
            cmd = ["/usr/bin/python3", os.path.abspath(__file__), "--umap-learn-worker", out, "--n", str(args.n),
                   "--threads", threads] + (["--reproducible-anchors"] if seed is not None else [])
            _, wall, rss = timed(cmd, env)
            runs.append((wall, rss, None, out))
            print(f"umap-learn run {r}: wall {wall:.1f} s, peak {rss:.2f} GB", flush=True)
        wall, rss, _, out = median_run(runs)
        os.replace(out, f"{work}/umap-learn.npy")
        rows["umap-learn"] = {"wall": wall, "rss_gb": rss, "knn": "NN-descent"}
        maps["umap-learn"] = f"{work}/umap-learn.npy"
    if "uwot" in anchors:
        import numpy as np
        script = f"{work}/uwot.R"
        with open(script, "w") as f:
            f.write(UWOT)
        sgd_threads = "1" if seed is not None else threads
        runs = []
        for r in range(args.runs):
            raw = f"{work}/uwot-run{r}.f64"
            _, wall, rss = timed(["Rscript", script, FOLDER, raw, str(args.n), threads, sgd_threads,
                                  "none" if seed is None else str(seed)], env)
            runs.append((wall, rss, None, raw))
            print(f"uwot run {r}: wall {wall:.1f} s, peak {rss:.2f} GB", flush=True)
        wall, rss, _, raw = median_run(runs)
        np.save(f"{work}/uwot.npy", np.fromfile(raw, np.float64).reshape(-1, 2).astype(np.float32))
        for _, _, _, f in runs:
            os.remove(f)
        rows["uwot"] = {"wall": wall, "rss_gb": rss, "knn": "Annoy"}
        maps["uwot"] = f"{work}/uwot.npy"

    scored = subprocess.run([args.score, "--n", str(args.n), "--png", work] + list(maps.values()),
                            capture_output=True, text=True)
    if scored.returncode != 0:
        sys.exit(f"score_map failed:\n{scored.stderr}")
    for name, line in zip(maps, scored.stdout.splitlines()):
        f = dict(re.findall(r"(\w+)=([\d.]+)", line))
        rows[name].update({k: float(f[k]) for k in ("trust", "preserved", "accuracy")})

    mode = "seeded, 1 SGD thread" if seed is not None else f"unseeded, {threads} SGD threads"
    print(f"\n{args.n} images, {threads} threads, {args.runs} run(s) each (median wall time); anchors {mode}; "
          f"maps and PNGs in {work}")
    print(f"vspace stages (median run): load {stages['load']} s, HNSW index {stages['index']} s, kNN "
          f"{stages['knn']} s, fuzzy set {stages['fuzzy']} s, spectral start {stages['init']} s, SGD "
          f"{stages['optimize']} s ({stages['epochs']} epochs, {stages['edges']} edges), save {stages['save']} s")
    v = rows["vspace"]
    print("\n| library | kNN | wall | peak RSS | trustworthiness@10 | 10-NN kept | 2-D 10-NN accuracy "
          "| vspace speed-up | memory ratio |\n|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['knn']} | {r['wall']:.1f} s | {r['rss_gb']:.2f} GB | {r['trust']:.4f} | "
              f"{r['preserved']:.3f} | {r['accuracy']:.3f} | {r['wall'] / v['wall']:.2f}x | "
              f"{r['rss_gb'] / v['rss_gb']:.2f}x |")


if __name__ == "__main__":
    main()
