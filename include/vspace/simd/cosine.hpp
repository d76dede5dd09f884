// SPDX-License-Identifier: MIT
/// @file
/// Cosine distance for float vectors: <a,b>, |a|^2 and |b|^2 in one pass over the data, and the
/// final formula shared with the int8 kernel.
#pragma once

#include <vspace/simd/ops.hpp>

#include <cmath>
#include <cstddef>

namespace vspace::simd {

/// 1 - ab / sqrt(aa bb), clamped to [0, 2]; 1 when either vector is zero. Evaluated in double,
/// exactly as `reference::cosine_from`, so exact integer sums give the reference's value, and
/// aa * bb cannot overflow. NaN propagates.
template <class Arch>
inline float cosine_from(double ab, double aa, double bb) noexcept {
    if (aa == 0 || bb == 0) return 1.f;
    const double d = 1.0 - ab / std::sqrt(aa * bb);
    return static_cast<float>(d < 0 ? 0 : (d > 2 ? 2 : d));
}

/// 1 - cos(a, b) for float vectors.
struct cosine_f32 {
    /// Rows per pass: two accumulators for <q,r> and two for |r|^2 per row, plus |q|^2.
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return register_count<Arch> >= 32 ? 4 : 2;
    }
    /// out[k] = 1 - cos(q, rows[k]) for k < R.
    template <class Arch, std::size_t R>
    static void run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept;
};

template <class Arch, std::size_t R>
void cosine_f32::run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t w = batch::size;
    batch qq[2] = {}, qr[R][2] = {}, rr[R][2] = {};  // value-initialized batches are zero
    std::size_t i = 0;
    for (; i + 2 * w <= n; i += 2 * w) {
        #pragma GCC unroll 8
        for (std::size_t u = 0; u < 2; ++u) {
            const batch x = batch::load_unaligned(q + i + u * w);
            qq[u] = fmadd<Arch>(x, x, qq[u]);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const batch y = batch::load_unaligned(rows[k] + i + u * w);
                qr[k][u] = fmadd<Arch>(x, y, qr[k][u]);
                rr[k][u] = fmadd<Arch>(y, y, rr[k][u]);
            }
        }
    }
    auto step = [&](const batch& x, auto&& load_row) {
        qq[0] = fmadd<Arch>(x, x, qq[0]);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const batch y = load_row(rows[k]);
            qr[k][0] = fmadd<Arch>(x, y, qr[k][0]);
            rr[k][0] = fmadd<Arch>(y, y, rr[k][0]);
        }
    };
    if (i + w <= n) {
        step(batch::load_unaligned(q + i), [i](const float* r) { return batch::load_unaligned(r + i); });
        i += w;
    }
    if (i < n) {
        const tail_loader<float, Arch> tail(i, n);
        step(tail(q), tail);
    }
    const double q2 = reduce_sum(qq[0] + qq[1]);
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k)
        out[k] = cosine_from<Arch>(reduce_sum(qr[k][0] + qr[k][1]), q2, reduce_sum(rr[k][0] + rr[k][1]));
}

}  // namespace vspace::simd
