// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The attractive half of the t-SNE gradient, sum_j p_ij w_ij^(1/a) (y_i - y_j), over the
/// sparse P, and the KL divergence of the map. Both are O(nnz(P)) and independent per row.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/tsne/affinities.hpp>
#include <vspace/project/tsne/kernel.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace vspace::detail {

/// out[2i + k] = sum_j p_ij (y_i - y_j)_k / (1 + |y_i - y_j|^2 / a), a the degrees of freedom.
/// `y` holds the points x0, y0, x1, y1, ...; rows of P may index a different point set than
/// their own (`sources`), as when new points are placed on a fixed map.
inline void attraction(const sparse_rows& p, std::span<const float> targets, std::span<const float> sources,
                       const student_t& kernel, float* out, std::size_t n_threads) {
    const auto inv_dof = static_cast<float>(1.0 / kernel.dof);
    parallel_for(n_threads, p.n, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i) {
            const float x = targets[2 * i], y = targets[2 * i + 1];
            float fx = 0, fy = 0;
            for (std::size_t e = p.row_begin(i); e < p.row_end(i); ++e) {
                const std::size_t j = p.columns[e];
                const float dx = x - sources[2 * j], dy = y - sources[2 * j + 1];
                const float q = p.values[e] / (1.0f + (dx * dx + dy * dy) * inv_dof);
                fx += q * dx;
                fy += q * dy;
            }
            out[2 * i] = fx;
            out[2 * i + 1] = fy;
        }
    });
}

/// Sum over the rows of P of f(row), computed in fixed blocks and added in block order, so the
/// total does not depend on the thread count.
template <class RowSum>
double blocked_sum(std::size_t n, std::size_t n_threads, RowSum&& row_sum) {
    constexpr std::size_t block = 512;
    std::vector<double> partial((n + block - 1) / block, 0.0);
    parallel_for_dynamic(n_threads, partial.size(), 1, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t b = begin; b < end; ++b) {
            double s = 0;
            for (std::size_t i = b * block; i < std::min(n, (b + 1) * block); ++i) s += row_sum(i);
            partial[b] = s;
        }
    });
    double total = 0;
    for (double s : partial) total += s;
    return total;
}

/// The pieces of KL(P || Q) = sum_ij p_ij log p_ij - sum_ij p_ij log w_ij + log z (q = w / z,
/// P summing to 1): zero entries of P contribute nothing, so sums over the stored entries
/// give the whole divergence. `sum_p_log_p` is constant over the optimisation.
inline double sum_p_log_p(const sparse_rows& p, std::size_t n_threads) {
    return blocked_sum(p.n, n_threads, [&](std::size_t i) {
        double s = 0;
        for (std::size_t e = p.row_begin(i); e < p.row_end(i); ++e)
            if (p.values[e] > 0) s += static_cast<double>(p.values[e]) * std::log(static_cast<double>(p.values[e]));
        return s;
    });
}

/// sum_ij p_ij log w_ij for the rows of P (targets) over `sources`.
inline double sum_p_log_w(const sparse_rows& p, std::span<const float> targets, std::span<const float> sources,
                          const student_t& kernel, std::size_t n_threads) {
    return blocked_sum(p.n, n_threads, [&](std::size_t i) {
        const float x = targets[2 * i], y = targets[2 * i + 1];
        float s = 0;  // one row: float suffices, the rows add in double
        for (std::size_t e = p.row_begin(i); e < p.row_end(i); ++e) {
            const std::size_t j = p.columns[e];
            const float dx = x - sources[2 * j], dy = y - sources[2 * j + 1];
            s += p.values[e] * kernel.log_w(dx * dx + dy * dy);
        }
        return static_cast<double>(s);
    });
}

}  // namespace vspace::detail
/// @endcond
