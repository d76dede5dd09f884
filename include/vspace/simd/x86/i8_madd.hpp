// SPDX-License-Identifier: MIT
/// @file
/// The widening int8 multiply xsimd 8.1 lacks: sign-extend int8 lanes to int16 (`widen`) and
/// multiply int16 pairs into int32 sums (`madd`, `pmaddwd`), exact for every int8 input. One
/// overload per instruction set, chosen like xsimd's own kernels by the most derived arch tag;
/// a plain-loop overload serves other architectures.
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>

#if XSIMD_WITH_SSE2
#include <immintrin.h>
#endif

namespace vspace::simd::x86 {

/// The int8 lanes of one batch as two int16 batches. Which lanes go to which half differs by
/// arch; kernels only ever sum the products, and pair the halves of equally widened inputs.
template <class Arch>
struct i16_pair {
    xsimd::batch<std::int16_t, Arch> lo, hi;
};

template <class A>
inline i16_pair<A> widen(const xsimd::batch<std::int8_t, A>& x, const xsimd::generic&) noexcept {
    constexpr std::size_t w = xsimd::batch<std::int8_t, A>::size;
    alignas(64) std::int8_t in[w];
    alignas(64) std::int16_t out[w];
    x.store_aligned(in);
    for (std::size_t i = 0; i < w; ++i) out[i] = in[i];
    return {xsimd::batch<std::int16_t, A>::load_aligned(out), xsimd::batch<std::int16_t, A>::load_aligned(out + w / 2)};
}

template <class A>
inline xsimd::batch<std::int32_t, A> madd(const xsimd::batch<std::int16_t, A>& x,
                                          const xsimd::batch<std::int16_t, A>& y, const xsimd::generic&) noexcept {
    constexpr std::size_t w = xsimd::batch<std::int32_t, A>::size;
    alignas(64) std::int16_t a[2 * w], b[2 * w];
    alignas(64) std::int32_t out[w];
    x.store_aligned(a);
    y.store_aligned(b);
    for (std::size_t i = 0; i < w; ++i) out[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    return xsimd::batch<std::int32_t, A>::load_aligned(out);
}

#if XSIMD_WITH_SSE2
template <class A>
inline i16_pair<A> widen(const xsimd::batch<std::int8_t, A>& x, const xsimd::sse2&) noexcept {
    // Each byte paired with itself, then an arithmetic shift keeps the sign-extended high copy.
    return {_mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8), _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8)};
}

template <class A>
inline xsimd::batch<std::int32_t, A> madd(const xsimd::batch<std::int16_t, A>& x,
                                          const xsimd::batch<std::int16_t, A>& y, const xsimd::sse2&) noexcept {
    return _mm_madd_epi16(x, y);
}
#endif

#if XSIMD_WITH_SSE4_1
template <class A>
inline i16_pair<A> widen(const xsimd::batch<std::int8_t, A>& x, const xsimd::sse4_1&) noexcept {
    return {_mm_cvtepi8_epi16(x), _mm_cvtepi8_epi16(_mm_srli_si128(x, 8))};
}

template <class A>
inline i16_pair<A> widen_load(const std::int8_t* p, const xsimd::sse4_1&) noexcept {
    return {_mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))),
            _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + 8)))};
}
#endif

#if XSIMD_WITH_AVX2
template <class A>
inline i16_pair<A> widen(const xsimd::batch<std::int8_t, A>& x, const xsimd::avx2&) noexcept {
    return {_mm256_cvtepi8_epi16(_mm256_castsi256_si128(x)), _mm256_cvtepi8_epi16(_mm256_extracti128_si256(x, 1))};
}

template <class A>
inline i16_pair<A> widen_load(const std::int8_t* p, const xsimd::avx2&) noexcept {
    return {_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))),
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)))};
}

template <class A>
inline xsimd::batch<std::int32_t, A> madd(const xsimd::batch<std::int16_t, A>& x,
                                          const xsimd::batch<std::int16_t, A>& y, const xsimd::avx2&) noexcept {
    return _mm256_madd_epi16(x, y);
}
#endif

#if XSIMD_WITH_AVX512BW
template <class A>
inline i16_pair<A> widen(const xsimd::batch<std::int8_t, A>& x, const xsimd::avx512bw&) noexcept {
    return {_mm512_cvtepi8_epi16(_mm512_extracti32x8_epi32(x, 0)), _mm512_cvtepi8_epi16(_mm512_extracti32x8_epi32(x, 1))};
}

template <class A>
inline i16_pair<A> widen_load(const std::int8_t* p, const xsimd::avx512bw&) noexcept {
    return {_mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))),
            _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)))};
}

template <class A>
inline xsimd::batch<std::int32_t, A> madd(const xsimd::batch<std::int16_t, A>& x,
                                          const xsimd::batch<std::int16_t, A>& y, const xsimd::avx512bw&) noexcept {
    return _mm512_madd_epi16(x, y);
}
#endif

/// One batch of int8 at p, widened. Instruction sets that sign-extend straight from memory
/// override it, saving a load and an extract; this default is declared after every `widen`
/// overload because it calls them.
template <class A>
inline i16_pair<A> widen_load(const std::int8_t* p, const xsimd::generic&) noexcept {
    return widen(xsimd::batch<std::int8_t, A>::load_unaligned(p), A{});
}

/// x's int8 lanes sign-extended to int16.
template <class Arch>
inline i16_pair<Arch> widen(const xsimd::batch<std::int8_t, Arch>& x) noexcept {
    return widen(x, Arch{});
}

/// The batch of int8 at p, widened like `widen`.
template <class Arch>
inline i16_pair<Arch> widen_load(const std::int8_t* p) noexcept {
    return widen_load<Arch>(p, Arch{});
}

/// Lane j of the result: x[2j] y[2j] + x[2j+1] y[2j+1], exact in int32.
template <class Arch>
inline xsimd::batch<std::int32_t, Arch> madd(const xsimd::batch<std::int16_t, Arch>& x,
                                             const xsimd::batch<std::int16_t, Arch>& y) noexcept {
    return madd(x, y, Arch{});
}

}  // namespace vspace::simd::x86
