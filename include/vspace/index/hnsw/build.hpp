// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The deterministic parallel insertion schedule of the HNSW build (type-independent).
///
/// Nodes are inserted in batches. In phase 1 every node of a batch searches the graph as it
/// stood before the batch (read-only, so threads cannot influence each other) and chooses its
/// own links. In phase 2 the reverse links are grouped by target node, sorted, and each target
/// merges its new links (pruning with the heuristic when full) — one thread per target. The
/// result depends only on the data, the seed and the options, never on the thread count or on
/// scheduling (the approach of ParlayANN, Manohar et al. 2024). The cost: nodes of one batch
/// cannot link to each other directly. Batches are 2 % of the graph (1 node at a time below 50
/// nodes), so that touches about 2 % of candidate pairs; recall at equal ef is within noise of
/// one-at-a-time insertion (docs/hnsw.md has the measurement).
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/index/hnsw/graph.hpp>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <vector>

namespace vspace::detail {

/// Nodes per batch when `published` nodes are already searchable.
inline std::uint32_t batch_size(std::uint32_t published) noexcept {
    return std::clamp<std::uint32_t>(published / 50, 1, 8192);
}

/// Outcome of `insert_nodes`: nodes [first, inserted) are in the graph and published.
struct insert_outcome {
    std::uint32_t inserted;
    std::exception_ptr error;
};

/// Inserts the appended (unpublished) nodes [first, last) of `g`.
///  - `connect(node, worker)`: phase 1, sets the node's own lists from the published graph;
///  - `relink(level, target, sources, worker)`: phase 2, merges new links into a target's list.
/// `worker` < the number of workers, for per-thread scratch. On an exception (only
/// std::bad_alloc is expected) the batches completed so far stay published and the error is
/// returned for the caller to roll back the rest and rethrow.
template <class Connect, class Relink>
insert_outcome insert_nodes(hnsw_graph& g, std::uint32_t first, std::uint32_t last, std::size_t workers,
                            Connect&& connect, Relink&& relink) {
    struct edge {
        std::uint64_t key;  // level << 32 | target
        std::uint32_t source;
    };
    std::vector<edge> edges;
    std::vector<std::uint32_t> sources;
    std::vector<std::size_t> groups;  // start of each (level, target) run in `sources`, plus the end
    std::atomic<std::size_t> next{0};
    std::uint32_t begin = first, end = first + std::min(batch_size(first), last - first);
    bool linking = false, done = false;
    std::exception_ptr error;
    std::uint32_t inserted = first;
    std::atomic<bool> failed{false};

    auto record = [&](std::exception_ptr e) noexcept {
        if (!failed.exchange(true)) error = std::move(e);
    };

    // Runs on one thread while all workers wait between the phases.
    auto between_phases = [&]() noexcept {
        next.store(0, std::memory_order_relaxed);
        try {
            if (!linking) {  // phase 1 done: gather reverse links
                edges.clear();
                sources.clear();
                groups.clear();
                if (!failed.load()) {
                    for (std::uint32_t x = begin; x < end; ++x)
                        for (unsigned l = 0; l <= g.level_of(x); ++l) {
                            const std::uint32_t* li = g.list(x, l);
                            for (std::uint32_t j = 1; j <= li[0]; ++j)
                                edges.push_back({std::uint64_t{l} << 32 | li[j], x});
                        }
                    // stable: sources stay in ascending order within a target
                    std::stable_sort(edges.begin(), edges.end(),
                                     [](const edge& a, const edge& b) { return a.key < b.key; });
                    for (std::size_t i = 0; i < edges.size(); ++i) {
                        if (i == 0 || edges[i].key != edges[i - 1].key) groups.push_back(i);
                        sources.push_back(edges[i].source);
                    }
                    groups.push_back(edges.size());
                }
                linking = true;
                if (failed.load()) done = true;  // phase 1 incomplete: this batch is not published
            } else {  // phase 2 done: publish the batch, choose the next
                auto e = g.entry();
                for (std::uint32_t x = begin; x < end; ++x)
                    if (e.node == hnsw_graph::none || g.level_of(x) > e.level) e = {x, g.level_of(x)};
                g.publish(end, e);
                inserted = end;
                linking = false;
                begin = end;
                end = begin + std::min(batch_size(begin), last - begin);
                done = done || begin == last || failed.load();
            }
        } catch (...) {
            record(std::current_exception());
            done = true;
        }
    };

    std::barrier sync(static_cast<std::ptrdiff_t>(workers), between_phases);
    auto body = [&](std::size_t w) {
        for (;;) {
            while (!failed.load(std::memory_order_relaxed)) {
                const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
                if (i >= end - begin) break;
                try {
                    connect(begin + static_cast<std::uint32_t>(i), w);
                } catch (...) {
                    record(std::current_exception());
                }
            }
            sync.arrive_and_wait();
            if (done) return;  // no second barrier: every worker saw the same `done`
            constexpr std::size_t chunk = 16;  // groups per grab: they are small
            const std::size_t n_groups = groups.empty() ? 0 : groups.size() - 1;
            for (;;) {
                const std::size_t c = next.fetch_add(chunk, std::memory_order_relaxed);
                if (c >= n_groups) break;
                for (std::size_t gi = c; gi < std::min(c + chunk, n_groups); ++gi) {
                    const edge& e = edges[groups[gi]];
                    try {
                        relink(static_cast<unsigned>(e.key >> 32), static_cast<std::uint32_t>(e.key),
                               std::span<const std::uint32_t>(sources.data() + groups[gi], groups[gi + 1] - groups[gi]),
                               w);
                    } catch (...) {
                        record(std::current_exception());
                    }
                }
            }
            sync.arrive_and_wait();
            if (done) return;
        }
    };
    std::atomic<bool> unused{false};
    run_workers(workers, unused, body);
    return {inserted, error};
}

}  // namespace vspace::detail
/// @endcond
