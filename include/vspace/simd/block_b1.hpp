// SPDX-License-Identifier: MIT
/// @file
/// Binary block kernels: v(q, r) = popcount(q XOR x_r), the Hamming distance, for a batch of
/// queries against a base. Exact small integers, so the caller needs no re-ranking.
///  - `block_b1_reference`: plain loops, the serial level and the tests' oracle (levels between
///    serial and avx512_vnni scan query by query with the pair kernels);
///  - `b1_tile_vpopcnt`: AVX-512 VPOPCNTDQ, 6 rows x 32 queries in 24 zmm accumulators of 8
///    64-bit lanes. A step loads 4 zmm of the panel (one word of 32 queries) and broadcasts one
///    word of each row: 24 x (xor, popcount, add) for 192 query-row words. Thresholds are kept
///    as integers, so the epilogue is one unsigned compare per vector.
/// VPOPCNTDQ is not among the AVX-512 unit's flags: the tile carries a target attribute and is
/// only reached at the avx512_vnni level, after the CPU check.
#pragma once

#include <vspace/simd/block_driver.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>

#if XSIMD_WITH_AVX512BW
#include <immintrin.h>
#endif

namespace vspace::simd {

/// The specification: for every row, for every query, the popcount of the XOR, then the
/// threshold test. Rows go in increasing order for every query.
template <class Arch>
void block_b1_reference(const block_b1_problem& p, const block_sink& sink) noexcept {
    float* thresholds = static_cast<float*>(p.scratch);
    for (std::size_t q = 0; q < p.n_queries; ++q) thresholds[q] = p.thresholds[q];
    for (std::size_t r = 0; r < p.n_rows; ++r) {
        const std::uint64_t* x = p.rows + r * p.row_stride;
        for (std::size_t q = 0; q < p.n_queries; ++q) {
            const std::uint64_t* y = p.queries + q * p.query_stride;
            std::uint64_t bits = 0;
            for (std::size_t w = 0; w < p.n; ++w)
                for (std::uint64_t d = x[w] ^ y[w]; d != 0; d &= d - 1) ++bits;
            const auto v = static_cast<float>(bits);
            if (v < thresholds[q]) thresholds[q] = sink.offer(sink.context, q, r, v);
        }
    }
}

#if XSIMD_WITH_AVX512BW
/// The VPOPCNTDQ tile: 6 rows x 32 queries (4 zmm of 8 words).
template <class Arch>
struct b1_tile_vpopcnt {
    using element_type = std::uint64_t;
    using panel_type = std::uint64_t;
    using threshold_type = std::uint64_t;
    static constexpr std::size_t lanes = 32, rows = 6, group = 1;
    static constexpr std::uint64_t closed = 0;  // no count is below 0

    /// Counts are integers below 2^24, so an integer threshold t admits exactly the counts < t.
    static std::uint64_t to_threshold(float t) noexcept {
        return t > 0x1p62f ? std::numeric_limits<std::uint64_t>::max()
                           : (t > 0.f ? static_cast<std::uint64_t>(__builtin_ceilf(t)) : 0);
    }
    static std::size_t panel_elements(std::size_t n) noexcept { return n * lanes; }

    static void pack(const std::uint64_t* q, std::size_t stride, std::size_t count, std::size_t n,
                     std::uint64_t* out) noexcept {
        for (std::size_t j = 0; j < lanes; ++j)
            for (std::size_t w = 0; w < n; ++w) out[w * lanes + j] = j < count ? q[j * stride + w] : 0;
    }

    __attribute__((target("avx512vpopcntdq"))) static void run(const block_b1_problem& p,
                                                               const std::uint64_t* panel,
                                                               const std::uint64_t* rows_in, std::size_t stride,
                                                               std::size_t count, std::size_t row0,
                                                               std::size_t query0, std::uint64_t* thresholds,
                                                               const block_sink& sink) noexcept {
        __m512i acc[rows][4];
        for (auto& line : acc)
            for (auto& a : line) a = _mm512_setzero_si512();
        const std::uint64_t* r[rows];
        for (std::size_t i = 0; i < rows; ++i) r[i] = rows_in + i * stride;
        for (std::size_t w = 0; w < p.n; ++w) {
            __m512i q[4];
            for (std::size_t v = 0; v < 4; ++v) q[v] = _mm512_load_si512(panel + 32 * w + 8 * v);
#pragma GCC unroll 6
            for (std::size_t i = 0; i < rows; ++i) {
                const __m512i x = _mm512_set1_epi64(static_cast<long long>(r[i][w]));
                for (std::size_t v = 0; v < 4; ++v)
                    acc[i][v] = _mm512_add_epi64(acc[i][v], _mm512_popcnt_epi64(_mm512_xor_si512(q[v], x)));
            }
        }
        __m512i t[4];
        for (std::size_t v = 0; v < 4; ++v) t[v] = _mm512_load_si512(thresholds + 8 * v);
        alignas(64) std::uint64_t values[32];
        for (std::size_t i = 0; i < count; ++i) {
            std::uint32_t hits = 0;
            for (std::size_t v = 0; v < 4; ++v)
                hits |= static_cast<std::uint32_t>(_mm512_cmplt_epu64_mask(acc[i][v], t[v])) << (8 * v);
            if (hits == 0) continue;
            for (std::size_t v = 0; v < 4; ++v) _mm512_store_si512(values + 8 * v, acc[i][v]);
            for (std::uint32_t m = hits; m != 0; m &= m - 1) {
                const auto l = static_cast<std::size_t>(__builtin_ctz(m));
                detail::offer_lane<b1_tile_vpopcnt>(sink, thresholds, query0, l, row0 + i,
                                                    static_cast<float>(values[l]));
            }
            for (std::size_t v = 0; v < 4; ++v) t[v] = _mm512_load_si512(thresholds + 8 * v);
        }
    }
};

/// The VPOPCNTDQ binary block kernel (Arch: the AVX-512 arch of the avx512_vnni level).
template <class Arch>
void block_b1_vpopcnt(const block_b1_problem& p, const block_sink& sink) noexcept {
    detail::run_blocks<b1_tile_vpopcnt<Arch>>(p, sink);
}
#endif

}  // namespace vspace::simd
