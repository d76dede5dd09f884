// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `hnsw_graph`: the type-independent part of an HNSW index — the link lists of every layer,
/// node levels, external ids and tombstones. Nothing here depends on the metric or the scalar
/// kind, so it is compiled once per program, not once per index type.
///
/// Layout (chosen for the search loop and for mapping a saved file without copying):
///  - level 0: one list per node, `1 + m0` words each (`[count, id...]`), contiguous by node;
///  - upper levels: a pool of lists of `1 + m` words; node i's lists for levels 1..L are
///    consecutive, starting at `upper_at[i]`, and nodes are allocated in slot order, so the
///    offsets are a prefix sum of the levels (recomputed on load, never trusted from a file);
///  - per node: level (byte), flags (byte, bit 0 = removed), external id (int64);
///  - external id -> slot (uint32, `none` once removed and compacted).
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/index/hnsw/slab.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace vspace::detail {

class hnsw_graph {
public:
    /// Slot ids use 31 bits: candidate lists keep an "expanded" mark in the top bit.
    static constexpr std::uint32_t max_nodes = (std::uint32_t{1} << 31) - 1;
    static constexpr unsigned max_level = 31;
    static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::uint8_t removed_flag = 1;

    hnsw_graph() = default;
    explicit hnsw_graph(std::uint32_t m) : m_(m), m0_(2 * m) {}

    hnsw_graph(hnsw_graph&& o) noexcept { *this = std::move(o); }
    hnsw_graph& operator=(hnsw_graph&& o) noexcept {
        m_ = o.m_;
        m0_ = o.m0_;
        links0_ = std::move(o.links0_);
        upper_ = std::move(o.upper_);
        upper_at_ = std::move(o.upper_at_);
        levels_ = std::move(o.levels_);
        flags_ = std::move(o.flags_);
        labels_ = std::move(o.labels_);
        slot_of_ = std::move(o.slot_of_);
        size_.store(o.size_.load());
        entry_.store(o.entry_.load());
        removed_.store(o.removed_.load());
        next_id_.store(o.next_id_.load());
        return *this;
    }

    std::uint32_t m() const noexcept { return m_; }
    std::uint32_t m0() const noexcept { return m0_; }
    /// Most links a node keeps on `level`.
    std::uint32_t cap(unsigned level) const noexcept { return level == 0 ? m0_ : m_; }

    // ---- read side (searches; safe while an add runs) ----

    /// Slots that searches may reach (live and removed).
    std::uint32_t size() const noexcept { return size_.load(std::memory_order_acquire); }
    /// Slots removed but not yet compacted away.
    std::size_t removed_count() const noexcept { return removed_.load(std::memory_order_acquire); }

    struct entry_point {
        std::uint32_t node = none;
        unsigned level = 0;
    };
    /// Where every search starts: a node on the top level (node `none` while empty). Load it
    /// before `size()`: then entry.node < size().
    entry_point entry() const noexcept {
        const std::uint64_t e = entry_.load(std::memory_order_acquire);
        return {static_cast<std::uint32_t>(e), static_cast<unsigned>(e >> 32)};
    }

    /// The list `[count, id...]` of `node` on `level` (level <= level_of(node)).
    const std::uint32_t* list(std::uint32_t node, unsigned level) const noexcept {
        return level == 0 ? links0_.data() + std::size_t{node} * (1 + m0_)
                          : upper_.data() + (std::size_t{upper_at_[node]} + level - 1) * (1 + m_);
    }
    std::uint32_t* list(std::uint32_t node, unsigned level) noexcept {
        return const_cast<std::uint32_t*>(static_cast<const hnsw_graph&>(*this).list(node, level));
    }
    const std::uint32_t* level0_data() const noexcept { return links0_.data(); }

    unsigned level_of(std::uint32_t node) const noexcept { return levels_[node]; }
    std::int64_t label(std::uint32_t node) const noexcept { return labels_[node]; }
    bool removed(std::uint32_t node) const noexcept { return (load_byte(flags_[node]) & removed_flag) != 0; }

    /// Ids handed out so far (the next add starts here).
    std::int64_t next_id() const noexcept { return next_id_.load(std::memory_order_acquire); }
    /// The slot holding external id `id`, or `none`.
    std::uint32_t slot_of(std::int64_t id) const noexcept {
        return id < 0 || id >= next_id() ? none : slot_of_[static_cast<std::size_t>(id)];
    }

    // ---- write side (one writer at a time; the caller serializes) ----

    /// Capacity for `slots` nodes, `upper_lists` upper-level lists and `ids` external ids.
    /// May move everything: call under the index's exclusive lock.
    void reserve(std::size_t slots, std::size_t upper_lists, std::size_t ids) {
        links0_.reserve(slots * (1 + m0_));
        upper_.reserve(upper_lists * (1 + m_));
        upper_at_.reserve(slots);
        levels_.reserve(slots);
        flags_.reserve(slots);
        labels_.reserve(slots);
        slot_of_.reserve(ids);
    }
    bool fits(std::size_t slots, std::size_t upper_lists, std::size_t ids) const noexcept {
        return slots * (1 + m0_) <= links0_.capacity() && upper_lists * (1 + m_) <= upper_.capacity() &&
               slots <= levels_.capacity() && slots <= upper_at_.capacity() && slots <= flags_.capacity() &&
               slots <= labels_.capacity() && ids <= slot_of_.capacity();
    }
    std::size_t upper_lists() const noexcept { return upper_.size() / (1 + m_); }

    /// Appends an unpublished node with empty lists and a fresh external id. Within the
    /// reserved capacity nothing moves, so it runs alongside searches.
    std::uint32_t append(unsigned level) {
        const auto node = static_cast<std::uint32_t>(levels_.size());
        const auto id = static_cast<std::int64_t>(slot_of_.size());
        links0_.resize(links0_.size() + 1 + m0_, 0);
        upper_at_.resize(node + 1, static_cast<std::uint32_t>(upper_lists()));
        if (level > 0) upper_.resize(upper_.size() + std::size_t{level} * (1 + m_), 0);
        levels_.resize(node + 1, static_cast<std::uint8_t>(level));
        flags_.resize(node + 1, 0);
        labels_.resize(node + 1, id);
        slot_of_.resize(static_cast<std::size_t>(id) + 1, node);
        return node;
    }

    /// Makes slots [0, count) reachable, with `e` as the entry point.
    void publish(std::uint32_t count, entry_point e) noexcept {
        // ids grow with the slot order, so the last published node holds the largest id
        if (count > 0 && labels_[count - 1] >= next_id_.load(std::memory_order_relaxed))
            next_id_.store(labels_[count - 1] + 1, std::memory_order_release);
        // size first: a reader that loads the entry point, then the size, gets entry < size
        size_.store(count, std::memory_order_release);
        entry_.store(std::uint64_t{e.node} | (std::uint64_t{e.level} << 32), std::memory_order_release);
    }

    /// Replaces the list of `node` on `level` by `ids` (at most cap(level) of them).
    void set_list(std::uint32_t node, unsigned level, const std::uint32_t* ids, std::uint32_t count) noexcept {
        std::uint32_t* l = list(node, level);
        for (std::uint32_t j = 0; j < count; ++j) store_word(l[1 + j], ids[j]);
        store_word(l[0], count);
    }

    /// Drops the appended nodes from `count` on (nothing may link to them), with their ids.
    void truncate(std::uint32_t count) {
        const std::size_t dropped = levels_.size() - count;
        if (count < levels_.size()) upper_.resize(std::size_t{upper_at_[count]} * (1 + m_));
        links0_.resize(std::size_t{count} * (1 + m0_));
        upper_at_.resize(count);
        levels_.resize(count);
        flags_.resize(count);
        labels_.resize(count);
        slot_of_.resize(slot_of_.size() - dropped);
    }

    void mark_removed(std::uint32_t node) noexcept {
        store_byte(flags_[node], static_cast<std::uint8_t>(flags_[node] | removed_flag));
        removed_.fetch_add(1, std::memory_order_acq_rel);
    }

    std::size_t memory_bytes() const noexcept {
        return links0_.memory_bytes() + upper_.memory_bytes() + upper_at_.memory_bytes() + levels_.memory_bytes() +
               flags_.memory_bytes() + labels_.memory_bytes() + slot_of_.memory_bytes();
    }

    /// Frees unused capacity (moves everything: exclusive lock).
    void shrink_to_fit() {
        links0_.shrink_to_fit();
        upper_.shrink_to_fit();
        upper_at_.shrink_to_fit();
        levels_.shrink_to_fit();
        flags_.shrink_to_fit();
        labels_.shrink_to_fit();
        slot_of_.shrink_to_fit();
    }

    /// The raw arrays, for saving and for compaction.
    struct arrays {
        slab<std::uint32_t>* links0;
        slab<std::uint32_t>* upper;
        slab<std::uint8_t>* levels;
        slab<std::uint8_t>* flags;
        slab<std::int64_t>* labels;
        slab<std::uint32_t>* slot_of;
    };
    arrays raw() noexcept { return {&links0_, &upper_, &levels_, &flags_, &labels_, &slot_of_}; }
    const slab<std::uint32_t>& links0() const noexcept { return links0_; }
    const slab<std::uint32_t>& upper() const noexcept { return upper_; }
    const slab<std::uint8_t>& levels() const noexcept { return levels_; }
    const slab<std::uint8_t>& flags() const noexcept { return flags_; }
    const slab<std::int64_t>& labels() const noexcept { return labels_; }
    const slab<std::uint32_t>& slot_of() const noexcept { return slot_of_; }

    /// After `raw()` arrays were filled (load, view, compact): checks every invariant a hostile
    /// or corrupt file could break, rebuilds the derived arrays (upper offsets, id map) and
    /// publishes `count` nodes. Throws format_error (naming `where`) and leaves the graph
    /// unpublished on failure.
    void rebuild(std::uint32_t count, std::uint32_t entry_node, const char* where) {
        if (levels_.size() != count || flags_.size() != count || labels_.size() != count ||
            links0_.size() != std::size_t{count} * (1 + m0_))
            VSPACE_THROW(format_error, where, ": node arrays disagree on the node count (expected ", count,
                         " entries each)");
        upper_at_.resize(0);
        upper_at_.resize(count, 0);
        std::size_t lists = 0, removed = 0;
        unsigned top = 0;
        for (std::uint32_t i = 0; i < count; ++i) {
            if (levels_[i] > max_level)
                VSPACE_THROW(format_error, where, ": node ", i, " has level ", unsigned{levels_[i]},
                             " (expected <= ", max_level, ")");
            if ((flags_[i] & ~removed_flag) != 0)
                VSPACE_THROW(format_error, where, ": node ", i, " has unknown flags ", unsigned{flags_[i]},
                             " (expected 0 or ", unsigned{removed_flag}, ")");
            upper_at_[i] = static_cast<std::uint32_t>(lists);
            lists += levels_[i];
            if (lists > std::numeric_limits<std::uint32_t>::max())
                VSPACE_THROW(format_error, where, ": upper-level lists overflow at node ", i,
                             " (expected at most 2^32 - 1)");
            removed += flags_[i] & removed_flag;
            top = std::max<unsigned>(top, levels_[i]);
        }
        if (lists * (1 + m_) != upper_.size())
            VSPACE_THROW(format_error, where, ": upper-level lists hold ", upper_.size(), " words (expected ",
                         lists * (1 + m_), " from the node levels)");
        for (std::uint32_t i = 0; i < count; ++i)
            for (unsigned l = 0; l <= levels_[i]; ++l) {
                const std::uint32_t* li = list(i, l);
                if (li[0] > cap(l))
                    VSPACE_THROW(format_error, where, ": node ", i, " has ", li[0], " links on level ", l,
                                 " (expected <= ", cap(l), ")");
                for (std::uint32_t j = 1; j <= li[0]; ++j)
                    if (li[j] >= count || li[j] == i || levels_[li[j]] < l)
                        VSPACE_THROW(format_error, where, ": node ", i, " links to ", li[j], " on level ", l,
                                     " (expected another node of level >= ", l, " below ", count, ")");
            }
        if (count > 0 && (entry_node >= count || levels_[entry_node] != top))
            VSPACE_THROW(format_error, where, ": entry point ", entry_node, " (expected a node of the top level ", top,
                         " below ", count, ")");
        // the id map and the labels must be inverse bijections
        std::size_t mapped = 0;
        for (std::size_t id = 0; id < slot_of_.size(); ++id) {
            const std::uint32_t s = slot_of_[id];
            if (s == none) continue;
            if (s >= count || labels_[s] != static_cast<std::int64_t>(id))
                VSPACE_THROW(format_error, where, ": id ", id, " maps to slot ", s, " (expected a slot below ", count,
                             " that holds it)");
            ++mapped;
        }
        if (mapped != count)
            VSPACE_THROW(format_error, where, ": ", mapped, " ids map to nodes (expected ", count, ")");
        removed_.store(removed);
        next_id_.store(static_cast<std::int64_t>(slot_of_.size()));
        publish(count, {count > 0 ? entry_node : none, top});
    }

private:
    std::uint32_t m_ = 0;
    std::uint32_t m0_ = 0;
    slab<std::uint32_t> links0_;
    slab<std::uint32_t> upper_;
    slab<std::uint32_t> upper_at_;
    slab<std::uint8_t> levels_;
    slab<std::uint8_t> flags_;
    slab<std::int64_t> labels_;
    slab<std::uint32_t> slot_of_;
    std::atomic<std::uint32_t> size_{0};
    std::atomic<std::uint64_t> entry_{none};
    std::atomic<std::size_t> removed_{0};
    std::atomic<std::int64_t> next_id_{0};
};

}  // namespace vspace::detail
/// @endcond
