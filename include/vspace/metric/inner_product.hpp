// SPDX-License-Identifier: MIT
/// @file
/// The inner-product distance -<a, b>: for embeddings trained for maximum inner product search.
#pragma once

#include <vspace/metric/concept.hpp>
#include <vspace/simd/kernel_table.hpp>

namespace vspace {

/// -<a, b>: a distance (smaller is closer), so the largest dot product ranks first.
/// Equals cosine - 1 on unit vectors.
struct inner_product {
    static constexpr metric_id id = metric_id::inner_product;
    static constexpr std::string_view name = "ip";

    static simd::kernel<float> kernel(const simd::kernel_table<float>& t) noexcept {
        return t.inner_product;
    }
    static simd::kernel<std::int8_t> kernel(const simd::kernel_table<std::int8_t>& t) noexcept {
        return t.inner_product;
    }

    float operator()(row<float> a, row<float> b) const noexcept {
        return simd::kernels<float>().inner_product.one(a.data(), b.data(), a.size());
    }
    float operator()(row<std::int8_t> a, row<std::int8_t> b) const noexcept {
        return simd::kernels<std::int8_t>().inner_product.one(a.data(), b.data(), a.size());
    }
};

}  // namespace vspace
