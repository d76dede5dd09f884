// SPDX-License-Identifier: MIT
/// @file
/// The cosine distance 1 - cos(a, b): the angle between vectors, whatever their lengths.
#pragma once

#include <vspace/metric/concept.hpp>
#include <vspace/simd/kernel_table.hpp>

namespace vspace {

/// 1 - <a, b> / (|a| |b|), in [0, 2]. A zero vector is at distance 1 from everything.
/// On unit vectors it ranks exactly like `l2sq` (|a - b|^2 = 2 - 2 cos) and `inner_product`.
/// On int8 codes it is scale-free, so symmetric quantization leaves it nearly unchanged.
struct cosine {
    static constexpr metric_id id = metric_id::cosine;
    static constexpr std::string_view name = "cosine";

    static simd::kernel<float> kernel(const simd::kernel_table<float>& t) noexcept { return t.cosine; }
    static simd::kernel<std::int8_t> kernel(const simd::kernel_table<std::int8_t>& t) noexcept {
        return t.cosine;
    }

    float operator()(row<float> a, row<float> b) const noexcept {
        return simd::kernels<float>().cosine.one(a.data(), b.data(), a.size());
    }
    float operator()(row<std::int8_t> a, row<std::int8_t> b) const noexcept {
        return simd::kernels<std::int8_t>().cosine.one(a.data(), b.data(), a.size());
    }
};

}  // namespace vspace
