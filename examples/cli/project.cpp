// SPDX-License-Identifier: MIT
// `vspace project INPUT -o COORDS.npy`: a map of the vectors as float32 coordinates (n, dims).
// Composition only: read the vectors, pick the method (`--method auto`: t-SNE below 50,000
// points, UMAP from there, PCA when there are too few points for either), find the neighbours
// (exact below 20,000 points, HNSW above), run the projector, write the coordinates; `--report`
// adds timings, the map's quality (trustworthiness, kNN preservation, and kNN accuracy when
// --labels are given) and, for t-SNE, the final KL divergence.
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/analyze/labels.hpp>
#include <vspace/analyze/quality.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/project/pca.hpp>
#include <vspace/project/tsne.hpp>
#include <vspace/project/umap.hpp>
#include <vspace/quantize/binary.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace cli = vspace::cli;
using vspace::matrix;
using vspace::matrix_view;

constexpr std::size_t exact_graph_below = 20000;  // the exact graph is cheap below this
constexpr std::size_t quality_sample = 5000;      // --report compares all pairs of a sample
// --method auto, as Nomic Atlas chooses its projection: UMAP below this many points, t-SNE (the
// FFT-accelerated gradient, which Atlas's own nomic-project approximates in its family of
// methods) from here on. On large maps t-SNE keeps more of each point's neighbourhood and
// separates more classes (docs/maps.md has the figures); on small ones UMAP's graph layout is
// quicker and keeps more of the global arrangement.
constexpr std::size_t tsne_from = 50000;

/// What the projection produced, for the report.
struct projection {
    matrix<float> coords;
    double seconds_graph = 0, seconds_project = 0;
    std::optional<vspace::tsne_report> tsne;  // t-SNE only: KL divergence, gradient method
    double perplexity = 0;                     // t-SNE only: as the model used it
};

