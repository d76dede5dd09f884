// SPDX-License-Identifier: MIT
/// @file
/// Jaccard distance between binary vectors read as sets of the dimensions that are 1.
#pragma once

#include <vspace/metric/concept.hpp>
#include <vspace/simd/kernel_table.hpp>

namespace vspace {

/// 1 - |a AND b| / |a OR b|, in [0, 1]; two empty sets are identical (distance 0).
/// A true metric on sets (Levandowsky & Winter 1971).
struct jaccard {
    static constexpr metric_id id = metric_id::jaccard;
    static constexpr std::string_view name = "jaccard";

    static simd::kernel<std::uint64_t> kernel(const simd::kernel_table<bit>& t) noexcept {
        return t.jaccard;
    }

    float operator()(row<bit> a, row<bit> b) const noexcept {
        return simd::kernels<bit>().jaccard.one(a.data(), b.data(), a.size());
    }
};

}  // namespace vspace
