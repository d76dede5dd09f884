// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `candidate_list`: the "W" and "C" sets of the HNSW search (Malkov & Yashunin 2018, Alg. 2)
/// in one fixed-capacity array kept sorted by distance. The best ef nodes found so far are held
/// with a mark telling whether their links were expanded; the walk expands the nearest
/// unexpanded node until none is left. A node beyond the ef-th would have ended the search in
/// the two-heap formulation, so dropping it changes nothing, and a sorted array of 8-byte
/// entries beats two binary heaps on the short lists HNSW uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace vspace::detail {

struct candidate {
    float distance;
    std::uint32_t node;  ///< top bit: expanded (see candidate_list)
};

class candidate_list {
public:
    static constexpr std::uint32_t expanded_bit = std::uint32_t{1} << 31;

    /// Empties the list and sets its capacity (ef).
    void reset(std::size_t capacity) {
        if (items_.size() < capacity + 1) items_.resize(capacity + 1);
        capacity_ = capacity;
        size_ = 0;
        cursor_ = 0;
    }

    std::size_t size() const noexcept { return size_; }
    bool full() const noexcept { return size_ == capacity_; }

    /// The distance a new node must beat to enter (+inf until the list is full).
    float bound() const noexcept {
        return full() ? items_[size_ - 1].distance : std::numeric_limits<float>::infinity();
    }

    /// Inserts a node (call only when `distance < bound()`); keeps the order, drops the last
    /// node when full. Equal distances keep insertion order.
    void insert(float distance, std::uint32_t node) noexcept {
        // binary search: with ef in the hundreds (builds) a linear scan from the end showed up
        // as 9 % of the build time
        std::size_t lo = 0, hi = size_;
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (items_[mid].distance > distance) hi = mid;
            else lo = mid + 1;
        }
        const std::size_t pos = lo;
        const std::size_t moved = (full() ? size_ - 1 : size_) - pos;
        std::memmove(static_cast<void*>(&items_[pos + 1]), &items_[pos], moved * sizeof(candidate));
        items_[pos] = {distance, node};
        if (!full()) ++size_;
        if (pos < cursor_) cursor_ = pos;
    }

    /// The nearest unexpanded node, now marked expanded; `none` when all are expanded.
    std::uint32_t next() noexcept {
        while (cursor_ < size_ && (items_[cursor_].node & expanded_bit)) ++cursor_;
        if (cursor_ == size_) return std::numeric_limits<std::uint32_t>::max();
        items_[cursor_].node |= expanded_bit;
        return items_[cursor_].node & ~expanded_bit;
    }

    /// The node `next()` would return now (if nothing is inserted first), without marking it.
    std::uint32_t peek() const noexcept {
        for (std::size_t i = cursor_; i < size_; ++i)
            if (!(items_[i].node & expanded_bit)) return items_[i].node;
        return std::numeric_limits<std::uint32_t>::max();
    }

    /// Entry i (0 = nearest), without the mark.
    candidate operator[](std::size_t i) const noexcept {
        return {items_[i].distance, items_[i].node & ~expanded_bit};
    }

private:
    std::vector<candidate> items_;
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;
    std::size_t cursor_ = 0;  // no unexpanded node before this position
};

}  // namespace vspace::detail
/// @endcond
