// SPDX-License-Identifier: MIT
/// @file
/// `array2d<V>`: a plain, dense, row-major table of any number type. It holds what files carry
/// besides vectors of the three scalar kinds: ids (int64), ground truth (int32), raw bytes
/// (uint8 pixels, packed bits). No padding, so it maps one-to-one onto `.npy` and texmex rows.
#pragma once

#include <vspace/core/error.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace vspace {

/// `rows` x `cols` values of type V, row-major, no padding.
template <class V>
struct array2d {
    static_assert(!std::is_same_v<V, bool>, "array2d<bool> would be a std::vector<bool>; use std::uint8_t");

    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<V> values;  ///< rows * cols values; value (i, j) is at i * cols + j

    array2d() = default;
    /// A zero-filled table.
    array2d(std::size_t rows_, std::size_t cols_) : rows(rows_), cols(cols_), values(rows_ * cols_) {}

    std::span<const V> row(std::size_t i) const noexcept { return {values.data() + i * cols, cols}; }
    std::span<V> row(std::size_t i) noexcept { return {values.data() + i * cols, cols}; }
    V& operator()(std::size_t i, std::size_t j) noexcept { return values[i * cols + j]; }
    const V& operator()(std::size_t i, std::size_t j) const noexcept { return values[i * cols + j]; }
    bool empty() const noexcept { return rows == 0; }

    friend bool operator==(const array2d&, const array2d&) = default;
};

/// @cond detail
namespace detail {
/// Throws shape_error when a table's fields disagree (values.size() != rows * cols).
template <class V>
void check_table(const array2d<V>& a, std::string_view function) {
    std::size_t n = 0;
    if (__builtin_mul_overflow(a.rows, a.cols, &n) || n != a.values.size())
        VSPACE_THROW(shape_error, function, ": table holds ", a.values.size(), " values (expected ", a.rows, " x ",
                     a.cols, ")");
}
}  // namespace detail
/// @endcond

}  // namespace vspace
