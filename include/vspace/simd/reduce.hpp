// SPDX-License-Identifier: MIT
/// @file
/// Our names for the xsimd operations whose spelling changed after xsimd 8.1, so that an
/// upgrade touches this one file (8.1's `hadd` became `reduce_add` later).
#pragma once

#include <xsimd/xsimd.hpp>

namespace vspace::simd {

/// Sum of all lanes of a batch.
template <class T, class Arch>
inline T reduce_sum(const xsimd::batch<T, Arch>& b) noexcept {
    return xsimd::hadd(b);
}

}  // namespace vspace::simd
