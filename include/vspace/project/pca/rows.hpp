// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Rows of any scalar kind as floats, a block at a time: the linear-algebra steps of the
/// projectors (PCA, centroids for initialisation) work in float, whatever the input kind.
/// int8 codes are taken as numbers, bits as 0 and 1. Light: no Eigen.
#pragma once

#include <vspace/core/matrix_view.hpp>

#include <algorithm>
#include <cstddef>

namespace vspace::detail {

/// Writes row i of `v` as `v.dims()` floats to `out`.
template <class T>
void row_as_float(matrix_view<T> v, std::size_t i, float* out) noexcept {
    if constexpr (std::same_as<T, bit>) {
        const auto* words = v.row_data(i);
        for (std::size_t j = 0; j < v.dims(); ++j) out[j] = static_cast<float>((words[j / 64] >> (j % 64)) & 1u);
    } else {
        const auto* r = v.row_data(i);
        for (std::size_t j = 0; j < v.dims(); ++j) out[j] = static_cast<float>(r[j]);
    }
}

/// Rows [first, first + count) as floats minus `center` (d floats, may be null), written
/// row-major with leading dimension `ld` >= dims.
template <class T>
void rows_as_float(matrix_view<T> v, std::size_t first, std::size_t count, const float* center, float* out,
                   std::size_t ld) noexcept {
    const std::size_t d = v.dims();
    for (std::size_t r = 0; r < count; ++r) {
        float* o = out + r * ld;
        row_as_float(v, first + r, o);
        if (center != nullptr)
            for (std::size_t j = 0; j < d; ++j) o[j] -= center[j];
    }
}

}  // namespace vspace::detail
/// @endcond
