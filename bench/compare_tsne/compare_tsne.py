#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""t-SNE of all 70,000 Fashion-MNIST images: vspace, scikit-learn (Barnes-Hut) and Rtsne in one
run, on the same machine and thread count, each as a whole process (reading the idx.gz files,
PCA to 50 dimensions, neighbours, affinities, optimisation, writing the map). Reports wall time
and peak memory of each process, the KL divergence each library reports, and scores every map
the same way with score_tsne (KL with one common P and exact Q, trustworthiness and 10-NN
preservation on a fixed 5,000-point sample, 10-NN accuracy train -> test). FIt-SNE is not
packaged in Debian; its figures, measured on this machine from its 1.2.1 release, are quoted.

usage: flock /tmp/vspace-bench.lock /usr/bin/python3 bench/compare_tsne/compare_tsne.py \\
           BUILD/bench/compare_tsne/bench_tsne BUILD/bench/compare_tsne/score_tsne \\
           [--runs 3] [--threads 2] [--anchors sklearn,rtsne]
"""
import argparse, gzip, os, re, statistics, subprocess, sys, tempfile

FOLDER = "/usr/share/datasets/fashion-mnist"
# FIt-SNE 1.2.1, 750 iterations, 2 threads, measured on this machine (see docs/benchmarks.md).
FITSNE = {"wall": 175.0, "rss_gb": 1.7, "kl": 2.72, "trust": 0.9844, "preserved": 0.311, "accuracy": 0.841}


def images():
    import numpy as np
    parts = []
    for name in ("train", "t10k"):
        with gzip.open(f"{FOLDER}/{name}-images-idx3-ubyte.gz") as f:
            parts.append(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784))
    return np.vstack(parts).astype(np.float32)


def sklearn_worker(out, threads):
    """Whole scikit-learn pipeline in this process (timed from outside)."""
    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    x = PCA(n_components=50, random_state=42).fit_transform(images())
    model = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", method="barnes_hut",
                 angle=0.5, n_iter=1000, random_state=42, n_jobs=threads)
    y = model.fit_transform(x)
    np.save(out, y.astype(np.float32))
    print(f"kl={model.kl_divergence_:.4f}")


RTSNE = r"""
read_images <- function(path) {
  con <- gzcon(file(path, "rb")); on.exit(close(con))
  readBin(con, "integer", n = 4, size = 4, endian = "big")
  n <- if (grepl("train", path)) 60000 else 10000
  matrix(as.numeric(readBin(con, "raw", n = n * 784)), nrow = n, byrow = TRUE)
}
args <- commandArgs(trailingOnly = TRUE)
x <- rbind(read_images(file.path(args[1], "train-images-idx3-ubyte.gz")),
           read_images(file.path(args[1], "t10k-images-idx3-ubyte.gz")))
set.seed(42)
fit <- Rtsne::Rtsne(x, dims = 2, perplexity = 30, theta = 0.5, pca = TRUE, initial_dims = 50,
                    max_iter = 1000, check_duplicates = FALSE, num_threads = as.integer(args[3]))
