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
/// (|(r+128) q| <= 255 * 128 per element). The last, partial block is read with masked loads,
/// so no byte past a row is touched.
struct i8_vnni_sums {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }

    /// Independent accumulators per row: `vpdpbusd` has a few cycles of latency, so a pass keeps
    /// at least 4 chains in flight (4 rows x 1, or 1 row x 4 for a single pair).
    template <std::size_t R>
    static constexpr std::size_t chains = R >= 4 ? 1 : 4 / R;

    /// Calls step(u, x, load) for each 64-byte block: x is the query's block, load(row) the
    /// row's block at the same place, u the accumulator it goes to (u < U).
    template <class Arch, std::size_t U, class Step>
    __attribute__((target("avx512vnni"))) static void for_each_block(const std::int8_t* q, std::size_t n,
                                                                     Step&& step) noexcept {
        std::size_t i = 0;
        for (; i + 64 * U <= n; i += 64 * U) {
#pragma GCC unroll 8
            for (std::size_t u = 0; u < U; ++u) {
                const std::size_t at = i + 64 * u;
                step(u, _mm512_loadu_si512(q + at), [at](const std::int8_t* r) { return _mm512_loadu_si512(r + at); });
            }
        }
        for (; i < n; i += 64) {
            const __mmask64 m = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
            step(std::size_t{0}, _mm512_maskz_loadu_epi8(m, q + i),
                 [i, m](const std::int8_t* r) { return _mm512_maskz_loadu_epi8(m, r + i); });
        }
    }

    /// Sum of the int32 lanes of U accumulators.
    template <class Arch, std::size_t U>
    static std::int64_t total(const __m512i (&acc)[U]) noexcept {
        __m512i s = acc[0];
#pragma GCC unroll 8
        for (std::size_t u = 1; u < U; ++u) s = _mm512_add_epi32(s, acc[u]);
        return sum_i32<Arch>(s);
    }

    /// qr[k] += sum q_i r_ki
    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void dot(const std::int8_t* q, const std::int8_t* const* rows,
                                                          std::size_t n, std::int64_t* qr) noexcept {
        constexpr std::size_t U = chains<R>;
        const __m512i flip = _mm512_set1_epi8(-128), ones = _mm512_set1_epi8(1);
        __m512i sum_q[U] = {}, s[R][U] = {};
        for_each_block<Arch, U>(q, n, [&](std::size_t u, __m512i x, auto&& load) __attribute__((target("avx512vnni"))) {
            sum_q[u] = _mm512_dpbusd_epi32(sum_q[u], ones, x);
#pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k)
                s[k][u] = _mm512_dpbusd_epi32(s[k][u], _mm512_xor_si512(load(rows[k]), flip), x);
        });
        const std::int64_t offset = 128 * total<Arch>(sum_q);
#pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) qr[k] += total<Arch>(s[k]) - offset;
    }

    /// d[k] += sum (q_i - r_ki)^2. u = |q - r| = max - min fits an unsigned byte; u^2 comes from
    /// u (u - 128) + 128 u, where u - 128 (u XOR 0x80) fits a signed byte.
    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void l2sq(const std::int8_t* q, const std::int8_t* const* rows,
                                                           std::size_t n, std::int64_t* d) noexcept {
        constexpr std::size_t U = chains<R>;
        const __m512i flip = _mm512_set1_epi8(-128), ones = _mm512_set1_epi8(1);
        __m512i s[R][U] = {}, sum_u[R][U] = {};
        for_each_block<Arch, U>(q, n, [&](std::size_t u, __m512i x, auto&& load) __attribute__((target("avx512vnni"))) {
#pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const __m512i y = load(rows[k]);
                const __m512i diff = _mm512_sub_epi8(_mm512_max_epi8(x, y), _mm512_min_epi8(x, y));
                s[k][u] = _mm512_dpbusd_epi32(s[k][u], diff, _mm512_xor_si512(diff, flip));
                sum_u[k][u] = _mm512_dpbusd_epi32(sum_u[k][u], diff, ones);
            }
        });
#pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) d[k] += total<Arch>(s[k]) + 128 * total<Arch>(sum_u[k]);
    }

    /// qq += sum q_i^2, qr[k] += sum q_i r_ki, rr[k] += sum r_ki^2; the offsets of the
    /// unsigned operands (q + 128 and r + 128) come out with sum q and sum r.
    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void cosine(const std::int8_t* q, const std::int8_t* const* rows,
                                                             std::size_t n, std::int64_t& qq, std::int64_t* qr,
                                                             std::int64_t* rr) noexcept {
        constexpr std::size_t U = chains<R>;
        const __m512i flip = _mm512_set1_epi8(-128), ones = _mm512_set1_epi8(1);
        __m512i sum_q[U] = {}, sqq[U] = {}, sum_r[R][U] = {}, sqr[R][U] = {}, srr[R][U] = {};
        for_each_block<Arch, U>(q, n, [&](std::size_t u, __m512i x, auto&& load) __attribute__((target("avx512vnni"))) {
            const __m512i x_unsigned = _mm512_xor_si512(x, flip);  // q + 128
            sum_q[u] = _mm512_dpbusd_epi32(sum_q[u], ones, x);
            sqq[u] = _mm512_dpbusd_epi32(sqq[u], x_unsigned, x);
#pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const __m512i y = load(rows[k]);
                sum_r[k][u] = _mm512_dpbusd_epi32(sum_r[k][u], ones, y);
                sqr[k][u] = _mm512_dpbusd_epi32(sqr[k][u], x_unsigned, y);
                srr[k][u] = _mm512_dpbusd_epi32(srr[k][u], _mm512_xor_si512(y, flip), y);
            }
        });
        qq += total<Arch>(sqq) - 128 * total<Arch>(sum_q);
#pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const std::int64_t offset = 128 * total<Arch>(sum_r[k]);
            qr[k] += total<Arch>(sqr[k]) - offset;
            rr[k] += total<Arch>(srr[k]) - offset;
        }
    }
};

}  // namespace vspace::simd::x86

#endif
