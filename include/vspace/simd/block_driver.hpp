// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The loop nest every block kernel shares (BLIS-style blocking): pack the queries into
/// panels of `Tile::lanes` queries, then for each cache block of rows, for each panel, run the
/// register tile over groups of `Tile::rows` rows. A block of rows (about 384 KB) and one panel
/// stay in L2 while they are reused; the tile reads one panel element vector and broadcasts
/// one element of each row per step. The tile's epilogue compares its values with the
/// per-lane thresholds and offers the winners to the sink (see block_table.hpp).
///
/// A Tile provides: `panel_type`, `threshold_type`, `lanes`, `rows`, `group` (row elements
/// read per step), `pack(...)`, `to_threshold(float)`, `closed` (the threshold of an unused
/// lane: nothing beats it) and `run(...)`. Everything here is templated on the tile, hence on
/// the arch, as per-level code must be.
#pragma once

#include <vspace/simd/block_table.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vspace::simd::detail {

/// Bytes of the row block kept in L2 (of 1 MB on the machines measured; 2 MB on others):
/// about 40 % of it, the rest holds the panel in use and the prefetched rows.
template <class Tile>
inline constexpr std::size_t block_row_budget = 384 * 1024;

template <class Tile>
inline std::size_t round_up(std::size_t n, std::size_t m) noexcept {
    return (n + m - 1) / m * m;
}

/// Offers tile lane `lane` (query `query0 + lane`) and stores the query's new threshold.
template <class Tile>
inline void offer_lane(const block_sink& sink, typename Tile::threshold_type* thresholds, std::size_t query0,
                       std::size_t lane, std::size_t row, float value) noexcept {
    thresholds[lane] = Tile::to_threshold(sink.offer(sink.context, query0 + lane, row, value));
}

/// Runs Tile over problem `p`. The problem's element type is `Tile::element_type`.
template <class Tile, class Problem>
void run_blocks(const Problem& p, const block_sink& sink) noexcept {
    using S = typename Tile::element_type;
    using panel_type = typename Tile::panel_type;
    using threshold_type = typename Tile::threshold_type;
    constexpr std::size_t lanes = Tile::lanes, mr = Tile::rows;
    if (p.n_queries == 0 || p.n_rows == 0) return;

    // Scratch: panels | thresholds | a zero-padded copy of the last, partial group of rows.
    const std::size_t padded = round_up<Tile>(p.n, Tile::group);
    const std::size_t n_panels = (p.n_queries + lanes - 1) / lanes;
    const std::size_t panel_elements = Tile::panel_elements(p.n);
    auto* mem = static_cast<unsigned char*>(p.scratch);
    auto* panels = reinterpret_cast<panel_type*>(mem);
    mem += round_up<Tile>(n_panels * panel_elements * sizeof(panel_type), 64);
    auto* thresholds = reinterpret_cast<threshold_type*>(mem);
    mem += round_up<Tile>(n_panels * lanes * sizeof(threshold_type), 64);
    auto* tail = reinterpret_cast<S*>(mem);

    for (std::size_t panel = 0; panel < n_panels; ++panel) {
        const std::size_t first = panel * lanes;
        const std::size_t count = p.n_queries - first < lanes ? p.n_queries - first : lanes;
        Tile::pack(p.queries + first * p.query_stride, p.query_stride, count, p.n, panels + panel * panel_elements);
    }
    for (std::size_t lane = 0; lane < n_panels * lanes; ++lane)
        thresholds[lane] = lane < p.n_queries ? Tile::to_threshold(p.thresholds[lane]) : Tile::closed;

    // Full groups of mr rows are read in place; the last partial group from a padded copy.
    const std::size_t full = p.n_rows / mr * mr;
    if (full < p.n_rows) {
        std::memset(static_cast<void*>(tail), 0, mr * padded * sizeof(S));
        for (std::size_t r = full; r < p.n_rows; ++r)
            std::memcpy(tail + (r - full) * padded, p.rows + r * p.row_stride, padded * sizeof(S));
    }

    std::size_t block = block_row_budget<Tile> / (padded * sizeof(S)) / mr * mr;
    if (block < mr) block = mr;
    for (std::size_t r0 = 0; r0 < p.n_rows; r0 += block) {
        const std::size_t r1 = p.n_rows - r0 < block ? p.n_rows : r0 + block;
        for (std::size_t panel = 0; panel < n_panels; ++panel) {
            const panel_type* pp = panels + panel * panel_elements;
            threshold_type* tp = thresholds + panel * lanes;
            for (std::size_t r = r0; r < r1; r += mr) {
                if (r < full)
                    Tile::run(p, pp, p.rows + r * p.row_stride, p.row_stride, mr, r, panel * lanes, tp, sink);
                else
                    Tile::run(p, pp, tail, padded, p.n_rows - r, r, panel * lanes, tp, sink);
            }
        }
    }
}

}  // namespace vspace::simd::detail
/// @endcond
