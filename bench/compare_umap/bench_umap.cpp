// SPDX-License-Identifier: MIT
// vspace's side of compare_umap.py: UMAP of the Fashion-MNIST images (all 70,000 by default,
// 784 pixels, Euclidean; n_neighbors 15, min_dist 0.1, the epochs umap-learn would run), from
// the idx.gz files to the map written as .npy. The kNN graph comes from an HNSW index with the
// settings `vspace project` uses for large data (m 12, ef_construction 64, ef 4k); the index
// is handed to the model, as the CLI does. Prints one line of key=value: stage timings and
// what the fit reports.
// Usage: bench_umap OUT.npy [key=value ...], keys (defaults): threads (2), n (70000: the first
//   n images), index (hnsw|flat), m (12), efc (64), ef (4 * 14), epochs (0 = umap-learn's
//   rule), seed (42), recall (0; 1 = also measure the graph's recall@14 on 1,000 points,
//   brute force, after the fit and outside its times)
#include <vspace/graph/knn_graph.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/project/umap.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

std::size_t count_named(std::map<std::string, std::string>& arg, const std::string& key) {
    const std::string& s = arg[key];
    std::size_t used = 0;
    const unsigned long long v = std::stoull(s, &used);
    if (used != s.size() || s.find('-') != std::string::npos)
        throw std::invalid_argument(key + "=" + s + " (expected a non-negative integer)");
    return static_cast<std::size_t>(v);
}

/// Fits and prints; `graph_seconds` covers building `index` and `graph` (0 when the model
/// builds them itself and reports the time).
template <class Index>
void fit(vspace::matrix_view<float> x, const char* out, const vspace::umap_options& o, double load_seconds,
         double index_seconds, double graph_seconds, std::optional<Index> index, const vspace::knn_graph* graph,
         bool recall) {
    const auto t0 = clock_type::now();
    vspace::umap<vspace::l2, float, Index> model(o);
    auto run = index ? model.start(x, std::move(*index), *graph) : model.start(x);
    while (!run.done()) run.step(run.n_iterations());
    const double fit_seconds = since(t0) + index_seconds + graph_seconds;
    const auto t1 = clock_type::now();
    vspace::save_npy(out, model.embedding());
    const double save_seconds = since(t1);
    const auto& r = model.report();
    if (!index) graph_seconds = r.seconds_graph;
    std::printf("vspace n=%zu threads=%zu load=%.3f index=%.3f knn=%.3f graph=%.3f fuzzy=%.3f init=%.3f "
                "optimize=%.3f fit=%.3f save=%.3f epochs=%zu edges=%zu components=%zu init_used=%s "
                "eigen_products=%zu spectral_fallbacks=%zu sigma_not_converged=%zu a=%.4f b=%.4f",
                x.rows(), o.n_threads, load_seconds, index_seconds, graph_seconds, index_seconds + graph_seconds,
                r.seconds_fuzzy_set, r.seconds_init, r.seconds_optimize, fit_seconds, save_seconds, r.n_epochs,
                r.edges, r.components, std::string(vspace::umap_init_name(r.init)).c_str(), r.eigen_products,
                r.spectral_fallbacks, r.sigma_not_converged, r.a, r.b);
    if (recall && graph)
        std::printf(" recall=%.4f", vspace::sampled_graph_recall<vspace::l2>(*graph, x, 1000, {}, 42, o.n_threads));
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_umap OUT.npy [threads=2] [n=70000] [index=hnsw|flat] [m=12] [efc=64] "
                             "[ef=56] [epochs=0] [seed=42] [recall=0]\n");
        return 2;
    }
    std::map<std::string, std::string> arg{{"threads", "2"}, {"n", "70000"}, {"index", "hnsw"}, {"m", "12"},
                                           {"efc", "64"}, {"ef", "0"}, {"epochs", "0"}, {"seed", "42"},
                                           {"recall", "0"}};
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        const auto eq = a.find('=');
        if (eq == std::string::npos || !arg.count(a.substr(0, eq)))
            throw std::invalid_argument("expected one of the documented key=value arguments, got '" + a + "'");
        arg[a.substr(0, eq)] = a.substr(eq + 1);
    }
    if (arg["index"] != "hnsw" && arg["index"] != "flat")
        throw std::invalid_argument("index=" + arg["index"] + " (expected hnsw or flat)");
    vspace::umap_options o{.n_neighbors = 15, .min_dist = 0.1f};
    o.n_threads = count_named(arg, "threads");
    o.n_epochs = count_named(arg, "epochs");
    o.seed = count_named(arg, "seed");
    const std::size_t n = count_named(arg, "n");
    const bool recall = count_named(arg, "recall") != 0;

    const auto t0 = clock_type::now();
    const auto data = vspace::load_fashion_mnist(VSPACE_FASHION_MNIST, o.n_threads);
    if (n < o.n_neighbors + 1 || n > data.images.rows())
        throw std::invalid_argument("n=" + std::to_string(n) + " (expected " + std::to_string(o.n_neighbors + 1) +
                                    " to " + std::to_string(data.images.rows()) + ")");
    const vspace::matrix_view<float> x = data.images.view().subview(0, n);
    const double load_seconds = since(t0);

    if (arg["index"] == "flat") {
        fit<vspace::flat_index<vspace::l2, float>>(x, argv[1], o, load_seconds, 0, 0, std::nullopt, nullptr, false);
        return 0;
    }
    // The index and graph are built here, as `vspace project` does, so that their settings are
    // the benchmark's (the model's own default for hnsw_index is hnsw_options{}).
    using index_type = vspace::hnsw_index<vspace::l2, float>;
    const std::size_t k = o.n_neighbors - 1;
    const std::size_t ef = count_named(arg, "ef") != 0 ? count_named(arg, "ef") : 4 * k;
    auto t1 = clock_type::now();
    std::optional<index_type> index(std::in_place, x.dims(),
                                    vspace::hnsw_options{.m = count_named(arg, "m"),
                                                         .ef_construction = count_named(arg, "efc"),
                                                         .n_threads = o.n_threads,
                                                         .seed = o.seed});
    index->add(x);
    const double index_seconds = since(t1);
    t1 = clock_type::now();
    const vspace::knn_graph graph = vspace::build_knn_graph(*index, x, k, {.ef = ef, .n_threads = o.n_threads});
    const double graph_seconds = since(t1);
    fit<index_type>(x, argv[1], o, load_seconds, index_seconds, graph_seconds, std::move(index), &graph, recall);
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_umap: %s\n", e.what());
    return 1;
}
