// SPDX-License-Identifier: MIT
/// @file
/// Cosine distance for float vectors: <a,b>, |a|^2 and |b|^2 in one pass over the data.
#pragma once

#include <vspace/simd/reduce.hpp>

#include <cmath>
#include <cstddef>

namespace vspace::simd {

/// 1 - <a,b> / (|a| |b|), clamped to [0, 2]; 1 when either vector is zero, as in the reference.
template <class Arch>
inline float cosine_from(float ab, float aa, float bb) noexcept {
    if (!(aa > 0.f) || !(bb > 0.f)) return 1.f;
    const float d = 1.f - ab / std::sqrt(aa * bb);
    return d < 0.f ? 0.f : (d > 2.f ? 2.f : d);
}

struct cosine_f32 {
    template <class Arch>
    static float run(const float* a, const float* b, std::size_t n) noexcept;
};

template <class Arch>
float cosine_f32::run(const float* a, const float* b, std::size_t n) noexcept {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t w = batch::size;
    batch ab0(0.f), aa0(0.f), bb0(0.f), ab1(0.f), aa1(0.f), bb1(0.f);
    std::size_t i = 0;
    for (; i + 2 * w <= n; i += 2 * w) {
        const batch x0 = batch::load_unaligned(a + i), y0 = batch::load_unaligned(b + i);
        const batch x1 = batch::load_unaligned(a + i + w), y1 = batch::load_unaligned(b + i + w);
        ab0 = xsimd::fma(x0, y0, ab0);
        aa0 = xsimd::fma(x0, x0, aa0);
        bb0 = xsimd::fma(y0, y0, bb0);
        ab1 = xsimd::fma(x1, y1, ab1);
        aa1 = xsimd::fma(x1, x1, aa1);
        bb1 = xsimd::fma(y1, y1, bb1);
    }
    for (; i + w <= n; i += w) {
        const batch x = batch::load_unaligned(a + i), y = batch::load_unaligned(b + i);
        ab0 = xsimd::fma(x, y, ab0);
        aa0 = xsimd::fma(x, x, aa0);
        bb0 = xsimd::fma(y, y, bb0);
    }
    float ab = reduce_sum(ab0 + ab1), aa = reduce_sum(aa0 + aa1), bb = reduce_sum(bb0 + bb1);
    for (; i < n; ++i) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return cosine_from<Arch>(ab, aa, bb);
}

}  // namespace vspace::simd
