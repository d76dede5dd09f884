// SPDX-License-Identifier: MIT
/// @file
/// Outlier scores from a k-nearest-neighbour graph: the kNN distance (Ramaswamy et al. 2000)
/// and the local outlier factor (Breunig et al. 2000), plus `top_outliers` to rank them. The
/// graph is computed once (exact or HNSW, see graph/knn_graph.hpp) and shared with the maps.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/graph/knn_graph.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace vspace {

/// How `knn_distance_scores` summarises a point's neighbour distances.
enum class knn_score : std::uint8_t {
    kth,   ///< distance to the k-th neighbour (Ramaswamy et al. 2000)
    mean,  ///< mean distance to the k nearest (Angiulli & Pizzuti 2002); less noisy
};

/// One ranked outlier: the point's row and its score (higher = more outlying).
struct outlier {
    std::size_t id = 0;
    float score = 0;
};

namespace detail {
inline void check_outlier_graph(const knn_graph& g, std::size_t k, const char* where) {
    if (g.n == 0 || g.k == 0) VSPACE_THROW(invalid_argument, where, ": empty kNN graph (expected n >= 2, k >= 1)");
    if (g.ids.size() != g.n * g.k || g.distances.size() != g.n * g.k)
        VSPACE_THROW(shape_error, where, ": graph arrays hold ", g.ids.size(), " ids and ", g.distances.size(),
                     " distances (expected n x k = ", g.n * g.k, ")");
    if (k == 0 || k > g.k)
        VSPACE_THROW(invalid_argument, where, ": k = ", k, " (expected 1 <= k <= the graph's ", g.k, ")");
    for (std::size_t i = 0; i < g.n * g.k; ++i) {
        if (g.ids[i] >= g.n)
            VSPACE_THROW(shape_error, where, ": neighbour id ", g.ids[i], " out of range (expected < ", g.n, ")");
        if (!(g.distances[i] >= 0) || !std::isfinite(g.distances[i]))
            VSPACE_THROW(data_error, where, ": neighbour distance ", g.distances[i],
                         " (expected finite and >= 0; use a distance such as l2, not a similarity)");
    }
}
}  // namespace detail

/// kNN-distance outlier score of every point: the distance to its k-th nearest neighbour, or
/// the mean over the k nearest. Points far from all others score highest. Uses the first k
/// neighbours of `graph`; k = 0 means all of them. O(n k).
/// Scores are in the graph's distance units: build it with `l2` (not `l2sq`) to get distances.
inline std::vector<float> knn_distance_scores(const knn_graph& graph, std::size_t k = 0, knn_score kind = knn_score::kth) {
    if (k == 0) k = graph.k;
    detail::check_outlier_graph(graph, k, "knn_distance_scores");
    std::vector<float> score(graph.n);
    for (std::size_t i = 0; i < graph.n; ++i) {
        const auto d = graph.distances_of(i).first(k);
        if (kind == knn_score::kth) {
            score[i] = d[k - 1];
        } else {
            double s = 0;
            for (float v : d) s += v;
            score[i] = static_cast<float>(s / double(k));
        }
    }
    return score;
}

/// Local outlier factor of every point (Breunig et al. 2000, definitions 5-7):
///   reach_k(p, o) = max(k-distance(o), d(p, o)),
///   lrd(p) = 1 / mean over o in N_k(p) of reach_k(p, o),
///   LOF(p) = mean over o in N_k(p) of lrd(o) / lrd(p).
/// About 1 inside a cluster of any density, well above 1 for a point less dense than its
/// neighbours, so it finds outliers next to dense clusters that the kNN distance misses.
/// N_k(p) is the first k neighbours in the graph (ties at the k-distance are not added).
/// Exact duplicates (reachability 0) are handled by a floor of 1e-10 times the mean
/// k-distance, so a group of duplicates scores 1 rather than inf/inf. k = 0: the graph's k.
inline std::vector<float> lof_scores(const knn_graph& graph, std::size_t k = 0) {
    if (k == 0) k = graph.k;
    detail::check_outlier_graph(graph, k, "lof_scores");
    const std::size_t n = graph.n;
    std::vector<double> kdist(n), mean_reach(n);
    double mean_kdist = 0;
    for (std::size_t i = 0; i < n; ++i) mean_kdist += kdist[i] = graph.distances_of(i)[k - 1];
    mean_kdist /= double(n);
    const double floor = mean_kdist > 0 ? 1e-10 * mean_kdist : 1e-30;
    for (std::size_t i = 0; i < n; ++i) {
        const auto ids = graph.neighbors(i).first(k);
        const auto d = graph.distances_of(i).first(k);
        double s = 0;
        for (std::size_t j = 0; j < k; ++j) s += std::max(kdist[ids[j]], double(d[j]));
        mean_reach[i] = std::max(s / double(k), floor);  // = 1 / lrd(i)
    }
    std::vector<float> lof(n);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (auto o : graph.neighbors(i).first(k)) s += 1.0 / mean_reach[o];
        lof[i] = static_cast<float>(s / double(k) * mean_reach[i]);
    }
    return lof;
}

/// The `count` highest scores, highest first (ties: lower id first). NaN scores are skipped.
inline std::vector<outlier> top_outliers(std::span<const float> scores, std::size_t count) {
    std::vector<outlier> all;
    all.reserve(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (!std::isnan(scores[i])) all.push_back({i, scores[i]});
    count = std::min(count, all.size());
    auto higher = [](const outlier& a, const outlier& b) { return a.score > b.score || (a.score == b.score && a.id < b.id); };
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count), all.end(), higher);
    all.resize(count);
    return all;
}

}  // namespace vspace
