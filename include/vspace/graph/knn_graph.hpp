// SPDX-License-Identifier: MIT
/// @file
/// The k-nearest-neighbour graph of a whole data set: for every point, its k nearest other
/// points, nearest first. Built once and shared by UMAP, t-SNE, clustering, outlier scores and
/// the quality metrics. `exact_knn_graph` compares all pairs (flat index); `build_knn_graph`
/// takes any `knn_index` already holding the data (an HNSW index for large n).
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/index/concept.hpp>
#include <vspace/index/flat.hpp>

#include <algorithm>
#include <cstdint>
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
        VSPACE_THROW(invalid_argument, where, ": ", n, " points exceed the 2^32 - 1 the graph can hold");
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

}  // namespace vspace
