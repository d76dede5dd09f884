// SPDX-License-Identifier: MIT
/// @file
/// Dot-product kernels: float `dot` and `inner_product` (= -dot), written once over xsimd
/// batches for every instruction set. int8 dot products are in `i8.hpp`.
#pragma once

#include <vspace/simd/reduce.hpp>

#include <cstddef>

namespace vspace::simd {

/// <a, b> for float vectors. Four independent accumulators hide the FMA latency.
struct dot_f32 {
    template <class Arch>
    static float run(const float* a, const float* b, std::size_t n) noexcept;
};

/// -<a, b>: the inner-product *distance* (smaller is closer).
struct inner_product_f32 {
    template <class Arch>
    static float run(const float* a, const float* b, std::size_t n) noexcept;
};

template <class Arch>
float dot_f32::run(const float* a, const float* b, std::size_t n) noexcept {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t w = batch::size;
    batch s0(0.f), s1(0.f), s2(0.f), s3(0.f);
    std::size_t i = 0;
    for (; i + 4 * w <= n; i += 4 * w) {
        s0 = xsimd::fma(batch::load_unaligned(a + i), batch::load_unaligned(b + i), s0);
        s1 = xsimd::fma(batch::load_unaligned(a + i + w), batch::load_unaligned(b + i + w), s1);
        s2 = xsimd::fma(batch::load_unaligned(a + i + 2 * w), batch::load_unaligned(b + i + 2 * w), s2);
        s3 = xsimd::fma(batch::load_unaligned(a + i + 3 * w), batch::load_unaligned(b + i + 3 * w), s3);
    }
    for (; i + w <= n; i += w) s0 = xsimd::fma(batch::load_unaligned(a + i), batch::load_unaligned(b + i), s0);
    float s = reduce_sum((s0 + s1) + (s2 + s3));
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

template <class Arch>
float inner_product_f32::run(const float* a, const float* b, std::size_t n) noexcept {
    return -dot_f32::run<Arch>(a, b, n);
}

}  // namespace vspace::simd
