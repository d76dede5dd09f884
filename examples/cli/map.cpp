// SPDX-License-Identifier: MIT
// `vspace map INPUT -o OUT.html|OUT.png|OUT.svg`: a data map. Composition only: read the
// vectors (and labels, texts, queries), build the kNN graph in the original space (HNSW, or
// exact for small inputs), project to 2-D (UMAP on that graph, t-SNE or PCA), cluster the map
// and name the clusters, then hand plain data to the map writer. `--demo` maps the 70,000
// Fashion-MNIST images with their class names.
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/analyze/cluster_labels.hpp>
#include <vspace/analyze/kmeans.hpp>
#include <vspace/analyze/quality.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/map/save.hpp>
#include <vspace/project/pca.hpp>
// project/tsne/fit.hpp and project/umap/fit.hpp both define detail::seconds_since; until they
// share one, the t-SNE copy is renamed here so that one file can include both projectors.
#define seconds_since tsne_seconds_since
#include <vspace/project/tsne.hpp>
#undef seconds_since
#include <vspace/project/umap.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace cli = vspace::cli;
using index_type = vspace::hnsw_index<vspace::l2, float>;

constexpr std::size_t umap_neighbors = 15;       // umap-learn's default n_neighbors
constexpr std::size_t exact_graph_below = 20000;  // below this, the exact graph is cheap
constexpr std::size_t tsne_from = 50000;          // --method auto: t-SNE from here, as `vspace project`

