// SPDX-License-Identifier: MIT
/// @file
/// `nearest_centroid`: one centroid per class (the mean; for cosine, the mean direction), and a
/// vector gets the class of the nearest centroid. Tiny model, fast, a fair baseline on
/// embeddings whose classes are compact.
#pragma once

#include <vspace/analyze/labels.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/l2.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace vspace {

/// Nearest-centroid classifier on float vectors.
/// @tparam Metric `cosine` (centroids are normalised mean directions) or `l2sq` / `l2` (means)
template <class Metric = cosine>
class nearest_centroid {
    static_assert(std::same_as<Metric, cosine> || std::same_as<Metric, l2sq> || std::same_as<Metric, l2>,
                  "nearest_centroid supports cosine, l2sq and l2");

public:
    explicit nearest_centroid(std::size_t n_threads = 0) : n_threads_(n_threads) {}

    /// Computes the class centroids. A class without training rows is never predicted.
    /// Throws shape_error when labels and rows differ in count, data_error for NaN.
    void fit(matrix_view<float> data, std::span<const std::uint32_t> labels, std::size_t n_classes = 0) {
        const std::size_t k = detail::check_labels(data.rows(), labels, n_classes, "nearest_centroid::fit");
        detail::check_finite(data, "nearest_centroid::fit");
        std::vector<double> sum(k * data.dims(), 0.0);
        counts_.assign(k, 0);
        for (std::size_t i = 0; i < data.rows(); ++i) {
            const bool unit = std::same_as<Metric, cosine>;
            double norm = 0;
            for (std::size_t j = 0; unit && j < data.dims(); ++j) norm += double(data(i, j)) * data(i, j);
            const double scale = unit ? (norm > 0 ? 1.0 / std::sqrt(norm) : 0.0) : 1.0;
            for (std::size_t j = 0; j < data.dims(); ++j) sum[labels[i] * data.dims() + j] += data(i, j) * scale;
            ++counts_[labels[i]];
        }
        centroids_ = matrix<float>(k, data.dims());
        for (std::size_t c = 0; c < k; ++c) {
            const double* s = sum.data() + c * data.dims();
            double scale = counts_[c] ? 1.0 / double(counts_[c]) : 0.0;
            if constexpr (std::same_as<Metric, cosine>) {
                double norm = 0;
                for (std::size_t j = 0; j < data.dims(); ++j) norm += s[j] * s[j];
                scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
            }
            for (std::size_t j = 0; j < data.dims(); ++j) centroids_(c, j) = static_cast<float>(s[j] * scale);
        }
    }

    /// The class of the nearest centroid for each row. Throws invalid_argument before `fit`,
    /// shape_error on a dimension mismatch.
    std::vector<std::uint32_t> predict(matrix_view<float> queries) const {
        if (centroids_.empty()) VSPACE_THROW(invalid_argument, "nearest_centroid::predict: not fitted (call fit first)");
        detail::check_dims(queries.dims(), centroids_.dims(), "nearest_centroid::predict", "queries");
        detail::check_finite(queries, "nearest_centroid::predict");
        const auto kernel = Metric::kernel(simd::kernels<float>());
        std::vector<std::uint32_t> out(queries.rows());
        parallel_for(n_threads_, queries.rows(), [&](std::size_t b, std::size_t e, std::size_t) {
            std::vector<float> d(centroids_.rows());
            for (std::size_t i = b; i < e; ++i) {
                kernel.many(queries.row_data(i), centroids_.data(), centroids_.stride(), d.size(), queries.dims(), d.data());
                std::size_t best = std::numeric_limits<std::size_t>::max();
                for (std::size_t c = 0; c < d.size(); ++c)
                    if (counts_[c] && (best == std::numeric_limits<std::size_t>::max() || d[c] < d[best])) best = c;
                out[i] = static_cast<std::uint32_t>(best);
            }
        });
        return out;
    }

    /// Row c = centroid of class c (zero for a class without training rows).
    matrix_view<float> centroids() const noexcept { return centroids_.view(); }

private:
    std::size_t n_threads_;
    matrix<float> centroids_;
    std::vector<std::size_t> counts_;
};

}  // namespace vspace
