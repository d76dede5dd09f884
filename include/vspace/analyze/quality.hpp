// SPDX-License-Identifier: MIT
/// @file
/// How faithful a map is: trustworthiness (are the map's neighbours true neighbours?), k-NN
/// preservation (are the true neighbours still neighbours on the map?) and k-NN classification
/// accuracy on the map. Reported beside every map (PCA, UMAP, t-SNE) and by `vspace project
/// --report`. Exact computations, O(n^2 d): meant for a sample of a few thousand points
/// (`sample_rows`), not for all of a large data set.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/core/random.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/bound.hpp>
#include <vspace/metric/l2.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

namespace vspace {

/// Trustworthiness and k-NN preservation of one map, computed together.
struct neighborhood_quality {
    /// Venna & Kaski (2001): 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_i} (r(i, j) - k),
    /// U_i the map's k nearest neighbours of i that are not among its k nearest in the data,
    /// r(i, j) the rank of j among i's neighbours in the data (1 = nearest). 1 = every map
    /// neighbour is a true neighbour; about 0.5 for a random map. As scikit-learn's
    /// `trustworthiness` (identical when no two distances tie).
    double trustworthiness = 0;
    /// Mean over points of |data kNN(i) ∩ map kNN(i)| / k. 1 = every point keeps its k nearest
    /// neighbours on the map.
    double knn_preservation = 0;
    std::size_t k = 0;  ///< neighbours considered
    std::size_t n = 0;  ///< points evaluated
};

namespace detail {

/// Indices of the k smallest of `dist` (all n entries, entry `self` excluded), ties broken by
/// index: the order a stable sort of (distance, index) gives.
inline void k_smallest(std::span<const float> dist, std::size_t self, std::size_t k, std::vector<std::uint32_t>& out,
                       std::vector<std::uint32_t>& order) {
    order.resize(dist.size());
    std::iota(order.begin(), order.end(), 0u);
    order.erase(order.begin() + static_cast<std::ptrdiff_t>(self));
    auto less = [&](std::uint32_t a, std::uint32_t b) { return dist[a] < dist[b] || (dist[a] == dist[b] && a < b); };
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k - 1), order.end(), less);
    out.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
}

/// Squared Euclidean distances from row i of a float view to all rows.
inline void map_distances(matrix_view<float> y, std::size_t i, std::vector<float>& out) {
    out.resize(y.rows());
    const float* a = y.row_data(i);
    for (std::size_t j = 0; j < y.rows(); ++j) {
        const float* b = y.row_data(j);
        float s = 0;
        for (std::size_t d = 0; d < y.dims(); ++d) s += (a[d] - b[d]) * (a[d] - b[d]);
        out[j] = s;
    }
}

inline void check_quality_input(std::size_t data_rows, matrix_view<float> embedding, std::size_t k, const char* where) {
    if (data_rows != embedding.rows())
        VSPACE_THROW(shape_error, where, ": data has ", data_rows, " rows but the map ", embedding.rows(),
                     " (expected one map point per row)");
    if (embedding.dims() == 0) VSPACE_THROW(invalid_argument, where, ": the map has 0 dims (expected >= 1)");
    check_k(k, where);
    // trustworthiness' normaliser 2n - 3k - 1 must stay positive; scikit-learn asks k < n / 2
    if (2 * k >= data_rows)
        VSPACE_THROW(invalid_argument, where, ": k = ", k, " for ", data_rows, " points (expected k < n / 2)");
    check_finite(embedding, where);
}

}  // namespace detail

/// Trustworthiness and k-NN preservation of the map `embedding` of `data` (row i of both is
/// point i), with neighbours in the data under `Metric` and on the map under Euclidean
/// distance. Ties are broken by index. O(n^2 (d + dims)) time, O(n) memory per thread.
/// Throws shape_error (row counts differ), invalid_argument (k = 0 or k >= n / 2),
/// data_error (NaN or Inf in either).
/// @tparam Metric the data's distance; satisfies `metric<Metric, T>` (l2 by default)
/// @tparam T float, std::int8_t or vspace::bit
template <class Metric = l2, class T>
    requires metric<Metric, T>
neighborhood_quality neighborhood_preservation(matrix_view<T> data, matrix_view<float> embedding, std::size_t k,
                                               std::size_t n_threads = 0, Metric metric = Metric{}) {
    constexpr const char* where = "neighborhood_preservation";
    detail::check_quality_input(data.rows(), embedding, k, where);
    detail::check_finite(data, where);
    const std::size_t n = data.rows();
    const bound_metric<Metric, T> distance(std::move(metric));
    std::vector<double> penalty(n), overlap(n);
    parallel_for_dynamic(n_threads, n, 16, [&](std::size_t begin, std::size_t end, std::size_t) {
        std::vector<float> high(n), low;
        std::vector<std::uint32_t> high_knn, low_knn, order;
        for (std::size_t i = begin; i < end; ++i) {
            // search distances: monotone in the metric's, so ranks are the same
            distance.many(data.row_data(i), data.data(), data.stride(), n, data.words(), high.data());
            detail::map_distances(embedding, i, low);
            detail::k_smallest(high, i, k, high_knn, order);
            detail::k_smallest(low, i, k, low_knn, order);
            std::sort(high_knn.begin(), high_knn.end());
            std::size_t kept = 0;
            double sum = 0;
            for (std::uint32_t j : low_knn) {
                if (std::binary_search(high_knn.begin(), high_knn.end(), j)) {
                    ++kept;
                    continue;
                }
                // rank of j among i's data neighbours, ties by index (i itself excluded)
                std::size_t rank = 1;
                const float dj = high[j];
                for (std::size_t l = 0; l < n; ++l)
                    rank += l != i && (high[l] < dj || (high[l] == dj && l < j));
                sum += static_cast<double>(rank) - static_cast<double>(k);
            }
            penalty[i] = sum;
            overlap[i] = static_cast<double>(kept) / static_cast<double>(k);
        }
    });
    const double nd = static_cast<double>(n), kd = static_cast<double>(k);
    neighborhood_quality q;
    q.k = k;
    q.n = n;
    q.trustworthiness =
        1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * std::accumulate(penalty.begin(), penalty.end(), 0.0);
    q.knn_preservation = std::accumulate(overlap.begin(), overlap.end(), 0.0) / nd;
    return q;
}

