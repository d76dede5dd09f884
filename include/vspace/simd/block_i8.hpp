// SPDX-License-Identifier: MIT
/// @file
/// int8 block kernels: v(q, r) = scale[r] * float(bias[r] - mult * sum_k (q_k + 128) x_rk) for a
/// batch of queries against a base (see block_i8_problem). The sum is exact in int32.
///  - `block_i8_reference`: plain loops, the serial level and the tests' oracle (levels between
///    serial and avx512_vnni have no int8 block kernel: their searches scan query by query with
///    the pair kernels, which beat these loops);
///  - `i8_tile_vnni`: AVX-512 VNNI, 14 rows x 32 queries in 28 zmm accumulators. `vpdpbusd`
///    multiplies unsigned by signed bytes and sums groups of 4 into int32 lanes (64 products per
///    instruction, ~2 per cycle: ~4x the float FMA rate), so the queries are packed as
///    q + 128 (unsigned) and each step broadcasts 4 bytes of a row. The +128 adds 128 sum x_r
///    to every sum of row r, which the caller folds into bias[r].
/// VNNI is not among the AVX-512 unit's flags: the tile carries a target attribute and is only
/// reached at the avx512_vnni level, after the CPU check.
#pragma once

#include <vspace/simd/block_driver.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#if XSIMD_WITH_AVX512BW
#include <immintrin.h>
#endif

namespace vspace::simd {

/// The specification: for every row, for every query, the exact int32 sum, then the threshold
/// test. Rows go in increasing order for every query.
template <class Arch>
void block_i8_reference(const block_i8_problem& p, const block_sink& sink) noexcept {
    float* thresholds = static_cast<float*>(p.scratch);
    for (std::size_t q = 0; q < p.n_queries; ++q) thresholds[q] = p.thresholds[q];
    for (std::size_t r = 0; r < p.n_rows; ++r) {
        const std::int8_t* x = p.rows + r * p.row_stride;
        for (std::size_t q = 0; q < p.n_queries; ++q) {
            const std::int8_t* y = p.queries + q * p.query_stride;
            std::int32_t sum = 0;
            for (std::size_t k = 0; k < p.n; ++k) sum += (std::int32_t{y[k]} + 128) * std::int32_t{x[k]};
            const float v = p.scale[r] * static_cast<float>(p.bias[r] - p.mult * sum);
            if (v < thresholds[q]) thresholds[q] = sink.offer(sink.context, q, r, v);
        }
    }
}

#if XSIMD_WITH_AVX512BW
/// The VNNI tile: 14 rows x 32 queries. The panel holds, per group of 4 dimensions, 32 lanes of
/// 4 bytes (q + 128); a step loads 2 zmm of it and broadcasts 4 bytes of each row.
template <class Arch>
struct i8_tile_vnni {
    using element_type = std::int8_t;
    using panel_type = std::uint8_t;
    using threshold_type = float;
    static constexpr std::size_t lanes = 32, rows = 14, group = 4;
    static constexpr float closed = -std::numeric_limits<float>::infinity();
    static float to_threshold(float t) noexcept { return t; }
    static std::size_t panel_elements(std::size_t n) noexcept { return (n + 3) / 4 * 4 * lanes; }

    static void pack(const std::int8_t* q, std::size_t stride, std::size_t count, std::size_t n,
                     std::uint8_t* out) noexcept {
        const std::size_t groups = (n + 3) / 4;
        for (std::size_t j = 0; j < lanes; ++j)
            for (std::size_t g = 0; g < groups; ++g)
                for (std::size_t t = 0; t < 4; ++t) {
                    const std::size_t k = 4 * g + t;
                    // padding lanes and dims are multiplied by rows' zero padding or ignored
                    const int value = j < count && k < n ? q[j * stride + k] + 128 : 0;
                    out[g * 4 * lanes + 4 * j + t] = static_cast<std::uint8_t>(value);
                }
    }

    /// Row I of the tile, one step: broadcast 4 bytes of the row (group base g[I / 3], offset
    /// (I % 3) * stride) and add its products with both panel vectors.
    template <std::size_t I>
    __attribute__((target("avx512vnni"), always_inline)) static inline void step(__m512i& a, __m512i& b,
                                                                               const std::int8_t* const* g,
                                                                               std::ptrdiff_t stride, std::size_t k,
                                                                               __m512i q0, __m512i q1) noexcept {
        std::int32_t word;
        std::memcpy(&word, g[I / 3] + k + static_cast<std::ptrdiff_t>(I % 3) * stride, 4);
        const __m512i x = _mm512_set1_epi32(word);
        a = _mm512_dpbusd_epi32(a, q0, x);
        b = _mm512_dpbusd_epi32(b, q1, x);
    }

