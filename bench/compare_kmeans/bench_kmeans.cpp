// SPDX-License-Identifier: MIT
// vspace's side of compare_kmeans.py: k-means on all 70,000 Fashion-MNIST images (784 pixels
// scaled to [0, 1]), timed from data in memory to labels, one line per run:
//   vspace k=K seed=S threads=T seconds=... inertia=... iterations=... converged=...
// Usage: bench_kmeans K [RUNS] [THREADS]
#include <vspace/analyze/kmeans.hpp>
#include <vspace/io/fashion_mnist.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) try {
    const std::size_t k = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10;
    const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
    const std::size_t threads = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 2;
    auto data = vspace::load_fashion_mnist(VSPACE_FASHION_MNIST);
    auto& x = data.images;
    for (std::size_t i = 0; i < x.rows(); ++i)
        for (std::size_t j = 0; j < x.dims(); ++j) x(i, j) /= 255.f;  // the anchors' scaling
    for (int s = 0; s < runs; ++s) {
        const auto t0 = std::chrono::steady_clock::now();
        vspace::kmeans<vspace::l2sq> km({.k = k, .n_threads = threads, .seed = static_cast<std::uint64_t>(s)});
        const auto r = km.fit(x.view());
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("vspace k=%zu seed=%d threads=%zu seconds=%.4f inertia=%.6e iterations=%zu converged=%d\n", k, s,
                    threads, sec, r.inertia, r.iterations, int(r.converged));
        std::fflush(stdout);
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_kmeans: %s\n", e.what());
    return 1;
}
