// SPDX-License-Identifier: MIT
/// @file
/// The k-nearest-neighbour graph of a whole data set: for every point, its k nearest other
/// points, nearest first. Built once and shared by UMAP, t-SNE, clustering, outlier scores and
/// the quality metrics. `exact_knn_graph` compares all pairs (flat index); `hnsw_knn_graph`
/// builds an HNSW index tuned for the job (the fast path for large n); `build_knn_graph`
/// takes any `knn_index` already holding the data.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/core/random.hpp>
#include <vspace/index/concept.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

namespace vspace {

/// n points x k neighbours, row-major. Row i lists the neighbours of point i (never i itself),
/// nearest first, with their distances in the metric's units.
struct knn_graph {
    std::size_t n = 0;
    std::size_t k = 0;
    std::vector<std::uint32_t> ids;
    std::vector<float> distances;

    std::span<const std::uint32_t> neighbors(std::size_t i) const noexcept { return {ids.data() + i * k, k}; }
    std::span<const float> distances_of(std::size_t i) const noexcept { return {distances.data() + i * k, k}; }
};

namespace detail {

inline void check_graph_size(std::size_t n, std::size_t k, const char* where) {
    check_k(k, where);
    if (n < k + 1)
        VSPACE_THROW(invalid_argument, where, ": ", n, " points cannot have k = ", k,
                     " neighbours each (expected n >= k + 1)");
    if (n > std::numeric_limits<std::uint32_t>::max())
        VSPACE_THROW(invalid_argument, where, ": ", n, " points (expected at most 2^32 - 1: graph ids are 32-bit)");
}

/// Keeps k neighbours of point i out of k + 1 search results: drops i itself, or the last
/// result when i was not found (duplicates of i can push it out of the first k + 1).
inline void take_neighbors(std::size_t i, std::span<const std::int64_t> found, std::span<const float> dist,
                           std::size_t k, std::uint32_t* ids_out, float* dist_out, const char* where) {
    std::size_t w = 0;
    for (std::size_t j = 0; j < found.size() && w < k; ++j) {
        if (found[j] == static_cast<std::int64_t>(i)) continue;
        if (found[j] < 0)
            VSPACE_THROW(error, where, ": point ", i, " got only ", w, " neighbours (expected ", k,
                         "); the index returned too few results");
        ids_out[w] = static_cast<std::uint32_t>(found[j]);
        dist_out[w] = dist[j];
        ++w;
    }
    if (w < k)
        VSPACE_THROW(error, where, ": point ", i, " got only ", w, " neighbours (expected ", k, ")");
}

}  // namespace detail

/// The kNN graph from any index that holds `data` (row i of data = id i in the index), by
/// searching every point for k + 1 neighbours and dropping the point itself.
/// @tparam Index satisfies `knn_index`
template <class Index>
    requires knn_index<Index>
knn_graph build_knn_graph(const Index& index, matrix_view<typename Index::value_type> data, std::size_t k,
                          const search_options& options = {}) {
    detail::check_graph_size(data.rows(), k, "build_knn_graph");
    if (index.size() != data.rows())
        VSPACE_THROW(shape_error, "build_knn_graph: index holds ", index.size(), " rows (expected ",
                     data.rows(), ", the data's rows)");
    knn_graph g{data.rows(), k, std::vector<std::uint32_t>(data.rows() * k), std::vector<float>(data.rows() * k)};
    if constexpr (requires { index.search_by_id(std::int64_t{0}, k, options); }) {
        // A graph index walks from each point itself: no descent, a near-perfect start.
        parallel_for_dynamic(options.n_threads, data.rows(), 64, [&](std::size_t begin, std::size_t end, std::size_t) {
            std::vector<std::int64_t> ids(k);
            std::vector<float> dist(k);
            for (std::size_t i = begin; i < end; ++i) {
                const auto found = index.search_by_id(static_cast<std::int64_t>(i), k, options);
                for (std::size_t j = 0; j < found.size(); ++j) {
                    ids[j] = found[j].id;
                    dist[j] = found[j].distance;
                }
                detail::take_neighbors(i, std::span(ids).first(found.size()), std::span(dist).first(found.size()), k,
                                       g.ids.data() + i * k, g.distances.data() + i * k, "build_knn_graph");
            }
        });
        return g;
    }
    constexpr std::size_t block = 1024;  // queries per batch call: bounds the result memory
    for (std::size_t first = 0; first < data.rows(); first += block) {
        const std::size_t count = std::min(block, data.rows() - first);
        const search_result r = index.search(data.subview(first, count), k + 1, options);
        for (std::size_t q = 0; q < count; ++q)
            detail::take_neighbors(first + q, r.ids(q), r.distances(q), k, g.ids.data() + (first + q) * k,
                                   g.distances.data() + (first + q) * k, "build_knn_graph");
    }
    return g;
}

/// Replaces the neighbours of the listed points by what `index` (holding `data`, row i = id i)
/// finds for them: with a flat index, their exact neighbours. For the few points whose rows
/// must be right after an approximate graph: an outlier score reads a point's own neighbours,
/// and an outlier is where approximate search misses most (it is far from everything).
/// @tparam Index satisfies `knn_index`
template <class Index>
    requires knn_index<Index>
void refine_knn_graph(knn_graph& g, const Index& index, matrix_view<typename Index::value_type> data,
                      std::span<const std::uint32_t> points, const search_options& options = {}) {
    if (g.n != data.rows() || index.size() != data.rows())
        VSPACE_THROW(shape_error, "refine_knn_graph: graph of ", g.n, " points and index of ", index.size(),
                     " rows (expected both = the data's ", data.rows(), " rows)");
    for (auto p : points)
        if (p >= g.n) VSPACE_THROW(invalid_argument, "refine_knn_graph: point ", p, " (expected < ", g.n, ")");
    constexpr std::size_t block = 256;  // queries per batch call
    matrix<typename Index::value_type> queries(std::min(block, points.size()), data.dims());
    for (std::size_t first = 0; first < points.size(); first += block) {
        const std::size_t count = std::min(block, points.size() - first);
        for (std::size_t q = 0; q < count; ++q)
            std::copy_n(data.row_data(points[first + q]), data.words(), queries.row_data(q));
        const search_result r = index.search(queries.view().subview(0, count), g.k + 1, options);
        for (std::size_t q = 0; q < count; ++q) {
            const std::size_t i = points[first + q];
            detail::take_neighbors(i, r.ids(q), r.distances(q), g.k, g.ids.data() + i * g.k,
                                   g.distances.data() + i * g.k, "refine_knn_graph");
        }
    }
}

/// Options of `hnsw_knn_graph`. The defaults trade a little recall for speed, as a kNN graph
/// for UMAP, t-SNE or clustering wants (those tolerate recall around 0.9; umap-learn's
/// NN-descent reaches about that). Raise `ef` (and `m`, `ef_construction`) for more.
struct knn_graph_options {
    /// HNSW links per node (see `hnsw_options::m`); the index is built only to find neighbours.
    std::size_t m = 8;
    /// HNSW build candidate list (see `hnsw_options::ef_construction`).
    std::size_t ef_construction = 32;
    /// Candidate list of each point's search; 0 = k + k / 4 + 4. Must be > k if set.
    std::size_t ef = 0;
    std::size_t n_threads = 0;  ///< 0 = all cores
    std::uint64_t seed = 42;    ///< HNSW levels; the same seed gives the same graph for any thread count
};

/// The approximate kNN graph of `data` through an HNSW index built for it: each point's
/// search starts at the point itself. Deterministic for a fixed seed. See docs/hnsw.md for the
/// recall and time measured on Fashion-MNIST (70,000 x 784, k = 15; and its 50-d PCA, k = 90).
/// @tparam Metric satisfies `metric<Metric, T>`
template <class Metric, class T>
    requires metric<Metric, T>
knn_graph hnsw_knn_graph(matrix_view<T> data, std::size_t k, const knn_graph_options& options = {},
                         Metric metric = Metric{}) {
    detail::check_graph_size(data.rows(), k, "hnsw_knn_graph");
    if (options.ef != 0 && options.ef <= k)
        VSPACE_THROW(invalid_argument, "hnsw_knn_graph: ef = ", options.ef, " (expected > k = ", k, ")");
    hnsw_index<Metric, T> index(data.dims(),
                                {.m = options.m, .ef_construction = options.ef_construction,
                                 .n_threads = options.n_threads, .seed = options.seed},
                                std::move(metric));
    index.add(data);
    const std::size_t ef = options.ef != 0 ? options.ef : k + k / 4 + 4;
    return build_knn_graph(index, data, k, {.ef = ef, .n_threads = options.n_threads});
}

/// The exact kNN graph: every pair compared (O(n^2 d)). The reference for approximate graphs,
/// and the right choice below a few tens of thousands of points.
template <class Metric, class T>
    requires metric<Metric, T>
knn_graph exact_knn_graph(matrix_view<T> data, std::size_t k, Metric metric = Metric{}, std::size_t n_threads = 0) {
    detail::check_graph_size(data.rows(), k, "exact_knn_graph");
    flat_index<Metric, T> index(data.dims(), std::move(metric));
    index.add(data);
    return build_knn_graph(index, data, k, {.n_threads = n_threads});
}

/// Fraction of the exact graph's neighbours that `approx` found (recall@k, averaged over points).
inline double graph_recall(const knn_graph& approx, const knn_graph& exact) {
    if (approx.n != exact.n || approx.k > exact.k)
        VSPACE_THROW(shape_error, "graph_recall: graphs of ", approx.n, " x ", approx.k, " and ", exact.n, " x ",
                     exact.k, " (expected the same n and approx.k <= exact.k)");
    std::size_t hits = 0;
    std::vector<std::uint32_t> truth;
    for (std::size_t i = 0; i < exact.n; ++i) {
        auto t = exact.neighbors(i).first(approx.k);
        truth.assign(t.begin(), t.end());
        std::sort(truth.begin(), truth.end());
        for (auto id : approx.neighbors(i)) hits += std::binary_search(truth.begin(), truth.end(), id);
    }
    return exact.n == 0 ? 1.0 : static_cast<double>(hits) / static_cast<double>(exact.n * approx.k);
}

/// Recall@k of `approx` (a graph of `data`) measured on a random sample of points, whose exact
/// neighbours are found by brute force over all of `data`: the quality report for graphs too
/// large for `exact_knn_graph` (1,000 samples give the recall within about +-0.01).
/// @tparam Metric the metric `approx` was built with; satisfies `metric<Metric, T>`
template <class Metric, class T>
    requires metric<Metric, T>
double sampled_graph_recall(const knn_graph& approx, matrix_view<T> data, std::size_t samples = 1000,
                            Metric metric = Metric{}, std::uint64_t seed = 42, std::size_t n_threads = 0) {
    if (approx.n != data.rows() || approx.k == 0 || approx.ids.size() != approx.n * approx.k)
        VSPACE_THROW(shape_error, "sampled_graph_recall: graph of ", approx.n, " x ", approx.k, " for ", data.rows(),
                     " points (expected one row of k >= 1 neighbours per point)");
    detail::check_graph_size(data.rows(), approx.k, "sampled_graph_recall");
    std::vector<std::uint32_t> order(data.rows());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    rng(seed).shuffle(order.begin(), order.end());
    order.resize(std::min(samples, order.size()));
    std::sort(order.begin(), order.end());
    matrix<T> queries(order.size(), data.dims());
    for (std::size_t q = 0; q < order.size(); ++q)
        std::memcpy(queries.row_data(q), data.row_data(order[q]), data.words() * sizeof(storage_t<T>));
    flat_index<Metric, T> index(data.dims(), std::move(metric));
    index.add(data);
    const search_result r = index.search(queries.view(), approx.k + 1, {.n_threads = n_threads});
    std::size_t hits = 0;
    std::vector<std::uint32_t> truth(approx.k);
    std::vector<float> dist(approx.k);
    for (std::size_t q = 0; q < order.size(); ++q) {
        detail::take_neighbors(order[q], r.ids(q), r.distances(q), approx.k, truth.data(), dist.data(),
                               "sampled_graph_recall");
        std::sort(truth.begin(), truth.end());
        for (auto id : approx.neighbors(order[q])) hits += std::binary_search(truth.begin(), truth.end(), id);
    }
    return order.empty() ? 1.0 : static_cast<double>(hits) / static_cast<double>(order.size() * approx.k);
}

}  // namespace vspace
