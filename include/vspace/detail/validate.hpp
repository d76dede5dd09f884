// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Entry checks shared by every algorithm: finite data, matching dimensions, sane k.
/// Validate once at the API boundary; hot paths then assume valid input.
#pragma once

#include <vspace/core/matrix_view.hpp>

#include <cmath>
#include <cstddef>
#include <string_view>

namespace vspace::detail {

/// Throws data_error naming the first NaN or Inf (row, column) of a float view.
inline void check_finite(matrix_view<float> v, std::string_view where) {
    for (std::size_t i = 0; i < v.rows(); ++i) {
        const float* r = v.row_data(i);
        for (std::size_t j = 0; j < v.dims(); ++j)
            if (!std::isfinite(r[j]))
                VSPACE_THROW(data_error, where, ": non-finite value ", r[j], " at row ", i,
                             ", column ", j, " (expected finite numbers)");
    }
}

/// Only float data can hold non-finite values.
template <class T>
void check_finite(matrix_view<T>, std::string_view) {}

inline void check_finite(std::span<const float> r, std::string_view where) {
    check_finite(matrix_view<float>(r.data(), 1, r.size()), where);
}

template <class S>
    requires(!std::same_as<S, float>)
void check_finite(std::span<const S>, std::string_view) {}

/// Throws shape_error unless `got` == `expected` dimensions.
inline void check_dims(std::size_t got, std::size_t expected, std::string_view where,
                       std::string_view what = "query") {
    if (got != expected)
        VSPACE_THROW(shape_error, where, ": ", what, " has ", got, " dims (expected ", expected, ")");
}

/// Throws invalid_argument for k == 0. (k larger than the data is clamped by callers.)
inline void check_k(std::size_t k, std::string_view where) {
    if (k == 0) VSPACE_THROW(invalid_argument, where, ": k = 0 (expected k >= 1)");
}

}  // namespace vspace::detail
/// @endcond
