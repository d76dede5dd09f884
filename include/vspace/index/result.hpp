// SPDX-License-Identifier: MIT
/// @file
/// What a search returns: `neighbor` (id and distance) for one query, `search_result` (a
/// queries x k table of ids and distances) for a batch. Nearest first; when fewer than k rows
/// qualify (a filter, a small index), the missing slots hold id -1 and distance +infinity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace vspace {

/// The id that marks an empty result slot.
inline constexpr std::int64_t no_id = -1;

/// One search hit: the row id in the index and its distance to the query.
struct neighbor {
    std::int64_t id = no_id;
    float distance = std::numeric_limits<float>::infinity();

    /// Nearest first; equal distances are ordered by id, so results are deterministic.
    friend constexpr bool operator<(const neighbor& a, const neighbor& b) noexcept {
        return a.distance < b.distance || (a.distance == b.distance && a.id < b.id);
    }
    friend constexpr bool operator==(const neighbor&, const neighbor&) noexcept = default;
};

/// Results of a batch search: row q holds the k neighbours of query q, nearest first.
/// Stored as two dense row-major arrays, ready to write as `.npy`.
class search_result {
public:
    search_result() = default;
    search_result(std::size_t queries, std::size_t k)
        : queries_(queries), k_(k), ids_(queries * k, no_id),
          distances_(queries * k, std::numeric_limits<float>::infinity()) {}

    std::size_t queries() const noexcept { return queries_; }
    std::size_t k() const noexcept { return k_; }

    std::span<const std::int64_t> ids(std::size_t q) const noexcept { return {ids_.data() + q * k_, k_}; }
    std::span<const float> distances(std::size_t q) const noexcept {
        return {distances_.data() + q * k_, k_};
    }
    std::span<std::int64_t> ids(std::size_t q) noexcept { return {ids_.data() + q * k_, k_}; }
    std::span<float> distances(std::size_t q) noexcept { return {distances_.data() + q * k_, k_}; }
    neighbor at(std::size_t q, std::size_t j) const noexcept {
        return {ids_[q * k_ + j], distances_[q * k_ + j]};
    }

    /// All ids, row-major (queries x k).
    const std::vector<std::int64_t>& all_ids() const noexcept { return ids_; }
    /// All distances, row-major (queries x k).
    const std::vector<float>& all_distances() const noexcept { return distances_; }

private:
    std::size_t queries_ = 0;
    std::size_t k_ = 0;
    std::vector<std::int64_t> ids_;
    std::vector<float> distances_;
};

}  // namespace vspace
