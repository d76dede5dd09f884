// SPDX-License-Identifier: MIT
/// @file
/// Hamming distance between binary vectors: the number of dimensions whose bits differ.
#pragma once

#include <vspace/metric/concept.hpp>
#include <vspace/simd/kernel_table.hpp>

namespace vspace {

/// popcount(a XOR b), in [0, dims]. For sign-binarized embeddings it approximates the angle:
/// E[hamming] / dims = angle / pi for random hyperplanes (Charikar 2002).
struct hamming {
    static constexpr metric_id id = metric_id::hamming;
    static constexpr std::string_view name = "hamming";

    static simd::kernel<std::uint64_t> kernel(const simd::kernel_table<bit>& t) noexcept {
        return t.hamming;
    }

    float operator()(row<bit> a, row<bit> b) const noexcept {
        return simd::kernels<bit>().hamming.one(a.data(), b.data(), a.size());
    }
};

}  // namespace vspace
