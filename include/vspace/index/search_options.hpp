// SPDX-License-Identifier: MIT
/// @file
/// Search-time knobs shared by every index, kept apart from build options:
/// `index.search(q, 10, {.ef = 64, .filter = is_allowed})`.
#pragma once

#include <vspace/index/filter.hpp>

#include <cstddef>

namespace vspace {

struct search_options {
    /// Candidate list length of graph indexes ("ef" in Malkov & Yashunin 2018); larger is slower
    /// and more accurate. 0 = the index's default (max(k, 64) for hnsw). Exact indexes ignore it.
    std::size_t ef = 0;
    /// Keeps only rows whose id it accepts, applied during the search. Empty = all rows.
    id_filter filter{};
    /// Threads for batch searches (0 = all cores). Single-query searches use one thread.
    std::size_t n_threads = 0;
};

}  // namespace vspace
