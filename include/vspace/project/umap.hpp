// SPDX-License-Identifier: MIT
/// @file
/// UMAP (McInnes, Healy & Melville 2018, arXiv:1802.03426): `umap_options` and the `umap`
/// projector. This header only declares; the bodies (Boost root finding and minimisation,
/// Spectra's eigensolver, the SGD) are in `project/umap/*.hpp`, one algorithm step per file,
/// and are included at the bottom unless VSPACE_DECLARATIONS_ONLY is defined.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/index/concept.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/concept.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/project/concept.hpp>
#include <vspace/project/umap/fuzzy_graph.hpp>
#include <vspace/project/umap/sgd_state.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace vspace {

/// Where UMAP's optimisation starts.
enum class umap_init {
    /// Eigenvectors of the normalised graph Laplacian (umap-learn's default); per connected
    /// component, falling back to PCA of the component (then random) if the eigensolver fails.
    spectral,
    /// The first principal components of the data.
    pca,
    /// Uniform in [-10, 10] (fast; maps keep more of the random start's artefacts).
    random,
};

constexpr std::string_view umap_init_name(umap_init i) noexcept {
    switch (i) {
        case umap_init::spectral: return "spectral";
        case umap_init::pca: return "pca";
        case umap_init::random: return "random";
    }
    return "unknown";
}

/// UMAP's parameters. Names, meanings and defaults follow umap-learn 0.5, so settings carry over.
struct umap_options {
    /// Output dimensions. 2 for maps; more (3, 10, 50) as input to clustering.
    std::size_t n_components = 2;
    /// Size of the local neighbourhood, counting the point itself (as umap-learn and uwot do:
    /// each point is linked to its n_neighbors - 1 nearest others). Small values keep local
    /// detail, large values more of the global structure. umap-learn's default is 15.
    std::size_t n_neighbors = 15;
    /// Smallest distance between points in the map (the flat top of the membership curve).
    /// Small: tight clumps; large: an even spread. umap-learn's default is 0.1; <= spread.
    float min_dist = 0.1f;
    /// Scale of the map: with min_dist it fixes the curve 1 / (1 + a d^(2b)). Default 1.
    float spread = 1.0f;
    /// Optimisation epochs; 0 = 500 for up to 10,000 points, else 200 (umap-learn's rule).
    std::size_t n_epochs = 0;
    /// Initial SGD learning rate ("alpha"), decaying linearly to 0. Default 1.
    float learning_rate = 1.0f;
    /// Weight of the repulsion ("gamma"). Default 1.
    float repulsion_strength = 1.0f;
    /// Negative (repulsive) samples per positive sample. Default 5.
    std::size_t negative_sample_rate = 5;
    /// How many nearest neighbours each point is fully connected to (rho is the distance to
    /// the local_connectivity-th neighbour; fractions interpolate). Default 1.
    float local_connectivity = 1.0f;
    /// 1 = fuzzy union of the directed memberships (default), 0 = fuzzy intersection,
    /// in between a mix of the two.
    float set_op_mix_ratio = 1.0f;
    /// Where the optimisation starts; see `umap_init`.
    umap_init init = umap_init::spectral;
    /// The curve parameters; both 0 = fit them to min_dist and spread (default). Give both to
    /// override (a > 0, b > 0).
    float a = 0.0f;
    float b = 0.0f;
    /// Supervised UMAP: how much the labels shape the graph, in [0, 1] (0.5 = umap-learn's
    /// default; 1 cuts every edge between different labels).
    float target_weight = 0.5f;
    /// Epochs of `transform`; 0 = 100 for up to 10,000 new points, else 30 (umap-learn).
    std::size_t transform_epochs = 0;
    std::size_t n_threads = 0;  ///< 0 = all cores
    /// Seeds the spectral start's jitter, random starts and the SGD's negative samples. The
    /// same seed gives the same bytes for any thread count (see umap/optimize.hpp).
    std::uint64_t seed = 42;
};

