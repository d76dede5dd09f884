// SPDX-License-Identifier: MIT
// `vspace cluster INPUT -k K -o LABELS.npy`: k-means clustering. Writes one int64 cluster id per
// row, prints each cluster's size and, with --text (one line per row), its most distinctive
// words; with --labels (one category per row), its majority category and purity.
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/analyze/cluster_labels.hpp>
#include <vspace/analyze/kmeans.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

namespace cli = vspace::cli;

class cluster_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options& common) override {
        app.add_option("INPUT", input_, "Vectors to cluster (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)")->required();
        app.add_option("-k", k_, "Number of clusters")->required();
        app.add_option("-o,--output", output_, "Output .npy: int64 cluster id of each row")->required();
        app.add_option("--metric", metric_,
                       "l2 (k-means), cosine (spherical k-means) or hamming (k-majority; needs a bool .npy)")
            ->check(cli::one_of({"l2", "cosine", "hamming"}))
            ->show_default();
        app.add_option("--text", text_, "Text file, one line per row: name clusters by their distinctive words");
        app.add_option("--labels", labels_, "Category file, one line per row: name clusters by majority category");
        app.add_option("--centroids", centroids_, "Also write the centroids (float32 .npy, k x dims; not for hamming)");
        app.add_option("--n-init", n_init_, "Restarts; the lowest inertia wins")->show_default();
        app.add_option("--max-iter", max_iter_, "Most Lloyd iterations per restart")->show_default();
        cli::add_seed_option(app, common);
    }

    void run(const cli::common_options& common) override {
        if (k_ < 1) VSPACE_THROW(cli::usage_error, "-k ", k_, " (expected k >= 1)");
        if (n_init_ < 1 || max_iter_ < 1) VSPACE_THROW(cli::usage_error, "--n-init and --max-iter must be >= 1");
        cli::check_output(output_);
        if (!centroids_.empty()) {
            if (metric_ == "hamming") VSPACE_THROW(cli::usage_error, "--centroids is not available with --metric hamming");
            cli::check_output(centroids_);
            cli::check_distinct_outputs(output_, centroids_);
        }
        const vspace::loaded_vectors v = cli::load_input(input_, common);
        cli::require_finite(v, input_);
        std::vector<std::string> texts, categories;
        if (!text_.empty()) texts = read_per_row(text_, v.rows());
        if (!labels_.empty()) categories = read_per_row(labels_, v.rows());
        if (static_cast<std::size_t>(k_) > v.rows())
            VSPACE_THROW(vspace::invalid_argument, "'", input_, "' has ", v.rows(), " rows: cannot make k = ", k_,
                         " clusters (expected k <= ", v.rows(), ")");

        const vspace::kmeans_options options{.k = static_cast<std::size_t>(k_),
                                             .n_init = static_cast<std::size_t>(n_init_),
                                             .max_iter = static_cast<std::size_t>(max_iter_),
                                             .n_threads = common.n_threads,
                                             .seed = common.seed};
        cli::stopwatch watch;
        vspace::kmeans_result r;
        if (metric_ == "hamming") {
            if (!v.bits)
                VSPACE_THROW(vspace::invalid_argument, "'", input_,
                             "' does not hold binary vectors (expected a bool .npy for --metric hamming)");
            r = vspace::kmeans<vspace::hamming, vspace::bit>(options).fit(v.bits->view());
        } else if (metric_ == "cosine") {
            vspace::kmeans<vspace::cosine> km(options);
            r = km.fit(v.vectors.view());
            if (!centroids_.empty()) vspace::save_npy(centroids_, km.centroids());
        } else {
            vspace::kmeans<vspace::l2sq> km(options);
            r = km.fit(v.vectors.view());
            if (!centroids_.empty()) vspace::save_npy(centroids_, km.centroids());
        }
        cli::note(common, "k-means: %zu iterations%s in %.2f s", r.iterations, r.converged ? " (converged)" : "",
                  watch.seconds());
        const std::vector<std::int64_t> ids(r.labels.begin(), r.labels.end());
        vspace::save_npy(output_, std::span<const std::int64_t>(ids));

        std::vector<std::vector<vspace::cluster_term>> terms;
        if (!texts.empty()) terms = vspace::cluster_terms(texts, r.labels, r.sizes.size());
        std::vector<vspace::cluster_majority> majority;
        if (!categories.empty()) majority = vspace::cluster_majorities(categories, r.labels, r.sizes.size());
        std::printf("%zu clusters of %zu rows, inertia %.6g\n", r.sizes.size(), r.labels.size(), r.inertia);
        for (std::size_t c = 0; c < r.sizes.size(); ++c) {
            std::printf("%zu\t%zu", c, r.sizes[c]);
            if (!majority.empty()) std::printf("\t%s (%.0f %%)", majority[c].label.c_str(), 100 * majority[c].purity);
            if (!terms.empty()) std::printf("\t%s", vspace::cluster_name(terms[c], 5).c_str());
            std::printf("\n");
        }
    }

private:
    static std::vector<std::string> read_per_row(const std::string& path, std::size_t rows) {
        auto lines = vspace::read_lines(path);
        if (lines.size() != rows)
            VSPACE_THROW(vspace::shape_error, "'", path, "' has ", lines.size(), " lines (expected one per row: ", rows,
                         ")");
        return lines;
    }

    std::string input_, output_, metric_ = "l2", text_, labels_, centroids_;
    std::int64_t k_ = 0, n_init_ = 1, max_iter_ = 300;
};

const cli::registration<cluster_command> registered{"cluster", "k-means clusters, with sizes and names"};

}  // namespace