class map_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options& common) override {
        app.add_option("INPUT", input_, "Vectors to map (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)");
        app.add_option("-o,--output", output_, "Output: .html (interactive map), .png or .svg")->required();
        app.add_flag("--demo", demo_, "Map the 70,000 Fashion-MNIST images with their class names (no INPUT)");
        app.add_option("--labels", labels_, "Category file, one line per row: colours, legend, names");
        app.add_option("--text", text_, "Text file, one line per row: tooltips, search, cluster names");
        app.add_option("--method", method_, "Projection: auto (UMAP below 50,000 points, t-SNE from there; PCA below 16), umap, tsne or pca")
            ->check(cli::one_of({"auto", "umap", "tsne", "pca"}))
            ->show_default();
        app.add_option("--metric", metric_, "Distance of the original space: l2 or cosine")
            ->check(cli::one_of({"l2", "cosine"}))
            ->show_default();
        app.add_option("--clusters", clusters_,
                       "k-means clusters of the map, named on it (-1 = auto: about sqrt(n)/2 with --text, "
                       "else none; 0 = none)")
            ->show_default();
        app.add_option("--neighbors", neighbors_,
                       "Nearest neighbours (original space) stored per point, lit up on click (0 = none)")
            ->check(cli::in_range(0, 100))
            ->show_default();
        app.add_option("--query", query_, "Query vectors to place on the map with their neighbours lit up");
        app.add_option("--query-text", query_text_, "Text file, one line per query: shown beside its marker");
        app.add_option("--title", title_, "Title of the map (default: the input's file name)");
        app.add_flag("--density", density_, "PNG/SVG: shade the background by point density");
        app.add_flag("--report", report_, "Print timings and how well the map keeps each point's neighbours");
        cli::add_seed_option(app, common);
    }

    void run(const cli::common_options& common) override {
        if (demo_ == !input_.empty())
            VSPACE_THROW(cli::usage_error, demo_ ? "--demo takes no INPUT" : "INPUT is required (or --demo)");
        if (demo_ && (!labels_.empty() || !text_.empty()))
            VSPACE_THROW(cli::usage_error, "--demo brings its own labels; --labels and --text are for INPUT");
        if (!query_text_.empty() && query_.empty()) VSPACE_THROW(cli::usage_error, "--query-text needs --query");
        if (clusters_ < -1) VSPACE_THROW(cli::usage_error, "--clusters ", clusters_, " (expected -1, 0 or a count)");
        vspace::map_format_of(output_);  // an extension we do not write fails before any work
        cli::check_output(output_);
        cli::stopwatch total;

        // ---- inputs
        vspace::matrix<float> data;
        std::vector<std::string> labels, texts, query_texts;
        if (demo_) {
            cli::stopwatch watch;
            vspace::fashion_mnist_data f = vspace::load_fashion_mnist(vspace::default_fashion_mnist_folder, common.n_threads);
            data = std::move(f.images);
            for (std::uint8_t c : f.labels) labels.emplace_back(vspace::fashion_mnist_data::class_names[c]);
            demo_codes_ = std::move(f.labels);
            if (title_.empty()) title_ = "Fashion-MNIST: 70,000 images by class";
            cli::note(common, "read Fashion-MNIST: %zu x %zu in %.2f s", data.rows(), data.dims(), watch.seconds());
        } else {
            vspace::loaded_vectors v = cli::load_input(input_, common);
            cli::require_finite(v, input_);
            data = std::move(v.vectors);
            if (!labels_.empty()) labels = read_per_row(labels_, data.rows(), "row");
            if (!text_.empty()) texts = read_per_row(text_, data.rows(), "row");
            if (title_.empty()) title_ = std::filesystem::path(input_).filename().string();
        }
        const std::size_t n = data.rows();
        if (n < 2) VSPACE_THROW(vspace::invalid_argument, "'", input_, "' has ", n, " row (expected at least 2 to map)");
        vspace::matrix<float> queries;
        if (!query_.empty()) {
            vspace::loaded_vectors q = cli::load_input(query_, common);
            cli::require_finite(q, query_);
            if (q.dims() != data.dims())
                VSPACE_THROW(vspace::shape_error, "'", query_, "' has ", q.dims(), " dims, the data ", data.dims(),
                             " (expected the same)");
            queries = std::move(q.vectors);
            if (!query_text_.empty()) query_texts = read_per_row(query_text_, queries.rows(), "query");
        }
        if (metric_ == "cosine") {  // on unit vectors, l2 ranks exactly as cosine distance does
            normalize_rows(data, demo_ ? std::string("Fashion-MNIST") : input_);
            normalize_rows(queries, query_);
        }

        std::string method = method_;
        if (method == "auto") method = n >= tsne_from ? "tsne" : n > umap_neighbors ? "umap" : "pca";
        const std::size_t shown_k = std::min<std::size_t>(static_cast<std::size_t>(neighbors_), n - 1);

        // ---- the kNN graph of the original space (UMAP's input, the map's click neighbours)
        cli::stopwatch watch;
        const std::size_t graph_k = std::min(n - 1, std::max(shown_k, method == "umap" ? umap_neighbors - 1 : 0));
        std::optional<index_type> index;
        vspace::knn_graph graph;
        if (graph_k > 0 || !query_.empty()) {
            index.emplace(data.dims(), vspace::hnsw_options{.m = 16, .ef_construction = 100,
                                                           .n_threads = common.n_threads, .seed = common.seed});
            cli::progress bar("index", n, common);
            constexpr std::size_t block = 4096;
            for (std::size_t first = 0; first < n; first += block) {
                index->add(data.view().subview(first, std::min(block, n - first)));
                bar.advance(std::min(block, n - first));
            }
            bar.finish();
        }
        if (graph_k > 0) {
            graph = n < exact_graph_below
                        ? vspace::exact_knn_graph<vspace::l2>(data.view(), graph_k, {}, common.n_threads)
                        : vspace::build_knn_graph(*index, data.view(), graph_k,
                                                  {.ef = std::max<std::size_t>(64, 2 * graph_k), .n_threads = common.n_threads});
        }
        const double seconds_graph = watch.seconds();
        cli::note(common, "kNN graph: %zu x %zu in %.2f s", n, graph_k, seconds_graph);

        // ---- projection (and queries placed by the same projector)
        watch = {};
        vspace::matrix<float> coords, query_coords;
        std::vector<std::uint32_t> query_ids;
        auto query_neighbors = [&](const index_type& ix) {
            if (queries.rows() == 0 || shown_k == 0) return;
            const vspace::search_result r = ix.search(queries.view(), shown_k, {.n_threads = common.n_threads});
            for (std::int64_t id : r.all_ids()) query_ids.push_back(static_cast<std::uint32_t>(id));
        };
        if (method == "umap") {
            vspace::umap<vspace::l2, float, index_type> model(
                {.n_neighbors = umap_neighbors, .n_threads = common.n_threads, .seed = common.seed});
            vspace::knn_graph umap_graph = graph;
            if (graph.k > umap_neighbors - 1) umap_graph = first_columns(graph, umap_neighbors - 1);
            auto run = model.start(data.view(), std::move(*index), umap_graph);
            cli::progress bar("UMAP", run.n_iterations(), common);
            while (!run.done()) bar.advance(run.step(10));
            bar.finish();
            coords = vspace::matrix<float>(model.embedding());
            if (queries.rows() > 0) query_coords = model.transform(queries.view());
            query_neighbors(model.index());
        } else if (method == "tsne") {
            vspace::tsne<vspace::l2, float> model({.n_threads = common.n_threads, .seed = common.seed});
            auto run = model.start(data.view());
            cli::progress bar("t-SNE", run.n_iterations(), common);
            while (!run.done()) bar.advance(run.step(10));
            bar.finish();
            coords = vspace::matrix<float>(model.embedding());
            if (queries.rows() > 0) query_coords = model.transform(queries.view());
            if (index) query_neighbors(*index);
        } else {
            vspace::pca model({.n_components = 2, .n_threads = common.n_threads, .seed = common.seed});
            coords = model.fit_transform(data.view());
            if (queries.rows() > 0) query_coords = model.transform(queries.view());
            if (index) query_neighbors(*index);
        }
        const double seconds_project = watch.seconds();
        cli::note(common, "%s: %zu points in %.2f s", method.c_str(), n, seconds_project);

        // ---- fields: labels, then clusters of the map named by their words or majority label
        watch = {};
        std::vector<vspace::map_field> fields;
        std::size_t k_clusters = clusters_ >= 0 ? static_cast<std::size_t>(clusters_)
                                 : texts.empty() ? 0
                                                 : std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(std::sqrt(n) / 2)), 4, 40);
        k_clusters = std::min(k_clusters, n);
        if (demo_) {  // the classes in their own order, not by count (all ten hold 7,000 images)
            std::vector<std::string> names(vspace::fashion_mnist_data::class_names.begin(),
                                           vspace::fashion_mnist_data::class_names.end());
            fields.push_back(vspace::categorical_field("class", std::span<const std::uint8_t>(demo_codes_), names,
                                                       k_clusters == 0));
        } else if (!labels.empty()) {
            fields.push_back(vspace::categorical_field("label", labels, k_clusters == 0));
        }
        if (k_clusters > 0) {
            vspace::kmeans<vspace::l2sq> km({.k = k_clusters, .n_threads = common.n_threads, .seed = common.seed});
            const vspace::kmeans_result r = km.fit(coords.view());
            std::vector<std::string> names(k_clusters);
            if (!texts.empty()) {
                const auto terms = vspace::cluster_terms(texts, r.labels, k_clusters);
                for (std::size_t c = 0; c < k_clusters; ++c) names[c] = vspace::cluster_name(terms[c], 3);
            } else if (!labels.empty()) {
                const auto majority = vspace::cluster_majorities(labels, r.labels, k_clusters);
                for (std::size_t c = 0; c < k_clusters; ++c) names[c] = majority[c].label;
            }
            for (std::size_t c = 0; c < k_clusters; ++c)
                if (names[c].empty()) names[c] = "cluster " + std::to_string(c);
            const bool named = !texts.empty() || !labels.empty();
            fields.push_back(vspace::categorical_field("cluster", std::span<const std::uint32_t>(r.labels), names, named));
        }
        const double seconds_clusters = watch.seconds();

        // ---- the map
        watch = {};
        std::vector<std::uint32_t> shown_ids = shown_k == 0 ? std::vector<std::uint32_t>{} : first_columns(graph, shown_k).ids;
        const vspace::map_data d{.coords = coords.view(),
                                 .texts = texts,
                                 .fields = fields,
                                 .neighbors = shown_ids,
                                 .neighbor_k = shown_k,
                                 .query_coords = query_coords.view(),
                                 .query_texts = query_texts,
                                 .query_neighbors = query_ids};
        vspace::save_map(output_, d, {.title = title_, .density = density_});
        const double seconds_write = watch.seconds();

        std::error_code ec;
        const auto bytes = std::filesystem::file_size(output_, ec);
        const std::string where = std::filesystem::absolute(output_, ec).string();
        if (!common.quiet)  // the summary line, as build and search print one (docs/cli.md)
            std::printf("wrote %s: %zu points, %s, %.1f MB in %.1f s%s\n", where.c_str(), n, method.c_str(),
                        static_cast<double>(bytes) / 1e6, total.seconds(),
                        vspace::map_format_of(output_) == vspace::map_format::html ? " (open it in a browser)" : "");
        if (report_) {
            std::printf("graph %.2f s, projection %.2f s, clusters %.2f s, write %.2f s\n", seconds_graph,
                        seconds_project, seconds_clusters, seconds_write);
            // Quality on a sample (the metrics compare all pairs): are map neighbours true
            // neighbours (trustworthiness), and do true neighbours stay close (kNN preservation)?
            const auto rows = vspace::sample_rows(n, 5000, common.seed);
            const std::size_t k = std::min<std::size_t>(10, (rows.size() - 1) / 2);
            if (k >= 1) {
                const auto sample = vspace::take_rows(data.view(), rows);
                const auto sample_map = vspace::take_rows(coords.view(), rows);
                const auto q = vspace::neighborhood_preservation<vspace::l2>(sample.view(), sample_map.view(), k,
                                                                             common.n_threads);
                std::printf("quality on %zu points, k = %zu: trustworthiness %.3f, kNN preservation %.3f\n", q.n, k,
                            q.trustworthiness, q.knn_preservation);
            }
        }
    }

