// SPDX-License-Identifier: MIT
// `vspace knn BASE QUERIES -k K -o IDS.npy`: the k nearest BASE rows of every query, written as
// int64 ids (queries x k, nearest first), optionally with their distances. Exact search on the
// float vectors (--type f32), or on int8 / binary codes whose k x R best candidates are re-ranked
// by the float distance (--type i8|b1 --rescore R). `vspace knn --demo` compares the three on
// Fashion-MNIST: time and recall against exact search.
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/index/flat.hpp>
#include <vspace/index/rescored.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/int8.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_set>

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

/// A search's result and how long building the index and searching took.
struct timed_result {
    search_result result;
    double build_seconds = 0, search_seconds = 0;
};

/// Builds an index with `make()` and searches it, timing both.
template <class Make, class T>
timed_result build_and_search(Make make, matrix_view<T> queries, std::size_t k, const cli::common_options& common,
                              const char* label) {
    cli::stopwatch build;
    const auto index = make();
    timed_result out;
    out.build_seconds = build.seconds();
    cli::stopwatch search;
    out.result = search_all(index, queries, k, common, label);
    out.search_seconds = search.seconds();
    return out;
}

/// How codes are compared so that they rank like floats under M, and how int8 codes are fitted
/// for it: one range for all dimensions keeps code L2 proportional to float L2; one symmetric
/// scale keeps dot products and cosines proportional.
template <class M>
struct code_search;
template <>
struct code_search<vspace::l2> {
    using int8_metric = vspace::l2sq;
    static constexpr auto mode = vspace::int8_mode::uniform;
};
template <>
struct code_search<vspace::cosine> {
    using int8_metric = vspace::cosine;
    static constexpr auto mode = vspace::int8_mode::symmetric;
};
template <>
struct code_search<vspace::inner_product> {
    using int8_metric = vspace::inner_product;
    static constexpr auto mode = vspace::int8_mode::symmetric;
};

/// The k nearest under float metric M: exact on floats (type f32), or the k x rescore best
/// candidates of the int8 / binary codes re-ranked by the float distance.
template <class M>
timed_result float_metric_search(matrix_view<float> base, matrix_view<float> queries, std::size_t k,
                                 const std::string& type, std::size_t rescore, const cli::common_options& common) {
    const std::size_t threads = common.n_threads, dims = base.dims();
    // The index is built here for each kind. An approximate index replaces the flat ones below
    // (as the whole index for f32, as the inner index over the codes for i8 and b1).
    if (type == "f32")
        return build_and_search(
            [&] {
                vspace::flat_index<M, float> index(dims);
                index.add(base);
                return index;
            },
            queries, k, common, "search f32");
    if (type == "i8")
        return build_and_search(
            [&] {
                using inner = vspace::flat_index<typename code_search<M>::int8_metric, std::int8_t>;
                auto q = vspace::int8_quantizer::fit(base, {.mode = code_search<M>::mode, .n_threads = threads});
                vspace::rescored_index<M, inner> index(std::move(q), inner(dims), {.rescore = rescore});
                index.add(base, threads);
                return index;
            },
            queries, k, common, "search i8");
    return build_and_search(
        [&] {
            using inner = vspace::flat_index<vspace::hamming, vspace::bit>;
            auto q = vspace::binary_quantizer::fit(base, {.n_threads = threads});
            vspace::rescored_index<M, inner> index(std::move(q), inner(dims), {.rescore = rescore});
            index.add(base, threads);
            return index;
        },
        queries, k, common, "search b1");
}

/// Hamming distance between binary codes: each dimension becomes one bit (value above the
/// BASE mean of that dimension; 0/1 data stays as it is). Distances are bit counts.
timed_result hamming_search(matrix_view<float> base, matrix_view<float> queries, std::size_t k,
                            const cli::common_options& common) {
    const auto q = vspace::binary_quantizer::fit(base, {.n_threads = common.n_threads});
    const auto query_codes = q.quantize(queries, common.n_threads);
    return build_and_search(
        [&] {
            vspace::flat_index<vspace::hamming, vspace::bit> index(base.dims());
            index.add(q.quantize(base, common.n_threads));
            return index;
        },
        query_codes.view(), k, common, "search b1");
}

