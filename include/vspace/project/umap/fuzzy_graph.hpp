// SPDX-License-Identifier: MIT
/// @file
/// `fuzzy_graph`: a weighted graph in compressed sparse rows, the form UMAP's fuzzy simplicial
/// set takes (symmetric, weights in (0, 1]) and the form of its transform graph (query rows
/// against training columns). Light: plain vectors, no Eigen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vspace {

/// Rows of weighted edges in compressed sparse row form: row i holds the edges
/// `targets[offsets[i] .. offsets[i + 1])` with their `weights`, targets in increasing order.
struct fuzzy_graph {
    std::size_t rows = 0;                ///< number of rows (source vertices)
    std::size_t cols = 0;                ///< number of target vertices (= rows when symmetric)
    std::vector<std::size_t> offsets;    ///< rows + 1 entries
    std::vector<std::uint32_t> targets;  ///< column of each edge
    std::vector<float> weights;          ///< membership strength of each edge, in (0, 1]

    std::size_t edges() const noexcept { return targets.size(); }
    std::span<const std::uint32_t> targets_of(std::size_t i) const noexcept {
        return {targets.data() + offsets[i], offsets[i + 1] - offsets[i]};
    }
    std::span<const float> weights_of(std::size_t i) const noexcept {
        return {weights.data() + offsets[i], offsets[i + 1] - offsets[i]};
    }
};

}  // namespace vspace