    __attribute__((target("avx512vnni"))) static void run(const block_i8_problem& p, const std::uint8_t* panel,
                                                          const std::int8_t* rows_in, std::size_t stride,
                                                          std::size_t count, std::size_t row0, std::size_t query0,
                                                          float* thresholds, const block_sink& sink) noexcept {
        // Named accumulators: GCC 12 keeps an array of integer vectors in memory here (it does
        // not for float), which would halve the speed.
        const __m512i z = _mm512_setzero_si512();
        __m512i a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z, a4 = z, b4 = z, a5 = z, b5 = z,
                a6 = z, b6 = z, a7 = z, b7 = z, a8 = z, b8 = z, a9 = z, b9 = z, a10 = z, b10 = z, a11 = z,
                b11 = z, a12 = z, b12 = z, a13 = z, b13 = z;
        const auto s = static_cast<std::ptrdiff_t>(stride);
        const std::int8_t* g[5];
        for (std::size_t j = 0; j < 5; ++j) g[j] = rows_in + 3 * j * stride;
        const std::size_t padded = (p.n + 3) / 4 * 4;
        for (std::size_t k = 0; k < padded; k += 4) {
            const __m512i q0 = _mm512_load_si512(panel + 32 * k), q1 = _mm512_load_si512(panel + 32 * k + 64);
            step<0>(a0, b0, g, s, k, q0, q1);
            step<1>(a1, b1, g, s, k, q0, q1);
            step<2>(a2, b2, g, s, k, q0, q1);
            step<3>(a3, b3, g, s, k, q0, q1);
            step<4>(a4, b4, g, s, k, q0, q1);
            step<5>(a5, b5, g, s, k, q0, q1);
            step<6>(a6, b6, g, s, k, q0, q1);
            step<7>(a7, b7, g, s, k, q0, q1);
            step<8>(a8, b8, g, s, k, q0, q1);
            step<9>(a9, b9, g, s, k, q0, q1);
            step<10>(a10, b10, g, s, k, q0, q1);
            step<11>(a11, b11, g, s, k, q0, q1);
            step<12>(a12, b12, g, s, k, q0, q1);
            step<13>(a13, b13, g, s, k, q0, q1);
        }
        alignas(64) __m512i sums[rows][2] = {{a0, b0}, {a1, b1}, {a2, b2},   {a3, b3},   {a4, b4},
                                             {a5, b5}, {a6, b6}, {a7, b7},   {a8, b8},   {a9, b9},
                                             {a10, b10}, {a11, b11}, {a12, b12}, {a13, b13}};
        const __m512i mult = _mm512_set1_epi32(p.mult);
        __m512 t0 = _mm512_load_ps(thresholds), t1 = _mm512_load_ps(thresholds + 16);
        alignas(64) float values[32];
        for (std::size_t i = 0; i < count; ++i) {
            const __m512i bias = _mm512_set1_epi32(p.bias[row0 + i]);
            const __m512 scale = _mm512_set1_ps(p.scale[row0 + i]);
            const __m512i s0 = sums[i][0], s1 = sums[i][1];
            const __m512 v0 = _mm512_mul_ps(scale, _mm512_cvtepi32_ps(_mm512_sub_epi32(bias, _mm512_mullo_epi32(mult, s0))));
            const __m512 v1 = _mm512_mul_ps(scale, _mm512_cvtepi32_ps(_mm512_sub_epi32(bias, _mm512_mullo_epi32(mult, s1))));
            const std::uint32_t hits = static_cast<std::uint32_t>(_mm512_cmp_ps_mask(v0, t0, _CMP_LT_OQ)) |
                                       static_cast<std::uint32_t>(_mm512_cmp_ps_mask(v1, t1, _CMP_LT_OQ)) << 16;
            if (hits == 0) continue;
            _mm512_store_ps(values, v0);
            _mm512_store_ps(values + 16, v1);
            for (std::uint32_t m = hits; m != 0; m &= m - 1) {
                const auto l = static_cast<std::size_t>(__builtin_ctz(m));
                detail::offer_lane<i8_tile_vnni>(sink, thresholds, query0, l, row0 + i, values[l]);
            }
            t0 = _mm512_load_ps(thresholds);
            t1 = _mm512_load_ps(thresholds + 16);
        }
    }
};

/// The VNNI int8 block kernel (Arch: the AVX-512 arch of the avx512_vnni level).
template <class Arch>
void block_i8_vnni(const block_i8_problem& p, const block_sink& sink) noexcept {
    detail::run_blocks<i8_tile_vnni<Arch>>(p, sink);
}
#endif

}  // namespace vspace::simd