class project_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options& common) override {
        app.add_option("INPUT", input_, "Vectors to map (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)")->required();
        app.add_option("-o,--output", output_, "Coordinates: float32 .npy of shape (n, dims)")->required();
        app.add_option("--method", method_,
                       "Projection: auto (t-SNE below 50,000 points, UMAP from there, PCA when too few for "
                       "either; the choice is printed on stderr), tsne, umap or pca")
            ->check(cli::one_of({"auto", "tsne", "umap", "pca"}))
            ->show_default();
        app.add_option("--metric", metric_, "Distance of the original space (t-SNE, UMAP): l2, cosine or hamming (bits)")
            ->check(cli::one_of({"l2", "cosine", "hamming"}))
            ->show_default();
        app.add_option("--neighbors", neighbors_, "UMAP neighbourhood size, counting the point itself")
            ->check(cli::in_range(2, 200))
            ->show_default();
        app.add_option("--min-dist", min_dist_, "UMAP: smallest distance between points on the map")
            ->check(cli::in_range(0.0, 1.0))
            ->show_default();
        app.add_option("--dims", dims_, "Output dimensions")->check(cli::in_range(1, 1024))->show_default();
        app.add_option("--epochs", epochs_, "UMAP epochs (0 = 500 up to 10,000 points, else 200)")
            ->check(cli::in_range(0, 100000))
            ->show_default();
        perplexity_option_ =
            app.add_option("--perplexity", perplexity_,
                           "t-SNE: effective neighbours per point, 1 <= P < (n - 1) / 3 (5 to 50 is typical)")
                ->show_default();
        iterations_option_ = app.add_option("--iterations", iterations_,
                                            "t-SNE: gradient-descent iterations, the first 250 with early exaggeration")
                                 ->check(cli::in_range(1, 100000))
                                 ->show_default();
        app.add_flag("--report", report_, "Print timings and the map's quality on a sample of 5,000 points");
        app.add_option("--labels", labels_, "With --report: a label per row (text, one per line) for kNN accuracy");
        app.add_option("--test-rows", test_rows_, "With --labels: the last N rows are the test set (default n / 5)")
            ->check(cli::positive());
        cli::add_seed_option(app, common);
    }

    void run(const cli::common_options& common) override {
        if (!labels_.empty() && !report_) VSPACE_THROW(cli::usage_error, "--labels needs --report");
        if (test_rows_ != 0 && labels_.empty()) VSPACE_THROW(cli::usage_error, "--test-rows needs --labels");
        if (!(std::isfinite(perplexity_) && perplexity_ >= 1))
            VSPACE_THROW(cli::usage_error, "--perplexity ", perplexity_, " (expected a number >= 1)");
        if (method_ == "tsne" && dims_ != 2)
            VSPACE_THROW(cli::usage_error, "--dims ", dims_, " with --method tsne (expected 2: t-SNE makes 2-D maps)");
        cli::check_output(output_);
        cli::stopwatch total;
        vspace::loaded_vectors v = cli::load_input(input_, common);
        cli::require_finite(v, input_);
        const std::size_t n = v.rows();
        std::vector<std::string> labels;
        if (!labels_.empty()) {
            labels = vspace::read_lines(labels_);
            if (labels.size() != n)
                VSPACE_THROW(vspace::shape_error, "'", labels_, "' has ", labels.size(), " lines (expected one per row: ",
                             n, ")");
        }
        const std::string method = choose_method(n, common);
        if (method != "tsne" && (perplexity_option_->given() || iterations_option_->given()))
            cli::warn(common, "--perplexity and --iterations are t-SNE options; %s ignores them", method.c_str());
        if (method == "tsne" && n < 4)
            VSPACE_THROW(vspace::invalid_argument, "'", input_, "' has ", n, " rows (expected at least 4 for t-SNE)");
        if (method == "tsne" && !tsne_fits(n))
            VSPACE_THROW(vspace::invalid_argument, "'", input_, "' has ", n, " rows, too few for t-SNE at --perplexity ",
                         cli_number(perplexity_), " (expected perplexity < (rows - 1) / 3 = ",
                         cli_number(static_cast<double>(n - 1) / 3), ", or at least ", min_tsne_rows(), " rows)");
        if (method == "umap" && n < neighbors_ + 1)
            VSPACE_THROW(vspace::invalid_argument, "'", input_, "' has ", n, " rows (expected at least --neighbors + 1 = ",
                         neighbors_ + 1, " for UMAP)");
        if (method == "pca" && dims_ > std::min(n, v.dims()))
            VSPACE_THROW(vspace::invalid_argument, "--dims ", dims_, " (expected <= min(rows, dims) = ",
                         std::min(n, v.dims()), " for PCA)");

        projection p;
        if (method == "pca") {
            cli::stopwatch watch;
            vspace::pca model({.n_components = dims_, .n_threads = common.n_threads, .seed = common.seed});
            p.coords = model.fit_transform(v.vectors.view());
            p.seconds_project = watch.seconds();
            cli::note(common, "PCA: %zu x %zu -> %zu dims (%.1f %% of the variance) in %.2f s", n, v.dims(), dims_,
                      100 * explained(model), p.seconds_project);
        } else if (metric_ == "hamming") {
            // bits: each dimension is set where the value is above its mean (0/1 data stays)
            const auto q = vspace::binary_quantizer::fit(v.vectors.view(), {.n_threads = common.n_threads});
            const matrix<vspace::bit> bits = q.quantize(v.vectors.view(), common.n_threads);
            p = method == "tsne" ? run_tsne<vspace::hamming, vspace::bit>(bits.view(), common)
                                 : run_umap<vspace::hamming, vspace::bit>(bits.view(), common);
        } else if (metric_ == "cosine") {
            p = method == "tsne" ? run_tsne<vspace::cosine, float>(v.vectors.view(), common)
                                 : run_umap<vspace::cosine, float>(v.vectors.view(), common);
        } else {
            p = method == "tsne" ? run_tsne<vspace::l2, float>(v.vectors.view(), common)
                                 : run_umap<vspace::l2, float>(v.vectors.view(), common);
        }
        vspace::save_npy(output_, p.coords.view());
        if (!common.quiet)
            std::fprintf(stderr, "wrote %s: %zu x %zu (%s) in %.2f s\n", output_.c_str(), n, dims_, method.c_str(),
                         total.seconds());
        if (report_) print_report(v.vectors.view(), p, labels, method, common, total.seconds());
    }

