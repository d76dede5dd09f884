// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The exact repulsive forces of t-SNE: every target against every source, O(n m). The
/// reference the Barnes-Hut and FFT methods are tested against, and the method `automatic`
/// picks for small maps, where it is also the fastest.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/tsne/kernel.hpp>

#include <cstddef>
#include <span>

namespace vspace::detail {

/// Exact `repulsion_output` (see kernel.hpp) of `targets` against `sources`, both 2-D points
/// stored x0, y0, x1, y1, ... With `self`, targets and sources are the same points and the
/// pair (t, t) is skipped. Sums are accumulated in double; each target is independent, so the
/// result does not depend on the thread count.
inline void exact_repulsion(std::span<const float> sources, std::span<const float> targets, bool self,
                            const student_t& kernel, repulsion_output out, std::size_t n_threads) {
    const std::size_t n = sources.size() / 2, m = targets.size() / 2;
    parallel_for_dynamic(n_threads, m, 64, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t t = begin; t < end; ++t) {
            const float x = targets[2 * t], y = targets[2 * t + 1];
            double sum = 0, fx = 0, fy = 0;
            for (std::size_t s = 0; s < n; ++s) {
                if (self && s == t) continue;
                const float dx = x - sources[2 * s], dy = y - sources[2 * s + 1];
                float w, a;
                kernel.weights(dx * dx + dy * dy, w, a);
                sum += w;
                fx += static_cast<double>(a) * dx;
                fy += static_cast<double>(a) * dy;
            }
            out.sums[t] = sum;
            out.force[2 * t] = static_cast<float>(fx);
            out.force[2 * t + 1] = static_cast<float>(fy);
        }
    });
}

}  // namespace vspace::detail
/// @endcond
