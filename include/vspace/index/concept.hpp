// SPDX-License-Identifier: MIT
/// @file
/// The `knn_index` concept: what the neighbour-graph builder, the projectors and the
/// clustering code need from an index (flat and hnsw both satisfy it, and so can yours).
#pragma once

#include <vspace/core/matrix_view.hpp>
#include <vspace/index/result.hpp>

#include <concepts>
#include <cstddef>
#include <vector>

namespace vspace {

/// An index over vectors of kind `Index::value_type`: rows are added in bulk, then searched for
/// the k nearest rows of one query or of a batch.
template <class Index>
concept knn_index = requires(Index& index, const Index& c, matrix_view<typename Index::value_type> rows,
                             row<typename Index::value_type> query, std::size_t k) {
    typename Index::value_type;
    typename Index::metric_type;
    index.add(rows);
    { c.size() } -> std::convertible_to<std::size_t>;
    { c.dims() } -> std::convertible_to<std::size_t>;
    { c.search(query, k) } -> std::same_as<std::vector<neighbor>>;
    { c.search(rows, k) } -> std::same_as<search_result>;
};

}  // namespace vspace
