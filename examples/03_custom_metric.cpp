// SPDX-License-Identifier: MIT
// Lesson 3: your own metric. A metric is any copyable struct callable on two rows that returns
// a number; the index needs nothing else. Built-ins get SIMD kernels, yours is inlined.
// Run: example_03_custom_metric
#include <vspace/core/matrix.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/l2.hpp>

#include <cmath>
#include <cstdio>
#include <span>

// Manhattan (L1) distance: sum of |a_i - b_i|, the length of a path along the grid.
struct manhattan {
    float operator()(std::span<const float> a, std::span<const float> b) const noexcept {
        float d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d += std::abs(a[i] - b[i]);
        return d;
    }
};
// The concept states the contract, so a mistake fails here with one line, not deep in a template.
static_assert(vspace::metric<manhattan, float>);
// A metric for float rows is not one for binary rows (they are spans of 64-bit words).
static_assert(!vspace::metric<manhattan, vspace::bit>);

// Points on a street grid: the two metrics disagree on which is nearer to the origin.
int main() {
    const float points[][2] = {{0, 0}, {3, 3}, {0, 4.5f}, {4, 2.5f}};
    vspace::matrix<float> data(4, 2);
    for (std::size_t i = 0; i < 4; ++i) data(i, 0) = points[i][0], data(i, 1) = points[i][1];

    vspace::flat_index<manhattan, float> walk(2);   // used exactly like a built-in metric
    vspace::flat_index<vspace::l2, float> fly(2);
    walk.add(data);
    fly.add(data);

    for (const auto* name : {"manhattan", "l2"}) {
        const bool l1 = name[0] == 'm';
        const auto hits = l1 ? walk.search(data.row(0), 4) : fly.search(data.row(0), 4);
        std::printf("%-9s from (0,0):", name);
        for (const auto& n : hits)
            std::printf("  (%g,%g) %.2f", points[n.id][0], points[n.id][1], n.distance);
        std::printf("\n");
    }
    // Walking, (0,4.5) is nearer than (3,3) (4.5 < 6); flying, (3,3) wins (4.24 < 4.5).
    const bool ok = walk.search(data.row(0), 2)[1].id == 2 && fly.search(data.row(0), 2)[1].id == 1;
    std::printf("the two metrics rank the points differently: %s\n", ok ? "yes" : "NO");
    return ok ? 0 : 1;
}
