// SPDX-License-Identifier: MIT
/// @file
/// Squared Euclidean distance for float vectors, written once over xsimd batches.
/// Squared because ordering is preserved and the square root is costly; `metric::l2` takes it.
#pragma once

#include <vspace/simd/reduce.hpp>

#include <cstddef>

namespace vspace::simd {

/// |a - b|^2 for float vectors.
struct l2sq_f32 {
    template <class Arch>
    static float run(const float* a, const float* b, std::size_t n) noexcept;
};

template <class Arch>
float l2sq_f32::run(const float* a, const float* b, std::size_t n) noexcept {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t w = batch::size;
    batch s0(0.f), s1(0.f), s2(0.f), s3(0.f);
    std::size_t i = 0;
    for (; i + 4 * w <= n; i += 4 * w) {
        const batch d0 = batch::load_unaligned(a + i) - batch::load_unaligned(b + i);
        const batch d1 = batch::load_unaligned(a + i + w) - batch::load_unaligned(b + i + w);
        const batch d2 = batch::load_unaligned(a + i + 2 * w) - batch::load_unaligned(b + i + 2 * w);
        const batch d3 = batch::load_unaligned(a + i + 3 * w) - batch::load_unaligned(b + i + 3 * w);
        s0 = xsimd::fma(d0, d0, s0);
        s1 = xsimd::fma(d1, d1, s1);
        s2 = xsimd::fma(d2, d2, s2);
        s3 = xsimd::fma(d3, d3, s3);
    }
    for (; i + w <= n; i += w) {
        const batch d = batch::load_unaligned(a + i) - batch::load_unaligned(b + i);
        s0 = xsimd::fma(d, d, s0);
    }
    float s = reduce_sum((s0 + s1) + (s2 + s3));
    for (; i < n; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

}  // namespace vspace::simd