private:
    /// The fewest rows t-SNE takes at --perplexity: perplexity < (n - 1) / 3, and n >= 4.
    std::size_t min_tsne_rows() const {
        return std::max<std::size_t>(4, static_cast<std::size_t>(std::floor(3 * perplexity_)) + 2);
    }
    bool tsne_fits(std::size_t n) const { return n >= 4 && perplexity_ < static_cast<double>(n - 1) / 3; }

    /// --method, with auto resolved: UMAP below `tsne_from` points, t-SNE from there (2-D maps
    /// only), PCA when there are too few points for UMAP. An auto choice is printed on stderr
    /// (unless --quiet), with its reason.
    std::string choose_method(std::size_t n, const cli::common_options& common) const {
        if (method_ != "auto") return method_;
        std::string method, why;
        if (n >= tsne_from && dims_ == 2 && tsne_fits(n)) {
            method = "tsne", why = std::to_string(n) + " points, " + std::to_string(tsne_from) + " or more";
        } else if (n > neighbors_) {
            method = "umap";
            why = n >= tsne_from ? "--dims " + std::to_string(dims_) + "; t-SNE makes 2-D maps only"
                                 : std::to_string(n) + " points, fewer than " + std::to_string(tsne_from);
        } else {
            method = "pca", why = std::to_string(n) + " points: UMAP with " + std::to_string(neighbors_) +
                                  " neighbours needs at least " + std::to_string(neighbors_ + 1);
        }
        if (!common.quiet)
            std::fprintf(stderr, "vspace project: --method auto chose %s (%s)\n", method.c_str(), why.c_str());
        return method;
    }

    /// A number as people write it: 30, 16.3333 (printf's %g).
    static std::string cli_number(double x) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", x);
        return buf;
    }

    static double explained(const vspace::pca& model) {
        double sum = 0;
        for (double r : model.explained_variance_ratio()) sum += r;
        return sum;
    }

    vspace::umap_options umap_options(const cli::common_options& common) const {
        return {.n_components = dims_,
                .n_neighbors = neighbors_,
                .min_dist = min_dist_,
                .n_epochs = epochs_,
                .n_threads = common.n_threads,
                .seed = common.seed};
    }

    /// Runs a started UMAP to the end with a progress bar.
    template <class Model>
    void optimize(Model& model, typename Model::stepper run, projection& p, const cli::common_options& common) {
        cli::stopwatch watch;
        {
            cli::progress bar("UMAP", run.n_iterations(), common);
            while (!run.done()) bar.advance(run.step(10));
            bar.finish();
        }
        p.coords = matrix<float>(model.embedding());
        p.seconds_project += watch.seconds();
        const auto& r = model.report();
        cli::note(common, "UMAP: %zu graph components, %s start, %zu epochs in %.2f s", r.components,
                  std::string(vspace::umap_init_name(r.init)).c_str(), r.n_epochs, p.seconds_project);
    }

    /// UMAP of Metric over T: on the exact kNN graph for small inputs, on an HNSW graph above.
    template <class Metric, class T>
    projection run_umap(matrix_view<T> data, const cli::common_options& common) {
        const std::size_t n = data.rows(), k = neighbors_ - 1;
        projection p;
        cli::stopwatch watch;
        if (n < exact_graph_below) {
            vspace::umap<Metric, T> model(umap_options(common));
            auto run = model.start(data);  // flat index: the exact graph
            p.seconds_graph = model.report().seconds_graph;
            p.seconds_project = watch.seconds() - p.seconds_graph;
            cli::note(common, "kNN graph (exact): %zu x %zu in %.2f s", n, k, p.seconds_graph);
            optimize(model, run, p, common);
            return p;
        }
        // HNSW settings for a kNN graph: recall about 0.98 at k = 14 on Fashion-MNIST, where the
        // map is as good as on the exact graph (docs/benchmarks.md).
        using index_type = vspace::hnsw_index<Metric, T>;
        index_type index(data.dims(), {.m = 12, .ef_construction = 64, .n_threads = common.n_threads, .seed = common.seed});
        {
            cli::progress bar("index", n, common);
            constexpr std::size_t block = 4096;
            for (std::size_t first = 0; first < n; first += block) {
                index.add(data.subview(first, std::min(block, n - first)));
                bar.advance(std::min(block, n - first));
            }
            bar.finish();
        }
        const vspace::knn_graph graph = vspace::build_knn_graph(index, data, k, {.ef = 4 * k, .n_threads = common.n_threads});
        p.seconds_graph = watch.seconds();
        cli::note(common, "kNN graph (HNSW): %zu x %zu in %.2f s", n, k, p.seconds_graph);
        watch = {};
        vspace::umap<Metric, T, index_type> model(umap_options(common));
        auto run = model.start(data, std::move(index), graph);
        p.seconds_project = watch.seconds();
        optimize(model, run, p, common);
        return p;
    }

    vspace::tsne_options tsne_options(const cli::common_options& common) const {
        return {.perplexity = perplexity_,
                .iterations = iterations_,
                .early_exaggeration_iterations = std::min<std::size_t>(250, iterations_),
                .kl_every = 0,  // only the final KL: each record costs half an iteration
                .n_threads = common.n_threads,
                .seed = common.seed};
    }

    /// Starts and runs a t-SNE model to the end with a progress bar.
    template <class Model>
    projection optimize_tsne(Model& model, matrix_view<typename Model::value_type> data,
                             const cli::common_options& common) {
        projection p;
        auto run = model.start(data);  // PCA, neighbours, affinities, start
        {
            cli::progress bar("t-SNE", run.n_iterations(), common);
            while (!run.done()) bar.advance(run.step(10));
            bar.finish();
        }
        const vspace::tsne_report& r = model.report();
        p.coords = matrix<float>(model.embedding());
        p.seconds_graph = r.seconds_pca + r.seconds_neighbors;
        p.seconds_project = r.seconds_affinities + r.seconds_optimize;
        p.tsne = r;
        p.perplexity = model.options().perplexity;
        cli::note(common, "t-SNE: neighbours in %zu dims in %.2f s, %zu iterations (%s) in %.2f s, KL %.4f", r.reduced_dims,
                  p.seconds_graph, r.iterations, std::string(vspace::tsne_gradient_name(r.gradient)).c_str(),
                  p.seconds_project, r.kl_divergence);
        return p;
    }

    /// t-SNE of Metric over T: neighbours from the exact index for small inputs, from HNSW above.
    template <class Metric, class T>
    projection run_tsne(matrix_view<T> data, const cli::common_options& common) {
        if (data.rows() < exact_graph_below) {
            vspace::tsne<Metric, T> model(tsne_options(common));
            return optimize_tsne(model, data, common);
        }
        // t-SNE searches 3 * perplexity neighbours (after PCA to 50 dims for wide l2 data); its
        // affinities fade fast with rank, so the approximate graph changes the map very little.
        using index_type = vspace::hnsw_index<Metric, T>;
        vspace::tsne<Metric, T, index_type> model(tsne_options(common), Metric{},
                                                  vspace::hnsw_options{.m = 12, .ef_construction = 64});
        return optimize_tsne(model, data, common);
    }

    void print_report(matrix_view<float> data, const projection& p, const std::vector<std::string>& labels,
                      const std::string& method, const cli::common_options& common, double seconds) const {
        const std::size_t n = data.rows();
        std::printf("method %s, %zu points, %zu dims: graph %.2f s, projection %.2f s, total %.2f s\n", method.c_str(), n,
                    dims_, p.seconds_graph, p.seconds_project, seconds);
        // Trustworthiness and kNN preservation compare all pairs: on a sample of the points.
        const auto rows = vspace::sample_rows(n, quality_sample, common.seed);
        const std::size_t k = std::min<std::size_t>(10, (rows.size() - 1) / 2);
        if (k >= 1) {
            const auto sample = vspace::take_rows(data, rows), sample_map = vspace::take_rows(p.coords.view(), rows);
            const auto q = metric_ == "cosine"
                               ? vspace::neighborhood_preservation<vspace::cosine>(sample.view(), sample_map.view(), k,
                                                                                   common.n_threads)
                               : vspace::neighborhood_preservation<vspace::l2>(sample.view(), sample_map.view(), k,
                                                                               common.n_threads);
            std::printf("quality on %zu points, k = %zu (%s distances): trustworthiness %.4f, kNN preservation %.4f\n",
                        q.n, k, metric_ == "cosine" ? "cosine" : "l2", q.trustworthiness, q.knn_preservation);
        }
        if (!labels.empty()) {
            const std::size_t test = test_rows_ != 0 ? test_rows_ : n / 5;
            if (test == 0 || test >= n)
                VSPACE_THROW(vspace::invalid_argument, "--test-rows ", test, " (expected 1 to ", n - 1, ")");
            const auto ids = vspace::encode_labels(labels).ids;
            const std::span<const std::uint32_t> l(ids);
            const std::size_t train = n - test, kk = std::min<std::size_t>(10, train);
            const double acc = vspace::knn_accuracy(p.coords.view().subview(0, train), l.first(train),
                                                    p.coords.view().subview(train, test), l.subspan(train), kk,
                                                    common.n_threads);
            std::printf("kNN accuracy on the map, k = %zu, %zu train / %zu test rows: %.4f\n", kk, train, test, acc);
        }
        if (p.tsne)
            std::printf("t-SNE: KL divergence %.4f after %zu iterations, perplexity %g, %zu neighbours, %s gradient\n",
                        p.tsne->kl_divergence, p.tsne->iterations, p.perplexity, p.tsne->neighbors,
                        std::string(vspace::tsne_gradient_name(p.tsne->gradient)).c_str());
    }

    std::string input_, output_, method_ = "auto", metric_ = "l2", labels_;
    std::size_t neighbors_ = 15, dims_ = 2, epochs_ = 0, test_rows_ = 0, iterations_ = 750;
    float min_dist_ = 0.1f;
    double perplexity_ = 30;
    bool report_ = false;
    cli::option* perplexity_option_ = nullptr;
    cli::option* iterations_option_ = nullptr;
};

const cli::registration<project_command> registered{"project",
                                                    "A 2-D (or n-D) map of vectors: t-SNE, UMAP or PCA coordinates"};

}  // namespace
