// SPDX-License-Identifier: MIT
/// @file
/// `kmeans<Metric, T>`: k-means clustering of embeddings, in three flavours chosen by the metric
/// and scalar kind: Euclidean k-means on floats (`l2sq` or `l2`), spherical k-means on floats
/// (`cosine`: centroids are unit-length mean directions), and k-majority on binary codes
/// (`hamming`: centroids are bitwise majorities). Seeding, iterations and re-seeding live in
/// `analyze/kmeans/`; this file holds the user-facing class.
#pragma once

#include <vspace/analyze/kmeans/lloyd.hpp>
#include <vspace/analyze/kmeans/majority.hpp>
#include <vspace/analyze/kmeans/options.hpp>
#include <vspace/analyze/kmeans/seeding.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/core/random.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/l2.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <vector>

namespace vspace {

/// k-means clustering with `fit` (find k centroids) and `predict` (nearest centroid of new points).
///
/// Minimises the sum over points of the distance to the nearest centroid (squared, for the
/// Euclidean flavour) by Lloyd's alternation: assign each point to its nearest centroid, move
/// each centroid to the centre of its points. Seeding is greedy k-means++ or k-means‖; the
/// Euclidean and spherical flavours use Elkan's bounds to skip distance computations. A cluster
/// that loses all its points is re-seeded with the point farthest from its centroid, never
/// left as 0/0. Costs O(n k d) for the first iteration and much less for later ones.
///
/// Deterministic: the same data, options and seed give the same labels and centroids on any
/// number of threads. `fit` is not thread-safe; `predict` is const and may run concurrently.
///
/// ```
/// vspace::kmeans<vspace::l2sq> km({.k = 10, .seed = 7});
/// auto result = km.fit(data);          // labels, sizes, inertia, iterations
/// auto labels = km.predict(new_data);  // nearest centroid of each new row
/// ```
/// @tparam Metric `l2sq` or `l2` (Euclidean k-means) or `cosine` (spherical) for float;
///         `hamming` (k-majority) for bit
/// @tparam T float or vspace::bit
template <class Metric = l2sq, class T = float>
class kmeans {
    static constexpr bool euclidean = (std::same_as<Metric, l2sq> || std::same_as<Metric, l2>)&&std::same_as<T, float>;
    static constexpr bool spherical = std::same_as<Metric, cosine> && std::same_as<T, float>;
    static constexpr bool majority = std::same_as<Metric, hamming> && std::same_as<T, bit>;
    static_assert(euclidean || spherical || majority,
                  "vspace::kmeans supports l2sq, l2 or cosine on float and hamming on vspace::bit");

public:
    using metric_type = Metric;
    using value_type = T;

    /// A model with the given options; nothing is computed until `fit`.
    explicit kmeans(const kmeans_options& options = {}) : options_(options) {}

    /// Clusters the rows of `data` into `options().k` clusters and keeps the centroids.
    /// Throws invalid_argument for a bad option or k > rows, data_error for NaN/Inf (and, for
    /// cosine, for a zero row, which has no direction).
    kmeans_result fit(matrix_view<T> data) { return fit_from(data, nullptr); }

    /// Like `fit`, but starts one run from the given centroids instead of seeding (a warm start,
    /// or a fixed start for comparisons). Throws shape_error unless `initial` is k x dims.
    kmeans_result fit(matrix_view<T> data, matrix_view<T> initial) {
        if (initial.rows() != options_.k || initial.dims() != data.dims())
            VSPACE_THROW(shape_error, "kmeans::fit: initial centroids are ", initial.rows(), " x ", initial.dims(),
                         " (expected k x dims = ", options_.k, " x ", data.dims(), ")");
        detail::check_finite(initial, "kmeans::fit");
        return fit_from(data, &initial);
    }

    /// The nearest centroid of each row of `data`. Throws invalid_argument before `fit`,
    /// shape_error on a dimension mismatch, data_error on NaN/Inf.
    std::vector<std::uint32_t> predict(matrix_view<T> data) const {
        if (centroids_.empty()) VSPACE_THROW(invalid_argument, "kmeans::predict: the model is not fitted (call fit first)");
        detail::check_dims(data.dims(), centroids_.dims(), "kmeans::predict", "data");
        detail::check_finite(data, "kmeans::predict");
        const auto kernel = kernel_for();
        std::vector<std::uint32_t> labels(data.rows());
        parallel_for(options_.n_threads, data.rows(), [&](std::size_t b, std::size_t e, std::size_t) {
            std::vector<float> dd(centroids_.rows());
            for (std::size_t i = b; i < e; ++i) {
                kernel.many(data.row_data(i), centroids_.data(), centroids_.stride(), dd.size(), data.words(), dd.data());
                labels[i] = static_cast<std::uint32_t>(std::min_element(dd.begin(), dd.end()) - dd.begin());
            }
        });
        return labels;
    }

