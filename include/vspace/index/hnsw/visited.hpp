// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `visited_set`: which nodes a graph walk has already seen. One 16-bit stamp per node and a
/// current epoch: starting a new walk bumps the epoch instead of clearing the array, so a walk
/// costs only the nodes it touches (the array is cleared once every 65,535 walks).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vspace::detail {

class visited_set {
public:
    /// Starts a new walk over nodes [0, n).
    void start(std::size_t n) {
        if (stamps_.size() < n) stamps_.resize(n + n / 8, 0);  // headroom: the index may grow
        if (++epoch_ == 0) {
            std::fill(stamps_.begin(), stamps_.end(), std::uint16_t{0});
            epoch_ = 1;
        }
    }

    /// Marks `node`; true if it was already marked in this walk.
    bool test_and_set(std::uint32_t node) noexcept {
        std::uint16_t& s = stamps_[node];
        const bool seen = s == epoch_;
        s = epoch_;
        return seen;
    }

    bool contains(std::uint32_t node) const noexcept { return stamps_[node] == epoch_; }
    void prefetch(std::uint32_t node) const noexcept { __builtin_prefetch(stamps_.data() + node); }

private:
    std::vector<std::uint16_t> stamps_;
    std::uint16_t epoch_ = 0;
};

}  // namespace vspace::detail
/// @endcond
