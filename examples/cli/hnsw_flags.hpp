// SPDX-License-Identifier: MIT
/// @file
/// The HNSW options of the `vspace` tool: `--M` and `--ef-construction` (knn and build) and
/// `--ef` (knn and search), their checks, and the build with a progress bar that `knn --index
/// hnsw` and `build` share, so both make the same graph from the same data, seed and options.
#pragma once

#include "command.hpp"
#include "progress.hpp"

#include <vspace/index/hnsw.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace vspace::cli {

/// `--M`, `--ef-construction` and `--ef`, bound to the sub-app of a command.
struct hnsw_flags {
    /// `--M`: links per node (level 0 keeps 2M); `hnsw_options::m`.
    std::size_t m = 16;
    /// `--ef-construction`: candidate list length while inserting; `hnsw_options::ef_construction`.
    std::size_t ef_construction = 200;
    /// `--ef`: candidate list length while searching; at least k.
    std::size_t ef = default_ef;
    option* m_option = nullptr;
    option* ef_construction_option = nullptr;
    option* ef_option = nullptr;

    static constexpr std::size_t default_ef = 64;

    /// Adds `--M` and `--ef-construction`.
    void declare_build(command_line& app) {
        m_option = app.add_option("--M", m, "HNSW links per node (level 0 keeps 2M); more: higher recall, "
                                             "more memory, slower build")
                       ->check(in_range(2, 2048))
                       ->show_default();
        ef_construction_option =
            app.add_option("--ef-construction", ef_construction,
                           "HNSW candidates kept while inserting; more: a better graph, slower build")
                ->check(in_range(1, 1 << 20))
                ->show_default();
    }

    /// Adds `--ef`.
    void declare_search(command_line& app) {
        ef_option = app.add_option("--ef", ef,
                                   "HNSW candidates kept while searching (at least k; default max(64, k)); more: "
                                   "higher recall, slower search")
                        ->check(in_range(1, 1 << 24))
                        ->show_default();
    }

    /// The name of the first HNSW option given on the command line, or nullptr.
    const char* first_given() const {
        for (const option* o : {m_option, ef_construction_option, ef_option})
            if (o != nullptr && o->given()) return o->name().c_str();
        return nullptr;
    }

    /// Build options of the index: these flags plus `--threads` and `--seed`.
    hnsw_options build_options(const common_options& common) const {
        return {.m = m, .ef_construction = ef_construction, .n_threads = common.n_threads, .seed = common.seed};
    }

    /// The search ef for `k` results (k already clamped to the index size): `--ef` when given,
    /// which must be at least k (a walk that keeps fewer candidates than it returns means
    /// nothing), otherwise max(64, k).
    std::size_t search_ef(std::size_t k) const {
        if (ef_option != nullptr && ef_option->given()) {
            if (ef < k)
                VSPACE_THROW(usage_error, "--ef ", ef, " is less than the ", k,
                             " neighbours asked for (expected --ef >= k)");
            return ef;
        }
        return std::max(default_ef, k);
    }
};

/// Inserts `n` rows through `add(first, count)` in chunks of about 1 % each, drawing a progress
/// bar. Chunks end on the boundaries of the library's insertion batches (hnsw/build.hpp), so
/// the graph is the same as from one `add` of all rows, and does not depend on whether the bar
/// is drawn.
template <class Add>
void add_in_batches(std::size_t n, const char* label, const common_options& common, Add&& add) {
    progress bar(label, n, common);
    const std::size_t step = std::max<std::size_t>(n / 100, 1);
    for (std::size_t first = 0, end = 0; first < n; first = end) {
        while (end < n && end - first < step)
            end += std::min<std::size_t>(detail::batch_size(static_cast<std::uint32_t>(end)), n - end);
        add(first, end - first);
        bar.advance(end - first);
    }
    bar.finish();
}

}  // namespace vspace::cli