    /// The k centroids (row j = cluster j); empty before `fit`. Unit length for cosine.
    matrix_view<T> centroids() const noexcept { return centroids_.view(); }
    const kmeans_options& options() const noexcept { return options_; }

private:
    kmeans_result fit_from(matrix_view<T> data, const matrix_view<T>* initial) {
        detail::validate(options_, data.rows(), "kmeans::fit");
        if (data.dims() == 0) VSPACE_THROW(invalid_argument, "kmeans::fit: data has 0 dims (expected >= 1)");
        if (data.rows() > std::numeric_limits<std::uint32_t>::max())
            VSPACE_THROW(invalid_argument, "kmeans::fit: ", data.rows(), " rows (expected at most 2^32 - 1)");
        detail::check_finite(data, "kmeans::fit");
        matrix<T> unit;
        matrix_view<T> x = data;
        if constexpr (spherical) {
            unit = normalized(data);
            x = unit.view();
        }
        const std::size_t k = options_.k, n = x.rows();
        detail::lloyd_params params{.max_iter = options_.max_iter,
                                    .tol = options_.tol,
                                    .bounds = use_bounds(n, k),
                                    .spherical = spherical,
                                    .n_threads = options_.n_threads};

        kmeans_result best;
        matrix<T> best_centers;
        const std::size_t runs = initial ? 1 : options_.n_init;
        for (std::size_t run = 0; run < runs; ++run) {
            matrix<T> centers(k, x.dims());
            if (initial) {
                centers = matrix<T>(*initial);
                if constexpr (spherical) centers = normalized(centers.view());
            } else {
                rng gen(options_.seed, run);
                const auto seeds = choose_seeds(x, gen);
                for (std::size_t j = 0; j < k; ++j) std::copy_n(x.row_data(seeds[j]), x.words(), centers.row_data(j));
            }
            std::vector<std::uint32_t> labels;
            detail::lloyd_outcome out;
            if constexpr (majority) out = detail::majority_run(x, centers, labels, params).run();
            else out = detail::lloyd_run(x, centers, labels, params).run();
            if constexpr (spherical) out.inertia *= 0.5;  // |x - c|^2 = 2 (1 - cos) on unit vectors
            if (run == 0 || out.inertia < best.inertia) {
                best.labels = std::move(labels);
                best.inertia = out.inertia;
                best.iterations = out.iterations;
                best.converged = out.converged;
                best.reseeded = out.reseeded;
                best.best_run = run;
                best_centers = std::move(centers);
            }
        }
        best.sizes.assign(k, 0);
        for (auto l : best.labels) ++best.sizes[l];
        centroids_ = std::move(best_centers);
        return best;
    }

    bool use_bounds(std::size_t n, std::size_t k) const {
        if constexpr (majority) return false;
        switch (options_.algorithm) {
            case kmeans_algorithm::elkan: return true;
            case kmeans_algorithm::lloyd: return false;
            case kmeans_algorithm::automatic: break;
        }
        return double(n) * double(k) * sizeof(float) <= double(1u << 30);
    }

    auto kernel_for() const {
        if constexpr (majority) return simd::kernels<bit>().hamming;
        else if constexpr (spherical) return simd::kernels<float>().cosine;
        else return simd::kernels<float>().l2sq;
    }

    std::vector<std::size_t> choose_seeds(matrix_view<T> x, rng& gen) const {
        const std::size_t n = x.rows(), k = options_.k;
        if (options_.init == kmeans_init::random) return detail::seed_random(n, k, gen);
        const std::size_t trials = options_.n_local_trials != 0
                                       ? options_.n_local_trials
                                       : 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
        simd::kernel<storage_t<T>> kernel;
        if constexpr (majority) kernel = simd::kernels<bit>().hamming;
        else kernel = simd::kernels<float>().l2sq;  // on unit rows for cosine: same ranking
        const detail::seeding_metric<storage_t<T>> dist{kernel, x.words(), !majority};

        // Seed from a uniform sample (rows kept in order, for memory locality).
        const std::size_t m = std::clamp(options_.init_sample != 0 ? options_.init_sample
                                                                   : std::max<std::size_t>(automatic_sample, 64 * k),
                                         k, n);
        matrix<T> sample;
        std::vector<std::size_t> rows;
        matrix_view<T> from = x;
        if (m < n) {
            rows = detail::seed_random(n, m, gen);
            std::sort(rows.begin(), rows.end());
            sample = matrix<T>(m, x.dims());
            for (std::size_t i = 0; i < m; ++i) std::copy_n(x.row_data(rows[i]), x.words(), sample.row_data(i));
            from = sample.view();
        }
        kmeans_init init = options_.init;
        if (init == kmeans_init::automatic) init = m <= 200000 ? kmeans_init::plus_plus : kmeans_init::parallel;
        auto seeds = init == kmeans_init::parallel
                         ? detail::seed_parallel(from, k, options_.parallel_rounds, trials, dist, gen, options_.n_threads)
                         : detail::seed_plus_plus(from, {}, k, trials, dist, gen, options_.n_threads);
        if (m < n)
            for (auto& s : seeds) s = rows[s];
        return seeds;
    }

    static matrix<float> normalized(matrix_view<float> data)
        requires spherical
    {
        matrix<float> unit(data);
        for (std::size_t i = 0; i < unit.rows(); ++i) {
            float* r = unit.row_data(i);
            double norm = 0;
            for (std::size_t j = 0; j < unit.dims(); ++j) norm += double(r[j]) * r[j];
            if (!(norm > 0))
                VSPACE_THROW(data_error, "kmeans::fit: row ", i,
                             " is a zero vector (expected non-zero rows for the cosine metric)");
            const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
            for (std::size_t j = 0; j < unit.dims(); ++j) r[j] *= scale;
        }
        return unit;
    }

    static constexpr std::size_t automatic_sample = 16384;

    kmeans_options options_;
    matrix<T> centroids_;
};

}  // namespace vspace
