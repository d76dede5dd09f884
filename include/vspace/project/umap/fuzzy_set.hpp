// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// UMAP's fuzzy simplicial set (McInnes et al. 2018, section 3.1): the directed memberships
/// w_ij of the kNN graph, symmetrised by the fuzzy union
///
///   W = mix * (A + A^T - A o A^T) + (1 - mix) * (A o A^T)      (o: element-wise product),
///
/// `mix` = set_op_mix_ratio (1 = pure union, umap-learn's default). Also the supervised
/// variant (edges between different labels weakened, then the local connectivity reset) and
/// the pruning of edges too weak to be sampled.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/project/umap/fuzzy_graph.hpp>
#include <vspace/project/umap/smooth_knn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace vspace::detail {

/// The directed memberships of the first k neighbours of every point, n x k row-major.
inline std::vector<float> directed_memberships(const knn_graph& g, std::size_t k, const smooth_knn_result& s,
                                               std::size_t n_threads) {
    std::vector<float> w(g.n * k);
    parallel_for(n_threads, g.n, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i) {
            const float* d = g.distances.data() + i * g.k;
            for (std::size_t j = 0; j < k; ++j) w[i * k + j] = membership(d[j], s.rho[i], s.sigma[i]);
        }
    });
    return w;
}

/// The symmetric fuzzy set from directed memberships w (n x k, row i = first k neighbours of
/// point i in `g`). Self loops and duplicate neighbour entries are dropped (the strongest is
/// kept); zero weights are not stored.
inline fuzzy_graph fuzzy_union(const knn_graph& g, std::size_t k, std::span<const float> w, double mix,
                               std::size_t n_threads) {
    const std::size_t n = g.n;
    // Every directed edge i -> j is entered in row i (forward) and row j (backward).
    std::vector<std::size_t> count(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            const std::uint32_t t = g.ids[i * g.k + j];
            if (t == i || !(w[i * k + j] > 0)) continue;
            ++count[i + 1];
            ++count[t + 1];
        }
    for (std::size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    struct entry {
        std::uint32_t target;
        std::uint32_t backward;  // 0: i -> target, 1: target -> i
        float weight;
    };
    std::vector<entry> entries(count[n]);
    {
        std::vector<std::size_t> fill(count.begin(), count.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < k; ++j) {
                const std::uint32_t t = g.ids[i * g.k + j];
                const float v = w[i * k + j];
                if (t == i || !(v > 0)) continue;
                entries[fill[i]++] = {t, 0, v};
                entries[fill[t]++] = {static_cast<std::uint32_t>(i), 1, v};
            }
    }
    // Per row: sort by target, then merge the forward and backward weight of each pair.
    std::vector<std::size_t> kept(n + 1, 0);
    parallel_for(n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i) {
            auto first = entries.begin() + static_cast<std::ptrdiff_t>(count[i]);
            auto last = entries.begin() + static_cast<std::ptrdiff_t>(count[i + 1]);
            std::sort(first, last, [](const entry& a, const entry& b) { return a.target < b.target; });
            auto out = first;
            for (auto it = first; it != last;) {
                float fwd = 0, bwd = 0;
                const std::uint32_t t = it->target;
                for (; it != last && it->target == t; ++it) {
                    float& slot = it->backward ? bwd : fwd;
                    slot = std::max(slot, it->weight);
                }
                const double prod = static_cast<double>(fwd) * bwd;
                const double v = mix * (fwd + bwd - prod) + (1 - mix) * prod;
                if (v > 0) *out++ = {t, 0, static_cast<float>(v)};
            }
            kept[i + 1] = static_cast<std::size_t>(out - first);
        }
    });
    fuzzy_graph out;
    out.rows = out.cols = n;
    out.offsets.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) out.offsets[i + 1] = out.offsets[i] + kept[i + 1];
    out.targets.resize(out.offsets[n]);
    out.weights.resize(out.offsets[n]);
    parallel_for(n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t e = 0; e < kept[i + 1]; ++e) {
                out.targets[out.offsets[i] + e] = entries[count[i] + e].target;
                out.weights[out.offsets[i] + e] = entries[count[i] + e].weight;
            }
    });
    return out;
}

/// Supervised UMAP with categorical labels (umap-learn's target metric "categorical"): an
/// edge between different labels is multiplied by exp(-far), with far = 2.5 / (1 - weight)
/// (no edges survive at weight 1), one touching an unlabelled point (label < 0) by exp(-1);
/// then each row is scaled to a maximum of 1 and the result symmetrised again by fuzzy union,
/// which restores the local connectivity the weakening took away.
inline void intersect_labels(fuzzy_graph& g, std::span<const std::int64_t> labels, double target_weight,
                             std::size_t n_threads) {
    const double far = target_weight < 1 ? 2.5 / (1 - target_weight) : 1e12;
    const auto different = static_cast<float>(std::exp(-far)), unknown = static_cast<float>(std::exp(-1.0));
    std::vector<float> row_max(g.rows, 0.0f);
    parallel_for(n_threads, g.rows, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
                const std::int64_t a = labels[i], b = labels[g.targets[e]];
                if (a < 0 || b < 0) g.weights[e] *= unknown;
                else if (a != b) g.weights[e] *= different;
                row_max[i] = std::max(row_max[i], g.weights[e]);
            }
    });
    // The graph is symmetric, so (R^T)_ij = w_ij / max_j: the union needs no transpose.
    parallel_for(n_threads, g.rows, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
                const double w = g.weights[e];
                const double r = row_max[i] > 0 ? w / row_max[i] : 0;
                const double c = row_max[g.targets[e]] > 0 ? w / row_max[g.targets[e]] : 0;
                g.weights[e] = static_cast<float>(r + c - r * c);
            }
    });
}

/// Drops edges whose weight is below max / n_epochs: they would be sampled less than once.
inline void prune_weak_edges(fuzzy_graph& g, std::size_t n_epochs) {
    float max_w = 0;
    for (float w : g.weights) max_w = std::max(max_w, w);
    const float threshold = max_w / static_cast<float>(std::max<std::size_t>(n_epochs, 1));
    std::size_t out = 0;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < g.rows; ++i) {
        const std::size_t end = g.offsets[i + 1];
        for (std::size_t e = begin; e < end; ++e)
            if (g.weights[e] > 0 && g.weights[e] >= threshold) {
                g.targets[out] = g.targets[e];
                g.weights[out] = g.weights[e];
                ++out;
            }
        begin = end;
        g.offsets[i + 1] = out;
    }
    g.targets.resize(out);
    g.weights.resize(out);
}

}  // namespace vspace::detail
/// @endcond
