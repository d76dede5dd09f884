// SPDX-License-Identifier: MIT
/// @file
/// Batch search with a progress bar, shared by knn and search.
#pragma once

#include "command.hpp"
#include "progress.hpp"

#include <vspace/core/matrix.hpp>
#include <vspace/index/result.hpp>
#include <vspace/index/search_options.hpp>

#include <algorithm>
#include <cstddef>

namespace vspace::cli {

/// Searches all queries with `options`; with a progress bar, in chunks so that the bar moves.
/// Every index answers each query on its own (flat exactly, hnsw by a walk that depends only
/// on the query), so chunking does not change the result.
template <class Index, class T>
search_result search_all(const Index& index, matrix_view<T> queries, std::size_t k, const search_options& options,
                         const common_options& common, const char* label) {
    if (!progress_enabled(common)) return index.search(queries, k, options);
    progress bar(label, queries.rows(), common);
    search_result out(queries.rows(), std::min(k, index.size()));
    const std::size_t chunk = std::max<std::size_t>(1024, queries.rows() / 50);
    for (std::size_t first = 0; first < queries.rows(); first += chunk) {
        const std::size_t n = std::min(chunk, queries.rows() - first);
        const search_result part = index.search(queries.subview(first, n), k, options);
        for (std::size_t q = 0; q < n; ++q) {
            std::copy(part.ids(q).begin(), part.ids(q).end(), out.ids(first + q).begin());
            std::copy(part.distances(q).begin(), part.distances(q).end(), out.distances(first + q).begin());
        }
        bar.advance(n);
    }
    bar.finish();
    return out;
}

}  // namespace vspace::cli
