// SPDX-License-Identifier: MIT
/// @file
/// AVX-512 escape hatches for what xsimd 8.1 lacks: fused multiply-add on zmm (8.1 computes
/// x*y+z unfused there) and zero-filling masked loads for the last, partial block of a row.
/// Every function is templated on the arch and only instantiated by AVX-512 code.
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

#endif

}  // namespace vspace::simd::x86
