// SPDX-License-Identifier: MIT
/// @file
/// int8 sums with AVX-512 VNNI `vpdpbusd` (64 unsigned-by-signed byte products summed into 16
/// int32 lanes per instruction), the sums policy of the avx512_vnni level. `vpdpbusd` wants one
/// unsigned operand, so a signed r becomes r + 128 (a XOR with 0x80) and the surplus is
/// subtracted: sum (r+128) q = sum r q + 128 sum q. VNNI is not among the flags of the AVX-512
/// unit, so these functions carry a target attribute and are only called after the CPU check.
/// Measured against widening to int16 and `vpdpwssd` in bench/kernels (docs/benchmarks.md).
#pragma once

#include <vspace/simd/x86/avx512.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>

#if XSIMD_WITH_AVX512BW
#include <immintrin.h>

namespace vspace::simd::x86 {

/// Exact int8 sums by `vpdpbusd`. Same contract as `i8_madd_sums`: each function adds the sums
/// of n <= i8_chunk elements into its int64 outputs; every int32 lane stays below 2^31 there
/// (|(r+128) q| <= 255 * 128 per element). Blocks are read with masked loads, the last one
/// partial, so no byte past a row is touched.
struct i8_vnni_sums {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }

    /// Mask of the bytes [i, n) of the block at i.
    template <class Arch>
    static __mmask64 block_mask(std::size_t i, std::size_t n) noexcept {
        return n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
    }

    /// qr[k] += sum q_i r_ki
    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void dot(const std::int8_t* q, const std::int8_t* const* rows,
                                                          std::size_t n, std::int64_t* qr) noexcept {
        const __m512i flip = _mm512_set1_epi8(-128), ones = _mm512_set1_epi8(1);
        __m512i sum_q = _mm512_setzero_si512(), s[R] = {};
        for (std::size_t i = 0; i < n; i += 64) {
            const __mmask64 m = block_mask<Arch>(i, n);
            const __m512i x = _mm512_maskz_loadu_epi8(m, q + i);
            sum_q = _mm512_dpbusd_epi32(sum_q, ones, x);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k)
                s[k] = _mm512_dpbusd_epi32(s[k], _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, rows[k] + i), flip), x);
        }
        const std::int64_t offset = 128 * std::int64_t{sum_i32<Arch>(sum_q)};
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) qr[k] += sum_i32<Arch>(s[k]) - offset;
    }

    /// d[k] += sum (q_i - r_ki)^2. u = |q - r| = max - min fits an unsigned byte; u^2 comes from
    /// u (u - 128) + 128 u, where u - 128 (u XOR 0x80) fits a signed byte.
    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void l2sq(const std::int8_t* q, const std::int8_t* const* rows,
                                                           std::size_t n, std::int64_t* d) noexcept {
        const __m512i flip = _mm512_set1_epi8(-128), ones = _mm512_set1_epi8(1);
        __m512i s[R] = {}, sum_u[R] = {};
        for (std::size_t i = 0; i < n; i += 64) {
            const __mmask64 m = block_mask<Arch>(i, n);
            const __m512i x = _mm512_maskz_loadu_epi8(m, q + i);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const __m512i y = _mm512_maskz_loadu_epi8(m, rows[k] + i);
                const __m512i u = _mm512_sub_epi8(_mm512_max_epi8(x, y), _mm512_min_epi8(x, y));
                s[k] = _mm512_dpbusd_epi32(s[k], u, _mm512_xor_si512(u, flip));
                sum_u[k] = _mm512_dpbusd_epi32(sum_u[k], u, ones);
            }
        }
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k)
            d[k] += sum_i32<Arch>(s[k]) + 128 * std::int64_t{sum_i32<Arch>(sum_u[k])};
    }

    /// qq += sum q_i^2, qr[k] += sum q_i r_ki, rr[k] += sum r_ki^2; the offsets of the
    /// unsigned operands (q + 128 and r + 128) come out with sum q and sum r.
    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void cosine(const std::int8_t* q, const std::int8_t* const* rows,
                                                             std::size_t n, std::int64_t& qq, std::int64_t* qr,
                                                             std::int64_t* rr) noexcept {
        const __m512i flip = _mm512_set1_epi8(-128), ones = _mm512_set1_epi8(1);
        __m512i sum_q = _mm512_setzero_si512(), sqq = _mm512_setzero_si512(), sum_r[R] = {}, sqr[R] = {}, srr[R] = {};
        for (std::size_t i = 0; i < n; i += 64) {
            const __mmask64 m = block_mask<Arch>(i, n);
            const __m512i x = _mm512_maskz_loadu_epi8(m, q + i);
            const __m512i x_unsigned = _mm512_xor_si512(x, flip);  // q + 128
            sum_q = _mm512_dpbusd_epi32(sum_q, ones, x);
            sqq = _mm512_dpbusd_epi32(sqq, x_unsigned, x);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const __m512i y = _mm512_maskz_loadu_epi8(m, rows[k] + i);
                sum_r[k] = _mm512_dpbusd_epi32(sum_r[k], ones, y);
                sqr[k] = _mm512_dpbusd_epi32(sqr[k], x_unsigned, y);
                srr[k] = _mm512_dpbusd_epi32(srr[k], _mm512_xor_si512(y, flip), y);
            }
        }
        qq += sum_i32<Arch>(sqq) - 128 * std::int64_t{sum_i32<Arch>(sum_q)};
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const std::int64_t offset = 128 * std::int64_t{sum_i32<Arch>(sum_r[k])};
            qr[k] += sum_i32<Arch>(sqr[k]) - offset;
            rr[k] += sum_i32<Arch>(srr[k]) - offset;
        }
    }
};

}  // namespace vspace::simd::x86

#endif