/// Fraction of the exact neighbours found: mean over queries of |found ∩ exact| / k.
double recall(const search_result& found, const search_result& exact) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < exact.queries(); ++q) {
        const auto truth = exact.ids(q);
        const std::unordered_set<std::int64_t> want(truth.begin(), truth.end());
        for (const std::int64_t id : found.ids(q)) hits += want.count(id);
    }
    return static_cast<double>(hits) / static_cast<double>(exact.queries() * exact.k());
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
        app.add_option("--type", type_,
                       "Vector kind searched: f32 (as read), i8 or b1 (quantized, then re-ranked in float); "
                       "--metric hamming implies b1")
            ->check(CLI::IsMember({"f32", "i8", "b1"}));
        rescore_option_ = app.add_option("--rescore", rescore_,
                                         "With --type i8|b1: re-rank the k x R best code matches by the float "
                                         "distance (default 4 for i8, 10 for b1; 1 = re-order the k found)")
                              ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
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
        check_type_and_metric();
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

        const search_result result = search(base.vectors, queries.vectors, k, type_, rescore_for(type_), common).result;
        vspace::save_npy_ids(ids_, result);
        if (!distances_.empty()) vspace::save_npy_distances(distances_, result);
    }

private:
    /// Settles --type from --metric and rejects combinations that mean nothing.
    void check_type_and_metric() {
        if (metric_ == "hamming") {
            if (!type_.empty() && type_ != "b1")
                VSPACE_THROW(cli::usage_error, "--metric hamming compares bits (expected --type b1, got --type ", type_, ")");
            if (rescore_option_->count() > 0)
                VSPACE_THROW(cli::usage_error, "--rescore needs a float metric to re-rank by (l2, cosine or ip)");
            type_ = "b1";
        } else {
            if (type_.empty()) type_ = "f32";
            if (type_ == "f32" && rescore_option_->count() > 0)
                VSPACE_THROW(cli::usage_error, "--rescore applies to --type i8 or b1 (f32 search is exact)");
        }
    }

    /// --rescore R, or the default for codes of `type`.
    std::size_t rescore_for(const std::string& type) const {
        if (rescore_option_->count() > 0) return rescore_;
        return type == "b1" ? 10 : 4;  // binary codes lose more of the order than int8 ones
    }

    timed_result search(matrix_view<float> base, matrix_view<float> queries, std::size_t k, const std::string& type,
                        std::size_t rescore, const cli::common_options& common) const {
        if (metric_ == "hamming") return hamming_search(base, queries, k, common);
        return with_float_metric(metric_, [&]<class M>() {
            return float_metric_search<M>(base, queries, k, type, rescore, common);
        });
    }

    void run_demo(const cli::common_options& common) {
        if (!base_.empty() || !queries_.empty() || !ids_.empty() || !distances_.empty())
            VSPACE_THROW(cli::usage_error, "--demo takes no files (it reads Fashion-MNIST and prints a report)");
        if (metric_ == "hamming") VSPACE_THROW(cli::usage_error, "--demo compares float metrics (l2, cosine or ip)");
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
        std::printf("%-26s %8s %9s %11s %10s\n", "method", "build", "search", "queries/s",
                    ("recall@" + std::to_string(k)).c_str());
        const timed_result exact = search(base, queries, k, "f32", 1, common);
        report("exact f32 (flat)", exact, exact, queries.rows());
        // The types given with --type (all three by default), each with its default or given R.
        for (const char* type : {"i8", "b1"}) {
            if (!type_.empty() && type_ != type) continue;
            const std::size_t r = rescore_for(type);
            const std::string label = std::string(type) + " codes, rescore x" + std::to_string(r);
            report(label.c_str(), search(base, queries, k, type, r, common), exact, queries.rows());
        }
    }

    static void report(const char* label, const timed_result& t, const timed_result& exact, std::size_t queries) {
        std::printf("%-26s %7.2fs %8.2fs %11.0f %10.4f\n", label, t.build_seconds, t.search_seconds,
                    static_cast<double>(queries) / t.search_seconds, recall(t.result, exact.result));
        std::fflush(stdout);
    }

    std::string base_, queries_, ids_, distances_;
    std::int64_t k_ = 10;
    std::string metric_ = "l2", index_ = "flat", type_;  // type_ empty: f32, or b1 for hamming
    std::size_t rescore_ = 4;
    CLI::Option* rescore_option_ = nullptr;
    bool demo_ = false;
};

const cli::registration<knn_command> registered{"knn", "The k nearest neighbours of each query (exact or quantized)"};

}  // namespace
