// SPDX-License-Identifier: MIT
/// @file
/// AVX-512 escape hatches for what xsimd 8.1 lacks: fused multiply-add on zmm (8.1 computes
/// x*y+z unfused there), zero-filling masked loads for the last, partial block of a row, and
/// integer lane sums. Every function is templated on the arch and only instantiated by AVX-512
/// code.
///
/// GCC 12's `_mm512_reduce_add_*`, `_mm512_castsi512_si256` and `_mm512_extracti64x4_epi64`
/// (and xsimd's integer `hadd`, built on the latter) raise false -Wuninitialized warnings in
/// any unit compiled with -Wall (GCC bug 105593): the sums here use extracts that do not.
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#if XSIMD_WITH_AVX512BW
#include <immintrin.h>
#endif

namespace vspace::simd::x86 {

/// True when Arch has AVX-512 (F, CD, DQ, BW): masked loads of every element size.
template <class Arch>
inline constexpr bool is_avx512 =
#if XSIMD_WITH_AVX512BW
    std::is_base_of_v<xsimd::avx512bw, Arch>;
#else
    false;
#endif

#if XSIMD_WITH_AVX512BW

/// x * y + z in one rounding.
template <class Arch>
inline xsimd::batch<float, Arch> fmadd(const xsimd::batch<float, Arch>& x, const xsimd::batch<float, Arch>& y,
                                       const xsimd::batch<float, Arch>& z) noexcept {
    return _mm512_fmadd_ps(x, y, z);
}

/// Elements [0, count) of p, zero in the other lanes; lanes past `count` are never read, so
/// a row ending at a page boundary is safe. Requires count < batch size.
template <class Arch>
inline xsimd::batch<float, Arch> load_first(const float* p, std::size_t count) noexcept {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1), p);
}

template <class Arch>
inline xsimd::batch<std::int8_t, Arch> load_first(const std::int8_t* p, std::size_t count) noexcept {
    return _mm512_maskz_loadu_epi8(static_cast<__mmask64>((std::uint64_t{1} << count) - 1), p);
}

template <class Arch>
inline xsimd::batch<std::uint64_t, Arch> load_first(const std::uint64_t* p, std::size_t count) noexcept {
    return _mm512_maskz_loadu_epi64(static_cast<__mmask8>((1u << count) - 1), p);
}

/// Sum of the 16 int32 lanes (wrapping, like the lane additions).
template <class Arch>
inline std::int32_t sum_i32(__m512i x) noexcept {
    const __m256i s8 = _mm256_add_epi32(_mm512_extracti32x8_epi32(x, 0), _mm512_extracti32x8_epi32(x, 1));
    const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s8), _mm256_extracti128_si256(s8, 1));
    const __m128i s2 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4e));
    return _mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32(s2, 0xb1)));
}

/// Sum of the 8 64-bit lanes.
template <class Arch>
inline std::uint64_t sum_u64(__m512i x) noexcept {
    const __m256i s4 = _mm256_add_epi64(_mm512_extracti32x8_epi32(x, 0), _mm512_extracti32x8_epi32(x, 1));
    const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(s4), _mm256_extracti128_si256(s4, 1));
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_add_epi64(s2, _mm_unpackhi_epi64(s2, s2))));
}

#endif

}  // namespace vspace::simd::x86