private:
    static std::vector<std::string> read_per_row(const std::string& path, std::size_t rows, const char* what) {
        auto lines = vspace::read_lines(path);  // ill-formed UTF-8 is replaced, not rejected
        if (lines.size() != rows)
            VSPACE_THROW(vspace::shape_error, "'", path, "' has ", lines.size(), " lines (expected one per ", what,
                         ": ", rows, ")");
        return lines;
    }

    /// Scales every row to unit length; a zero row has no direction and is an error.
    static void normalize_rows(vspace::matrix<float>& m, const std::string& name) {
        auto v = m.mutable_view();
        for (std::size_t i = 0; i < m.rows(); ++i) {
            auto r = v.mutable_row(i).first(m.dims());
            double s = 0;
            for (float x : r) s += static_cast<double>(x) * x;
            if (s == 0)
                VSPACE_THROW(vspace::data_error, "'", name, "': row ", i, " is all zeros (expected a direction for --metric cosine)");
            const auto inv = static_cast<float>(1 / std::sqrt(s));
            for (float& x : r) x *= inv;
        }
    }

    /// The first k columns of a graph with at least k.
    static vspace::knn_graph first_columns(const vspace::knn_graph& g, std::size_t k) {
        if (k == g.k) return g;
        vspace::knn_graph out{g.n, k, std::vector<std::uint32_t>(g.n * k), std::vector<float>(g.n * k)};
        for (std::size_t i = 0; i < g.n; ++i) {
            std::copy_n(g.neighbors(i).begin(), k, out.ids.begin() + static_cast<std::ptrdiff_t>(i * k));
            std::copy_n(g.distances_of(i).begin(), k, out.distances.begin() + static_cast<std::ptrdiff_t>(i * k));
        }
        return out;
    }

    std::string input_, output_, labels_, text_, method_ = "auto", metric_ = "l2", query_, query_text_, title_;
    std::int64_t clusters_ = -1, neighbors_ = 10;
    bool demo_ = false, density_ = false, report_ = false;
    std::vector<std::uint8_t> demo_codes_;  // Fashion-MNIST class of each image
};

const cli::registration<map_command> registered{"map", "A data map: interactive HTML, PNG or SVG"};

}  // namespace
