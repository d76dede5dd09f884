// SPDX-License-Identifier: MIT
// `vspace outliers INPUT [-n 20]`: the rows that stand out most, by local outlier factor (or
// kNN distance) over the k-nearest-neighbour graph (exact for small inputs, HNSW for large
// ones). Prints RANK<TAB>ROW<TAB>SCORE, plus the row's word (word-vector files) or its line
// of --text.
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/analyze/outliers.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/l2.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

namespace cli = vspace::cli;

// Below this many rows the exact graph costs seconds; above, its O(n^2) cost grows fast (70,000
// Fashion-MNIST images: about a minute on 2 cores) and HNSW finds the neighbours instead.
constexpr std::size_t exact_graph_below = 20000;

// HNSW settings for an outlier graph: recall about 0.98 at k = 10 on Fashion-MNIST. Scores
// need high recall: a missed neighbour lengthens a point's kNN distance and inflates its score.
constexpr vspace::knn_graph_options hnsw_graph{.m = 12, .ef_construction = 64};

std::vector<float> score(const vspace::knn_graph& g, bool lof) {
    return lof ? vspace::lof_scores(g) : vspace::knn_distance_scores(g);
}

// The graph the scores read: exact, or HNSW with the rows that decide the top `n` made exact.
// Outliers are far from everything, where approximate search misses most, and a missed
// neighbour inflates a score; so the 4n best candidates get their exact neighbours, and for
// LOF, which compares a point's density with its neighbours', those neighbours get theirs too.
template <class Metric>
vspace::knn_graph outlier_graph(vspace::matrix_view<float> x, std::size_t k, std::size_t n, bool exact, bool lof,
                                const cli::common_options& common) {
    if (exact) return vspace::exact_knn_graph<Metric>(x, k, {}, common.n_threads);
    vspace::knn_graph_options options = hnsw_graph;
    options.ef = 4 * k;
    options.n_threads = common.n_threads;
    options.seed = common.seed;
    vspace::knn_graph g = vspace::hnsw_knn_graph<Metric>(x, k, options);

    std::vector<std::uint32_t> rows;
    for (const auto& o : vspace::top_outliers(score(g, lof), std::max<std::size_t>(4 * n, 64)))
        rows.push_back(static_cast<std::uint32_t>(o.id));
    vspace::flat_index<Metric, float> flat(x.dims());
    flat.add(x);
    vspace::refine_knn_graph(g, flat, x, rows, {.n_threads = common.n_threads});
    if (lof) {
        std::vector<bool> done(x.rows(), false);
        for (auto r : rows) done[r] = true;
        std::vector<std::uint32_t> around;
        for (auto r : rows)
            for (auto o : g.neighbors(r))
                if (!done[o]) done[o] = true, around.push_back(o);
        vspace::refine_knn_graph(g, flat, x, around, {.n_threads = common.n_threads});
    }
    return g;
}

class outliers_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options& common) override {
        app.add_option("INPUT", input_, "Vectors (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)")->required();
        app.add_option("-n", n_, "Outliers to print")->show_default();
        app.add_option("-k", k_, "Neighbours per point")->show_default();
        app.add_option("--method", method_, "lof (local outlier factor) or knn (distance to the k-th neighbour)")
            ->check(cli::one_of({"lof", "knn"}))
            ->show_default();
        app.add_option("--metric", metric_, "l2 or cosine")->check(cli::one_of({"l2", "cosine"}))->show_default();
        app.add_option("--text", text_, "Text file, one line per row, printed beside each outlier");
        app.add_option("--graph", graph_, "kNN graph: exact, hnsw, or auto (exact below 20,000 rows)")
            ->check(cli::one_of({"auto", "exact", "hnsw"}))
            ->show_default();
        cli::add_seed_option(app, common);  // the HNSW graph's levels
    }

    void run(const cli::common_options& common) override {
        if (n_ < 1 || k_ < 1) VSPACE_THROW(cli::usage_error, "-n and -k must be >= 1");
        const vspace::loaded_vectors v = cli::load_input(input_, common);
        cli::require_finite(v, input_);
        std::vector<std::string> texts;
        if (!text_.empty()) {
            texts = vspace::read_lines(text_);
            if (texts.size() != v.rows())
                VSPACE_THROW(vspace::shape_error, "'", text_, "' has ", texts.size(), " lines (expected one per row: ",
                             v.rows(), ")");
        }
        if (static_cast<std::size_t>(k_) >= v.rows())
            VSPACE_THROW(vspace::invalid_argument, "'", input_, "' has ", v.rows(),
                         " rows (expected at least -k + 1 = ", k_ + 1, ")");
        cli::stopwatch watch;
        const auto k = static_cast<std::size_t>(k_);
        const bool exact = graph_ == "exact" || (graph_ == "auto" && v.rows() < exact_graph_below);
        const auto n = static_cast<std::size_t>(n_);
        const bool lof = method_ == "lof";
        const vspace::knn_graph g =
            metric_ == "cosine" ? outlier_graph<vspace::cosine>(v.vectors.view(), k, n, exact, lof, common)
                                : outlier_graph<vspace::l2>(v.vectors.view(), k, n, exact, lof, common);
        cli::note(common, "kNN graph (%s, k = %zu) in %.2f s", exact ? "exact" : "HNSW", k, watch.seconds());
        const auto scores = score(g, lof);
        for (const auto& [rank, o] : enumerate(vspace::top_outliers(scores, n))) {
            std::printf("%zu\t%zu\t%.6g", rank + 1, o.id, static_cast<double>(o.score));
            if (!v.vocab.empty()) std::printf("\t%s", v.vocab[o.id].c_str());
            if (!texts.empty()) std::printf("\t%s", texts[o.id].c_str());
            std::printf("\n");
        }
    }

private:
    static std::vector<std::pair<std::size_t, vspace::outlier>> enumerate(const std::vector<vspace::outlier>& top) {
        std::vector<std::pair<std::size_t, vspace::outlier>> out;
        for (std::size_t i = 0; i < top.size(); ++i) out.emplace_back(i, top[i]);
        return out;
    }

    std::string input_, method_ = "lof", metric_ = "l2", text_, graph_ = "auto";
    std::int64_t n_ = 20, k_ = 10;
};

const cli::registration<outliers_command> registered{"outliers", "The rows that stand out most (LOF or kNN distance)"};

}  // namespace
