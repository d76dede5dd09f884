// SPDX-License-Identifier: MIT
/// @file
/// Bit counting xsimd 8.1 lacks: the `pshufb` nibble lookup per 64-bit lane (AVX2, AVX-512BW)
/// and the VPOPCNTDQ count policy of the avx512_vnni level. VPOPCNTDQ is not among the flags
/// of the AVX-512 unit, so its functions carry a target attribute and are only called after
/// the CPU check.
#pragma once

#include <vspace/simd/x86/avx512.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#if XSIMD_WITH_AVX2 || XSIMD_WITH_AVX512BW
#include <immintrin.h>
#endif

namespace vspace::simd::x86 {

/// True when the unit compiling Arch's code has the POPCNT instruction (the sse4_2 level and
/// up); without it the popcount builtin is a library call.
template <class Arch>
inline constexpr bool has_popcnt =
#if defined(__POPCNT__)
    true;
#else
    false;
#endif

/// True when `pshufb_lane_count` has a body for Arch.
template <class Arch>
inline constexpr bool has_pshufb_lane_count =
#if XSIMD_WITH_AVX512BW
    std::is_base_of_v<xsimd::avx512bw, Arch> ||
#endif
#if XSIMD_WITH_AVX2
    std::is_base_of_v<xsimd::avx2, Arch> ||
#endif
    false;

/// Per-lane bit count by looking up each nibble with `pshufb` and summing the bytes of each
/// 64-bit lane with `psadbw` (Mula, Kurz & Lemire 2018).
struct pshufb_lane_count {
    template <class Arch>
    static constexpr bool available = has_pshufb_lane_count<Arch>;
#if XSIMD_WITH_AVX2
    template <class Arch>
        requires std::is_base_of_v<xsimd::avx2, Arch>
    static xsimd::batch<std::uint64_t, Arch> count(const xsimd::batch<std::uint64_t, Arch>& x) noexcept {
        const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                               0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        const __m256i nibble = _mm256_set1_epi8(0x0f);
        const __m256i lo = _mm256_and_si256(x, nibble), hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
        const __m256i bytes = _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
        return _mm256_sad_epu8(bytes, _mm256_setzero_si256());
    }
#endif
#if XSIMD_WITH_AVX512BW
    template <class Arch>
        requires std::is_base_of_v<xsimd::avx512bw, Arch>
    static xsimd::batch<std::uint64_t, Arch> count(const xsimd::batch<std::uint64_t, Arch>& x) noexcept {
        const __m512i table = _mm512_set4_epi32(0x04030302, 0x03020201, 0x03020201, 0x02010100);  // bits of 0..15
        const __m512i nibble = _mm512_set1_epi8(0x0f);
        const __m512i lo = _mm512_and_si512(x, nibble), hi = _mm512_and_si512(_mm512_srli_epi16(x, 4), nibble);
        const __m512i bytes = _mm512_add_epi8(_mm512_shuffle_epi8(table, lo), _mm512_shuffle_epi8(table, hi));
        return _mm512_sad_epu8(bytes, _mm512_setzero_si512());
    }
#endif
};

#if XSIMD_WITH_AVX512BW

/// Counts with `vpopcntq` on 8 words at a time, masked loads for the last words: the wide
/// counts of the avx512_vnni level (`popcount_split` keeps POPCNT for rows under 8 words).
struct vpopcntq_counts {
    template <class Arch>
    static constexpr bool available = is_avx512<Arch>;
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }

    template <class Arch, std::size_t R>
    __attribute__((target("avx512vpopcntdq"))) static void hamming(const std::uint64_t* q,
                                                                   const std::uint64_t* const* rows,
                                                                   std::size_t words, std::uint64_t* out) noexcept {
        __m512i s[R] = {};
        std::size_t i = 0;
        for (; i + 8 <= words; i += 8) {
            const __m512i x = _mm512_loadu_si512(q + i);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k)
                s[k] = _mm512_add_epi64(s[k], _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_loadu_si512(rows[k] + i))));
        }
        if (i < words) {
            const auto m = static_cast<__mmask8>((1u << (words - i)) - 1);
            const __m512i x = _mm512_maskz_loadu_epi64(m, q + i);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k)
                s[k] = _mm512_add_epi64(
                    s[k], _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_maskz_loadu_epi64(m, rows[k] + i))));
        }
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = sum_u64<Arch>(s[k]);
    }

    template <class Arch, std::size_t R>
    __attribute__((target("avx512vpopcntdq"))) static void jaccard(const std::uint64_t* q,
                                                                   const std::uint64_t* const* rows,
                                                                   std::size_t words, std::uint64_t* both,
                                                                   std::uint64_t* either) noexcept {
        __m512i b[R] = {}, e[R] = {};
        auto add = [&](const __m512i& x, std::size_t k, const __m512i& y) __attribute__((target("avx512vpopcntdq"))) {
            b[k] = _mm512_add_epi64(b[k], _mm512_popcnt_epi64(_mm512_and_si512(x, y)));
            e[k] = _mm512_add_epi64(e[k], _mm512_popcnt_epi64(_mm512_or_si512(x, y)));
        };
        std::size_t i = 0;
        for (; i + 8 <= words; i += 8) {
            const __m512i x = _mm512_loadu_si512(q + i);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) add(x, k, _mm512_loadu_si512(rows[k] + i));
        }
        if (i < words) {
            const auto m = static_cast<__mmask8>((1u << (words - i)) - 1);
            const __m512i x = _mm512_maskz_loadu_epi64(m, q + i);
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) add(x, k, _mm512_maskz_loadu_epi64(m, rows[k] + i));
        }
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            both[k] = sum_u64<Arch>(b[k]);
            either[k] = sum_u64<Arch>(e[k]);
        }
    }
};

#endif

}  // namespace vspace::simd::x86
