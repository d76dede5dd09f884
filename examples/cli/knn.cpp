// SPDX-License-Identifier: MIT
// `vspace knn BASE QUERIES -k K -o IDS.npy`: the k nearest BASE rows of every query, written as
// int64 ids (queries x k, nearest first), optionally with their distances. Exact search on the
// float vectors (--type f32), or on int8 / binary codes whose k x R best candidates are re-ranked
// by the float distance (--type i8|b1 --rescore R), with a flat (exact) index or an HNSW graph
// (--index hnsw: over the floats, or over the codes before the float re-ranking).
// `vspace knn --demo` compares them on Fashion-MNIST: time and recall against exact search.
#include "command.hpp"
#include "files.hpp"
#include "float_metric.hpp"
#include "hnsw_flags.hpp"
#include "progress.hpp"
#include "search_all.hpp"

#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
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
#include <type_traits>
#include <unordered_set>

namespace {

namespace cli = vspace::cli;
using vspace::matrix_view;
using vspace::search_result;

/// How the neighbours are found: the index kind and its search-time settings.
struct search_plan {
    std::string index;            ///< "flat" (exact) or "hnsw"
    std::size_t rescore = 4;      ///< candidates per result for i8 / b1 codes
    const cli::hnsw_flags* hnsw;  ///< --M, --ef-construction
    std::size_t ef = 0;           ///< search ef for hnsw (0 for flat)
};

/// A search's result and how long building the index and searching took.
struct timed_result {
    search_result result;
    double build_seconds = 0, search_seconds = 0;
};

/// Builds an index with `make()` and searches it, timing both.
template <class Make, class T>
timed_result build_and_search(Make make, matrix_view<T> queries, std::size_t k, const search_plan& plan,
                              const cli::common_options& common, const char* label) {
    cli::stopwatch build;
    const auto index = make();
    timed_result out;
    out.build_seconds = build.seconds();
    cli::stopwatch search;
    out.result = cli::search_all(index, queries, k, {.ef = plan.ef, .n_threads = common.n_threads}, common, label);
    out.search_seconds = search.seconds();
    return out;
}

/// True for an index that is, or searches codes through, an HNSW graph (built in batches).
template <class Index>
constexpr bool uses_graph = false;
template <class M, class T>
constexpr bool uses_graph<vspace::hnsw_index<M, T>> = true;
template <class M, class Inner, class Q>
constexpr bool uses_graph<vspace::rescored_index<M, Inner, Q>> = uses_graph<Inner>;

/// Adds `rows` to `index`: a graph in batches with a progress bar (the same graph as one add),
/// a flat index (which only copies) in one go.
template <class Index, class T>
void fill(Index& index, matrix_view<T> rows, const cli::common_options& common) {
    const auto add = [&](std::size_t first, std::size_t n) {
        if constexpr (requires { index.add(rows, common.n_threads); }) index.add(rows.subview(first, n), common.n_threads);
        else index.add(rows.subview(first, n));
    };
    if constexpr (uses_graph<Index>) cli::add_in_batches(rows.rows(), "build hnsw", common, add);
    else add(0, rows.rows());
}

/// Calls `f.template operator()<Index>()` with Index the flat or hnsw index over T under M.
/// Both number rows 0, 1, 2, ... in the order they are added, so either can be the inner index
/// of a rescored_index.
template <class M, class T, class F>
decltype(auto) with_index(const search_plan& plan, F&& f) {
    if (plan.index == "hnsw") return f.template operator()<vspace::hnsw_index<M, T>>();
    return f.template operator()<vspace::flat_index<M, T>>();
}

/// A new empty index of type Index over `dims` dimensions.
template <class Index>
Index make_index(std::size_t dims, const search_plan& plan, const cli::common_options& common) {
    if constexpr (requires { typename Index::options_type; }) return Index(dims, plan.hnsw->build_options(common));
    else return Index(dims);
}

/// The k nearest under float metric M: on the floats (type f32), or the k x rescore best
/// candidates of the int8 / binary codes re-ranked by the float distance. Flat search is
/// exact on what it searches; hnsw is the whole index for f32 and the inner index over the
/// codes for i8 and b1.
template <class M>
timed_result float_metric_search(matrix_view<float> base, matrix_view<float> queries, std::size_t k,
                                 const std::string& type, const search_plan& plan, const cli::common_options& common) {
    const std::size_t threads = common.n_threads, dims = base.dims();
    if (type == "f32")
        return with_index<M, float>(plan, [&]<class Index>() {
            return build_and_search(
                [&] {
                    Index index = make_index<Index>(dims, plan, common);
                    fill(index, base, common);
                    return index;
                },
                queries, k, plan, common, "search f32");
        });
    if (type == "i8")
        return with_index<typename cli::code_search<M>::int8_metric, std::int8_t>(plan, [&]<class Inner>() {
            return build_and_search(
                [&] {
                    auto q = vspace::int8_quantizer::fit(base, {.mode = cli::code_search<M>::mode, .n_threads = threads});
                    vspace::rescored_index<M, Inner> index(std::move(q), make_index<Inner>(dims, plan, common),
                                                           {.rescore = plan.rescore});
                    fill(index, base, common);
                    return index;
                },
                queries, k, plan, common, "search i8");
        });
    return with_index<vspace::hamming, vspace::bit>(plan, [&]<class Inner>() {
        return build_and_search(
            [&] {
                auto q = vspace::binary_quantizer::fit(base, {.n_threads = threads});
                vspace::rescored_index<M, Inner> index(std::move(q), make_index<Inner>(dims, plan, common),
                                                       {.rescore = plan.rescore});
                fill(index, base, common);
                return index;
            },
            queries, k, plan, common, "search b1");
    });
}

/// Hamming distance between binary codes: each dimension becomes one bit (value above the
/// BASE mean of that dimension; 0/1 data stays as it is). Distances are bit counts.
timed_result hamming_search(matrix_view<float> base, matrix_view<float> queries, std::size_t k,
                            const search_plan& plan, const cli::common_options& common) {
    const auto q = vspace::binary_quantizer::fit(base, {.n_threads = common.n_threads});
    const auto query_codes = q.quantize(queries, common.n_threads);
    return with_index<vspace::hamming, vspace::bit>(plan, [&]<class Index>() {
        return build_and_search(
            [&] {
                const auto codes = q.quantize(base, common.n_threads);
                Index index = make_index<Index>(base.dims(), plan, common);
                fill(index, codes.view(), common);
                return index;
            },
            query_codes.view(), k, plan, common, "search b1");
    });
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
    void declare(cli::command_line& app, cli::common_options& common) override {
        app.add_option("BASE", base_, "Vectors to search in (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)");
        app.add_option("QUERIES", queries_, "Vectors to search for (same dims as BASE)");
        app.add_option("-k", k_, "Neighbours per query; more than BASE has is clamped to BASE's size")
            ->show_default();
        app.add_option("-o,--output", ids_, "Output .npy: int64 ids of BASE rows, queries x k, nearest first");
        app.add_option("--distances", distances_,
                       "Also write their distances: float32 .npy, queries x k (l2: Euclidean, cosine: 1 - cos, "
                       "ip: -dot)");
        app.add_option("--metric", metric_, "Distance: l2, cosine, ip (inner product) or hamming")
            ->check(cli::one_of({"l2", "cosine", "ip", "hamming"}))
            ->show_default();
        // Index kinds: "flat" is exact; "hnsw" is approximate, with its build and search
        // options (--M, --ef-construction, --ef) next to it.
        app.add_option("--index", index_,
                       "Index: flat (exact) or hnsw (approximate graph; with i8/b1 it searches the codes)")
            ->check(cli::one_of({"flat", "hnsw"}))
            ->show_default();
        hnsw_.declare_build(app);
        hnsw_.declare_search(app);
        app.add_option("--type", type_,
                       "Vector kind searched: f32 (as read), i8 or b1 (quantized, then re-ranked in float); "
                       "--metric hamming implies b1")
            ->check(cli::one_of({"f32", "i8", "b1"}));
        rescore_option_ = app.add_option("--rescore", rescore_,
                                         "With --type i8|b1: re-rank the k x R best code matches by the float "
                                         "distance (default 4 for i8, 10 for b1; 1 = re-order the k found)")
                              ->check(cli::in_range(1, 1 << 20));
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
        check_index_options();
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

        const search_plan plan = plan_for(type_, std::min(k, base.rows()));
        const search_result result = search(base.vectors, queries.vectors, k, type_, plan, common).result;
        vspace::save_npy_ids(ids_, result);
        if (!distances_.empty()) vspace::save_npy_distances(distances_, result);
    }

private:
    /// Settles --type from --metric and rejects combinations that mean nothing.
    void check_type_and_metric() {
        if (metric_ == "hamming") {
            if (!type_.empty() && type_ != "b1")
                VSPACE_THROW(cli::usage_error, "--metric hamming compares bits (expected --type b1, got --type ", type_, ")");
            if (rescore_option_->given())
                VSPACE_THROW(cli::usage_error, "--rescore needs a float metric to re-rank by (l2, cosine or ip)");
            type_ = "b1";
        } else {
            if (type_.empty()) type_ = "f32";
            if (type_ == "f32" && rescore_option_->given())
                VSPACE_THROW(cli::usage_error, "--rescore applies to --type i8 or b1 (f32 search is exact)");
        }
    }

    /// Rejects HNSW options without --index hnsw (flat search is exact: they would do nothing).
    void check_index_options() const {
        if (const char* given = hnsw_.first_given(); given != nullptr && index_ != "hnsw")
            VSPACE_THROW(cli::usage_error, given, " applies to --index hnsw (--index ", index_, " is exact)");
    }

    /// How to search codes of `type` for `k` results (k clamped to BASE's size); checks --ef.
    search_plan plan_for(const std::string& type, std::size_t k) const {
        return {.index = index_, .rescore = rescore_for(type), .hnsw = &hnsw_,
                .ef = index_ == "hnsw" ? hnsw_.search_ef(k) : 0};
    }

    /// --rescore R, or the default for codes of `type`.
    std::size_t rescore_for(const std::string& type) const {
        if (rescore_option_->given()) return rescore_;
        return type == "b1" ? 10 : 4;  // binary codes lose more of the order than int8 ones
    }

    timed_result search(matrix_view<float> base, matrix_view<float> queries, std::size_t k, const std::string& type,
                        const search_plan& plan, const cli::common_options& common) const {
        if (metric_ == "hamming") return hamming_search(base, queries, k, plan, common);
        return cli::with_float_metric(metric_, [&]<class M>() {
            return float_metric_search<M>(base, queries, k, type, plan, common);
        });
    }

    void run_demo(const cli::common_options& common) {
        if (!base_.empty() || !queries_.empty() || !ids_.empty() || !distances_.empty())
            VSPACE_THROW(cli::usage_error, "--demo takes no files (it reads Fashion-MNIST and prints a report)");
        if (metric_ == "hamming") VSPACE_THROW(cli::usage_error, "--demo compares float metrics (l2, cosine or ip)");
        check_index_options();
        cli::stopwatch load_watch;
        const vspace::fashion_mnist_data data = vspace::load_fashion_mnist(vspace::default_fashion_mnist_folder,
                                                                           common.n_threads);
        const auto base = data.images.view().subview(0, vspace::fashion_mnist_data::n_train);
        const auto queries = data.images.view().subview(vspace::fashion_mnist_data::n_train,
                                                         vspace::fashion_mnist_data::n_test);
        const auto k = static_cast<std::size_t>(k_);
        const search_plan exact_plan{.index = "flat", .rescore = 1, .hnsw = &hnsw_};
        const search_plan f32_plan = plan_for("f32", std::min(k, base.rows()));  // checks --ef before any work
        std::printf("Fashion-MNIST: %zu base and %zu query images of %zu pixels, k = %zu, metric %s, %zu threads "
                    "(read in %.2f s)\n",
                    base.rows(), queries.rows(), base.dims(), k, metric_.c_str(), vspace::resolve_threads(common.n_threads),
                    load_watch.seconds());
        if (index_ == "hnsw")
            std::printf("hnsw: M %zu, ef-construction %zu, ef %zu (seed %llu)\n", hnsw_.m, hnsw_.ef_construction,
                        f32_plan.ef, static_cast<unsigned long long>(common.seed));
        std::printf("%-26s %8s %9s %11s %10s\n", "method", "build", "search", "queries/s",
                    ("recall@" + std::to_string(k)).c_str());
        const timed_result exact = search(base, queries, k, "f32", exact_plan, common);
        report("exact f32 (flat)", exact, exact, queries.rows());
        // With --index hnsw: the graph over the floats, then over the codes; each with --ef
        // (and --M, --ef-construction) as given.
        const std::string graph = index_ == "hnsw" ? "hnsw " : "";
        if (index_ == "hnsw" && (type_.empty() || type_ == "f32"))
            report((graph + "f32").c_str(), search(base, queries, k, "f32", f32_plan, common), exact, queries.rows());
        // The code types given with --type (both by default), each with its default or given R.
        for (const char* type : {"i8", "b1"}) {
            if (!type_.empty() && type_ != type) continue;
            const search_plan plan = plan_for(type, std::min(k, base.rows()));
            const std::string label = graph + type + " codes, rescore x" + std::to_string(plan.rescore);
            report(label.c_str(), search(base, queries, k, type, plan, common), exact, queries.rows());
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
    cli::option* rescore_option_ = nullptr;
    cli::hnsw_flags hnsw_;
    bool demo_ = false;
};

const cli::registration<knn_command> registered{"knn", "The k nearest neighbours of each query (exact or HNSW, floats or codes)"};

}  // namespace
