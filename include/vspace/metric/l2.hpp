// SPDX-License-Identifier: MIT
/// @file
/// Euclidean metrics: `l2sq` (squared, what indexes rank by) and `l2` (the true distance).
#pragma once

#include <vspace/metric/concept.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <cmath>

namespace vspace {

/// Squared Euclidean distance |a - b|^2 = sum_i (a_i - b_i)^2, for float and int8.
/// Same ordering as `l2` without the square root. On int8 codes it is in code units.
struct l2sq {
    static constexpr metric_id id = metric_id::l2sq;
    static constexpr std::string_view name = "l2sq";

    static simd::kernel<float> kernel(const simd::kernel_table<float>& t) noexcept { return t.l2sq; }
    static simd::kernel<std::int8_t> kernel(const simd::kernel_table<std::int8_t>& t) noexcept {
        return t.l2sq;
    }

    float operator()(row<float> a, row<float> b) const noexcept {
        return simd::kernels<float>().l2sq.one(a.data(), b.data(), a.size());
    }
    float operator()(row<std::int8_t> a, row<std::int8_t> b) const noexcept {
        return simd::kernels<std::int8_t>().l2sq.one(a.data(), b.data(), a.size());
    }
};

/// Euclidean distance |a - b|. Indexes rank by `l2sq` and take the root of the k results only.
struct l2 {
    static constexpr metric_id id = metric_id::l2;
    static constexpr std::string_view name = "l2";

    template <class Table>
    static auto kernel(const Table& t) noexcept -> decltype(l2sq::kernel(t)) {
        return l2sq::kernel(t);
    }
    static float to_distance(float squared) noexcept { return std::sqrt(squared); }

    float operator()(row<float> a, row<float> b) const noexcept { return std::sqrt(l2sq{}(a, b)); }
    float operator()(row<std::int8_t> a, row<std::int8_t> b) const noexcept {
        return std::sqrt(l2sq{}(a, b));
    }
};

}  // namespace vspace
