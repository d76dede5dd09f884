// SPDX-License-Identifier: MIT
/// @file
/// Float block kernels: v(q, r) = bias[r] + scale[r] <q, x_r> for a batch of queries against a
/// base (see block_f32_problem), a GEMM whose register tile keeps `rows` x `lanes` dot products
/// in vector registers. The queries are packed once per call into panels ([k][lane], one vector
/// load per step); the rows are read in place and one element per row is broadcast per step,
/// so the base is never copied. Three versions:
///  - `block_f32_reference`: plain loops, the serial level and the tests' oracle;
///  - `f32_tile<Arch, MR, NV>`: written once over xsimd, for SSE2 to AVX2 (6 rows x 2 vectors);
///  - `f32_tile_avx512`: AVX-512 intrinsics, 14 rows x 32 queries in 28 zmm accumulators
///    (xsimd 8.1 does not fuse multiply-add on zmm), about 88 % of the FMA peak.
/// Each dot product is one FMA chain over k, which the caller's error bound relies on.
#pragma once

#include <vspace/simd/block_driver.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#if XSIMD_WITH_AVX512BW
#include <immintrin.h>
#endif

namespace vspace::simd {

/// The specification: for every row, for every query, one float FMA chain, then the threshold
/// test. Rows go in increasing order for every query, as in the tiled versions.
template <class Arch>
void block_f32_reference(const block_f32_problem& p, const block_sink& sink) noexcept {
    float* thresholds = static_cast<float*>(p.scratch);
    for (std::size_t q = 0; q < p.n_queries; ++q) thresholds[q] = p.thresholds[q];
    for (std::size_t r = 0; r < p.n_rows; ++r) {
        const float* x = p.rows + r * p.row_stride;
        for (std::size_t q = 0; q < p.n_queries; ++q) {
            const float* y = p.queries + q * p.query_stride;
            float dot = 0;
            for (std::size_t k = 0; k < p.n; ++k) dot = __builtin_fmaf(y[k], x[k], dot);
            const float v = __builtin_fmaf(p.scale[r], dot, p.bias[r]);
            if (v < thresholds[q]) thresholds[q] = sink.offer(sink.context, q, r, v);
        }
    }
}

namespace detail {

/// Packs `count` queries (the rest of the panel zero) as panel[k * lanes + lane].
template <class Arch, std::size_t Lanes>
inline void pack_f32(const float* q, std::size_t stride, std::size_t count, std::size_t n, float* out) noexcept {
    for (std::size_t j = 0; j < Lanes; ++j) {
        const float* row = q + j * stride;
        if (j < count)
            for (std::size_t k = 0; k < n; ++k) out[k * Lanes + j] = row[k];
        else
            for (std::size_t k = 0; k < n; ++k) out[k * Lanes + j] = 0.f;
    }
}

/// Shared members of the float tiles.
template <class Arch, std::size_t Lanes>
struct f32_tile_base {
    using element_type = float;
    using panel_type = float;
    using threshold_type = float;
    static constexpr std::size_t lanes = Lanes, group = 1;
    static constexpr float closed = -std::numeric_limits<float>::infinity();
    static float to_threshold(float t) noexcept { return t; }
    static std::size_t panel_elements(std::size_t n) noexcept { return n * Lanes; }
    static void pack(const float* q, std::size_t stride, std::size_t count, std::size_t n, float* out) noexcept {
        pack_f32<Arch, Lanes>(q, stride, count, n, out);
    }
};

}  // namespace detail

/// The xsimd float tile: MR rows x NV vectors of queries.
template <class Arch, std::size_t MR, std::size_t NV>
struct f32_tile : detail::f32_tile_base<Arch, NV * xsimd::batch<float, Arch>::size> {
    using batch = xsimd::batch<float, Arch>;
    static constexpr std::size_t width = batch::size, rows = MR;

