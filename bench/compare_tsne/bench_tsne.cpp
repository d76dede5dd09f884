// SPDX-License-Identifier: MIT
// vspace's side of compare_tsne.py: t-SNE of all 70,000 Fashion-MNIST images (PCA to 50
// dimensions inside the fit, perplexity 30, 750 iterations), from the idx.gz files to the map
// written as .npy. Prints one line of key=value: stage timings and the final KL divergence.
// Usage: bench_tsne OUT.npy [key=value ...], keys (defaults): threads (2), index (hnsw|flat),
//   gradient (automatic|barnes_hut|fft_interpolation), p (3), box (1.0), m (8), efc (50),
//   iterations (750)
#include <vspace/index/hnsw.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/project/tsne.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

vspace::tsne_gradient gradient_named(const std::string& s) {
    if (s == "barnes_hut") return vspace::tsne_gradient::barnes_hut;
    if (s == "fft_interpolation") return vspace::tsne_gradient::fft_interpolation;
    if (s == "exact") return vspace::tsne_gradient::exact;
    return vspace::tsne_gradient::automatic;
}

template <class Index>
void run(const vspace::matrix<float>& x, const char* out, const vspace::tsne_options& o,
         typename vspace::tsne<vspace::l2, float, Index>::index_options io, double load_seconds) {
    const auto t0 = clock_type::now();
    vspace::tsne<vspace::l2, float, Index> model(o, {}, io);
    model.fit(x);
    const double fit_seconds = since(t0);
    vspace::save_npy(out, model.embedding());
    const auto& r = model.report();
    std::printf("vspace n=%zu threads=%zu gradient=%s p=%zu box=%g load=%.3f pca=%.3f neighbors=%.3f "
                "affinities=%.3f optimize=%.3f fit=%.3f kl=%.4f nnz=%zu fft=%zu lr=%.1f\n",
                r.n, o.n_threads, std::string(vspace::tsne_gradient_name(r.gradient)).c_str(),
                o.fft_interpolation_points, o.fft_max_box_width, load_seconds, r.seconds_pca, r.seconds_neighbors,
                r.seconds_affinities, r.seconds_optimize, fit_seconds, r.kl_divergence, r.nonzeros, r.fft_size,
                r.learning_rate);
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_tsne OUT.npy [threads=2] [index=hnsw|flat] [gradient=...] [p=3] "
                             "[box=1] [m=8] [efc=50] [iterations=750]\n");
        return 2;
    }
    std::map<std::string, std::string> arg{{"threads", "2"}, {"index", "hnsw"}, {"gradient", "automatic"},
                                           {"m", "8"}, {"efc", "50"}, {"iterations", "750"}};
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        const auto eq = a.find('=');
        if (eq == std::string::npos) throw std::runtime_error("expected key=value, got " + a);
        arg[a.substr(0, eq)] = a.substr(eq + 1);
    }
    vspace::tsne_options o{.perplexity = 30, .seed = 42};
    o.iterations = std::stoul(arg["iterations"]);
    o.n_threads = std::stoul(arg["threads"]);
    o.gradient = gradient_named(arg["gradient"]);
    if (arg.count("p")) o.fft_interpolation_points = std::stoul(arg["p"]);
    if (arg.count("box")) o.fft_max_box_width = std::stod(arg["box"]);
    const auto t0 = clock_type::now();
    const auto data = vspace::load_fashion_mnist(VSPACE_FASHION_MNIST, o.n_threads);
    const double load_seconds = since(t0);
    if (arg["index"] == "flat")
        run<vspace::flat_index<vspace::l2, float>>(data.images, argv[1], o, {}, load_seconds);
    else
        run<vspace::hnsw_index<vspace::l2, float>>(
            data.images, argv[1], o, {.m = std::stoul(arg["m"]), .ef_construction = std::stoul(arg["efc"])},
            load_seconds);
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_tsne: %s\n", e.what());
    return 1;
}
