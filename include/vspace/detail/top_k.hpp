// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Bounded selection of the k smallest (distance, id) pairs: a max-heap of size k whose top is
/// the current threshold, so most candidates cost one comparison.
#pragma once

#include <vspace/index/result.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace vspace::detail {

class top_k {
public:
    explicit top_k(std::size_t k) : k_(k) { heap_.reserve(k); }

    std::size_t k() const noexcept { return k_; }
    std::size_t size() const noexcept { return heap_.size(); }
    bool full() const noexcept { return heap_.size() == k_; }

    /// The distance a candidate must beat to enter (+inf until k are held).
    float threshold() const noexcept {
        return full() && k_ > 0 ? heap_.front().distance : std::numeric_limits<float>::infinity();
    }

    /// Offers a candidate; ties on distance keep the smaller id (deterministic).
    void push(float distance, std::int64_t id) {
        if (k_ == 0) return;
        const neighbor n{id, distance};
        if (!full()) {
            heap_.push_back(n);
            std::push_heap(heap_.begin(), heap_.end());
        } else if (n < heap_.front()) {
            std::pop_heap(heap_.begin(), heap_.end());
            heap_.back() = n;
            std::push_heap(heap_.begin(), heap_.end());
        }
    }

    void clear() noexcept { heap_.clear(); }

    /// The held neighbours, nearest first (empties the selector).
    std::vector<neighbor> take_sorted() {
        std::sort_heap(heap_.begin(), heap_.end());
        std::vector<neighbor> out;
        out.swap(heap_);
        heap_.reserve(k_);
        return out;
    }

    /// Writes the held neighbours nearest first into k slots (missing ones stay as they are).
    void write_sorted(std::int64_t* ids, float* distances) {
        std::sort_heap(heap_.begin(), heap_.end());
        for (std::size_t j = 0; j < heap_.size(); ++j) {
            ids[j] = heap_[j].id;
            distances[j] = heap_[j].distance;
        }
        heap_.clear();
    }

private:
    std::size_t k_;
    std::vector<neighbor> heap_;  // max-heap by (distance, id)
};

}  // namespace vspace::detail
/// @endcond