    static void run(const block_f32_problem& p, const float* panel, const float* rows_in, std::size_t stride,
                    std::size_t count, std::size_t row0, std::size_t query0, float* thresholds,
                    const block_sink& sink) noexcept {
        batch acc[MR][NV];
        for (auto& line : acc)
            for (auto& a : line) a = batch(0.f);
        const float* r[MR];
        for (std::size_t i = 0; i < MR; ++i) r[i] = rows_in + i * stride;
        for (std::size_t k = 0; k < p.n; ++k) {
            batch q[NV];
            for (std::size_t v = 0; v < NV; ++v) q[v] = batch::load_aligned(panel + k * NV * width + v * width);
            for (std::size_t i = 0; i < MR; ++i) {
                const batch x(r[i][k]);
                for (std::size_t v = 0; v < NV; ++v) acc[i][v] = xsimd::fma(q[v], x, acc[i][v]);
            }
        }
        alignas(64) float values[width];
        for (std::size_t i = 0; i < count; ++i) {
            const batch bias(p.bias[row0 + i]), scale(p.scale[row0 + i]);
            for (std::size_t v = 0; v < NV; ++v) {
                const batch value = xsimd::fma(acc[i][v], scale, bias);
                if (!xsimd::any(value < batch::load_aligned(thresholds + v * width))) continue;
                value.store_aligned(values);
                for (std::size_t l = 0; l < width; ++l)
                    if (values[l] < thresholds[v * width + l])
                        detail::offer_lane<f32_tile>(sink, thresholds, query0, v * width + l, row0 + i, values[l]);
            }
        }
    }
};

#if XSIMD_WITH_AVX512BW
/// The AVX-512 float tile: 14 rows x 32 queries. Per step: 2 panel loads, 14 broadcasts, 28
/// FMAs (14 cycles at 2 FMA/cycle), so loads and the front end keep up with the FMA units.
/// Rows are addressed as 5 base pointers plus 0, s or 2s, which fits the integer registers.
template <class Arch>
struct f32_tile_avx512 : detail::f32_tile_base<Arch, 32> {
    static constexpr std::size_t rows = 14;

    static void run(const block_f32_problem& p, const float* panel, const float* rows_in, std::size_t stride,
                    std::size_t count, std::size_t row0, std::size_t query0, float* thresholds,
                    const block_sink& sink) noexcept {
        __m512 acc[rows][2];
        for (auto& line : acc) line[0] = line[1] = _mm512_setzero_ps();
        const std::ptrdiff_t s = static_cast<std::ptrdiff_t>(stride), s2 = 2 * s;
        const float* g[5];
        for (std::size_t j = 0; j < 5; ++j) g[j] = rows_in + 3 * j * stride;
        for (std::size_t k = 0; k < p.n; ++k) {
            const __m512 q0 = _mm512_load_ps(panel + 32 * k), q1 = _mm512_load_ps(panel + 32 * k + 16);
#pragma GCC unroll 14
            for (std::size_t i = 0; i < rows; ++i) {
                const float* base = g[i / 3];
                const __m512 x = _mm512_set1_ps(i % 3 == 0 ? base[k] : (i % 3 == 1 ? base[s + k] : base[s2 + k]));
                acc[i][0] = _mm512_fmadd_ps(q0, x, acc[i][0]);
                acc[i][1] = _mm512_fmadd_ps(q1, x, acc[i][1]);
            }
        }
        __m512 t0 = _mm512_load_ps(thresholds), t1 = _mm512_load_ps(thresholds + 16);
        alignas(64) float values[32];
        for (std::size_t i = 0; i < count; ++i) {
            const __m512 bias = _mm512_set1_ps(p.bias[row0 + i]), scale = _mm512_set1_ps(p.scale[row0 + i]);
            const __m512 v0 = _mm512_fmadd_ps(acc[i][0], scale, bias), v1 = _mm512_fmadd_ps(acc[i][1], scale, bias);
            const std::uint32_t hits = static_cast<std::uint32_t>(_mm512_cmp_ps_mask(v0, t0, _CMP_LT_OQ)) |
                                       static_cast<std::uint32_t>(_mm512_cmp_ps_mask(v1, t1, _CMP_LT_OQ)) << 16;
            if (hits == 0) continue;
            _mm512_store_ps(values, v0);
            _mm512_store_ps(values + 16, v1);
            for (std::uint32_t m = hits; m != 0; m &= m - 1) {
                const auto l = static_cast<std::size_t>(__builtin_ctz(m));  // offers change only lane l
                detail::offer_lane<f32_tile_avx512>(sink, thresholds, query0, l, row0 + i, values[l]);
            }
            t0 = _mm512_load_ps(thresholds);
            t1 = _mm512_load_ps(thresholds + 16);
        }
    }
};
#endif

/// The float block kernel of Arch: run_blocks over the arch's tile.
template <class Arch>
void block_f32(const block_f32_problem& p, const block_sink& sink) noexcept {
#if XSIMD_WITH_AVX512BW
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
        detail::run_blocks<f32_tile_avx512<Arch>>(p, sink);
        return;
    } else
#endif
    {
        // 12 accumulators + 2 panel vectors + 1 broadcast fit the 16 registers of SSE/AVX2.
        detail::run_blocks<f32_tile<Arch, 6, 2>>(p, sink);
    }
}

}  // namespace vspace::simd