/// Throws invalid_argument naming the first option out of range.
inline void validate(const umap_options& o, std::string_view where) {
    auto fail_if = [&](bool bad, const char* field, double value, const char* expected) {
        if (bad) VSPACE_THROW(invalid_argument, where, ": ", field, " = ", value, " (expected ", expected, ")");
    };
    fail_if(o.n_components == 0 || o.n_components > 1024, "n_components", static_cast<double>(o.n_components),
            "1 to 1024");
    fail_if(o.n_neighbors < 2, "n_neighbors", static_cast<double>(o.n_neighbors), ">= 2");
    fail_if(!(o.spread > 0) || !std::isfinite(o.spread), "spread", o.spread, "> 0");
    fail_if(!(o.min_dist >= 0) || !(o.min_dist <= o.spread), "min_dist", o.min_dist, "0 <= min_dist <= spread");
    fail_if(o.n_epochs > 1000000, "n_epochs", static_cast<double>(o.n_epochs), "<= 1e6");
    fail_if(o.transform_epochs > 1000000, "transform_epochs", static_cast<double>(o.transform_epochs), "<= 1e6");
    fail_if(!(o.learning_rate > 0) || !std::isfinite(o.learning_rate), "learning_rate", o.learning_rate, "> 0");
    fail_if(!(o.repulsion_strength >= 0) || !std::isfinite(o.repulsion_strength), "repulsion_strength",
            o.repulsion_strength, ">= 0");
    fail_if(o.negative_sample_rate > 1000, "negative_sample_rate", static_cast<double>(o.negative_sample_rate),
            "<= 1000");
    fail_if(!(o.local_connectivity >= 0) || !std::isfinite(o.local_connectivity), "local_connectivity",
            o.local_connectivity, ">= 0");
    fail_if(!(o.set_op_mix_ratio >= 0 && o.set_op_mix_ratio <= 1), "set_op_mix_ratio", o.set_op_mix_ratio,
            "0 to 1");
    fail_if(!(o.target_weight >= 0 && o.target_weight <= 1), "target_weight", o.target_weight, "0 to 1");
    fail_if(o.init != umap_init::spectral && o.init != umap_init::pca && o.init != umap_init::random, "init",
            static_cast<double>(o.init), "spectral, pca or random");
    const bool given = o.a != 0 || o.b != 0;
    fail_if(given && !(o.a > 0 && std::isfinite(o.a)), "a", o.a, "> 0 when a or b is given");
    fail_if(given && !(o.b > 0 && std::isfinite(o.b)), "b", o.b, "> 0 when a or b is given");
}

/// What a UMAP fit did, for reports and tests.
struct umap_report {
    double a = 0;                       ///< curve parameters used
    double b = 0;
    std::size_t n_epochs = 0;           ///< epochs of the optimisation
    std::size_t edges = 0;              ///< directed edges of the fuzzy graph (each pair twice)
    std::size_t components = 0;         ///< connected components of the graph
    std::size_t spectral_fallbacks = 0; ///< components whose eigensolver failed (PCA/random used)
    std::size_t eigen_products = 0;     ///< sparse matrix products of the eigensolver
    std::size_t sigma_not_converged = 0;///< points whose bandwidth search hit its limit
    umap_init init = umap_init::spectral;
    double seconds_graph = 0;           ///< building the index and the kNN graph
    double seconds_fuzzy_set = 0;       ///< sigma/rho, memberships, union
    double seconds_init = 0;            ///< spectral / PCA / random start
    double seconds_optimize = 0;        ///< SGD epochs so far
};

/// Uniform Manifold Approximation and Projection: a map that keeps each point's neighbours.
///
/// Fit: build the k-nearest-neighbour graph with `Index`, turn distances into fuzzy
/// memberships (per-point rho and sigma), symmetrise by fuzzy union, start from the spectral
/// layout, then optimise the cross entropy by SGD with negative sampling. `transform` places
/// new points on the fitted map without moving the old ones (their neighbours among the
/// training points, then a short SGD against the fixed map).
///
/// Deterministic: the same data, options and seed give the same bytes, for any thread count.
/// Cost: the graph (Index-dependent), then O(n_epochs * edges * (1 + negative_sample_rate))
/// for the SGD. Memory: the index (a copy of the data for `flat_index`), the graph
/// (~30 n_neighbors bytes per point) and the map.
/// Thread safety: const members may run concurrently; the stepper and fit mutate the model.
/// Throws: invalid_argument (options; n < n_neighbors + 1; labels of the wrong length;
/// transform before fit), data_error (NaN/Inf; all points at distance zero, i.e. constant
/// data or nothing but duplicates), shape_error (transform on data of other dims).
///
/// @tparam Metric distance of the input space; satisfies `metric<Metric, T>` (l2 by default,
///         true Euclidean distances as umap-learn's "euclidean")
/// @tparam T float, std::int8_t or vspace::bit
/// @tparam Index builds the kNN graph and serves `transform`; satisfies `knn_index`, over T,
///         e.g. `flat_index<Metric, T>` (exact, the default) or `hnsw_index<Metric, T>` (fast)
template <class Metric = l2, class T = float, class Index = flat_index<Metric, T>>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
class umap {
public:
    using metric_type = Metric;
    using value_type = T;
    using index_type = Index;

