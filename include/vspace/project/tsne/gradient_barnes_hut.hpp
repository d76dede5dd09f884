// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Barnes-Hut repulsive forces (van der Maaten 2014): a quadtree over the sources; a cell far
/// enough from the target (side / distance < theta) acts as one point of its total mass at its
/// centre of mass. O(n log n) per evaluation; theta = 0 opens every cell and is exact.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/tsne/kernel.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace vspace::detail {

/// A point-region quadtree over 2-D points, rebuilt each iteration (its buffers are reused).
class quadtree {
public:
    static constexpr std::size_t no_skip = std::numeric_limits<std::size_t>::max();
    /// Points per leaf: leaves are summed directly, so a few points per leaf trade a little
    /// direct work for far fewer cells visited.
    static constexpr std::size_t leaf_size = 4;
    /// Cells stop splitting at this depth: beyond ~24 levels float coordinates cannot be told
    /// apart, and duplicates would otherwise split forever.
    static constexpr std::size_t max_depth = 30;

    /// Builds the tree over `xy` (x0, y0, x1, y1, ...). Deterministic: the same points give the
    /// same tree.
    void build(std::span<const float> xy) {
        const std::size_t n = xy.size() / 2;
        nodes_.clear();
        corners_.clear();
        ids_.resize(n);
        scratch_.resize(n);
        for (std::size_t i = 0; i < n; ++i) ids_[i] = static_cast<std::uint32_t>(i);
        if (n == 0) return;
        float lo_x = xy[0], hi_x = xy[0], lo_y = xy[1], hi_y = xy[1];
        for (std::size_t i = 1; i < n; ++i) {
            lo_x = std::min(lo_x, xy[2 * i]), hi_x = std::max(hi_x, xy[2 * i]);
            lo_y = std::min(lo_y, xy[2 * i + 1]), hi_y = std::max(hi_y, xy[2 * i + 1]);
        }
        float side = std::max(hi_x - lo_x, hi_y - lo_y);
        side = side > 0 ? side * (1 + 1e-5f) : 1.0f;  // all points inside, even the largest
        add_node(xy, 0, static_cast<std::uint32_t>(n), lo_x, lo_y, side);
        struct pending {
            std::uint32_t node;
            std::uint32_t depth;
        };
        std::vector<pending> stack{{0, 0}};
        while (!stack.empty()) {
            const auto [index, depth] = stack.back();
            stack.pop_back();
            const node cell = nodes_[index];
            if (cell.end - cell.begin <= leaf_size || depth >= max_depth) continue;
            const float half = cell.side / 2, mid_x = corners_[index][0] + half, mid_y = corners_[index][1] + half;
            // Stable counting partition of the cell's points into its four quadrants.
            std::array<std::uint32_t, 5> start{};
            for (std::uint32_t p = cell.begin; p < cell.end; ++p) ++start[quadrant(xy, ids_[p], mid_x, mid_y) + 1];
            for (std::size_t q = 1; q < 5; ++q) start[q] += start[q - 1];
            std::array<std::uint32_t, 4> fill{start[0], start[1], start[2], start[3]};
            for (std::uint32_t p = cell.begin; p < cell.end; ++p)
                scratch_[cell.begin + fill[quadrant(xy, ids_[p], mid_x, mid_y)]++] = ids_[p];
            std::copy(scratch_.begin() + cell.begin, scratch_.begin() + cell.end, ids_.begin() + cell.begin);
            const auto first = static_cast<std::uint32_t>(nodes_.size());
            nodes_[index].first_child = first;
            for (std::uint32_t q = 0; q < 4; ++q) {
                add_node(xy, cell.begin + start[q], cell.begin + start[q + 1],
                         corners_[index][0] + ((q & 1) ? half : 0), corners_[index][1] + ((q & 2) ? half : 0), half);
                stack.push_back({first + q, depth + 1});
            }
        }
        xy_.resize(2 * n);
        for (std::size_t p = 0; p < n; ++p) {
            xy_[2 * p] = xy[2 * ids_[p]];
            xy_[2 * p + 1] = xy[2 * ids_[p] + 1];
        }
    }

