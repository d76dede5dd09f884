// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The neighbour-selection heuristic of HNSW (Malkov & Yashunin 2018, Algorithm 4, without the
/// optional candidate extension and pruned-connection keeping, as in hnswlib). It keeps a
/// candidate only if it is closer to the base node than to every neighbour kept so far, so
/// links spread over directions instead of bunching in one cluster; this is what keeps the
/// graph navigable on clustered data.
#pragma once

#include <vspace/index/hnsw/candidates.hpp>

#include <cstddef>

namespace vspace::detail {

/// Keeps at most `m` of the candidates `c[0..n)` (sorted nearest first, `distance` = distance to
/// the base node), compacted to the front; returns how many. `closer(a, b, bound)` must say
/// whether d(a, b) < bound (it may stop computing once the partial distance reaches the bound).
template <class Closer>
std::size_t select_neighbors(candidate* c, std::size_t n, std::size_t m, Closer&& closer) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n && kept < m; ++i) {
        bool diverse = true;
        for (std::size_t j = 0; j < kept && diverse; ++j) diverse = !closer(c[i].node, c[j].node, c[i].distance);
        if (diverse) c[kept++] = c[i];
    }
    return kept;
}

}  // namespace vspace::detail
/// @endcond