    /// Runs the optimisation of a model started with `umap::start`, some epochs at a time.
    /// Refers to the model it came from, which must outlive it; starting the model again makes
    /// it stale (its members then throw invalid_argument).
    class stepper {
    public:
        /// Runs up to `epochs` more epochs; returns how many ran (0 once done).
        std::size_t step(std::size_t epochs);
        bool done() const;
        /// Epochs run so far.
        std::size_t iteration() const;
        /// Epochs in total.
        std::size_t n_iterations() const;
        /// The current map (n x n_components). Valid until the next step.
        matrix_view<float> embedding() const;

    private:
        friend class umap;
        stepper(umap& model, std::uint64_t generation) : model_(&model), generation_(generation) {}
        umap& model() const;
        umap* model_;
        std::uint64_t generation_;
    };

    explicit umap(umap_options options = {}, Metric metric = Metric{}) : options_(options), metric_(std::move(metric)) {}

    /// Builds the graph and the starting layout of `data`; the returned stepper runs the epochs.
    /// `labels` (optional, one per row, < 0 = unknown) makes the map supervised.
    stepper start(matrix_view<T> data, std::span<const std::int64_t> labels = {});

    /// As `start(data, labels)`, with an index that already holds `data` (row i = id i) and its
    /// kNN graph (at least n_neighbors - 1 neighbours per point; extra columns are ignored).
    /// Lets a caller build the graph once for several maps, or with its own settings.
    stepper start(matrix_view<T> data, Index index, const knn_graph& graph,
                  std::span<const std::int64_t> labels = {});

    /// Fits the map of `data`; `labels` as in `start`.
    void fit(matrix_view<T> data, std::span<const std::int64_t> labels = {}) {
        auto run = start(data, labels);
        while (!run.done()) run.step(run.n_iterations());
    }

    /// Fits and returns the optimised coordinates of `data` (n x n_components).
    matrix<float> fit_transform(matrix_view<T> data, std::span<const std::int64_t> labels = {}) {
        fit(data, labels);
        return matrix<float>(embedding());
    }

    /// Places `queries` on the fitted map (rows x n_components); the map itself is unchanged.
    matrix<float> transform(matrix_view<T> queries) const;

    void fit(const matrix<T>& data) { fit(data.view()); }
    matrix<float> fit_transform(const matrix<T>& data) { return fit_transform(data.view()); }
    matrix<float> transform(const matrix<T>& queries) const { return transform(queries.view()); }

    /// True when the optimisation has run all its epochs.
    bool fitted() const noexcept { return started_ && state_.epoch >= sgd_.n_epochs; }
    std::size_t n_components() const noexcept { return options_.n_components; }
    /// Input dimensions (0 before start).
    std::size_t dims() const noexcept { return dims_; }
    const umap_options& options() const noexcept { return options_; }
    /// The map of the training points (n x n_components), current as of the last epoch.
    matrix_view<float> embedding() const noexcept {
        return {embedding_.data(), graph_.rows, options_.n_components, options_.n_components};
    }
    /// The symmetric fuzzy graph the map was optimised on (after pruning weak edges).
    const fuzzy_graph& graph() const noexcept { return graph_; }
    /// The index over the training data (only after start).
    const Index& index() const;
    const umap_report& report() const noexcept { return report_; }

private:
    void prepare(matrix_view<T> data, const knn_graph& g, std::span<const std::int64_t> labels);
    void initialize(matrix_view<T> data);

    umap_options options_;
    Metric metric_;
    std::optional<Index> index_;
    std::size_t dims_ = 0;
    fuzzy_graph graph_;
    std::vector<float> embedding_;
    detail::sgd_params sgd_;
    detail::sgd_state state_;
    umap_report report_;
    std::uint64_t generation_ = 0;
    bool started_ = false;
};

}  // namespace vspace

#if !defined(VSPACE_DECLARATIONS_ONLY)
#include <vspace/project/umap/fit.hpp>
#endif
