// SPDX-License-Identifier: MIT
/// @file
/// Our names for the xsimd operations whose spelling changed after xsimd 8.1, so that an
/// upgrade touches this one file (8.1's `hadd` became `reduce_add` later).
#pragma once

#include <vspace/simd/x86/avx512.hpp>

#include <xsimd/xsimd.hpp>

#include <type_traits>

namespace vspace::simd {

/// Sum of all lanes of a batch. Integer lanes on AVX-512 go through our own sums, which avoid
/// a false GCC 12 warning in 8.1's integer `hadd` (see x86/avx512.hpp).
template <class T, class Arch>
inline T reduce_sum(const xsimd::batch<T, Arch>& b) noexcept {
#if XSIMD_WITH_AVX512BW
    if constexpr (x86::is_avx512<Arch> && std::is_integral_v<T> && sizeof(T) == 4)
        return static_cast<T>(x86::sum_i32<Arch>(b));
    else if constexpr (x86::is_avx512<Arch> && std::is_integral_v<T> && sizeof(T) == 8)
        return static_cast<T>(x86::sum_u64<Arch>(b));
    else
#endif
        return xsimd::hadd(b);
}

}  // namespace vspace::simd
