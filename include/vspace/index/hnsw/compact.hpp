// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `hnsw_index::compact`: reclaims removed rows and repairs the graph around them. Included at
/// the end of index/hnsw.hpp.
#pragma once

#include <vspace/index/hnsw.hpp>

namespace vspace {

template <class Metric, class T>
    requires metric<Metric, T>
void hnsw_index<Metric, T>::compact() {
    check_writable("hnsw_index::compact");
    std::lock_guard write(sync_->write);
    detail::exclusive_hold hold(sync_->gate);
    const std::uint32_t n = graph_.size();
    const std::uint32_t m = graph_.m(), m0 = graph_.m0();

    // New slots: live nodes keep their order.
    std::vector<std::uint32_t> slot(n, none), old;
    for (std::uint32_t i = 0; i < n; ++i)
        if (!graph_.removed(i)) {
            slot[i] = static_cast<std::uint32_t>(old.size());
            old.push_back(i);
        }
    const auto live = static_cast<std::uint32_t>(old.size());
    std::vector<std::uint32_t> upper_at(live);
    std::size_t upper_lists = 0;
    for (std::uint32_t j = 0; j < live; ++j) {
        upper_at[j] = static_cast<std::uint32_t>(upper_lists);
        upper_lists += graph_.level_of(old[j]);
    }
    detail::big_vector<std::uint32_t> links0(std::size_t{live} * (1 + m0), 0), upper(upper_lists * (1 + m), 0);

    // Repair: a node that linked to removed nodes re-selects its neighbours, with the
    // heuristic, from its live neighbours and the live neighbours of the removed ones.
    const std::size_t workers = std::min<std::size_t>(resolve_threads(options_.n_threads), std::max<std::uint32_t>(1, live / 256));
    std::vector<scratch> scratches(workers);
    parallel_for(workers, live, [&](std::size_t begin, std::size_t end, std::size_t w) {
        scratch& s = scratches[w];
        for (std::size_t j = begin; j < end; ++j) {
            const std::uint32_t i = old[j];
            for (unsigned l = 0; l <= graph_.level_of(i); ++l) {
                const std::uint32_t* li = graph_.list(i, l);
                std::uint32_t* out = l == 0 ? links0.data() + j * (1 + m0)
                                            : upper.data() + (std::size_t{upper_at[j]} + l - 1) * (1 + m);
                const bool damaged = std::any_of(li + 1, li + 1 + li[0], [&](std::uint32_t x) { return graph_.removed(x); });
                if (!damaged) {
                    out[0] = li[0];
                    for (std::uint32_t k = 1; k <= li[0]; ++k) out[k] = slot[li[k]];
                    continue;
                }
                s.visited.start(n);
                s.visited.test_and_set(i);
                s.best.clear();
                const auto offer = [&](std::uint32_t x) {
                    if (!graph_.removed(x) && !s.visited.test_and_set(x)) s.best.push_back({distance(vec(i), vec(x)), x});
                };
                for (std::uint32_t k = 1; k <= li[0]; ++k) {
                    if (!graph_.removed(li[k])) {
                        offer(li[k]);
                        continue;
                    }
                    const std::uint32_t* lr = graph_.list(li[k], l);
                    for (std::uint32_t r = 1; r <= lr[0]; ++r) offer(lr[r]);
                }
                std::sort(s.best.begin(), s.best.end(), [](const candidate& a, const candidate& b) {
                    return a.distance < b.distance || (a.distance == b.distance && a.node < b.node);
                });
                const std::size_t kept = detail::select_neighbors(
                    s.best.data(), s.best.size(), graph_.cap(l),
                    [&](std::uint32_t a, std::uint32_t b, float bound) { return closer(a, b, bound); });
                out[0] = static_cast<std::uint32_t>(kept);
                for (std::size_t k = 0; k < kept; ++k) out[1 + k] = slot[s.best[k].node];
            }
        }
    });

    // The entry point survives unless it was removed; then the first live node of the top level.
    std::uint32_t entry = none;
    const auto e = graph_.entry();
    if (e.node != none && !graph_.removed(e.node)) {
        entry = slot[e.node];
    } else {
        for (std::uint32_t j = 0; j < live; ++j)
            if (entry == none || graph_.level_of(old[j]) > graph_.level_of(old[entry])) entry = j;
    }

    detail::big_vector<storage_type> data(std::size_t{live} * stride_);
    detail::big_vector<std::uint8_t> levels(live), flags(live, 0);
    detail::big_vector<std::int64_t> labels(live);
    for (std::uint32_t j = 0; j < live; ++j) {
        std::memcpy(data.data() + std::size_t{j} * stride_, vec(old[j]), row_bytes_);
        levels[j] = static_cast<std::uint8_t>(graph_.level_of(old[j]));
        labels[j] = graph_.label(old[j]);
    }
    detail::big_vector<std::uint32_t> slot_of(static_cast<std::size_t>(graph_.next_id()));
    for (std::size_t id = 0; id < slot_of.size(); ++id) {
        const std::uint32_t s = graph_.slot_of(static_cast<std::int64_t>(id));
        slot_of[id] = s == none ? none : slot[s];
    }

    auto raw = graph_.raw();
    raw.links0->adopt(std::move(links0));
    raw.upper->adopt(std::move(upper));
    raw.levels->adopt(std::move(levels));
    raw.flags->adopt(std::move(flags));
    raw.labels->adopt(std::move(labels));
    raw.slot_of->adopt(std::move(slot_of));
    graph_.rebuild(live, entry, "hnsw_index::compact");
    data_.adopt(std::move(data));
    vectors_ = data_.data();
    slot_capacity_ = live;
}

}  // namespace vspace
/// @endcond
