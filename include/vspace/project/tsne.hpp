// SPDX-License-Identifier: MIT
/// @file
/// t-distributed stochastic neighbour embedding: the `tsne` projector and its stepper. This
/// header declares; the bodies (Boost.Math for the perplexity calibration, Eigen through PCA)
/// are in `project/tsne/*.hpp`, one step per file, and are included at the bottom unless
/// VSPACE_DECLARATIONS_ONLY is defined. Options and the report are in project/tsne/options.hpp.
///
/// @code
/// vspace::tsne<vspace::l2, float> model({.perplexity = 30, .seed = 7});
/// auto run = model.start(data);                 // PCA, neighbours, affinities, initialisation
/// while (!run.done()) { run.step(50); std::printf("KL %g\n", run.kl_divergence()); }
/// vspace::matrix_view<float> map = model.embedding();
/// @endcode
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/index/concept.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/project/concept.hpp>
#include <vspace/project/pca.hpp>
#include <vspace/project/tsne/options.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace vspace {

/// @cond detail
namespace detail {
class tsne_optimizer;

/// The build options an index type takes (`Index::options_type`), or an empty struct.
template <class Index>
struct index_options_of {
    struct type {};
};
template <class Index>
    requires requires { typename Index::options_type; }
struct index_options_of<Index> {
    using type = typename Index::options_type;
};
}  // namespace detail
/// @endcond

/// t-SNE (van der Maaten & Hinton 2008): a 2-D map whose Student-t neighbourhoods match the
/// Gaussian neighbourhoods of the data, found by minimising KL(P || Q) by gradient descent.
///
/// The fit: (1) wide float data under l2/l2sq is reduced by PCA (`pca_dims`); (2) each point's
/// 3 * perplexity nearest neighbours are found with an `Index`; (3) each point's Gaussian is
/// calibrated to the perplexity and P is symmetrised; (4) the map starts from the scaled PCA
/// of the data; (5) gradient descent with early exaggeration, momentum and gains, the
/// repulsion computed exactly, by Barnes-Hut or by FFT-accelerated interpolation. The
/// defaults reproduce openTSNE and FIt-SNE (see `tsne_options`).
///
/// Cost: the neighbour search, then per iteration O(n p_nnz) for the attraction plus
/// O(n^2) (exact), O(n log n) (Barnes-Hut) or O(n + M^2 log M) (FFT, M <= ~1,024) for the
/// repulsion. Memory: P (about 6 * perplexity entries per point), the index, O(n) per stage.
/// Deterministic: the same data, options (seed, n_threads) give the same map, byte for byte.
/// Thread safety: const members may run concurrently; a model runs one fit at a time.
/// Throws: invalid_argument (options; n < 4; perplexity >= (n - 1) / 3; transform before fit),
/// data_error (NaN/Inf), shape_error (dimension mismatch).
///
/// @tparam Metric satisfies `metric<Metric, T>` and is a distance (smaller is closer). The
///   Gaussians use the squared distance (l2sq's value as it is; inner products as they are).
/// @tparam T float, std::int8_t or vspace::bit
/// @tparam Index satisfies `knn_index`, over Metric and T; builds the neighbour graph (and
///   finds the fitted neighbours of new points in `transform`). `flat_index` is exact; an
///   approximate index is much faster beyond ~20,000 points.
template <class Metric = l2, class T = float, class Index = flat_index<Metric, T>>
    requires metric<Metric, T> && knn_index<Index>
class tsne {
    static_assert(metric_traits<Metric>::smaller_is_closer, "tsne: the metric must be a distance (smaller is closer)");
    static_assert(std::same_as<typename Index::value_type, T>, "tsne: the index must hold the data's kind T");

public:
    using metric_type = Metric;
    using value_type = T;
    using index_type = Index;
    /// The index's build options (`Index::options_type`, e.g. `hnsw_options`), or an empty
    /// struct for indexes without any. Their `n_threads` and `seed`, if any, are set from
    /// `tsne_options`.
    using index_options = typename detail::index_options_of<Index>::type;

    /// A fit in progress (a `stepper`). Created by `start`; when it is done the model is
    /// fitted as if `fit` had run. It refers to its model, which must outlive it and not move
    /// while it runs. Move-only.
    class run {
    public:
        run(run&&) noexcept;
        run& operator=(run&&) noexcept;
        ~run();

        /// Runs up to `count` more iterations; returns how many ran (0 once done).
        std::size_t step(std::size_t count);
        bool done() const noexcept;
        std::size_t iteration() const noexcept;
        std::size_t n_iterations() const noexcept;
        /// The current map, n x 2 (valid until the next step).
        matrix_view<float> embedding() const noexcept;
        /// KL(P || Q) of the current map, with the unexaggerated P; costs about half an
        /// iteration. The recorded values are in `kl_history`.
        double kl_divergence();
        /// KL records every `kl_every` iterations, and one at the end.
        const std::vector<tsne_kl_record>& kl_history() const noexcept;

    private:
        friend class tsne;
        run(tsne* owner, std::unique_ptr<detail::tsne_optimizer> optimizer);
        void commit();

        tsne* owner_ = nullptr;
        std::unique_ptr<detail::tsne_optimizer> optimizer_;
    };

    explicit tsne(tsne_options options = {}, Metric metric = Metric{}, index_options index = {})
        : options_(options), metric_(std::move(metric)), index_options_(index) {}

    /// Prepares a fit of `data` (steps 1-4 above) and returns its stepper.
    run start(matrix_view<T> data);
    /// As `start`, from the given n x 2 starting map instead of `options.initialization`.
    run start(matrix_view<T> data, matrix_view<float> initial);

    /// Fits the map of `data` (start, then step to the end).
    void fit(matrix_view<T> data);
    /// `fit(data)`, then the map of data: n x 2.
    matrix<float> fit_transform(matrix_view<T> data);
    /// Places new points on the fitted map, which does not move (openTSNE's approach): each
    /// new point's Gaussian over its 3 * transform_perplexity nearest fitted points is
    /// calibrated, the point starts at the median of those neighbours' places, and
    /// `transform_iterations` of gradient descent minimise its own KL divergence. Rows x 2.
    matrix<float> transform(matrix_view<T> data) const;

    void fit(const matrix<T>& data) { fit(data.view()); }
    matrix<float> fit_transform(const matrix<T>& data) { return fit_transform(data.view()); }
    matrix<float> transform(const matrix<T>& data) const { return transform(data.view()); }

    bool fitted() const noexcept { return fitted_; }
    /// Output dimensions: t-SNE here makes 2-D maps.
    std::size_t n_components() const noexcept { return 2; }
    /// The fitted map, n x 2 (empty before fit).
    matrix_view<float> embedding() const noexcept {
        return {embedding_.data(), embedding_.size() / 2, 2};
    }
    const tsne_report& report() const noexcept { return report_; }
    const tsne_options& options() const noexcept { return options_; }

private:
    run start_impl(matrix_view<T> data, matrix_view<float> initial, bool given);

    tsne_options options_;
    Metric metric_;
    index_options index_options_;
    bool fitted_ = false;
    bool reduced_ = false;  // PCA pre-reduction applied (then the index holds reduced rows)
    pca pca_;
    std::optional<Index> index_;
    std::vector<float> embedding_;
    tsne_report report_;
};

}  // namespace vspace

#if !defined(VSPACE_DECLARATIONS_ONLY)
#include <vspace/project/tsne/fit.hpp>
#endif
