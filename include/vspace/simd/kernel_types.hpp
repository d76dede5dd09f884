// SPDX-License-Identifier: MIT
/// @file
/// The types of the kernel tables: function-pointer shapes, `kernel<S>`, `kernel_table<T>` per
/// scalar kind and `kernel_tables` for one level. Plain types only, so the code that fills the
/// tables (make_tables.hpp, serial_tables.hpp) can include it without the accessors of
/// kernel_table.hpp, which in header-only mode include that code in turn.
///
/// Every entry returns a *distance* as float (smaller is closer): `inner_product` is -<a,b>,
/// `cosine` is 1 - cos. Integer kernels are exact for every `n` (int32 accumulators flushed
/// into int64 before they can overflow) and round once, at the end, to float; int8 `cosine` and
/// bit `jaccard` equal the reference's double formula on the exact integers, rounded to float.
/// `n` counts storage elements: dimensions for float and int8, 64-bit words for bit.
/// Kernels take any alignment, never read past the n elements of a row, and propagate NaN.
#pragma once

#include <vspace/core/scalar.hpp>
#include <vspace/simd/block_table.hpp>
#include <vspace/simd/level.hpp>

#include <cstddef>
#include <cstdint>

namespace vspace::simd {

/// d(a, b) over n storage elements.
template <class S>
using pair_fn = float (*)(const S* a, const S* b, std::size_t n) noexcept;

/// out[i] = d(q, base + i * stride) for i < rows: one query against a block of rows.
template <class S>
using many_fn = void (*)(const S* q, const S* base, std::size_t stride, std::size_t rows,
                         std::size_t n, float* out) noexcept;

/// out[i] = d(q, rows[i]) for i < count: one query against scattered rows (a graph node's
/// neighbour list). The rows of the next pass are prefetched while the current one is computed.
template <class S>
using gather_fn = void (*)(const S* q, const S* const* rows, std::size_t count, std::size_t n,
                           float* out) noexcept;

/// One distance kernel in its three shapes. The shapes compute each row with the same code,
/// so `many` and `gather` give exactly `one`'s value for every row.
template <class S>
struct kernel {
    pair_fn<S> one = nullptr;
    many_fn<S> many = nullptr;
    gather_fn<S> gather = nullptr;
};

template <class T>
struct kernel_table;

template <>
struct kernel_table<float> {
    kernel<float> dot;            ///< +<a, b> (a similarity, for algorithms; not a distance)
    kernel<float> inner_product;  ///< -<a, b>
    kernel<float> l2sq;           ///< |a - b|^2
    kernel<float> cosine;         ///< 1 - cos(a, b)
};

template <>
struct kernel_table<std::int8_t> {
    kernel<std::int8_t> dot;            ///< +<a, b>, exact
    kernel<std::int8_t> inner_product;  ///< -<a, b>
    kernel<std::int8_t> l2sq;           ///< |a - b|^2, exact
    kernel<std::int8_t> cosine;         ///< 1 - cos(a, b)
};

template <>
struct kernel_table<bit> {
    kernel<std::uint64_t> hamming;  ///< popcount(a XOR b)
    kernel<std::uint64_t> jaccard;  ///< 1 - |a AND b| / |a OR b|
};

/// The kernels of one level for all three kinds.
struct kernel_tables {
    kernel_table<float> f32;
    kernel_table<std::int8_t> i8;
    kernel_table<bit> b1;
    block_kernels blocks;  ///< many-to-many kernels for exact batch search
    level lvl = level::serial;
};

}  // namespace vspace::simd