    /// Adds the repulsion of every tree point on (x, y) to sum, fx, fy (see kernel.hpp), skipping
    /// point `skip` (an index into the built points, or no_skip).
    void accumulate(float x, float y, std::size_t skip, float theta2, const student_t& kernel, double& sum, double& fx,
                    double& fy) const noexcept {
        if (nodes_.empty()) return;
        std::array<std::uint32_t, 4 * max_depth + 8> stack;  // each opened cell pushes 4
        std::size_t top = 0;
        stack[top++] = 0;
        float s = 0, gx = 0, gy = 0;  // per-call partial sums: float is ample within one target
        while (top > 0) {
            const node& c = nodes_[stack[--top]];
            if (c.begin == c.end) continue;
            const float dx = x - c.cx, dy = y - c.cy, d2 = dx * dx + dy * dy;
            if (c.first_child == 0) {  // a leaf: each point directly
                for (std::uint32_t p = c.begin; p < c.end; ++p) {
                    if (ids_[p] == skip) continue;
                    const float px = x - xy_[2 * p], py = y - xy_[2 * p + 1];
                    float w, a;
                    kernel.weights(px * px + py * py, w, a);
                    s += w, gx += a * px, gy += a * py;
                }
            } else if (c.side * c.side < theta2 * d2) {  // far: the cell as one mass
                float w, a;
                kernel.weights(d2, w, a);
                s += c.mass * w, gx += c.mass * a * dx, gy += c.mass * a * dy;
            } else {
                for (std::uint32_t q = 0; q < 4; ++q) stack[top++] = c.first_child + q;
            }
        }
        sum += s, fx += gx, fy += gy;
    }

    /// Original index of the p-th point in tree order (nearby points are adjacent).
    std::uint32_t id_in_order(std::size_t p) const noexcept { return ids_[p]; }
    std::size_t node_count() const noexcept { return nodes_.size(); }

private:
    struct node {
        float cx = 0, cy = 0;  ///< centre of mass
        float mass = 0;        ///< points below
        float side = 0;        ///< side of the square cell
        std::uint32_t first_child = 0;  ///< 0 = leaf (the root is never a child)
        std::uint32_t begin = 0, end = 0;  ///< the cell's points: ids_[begin, end)
    };

    static std::uint32_t quadrant(std::span<const float> xy, std::uint32_t i, float mid_x, float mid_y) noexcept {
        return (xy[2 * i] >= mid_x ? 1u : 0u) | (xy[2 * i + 1] >= mid_y ? 2u : 0u);
    }

    void add_node(std::span<const float> xy, std::uint32_t begin, std::uint32_t end, float x0, float y0, float side) {
        double sx = 0, sy = 0;
        for (std::uint32_t p = begin; p < end; ++p) sx += xy[2 * ids_[p]], sy += xy[2 * ids_[p] + 1];
        const double m = end - begin;
        node c;
        c.cx = m > 0 ? static_cast<float>(sx / m) : 0;
        c.cy = m > 0 ? static_cast<float>(sy / m) : 0;
        c.mass = static_cast<float>(m);
        c.side = side;
        c.begin = begin, c.end = end;
        nodes_.push_back(c);
        corners_.push_back({x0, y0});
    }

    std::vector<node> nodes_;
    std::vector<std::array<float, 2>> corners_;  // lower-left corner of each cell (build only)
    std::vector<std::uint32_t> ids_, scratch_;
    std::vector<float> xy_;  // the points in tree order
};

/// Barnes-Hut `repulsion_output` of `targets` against `sources` (see gradient_exact.hpp for
/// the layout). `theta` compares a cell's side with the distance from the target to its centre
/// of mass (scikit-learn's convention; van der Maaten 2014 uses the cell's diagonal, bhtsne
/// half its side). Targets are independent, so the result does not depend on the thread count.
inline void barnes_hut_repulsion(quadtree& tree, std::span<const float> sources, std::span<const float> targets,
                                 bool self, double theta, const student_t& kernel, repulsion_output out,
                                 std::size_t n_threads) {
    tree.build(sources);
    const std::size_t m = targets.size() / 2;
    const auto theta2 = static_cast<float>(theta * theta);
    parallel_for_dynamic(n_threads, m, 256, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t p = begin; p < end; ++p) {
            // Self maps walk the targets in tree order: neighbours open the same cells.
            const std::size_t t = self ? tree.id_in_order(p) : p;
            double sum = 0, fx = 0, fy = 0;
            tree.accumulate(targets[2 * t], targets[2 * t + 1], self ? t : quadtree::no_skip, theta2, kernel, sum, fx,
                            fy);
            out.sums[t] = sum;
            out.force[2 * t] = static_cast<float>(fx);
            out.force[2 * t + 1] = static_cast<float>(fy);
        }
    });
}

}  // namespace vspace::detail
/// @endcond
