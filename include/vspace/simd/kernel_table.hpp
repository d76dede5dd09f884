// SPDX-License-Identifier: MIT
/// @file
/// The kernel tables: for each scalar kind, function pointers to the distance kernels of one
/// instruction-set level, resolved once. Indexes copy the pointer they need at construction,
/// so a distance costs one indirect call and no per-call dispatch. This header is light (no
/// xsimd): metrics and indexes include it; the kernels themselves live in the per-level code.
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
#include <string_view>
#include <type_traits>

/// Linkage of the table accessors: defined once in the `vspace::simd` library in dispatch
/// mode, inline in this header's companion otherwise.
#if defined(VSPACE_SIMD_DISPATCH)
#define VSPACE_SIMD_LINKAGE
#else
#define VSPACE_SIMD_LINKAGE inline
#endif

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

/// The tables of level `l`. Throws invalid_argument if `l` is above `cpu_level()` or was not
/// compiled in (header-only mode compiles the serial level and the one the compiler targets).
VSPACE_SIMD_LINKAGE const kernel_tables& tables_for(level l);

/// The level in use: the best this CPU supports, capped by `VSPACE_SIMD_ARCH`. Chosen once.
VSPACE_SIMD_LINKAGE level active_level();

/// The active tables (thread-safe first call).
VSPACE_SIMD_LINKAGE const kernel_tables& active_tables();

/// The active kernels for kind T.
template <class T>
const kernel_table<T>& kernels() {
    const kernel_tables& t = active_tables();
    if constexpr (std::is_same_v<T, float>) return t.f32;
    else if constexpr (std::is_same_v<T, std::int8_t>) return t.i8;
    else return t.b1;
}

/// Name of the active level, for `vspace info` and bug reports.
inline std::string_view active_arch_name() { return level_name(active_level()); }

}  // namespace vspace::simd

#if !defined(VSPACE_SIMD_DISPATCH)
#include <vspace/simd/header_only.hpp>
#endif