writeBin(as.vector(t(fit$Y)), args[2], size = 8)
cat(sprintf("kl=%.4f\n", tail(fit$itercosts, 1)))
"""


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (stdout, wall seconds, peak RSS in GB)."""
    r = subprocess.run(["/usr/bin/time", "-f", "TIME wall=%e rss_kb=%M"] + cmd, capture_output=True, text=True,
                       env=env)
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{r.stdout}\n{r.stderr}")
    t = dict(re.findall(r"(\w+)=([\d.]+)", r.stderr.splitlines()[-1]))
    return r.stdout, float(t["wall"]), float(t["rss_kb"]) / 2**20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench", nargs="?")
    ap.add_argument("score", nargs="?")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--anchors", default="sklearn,rtsne")
    ap.add_argument("--vspace-args", default="", help="extra key=value arguments for bench_tsne")
    ap.add_argument("--sklearn-worker", metavar="OUT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    if args.sklearn_worker:
        sklearn_worker(args.sklearn_worker, args.threads)
        return
    work = tempfile.mkdtemp(prefix="compare_tsne.")
    rows, maps = {}, {}

    runs = []
    for r in range(args.runs):
        out = f"{work}/vspace{r}.npy"
        text, wall, rss = timed([args.bench, out, f"threads={args.threads}"] + args.vspace_args.split(), env)
        stages = dict(re.findall(r"(\w+)=([\w.]+)", text))
        runs.append((wall, rss, stages, out))
        print(f"vspace run {r}: wall {wall:.1f} s, {text.strip()}", flush=True)
    runs.sort(key=lambda t: t[0])
    wall, rss, stages, out = runs[len(runs) // 2]
    rows["vspace"] = {"wall": wall, "rss_gb": rss, "kl": float(stages["kl"]), "iterations": 750}
    maps["vspace"] = out

    anchors = args.anchors.split(",") if args.anchors else []
    if "sklearn" in anchors:
        out = f"{work}/sklearn.npy"
        text, wall, rss = timed(["/usr/bin/python3", os.path.abspath(__file__), "--sklearn-worker", out,
                                 "--threads", str(args.threads)], env)
        rows["scikit-learn"] = {"wall": wall, "rss_gb": rss, "kl": float(re.search(r"kl=([\d.]+)", text)[1]),
                                "iterations": 1000}
        maps["scikit-learn"] = out
        print(f"scikit-learn: wall {wall:.1f} s", flush=True)
    if "rtsne" in anchors:
        import numpy as np
        raw = f"{work}/rtsne.f64"
        script = f"{work}/rtsne.R"
        with open(script, "w") as f:
            f.write(RTSNE)
        text, wall, rss = timed(["Rscript", script, FOLDER, raw, str(args.threads)], env)
        out = f"{work}/rtsne.npy"
        np.save(out, np.fromfile(raw, np.float64).reshape(-1, 2).astype(np.float32))
        rows["Rtsne"] = {"wall": wall, "rss_gb": rss, "kl": float(re.search(r"kl=([\d.]+)", text)[1]),
                         "iterations": 1000}
        maps["Rtsne"] = out
        print(f"Rtsne: wall {wall:.1f} s", flush=True)

    scored = subprocess.run([args.score] + list(maps.values()), capture_output=True, text=True, check=True).stdout
    for name, line in zip(maps, scored.splitlines()):
        f = dict(re.findall(r"(\w+)=([\d.]+)", line))
        rows[name].update({"common_kl": float(f["kl"]), "trust": float(f["trust"]),
                           "preserved": float(f["preserved"]), "accuracy": float(f["accuracy"])})
    rows["FIt-SNE 1.2.1 (quoted)"] = dict(FITSNE, iterations=750)

    print(f"\nvspace stages (median run): load {stages['load']} s, PCA {stages['pca']} s, neighbours "
          f"{stages['neighbors']} s, affinities {stages['affinities']} s, optimisation {stages['optimize']} s")
    print(f"\n| library | iterations | wall | peak RSS | KL (own) | KL (common P) | trustworthiness | 10-NN kept "
          f"| 2-D 10-NN accuracy |\n|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        ckl = f"{r['common_kl']:.3f}" if "common_kl" in r else "–"
        print(f"| {name} | {r['iterations']} | {r['wall']:.1f} s | {r['rss_gb']:.2f} GB | {r['kl']:.3f} | {ckl} | "
              f"{r['trust']:.4f} | {r['preserved']:.3f} | {r['accuracy']:.3f} |")
    v = rows["vspace"]
    print()
    for name, r in rows.items():
        if name != "vspace":
            print(f"vspace is {r['wall'] / v['wall']:.1f}x faster than {name}")


if __name__ == "__main__":
    main()
