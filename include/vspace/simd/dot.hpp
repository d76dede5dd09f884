// SPDX-License-Identifier: MIT
/// @file
/// Dot-product kernels: float `dot` and `inner_product` (= -dot), written once over xsimd
/// batches for every instruction set. int8 dot products are in `i8.hpp`.
#pragma once

#include <vspace/simd/ops.hpp>

#include <cstddef>

namespace vspace::simd {

/// <a, b> for float vectors.
struct dot_f32 {
    /// Rows per pass: 4 rows x 4 accumulators fit in 32 registers, 2 rows in 16.
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return register_count<Arch> >= 32 ? 4 : 2;
    }
    /// out[k] = <q, rows[k]> for k < R.
    template <class Arch, std::size_t R>
    static void run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept;
};

/// -<a, b>: the inner-product *distance* (smaller is closer).
struct inner_product_f32 {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return dot_f32::rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept;
};

// Four accumulators per row cover the FMA latency (4 cycles, 2 per cycle): with one row the
// loop is load-bound at 2 loads per FMA; with R rows the query load is shared, 1 + 1/R.
template <class Arch, std::size_t R>
void dot_f32::run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t w = batch::size;
    batch s[R][4] = {};  // value-initialized batches are zero
    std::size_t i = 0;
    for (; i + 4 * w <= n; i += 4 * w) {
        #pragma GCC unroll 8
        for (std::size_t u = 0; u < 4; ++u) {
            const batch x = batch::load_unaligned(q + i + u * w);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k)
                s[k][u] = fmadd<Arch>(x, batch::load_unaligned(rows[k] + i + u * w), s[k][u]);
        }
    }
    for (; i + w <= n; i += w) {
        const batch x = batch::load_unaligned(q + i);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) s[k][0] = fmadd<Arch>(x, batch::load_unaligned(rows[k] + i), s[k][0]);
    }
    if (i < n) {
        const tail_loader<float, Arch> tail(i, n);
        const batch x = tail(q);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) s[k][1] = fmadd<Arch>(x, tail(rows[k]), s[k][1]);
    }
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) out[k] = reduce_sum((s[k][0] + s[k][1]) + (s[k][2] + s[k][3]));
}

template <class Arch, std::size_t R>
void inner_product_f32::run_rows(const float* q, const float* const* rows, std::size_t n, float* out) noexcept {
    dot_f32::run_rows<Arch, R>(q, rows, n, out);
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) out[k] = -out[k];
}

}  // namespace vspace::simd
