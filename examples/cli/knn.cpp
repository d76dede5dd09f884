// SPDX-License-Identifier: MIT
// `vspace knn BASE QUERIES -k K -o IDS.npy`: the k nearest BASE rows of every query, written as
// int64 ids (queries x k, nearest first), optionally with their distances. Exact flat search on
// float vectors. `vspace knn --demo` runs it on Fashion-MNIST and prints the time.
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/index/flat.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

namespace cli = vspace::cli;
using vspace::matrix_view;
using vspace::search_result;

/// Calls `f.template operator()<M>()` with M the float metric named on the command line.
template <class F>
decltype(auto) with_float_metric(const std::string& name, F&& f) {
    if (name == "l2") return f.template operator()<vspace::l2>();
    if (name == "cosine") return f.template operator()<vspace::cosine>();
    if (name == "ip") return f.template operator()<vspace::inner_product>();
    VSPACE_THROW(cli::usage_error, "--metric ", name, " needs binary vectors (expected --type b1)");
}

/// Searches all queries; with a progress bar, in chunks so that the bar moves. Exact search
/// answers each query on its own, so chunking does not change the result.
template <class Index, class T>
search_result search_all(const Index& index, matrix_view<T> queries, std::size_t k, const cli::common_options& common,
                         const char* label) {
    const vspace::search_options options{.n_threads = common.n_threads};
    if (!cli::progress_enabled(common)) return index.search(queries, k, options);
    cli::progress bar(label, queries.rows(), common);
    search_result out(queries.rows(), std::min(k, index.size()));
    const std::size_t chunk = std::max<std::size_t>(1024, queries.rows() / 50);
    for (std::size_t first = 0; first < queries.rows(); first += chunk) {
        const std::size_t n = std::min(chunk, queries.rows() - first);
        const search_result part = index.search(queries.subview(first, n), k, options);
        for (std::size_t q = 0; q < n; ++q) {
            std::copy(part.ids(q).begin(), part.ids(q).end(), out.ids(first + q).begin());
            std::copy(part.distances(q).begin(), part.distances(q).end(), out.distances(first + q).begin());
        }
        bar.advance(n);
    }
    bar.finish();
    return out;
}

/// Exact search of float vectors under metric M.
template <class M>
search_result exact_search(matrix_view<float> base, matrix_view<float> queries, std::size_t k,
                           const cli::common_options& common) {
    vspace::flat_index<M, float> index(base.dims());
    index.add(base);
    return search_all(index, queries, k, common, "search");
}

class knn_command final : public cli::command {
public:
    void declare(CLI::App& app, cli::common_options& common) override {
        app.add_option("BASE", base_, "Vectors to search in (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)");
        app.add_option("QUERIES", queries_, "Vectors to search for (same dims as BASE)");
        app.add_option("-k", k_, "Neighbours per query; more than BASE has is clamped to BASE's size")
            ->capture_default_str();
        app.add_option("-o,--output", ids_, "Output .npy: int64 ids of BASE rows, queries x k, nearest first");
        app.add_option("--distances", distances_,
                       "Also write their distances: float32 .npy, queries x k (l2: Euclidean, cosine: 1 - cos, "
                       "ip: -dot)");
        app.add_option("--metric", metric_, "Distance: l2, cosine, ip (inner product) or hamming")
            ->check(CLI::IsMember({"l2", "cosine", "ip", "hamming"}))
            ->capture_default_str();
        // Index kinds. "flat" is exact. An approximate index adds its name here, its build and
        // search options next to it (DESIGN.md: --M, --ef-construction, --ef), and a branch
        // in search() below.
        app.add_option("--index", index_, "Index: flat (exact)")
            ->check(CLI::IsMember({"flat"}))
            ->capture_default_str();
        app.add_option("--type", type_, "Vector kind searched: f32 (as read), i8 or b1 (quantized)")
            ->check(CLI::IsMember({"f32", "i8", "b1"}))
            ->capture_default_str();
        app.add_flag("--demo", demo_,
                     "Run on Fashion-MNIST (dataset-fashion-mnist): 60,000 base, 10,000 queries, k = 10, timed");
        cli::add_seed_option(app, common);
    }

    void run(const cli::common_options& common) override {
        if (k_ < 1) VSPACE_THROW(cli::usage_error, "-k ", k_, " (expected k >= 1)");
        if (demo_) return run_demo(common);
        if (base_.empty() || queries_.empty())
            VSPACE_THROW(cli::usage_error, "BASE and QUERIES are required (or --demo)");
        if (ids_.empty()) VSPACE_THROW(cli::usage_error, "-o IDS.npy is required");
        if (type_ != "f32") VSPACE_THROW(cli::usage_error, "--type ", type_, " is not available yet");
        cli::check_output(ids_);
        if (!distances_.empty()) {
            cli::check_output(distances_);
            cli::check_distinct_outputs(ids_, distances_);
        }

        const vspace::loaded_vectors base = cli::load_input(base_, common);
        cli::require_finite(base, base_);
        const vspace::loaded_vectors queries = cli::load_input(queries_, common);
        cli::require_finite(queries, queries_);
        cli::require_same_dims(base, base_, queries, queries_);
        const auto k = static_cast<std::size_t>(k_);
        if (k > base.rows())
            cli::warn(common, "-k %lld is more than the %zu vectors in '%s': returning %zu per query",
                      static_cast<long long>(k_), base.rows(), base_.c_str(), base.rows());

        const search_result result = search(base.vectors, queries.vectors, k, common);
        vspace::save_npy_ids(ids_, result);
        if (!distances_.empty()) vspace::save_npy_distances(distances_, result);
    }

private:
    search_result search(matrix_view<float> base, matrix_view<float> queries, std::size_t k,
                         const cli::common_options& common) const {
        return with_float_metric(metric_, [&]<class M>() { return exact_search<M>(base, queries, k, common); });
    }

    void run_demo(const cli::common_options& common) const {
        if (!base_.empty() || !queries_.empty() || !ids_.empty() || !distances_.empty())
            VSPACE_THROW(cli::usage_error, "--demo takes no files (it reads Fashion-MNIST and prints a report)");
        cli::stopwatch load_watch;
        const vspace::fashion_mnist_data data = vspace::load_fashion_mnist(vspace::default_fashion_mnist_folder,
                                                                           common.n_threads);
        const auto base = data.images.view().subview(0, vspace::fashion_mnist_data::n_train);
        const auto queries = data.images.view().subview(vspace::fashion_mnist_data::n_train,
                                                         vspace::fashion_mnist_data::n_test);
        const auto k = static_cast<std::size_t>(k_);
        std::printf("Fashion-MNIST: %zu base and %zu query images of %zu pixels, k = %zu, metric %s, %zu threads "
                    "(read in %.2f s)\n",
                    base.rows(), queries.rows(), base.dims(), k, metric_.c_str(), vspace::resolve_threads(common.n_threads),
                    load_watch.seconds());
        cli::stopwatch watch;
        const search_result exact = search(base, queries, k, common);
        const double seconds = watch.seconds();
        std::printf("%-28s %9s %12s %10s\n", "method", "time", "queries/s", "recall@k");
        std::printf("%-28s %8.2fs %12.0f %10.4f\n", "exact f32 (flat)", seconds,
                    static_cast<double>(queries.rows()) / seconds, 1.0);
    }

    std::string base_, queries_, ids_, distances_;
    std::int64_t k_ = 10;
    std::string metric_ = "l2", index_ = "flat", type_ = "f32";
    bool demo_ = false;
};

const cli::registration<knn_command> registered{"knn", "The k nearest neighbours of each query (exact or quantized)"};

}  // namespace
