// SPDX-License-Identifier: MIT
/// @file
/// Squared Euclidean distance for float vectors, written once over xsimd batches.
/// Squared because ordering is preserved and the square root is costly; `metric::l2` takes it.
#pragma once

#include <vspace/simd/ops.hpp>

#include <cstddef>

namespace vspace::simd {

/// |a - b|^2 for float vectors. Sums the squared differences directly (never |a|^2 + |b|^2 -
/// 2<a,b>), so near-identical vectors keep full relative accuracy.
struct l2sq_f32 {
    /// Rows per pass: 4 rows x 4 accumulators fit in 32 registers, 2 rows in 16.
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return register_count<Arch> >= 32 ? 4 : 2;
    }
    /// out[k] = |q - rows[k]|^2 for k < R.
    template <class Arch, std::size_t R>
    static void run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept;
};

template <class Arch, std::size_t R>
void l2sq_f32::run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t w = batch::size;
    batch s[R][4] = {};  // value-initialized batches are zero
    std::size_t i = 0;
    for (; i + 4 * w <= n; i += 4 * w) {
        #pragma GCC unroll 8
        for (std::size_t u = 0; u < 4; ++u) {
            const batch x = batch::load_unaligned(q + i + u * w);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const batch d = x - batch::load_unaligned(rows[k] + i + u * w);
                s[k][u] = fmadd<Arch>(d, d, s[k][u]);
            }
        }
    }
    for (; i + w <= n; i += w) {
        const batch x = batch::load_unaligned(q + i);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const batch d = x - batch::load_unaligned(rows[k] + i);
            s[k][0] = fmadd<Arch>(d, d, s[k][0]);
        }
    }
    if (i < n) {
        const tail_loader<float, Arch> tail(i, n);
        const batch x = tail(q);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const batch d = x - tail(rows[k]);
            s[k][1] = fmadd<Arch>(d, d, s[k][1]);
        }
    }
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) out[k] = reduce_sum((s[k][0] + s[k][1]) + (s[k][2] + s[k][3]));
}

}  // namespace vspace::simd