/// Trustworthiness T(k) of a map (see `neighborhood_quality::trustworthiness`).
template <class Metric = l2, class T>
    requires metric<Metric, T>
double trustworthiness(matrix_view<T> data, matrix_view<float> embedding, std::size_t k, std::size_t n_threads = 0,
                       Metric metric = Metric{}) {
    return neighborhood_preservation(data, embedding, k, n_threads, std::move(metric)).trustworthiness;
}

/// k-NN preservation of a map (see `neighborhood_quality::knn_preservation`).
template <class Metric = l2, class T>
    requires metric<Metric, T>
double knn_preservation(matrix_view<T> data, matrix_view<float> embedding, std::size_t k, std::size_t n_threads = 0,
                        Metric metric = Metric{}) {
    return neighborhood_preservation(data, embedding, k, n_threads, std::move(metric)).knn_preservation;
}

/// Accuracy of k-nearest-neighbour classification on a map: each test point takes the most
/// common label of its k nearest training points (Euclidean, on the map); a tie goes to the
/// smallest label, as scikit-learn's KNeighborsClassifier with uniform weights. Returns the
/// fraction of test points whose label is predicted. Exact neighbours (flat index).
/// Throws shape_error (label counts, dims), invalid_argument (k = 0, k > training points,
/// empty test set), data_error (NaN).
/// @tparam Label an integer type
template <std::integral Label>
double knn_accuracy(matrix_view<float> train, std::span<const Label> train_labels, matrix_view<float> test,
                    std::span<const Label> test_labels, std::size_t k, std::size_t n_threads = 0) {
    constexpr const char* where = "knn_accuracy";
    if (train_labels.size() != train.rows() || test_labels.size() != test.rows())
        VSPACE_THROW(shape_error, where, ": ", train_labels.size(), " and ", test_labels.size(), " labels for ",
                     train.rows(), " training and ", test.rows(), " test points (expected one label per point)");
    detail::check_k(k, where);
    if (k > train.rows())
        VSPACE_THROW(invalid_argument, where, ": k = ", k, " (expected <= the ", train.rows(), " training points)");
    if (test.rows() == 0) VSPACE_THROW(invalid_argument, where, ": no test points (expected at least 1)");
    detail::check_dims(test.dims(), train.dims(), where, "the test map");
    flat_index<l2sq, float> index(train.dims());
    index.add(train);
    const search_result found = index.search(test, k, {.n_threads = n_threads});
    std::size_t correct = 0;
    std::vector<Label> votes(k);
    for (std::size_t q = 0; q < test.rows(); ++q) {
        for (std::size_t j = 0; j < k; ++j) votes[j] = train_labels[static_cast<std::size_t>(found.ids(q)[j])];
        std::sort(votes.begin(), votes.end());
        Label best = votes[0];
        std::size_t best_count = 0;
        for (std::size_t j = 0; j < k;) {  // runs of equal labels, smallest label first
            std::size_t run = j;
            while (run < k && votes[run] == votes[j]) ++run;
            if (run - j > best_count) {
                best_count = run - j;
                best = votes[j];
            }
            j = run;
        }
        correct += best == test_labels[q];
    }
    return static_cast<double>(correct) / static_cast<double>(test.rows());
}

/// `count` distinct row indices out of n, drawn with `seed`, in increasing order (all n when
/// count >= n): the sample the quality metrics are computed on.
inline std::vector<std::uint32_t> sample_rows(std::size_t n, std::size_t count, std::uint64_t seed = 42) {
    if (n > std::numeric_limits<std::uint32_t>::max())
        VSPACE_THROW(invalid_argument, "sample_rows: ", n, " rows (expected < 2^32)");
    std::vector<std::uint32_t> rows(n);
    std::iota(rows.begin(), rows.end(), 0u);
    if (count < n) {
        rng gen(seed);
        for (std::size_t i = 0; i < count; ++i)  // partial Fisher-Yates: the first count are the sample
            std::swap(rows[i], rows[i + gen.below(n - i)]);
        rows.resize(count);
        std::sort(rows.begin(), rows.end());
    }
    return rows;
}

/// The given rows of a view, copied into a matrix (in the order given).
template <class T>
matrix<T> take_rows(matrix_view<T> v, std::span<const std::uint32_t> rows) {
    matrix<T> out(rows.size(), v.dims());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (rows[r] >= v.rows())
            VSPACE_THROW(invalid_argument, "take_rows: row ", rows[r], " out of range (expected < ", v.rows(), ")");
        std::memcpy(out.row_data(r), v.row_data(rows[r]), v.words() * sizeof(storage_t<T>));
    }
    return out;
}

}  // namespace vspace
