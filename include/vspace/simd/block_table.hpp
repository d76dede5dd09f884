// SPDX-License-Identifier: MIT
/// @file
/// Block kernels: many queries against many rows at once (register-blocked tiles with the
/// top-k selection fused in), for exact batch search. Light header (no xsimd), like
/// kernel_table.hpp; the per-level bodies are in block_kernels.hpp and the block_*.hpp files.
///
/// A block kernel computes, for every query q of a batch and every row r of a base, a
/// *ranking value* v(q, r) whose order per query is the order of the distance (it differs from
/// the distance by a per-query constant or factor, so no query-dependent term is computed per
/// pair). It never stores the queries x rows table: each tile of values is compared with the
/// per-query thresholds right away, and only the entries that beat their query's threshold
/// reach the caller, through `block_sink::offer`, which returns the query's new threshold.
/// After warm-up almost no entry passes, so selection costs one compare per tile lane.
///
/// Per query, rows are visited in increasing order, so a strict `<` against the threshold
/// keeps the smaller id among equal values, as the scan does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vspace::simd {

/// Where a block kernel sends the entries that beat their query's threshold.
struct block_sink {
    /// Receives entry (query, row, value) with value < the query's current threshold, and
    /// returns the query's threshold after taking it (the k-th best value so far, or +inf).
    /// Query and row are indexes into the call's queries and rows. Must not throw.
    float (*offer)(void* context, std::size_t query, std::size_t row, float value) noexcept = nullptr;
    void* context = nullptr;
};

/// The part of a block problem that is the same for every kind: a batch of queries, a base
/// of rows, and the thresholds the search starts from.
template <class S>
struct block_problem {
    const S* queries = nullptr;       ///< first query; queries are `query_stride` elements apart
    std::size_t query_stride = 0;
    std::size_t n_queries = 0;
    const S* rows = nullptr;          ///< first row; rows are `row_stride` elements apart
    std::size_t row_stride = 0;
    std::size_t n_rows = 0;
    /// Elements per vector: dims for float and int8, 64-bit words for bit. Queries are read for
    /// exactly `n` elements. Rows may be read up to `block_padded(n)` elements: those past `n`
    /// must exist and be zero (a `vspace::matrix` guarantees both), and `row_stride` must be
    /// at least that.
    std::size_t n = 0;
    /// Initial threshold of each query (n_queries values; +inf for a fresh search).
    const float* thresholds = nullptr;
    /// Working memory of at least `block_scratch_bytes(n_queries, n, sizeof(S))` bytes,
    /// 64-byte aligned.
    void* scratch = nullptr;
};

/// Float: v(q, r) = bias[r] + scale[r] * <q, x_r>.
/// l2sq: bias = |x|^2, scale = -2 (v = |q - x|^2 - |q|^2); inner product: bias = 0, scale = -1;
/// cosine: bias = 0, scale = -1/|x| (0 for a zero row), v = -|q| cos.
struct block_f32_problem : block_problem<float> {
    const float* bias = nullptr;   ///< one per row
    const float* scale = nullptr;  ///< one per row
};

/// int8: v(q, r) = scale[r] * float(bias[r] - mult * sum_k (q_k + 128) x_rk), the sum exact in
/// int32 (VNNI `vpdpbusd` wants one unsigned operand; the +128 lands in the per-row bias).
/// l2sq: bias = |x|^2 + 256 sum x, mult = 2, scale = 1; inner product: bias = 128 sum x,
/// mult = 1, scale = 1; cosine: the same with scale = 1/|x|. The caller keeps
/// n * 255 * 128 * mult + |bias| below 2^31.
struct block_i8_problem : block_problem<std::int8_t> {
    const std::int32_t* bias = nullptr;  ///< one per row
    const float* scale = nullptr;        ///< one per row
    std::int32_t mult = 1;
};

/// Bit: v(q, r) = popcount(q XOR x_r), the Hamming distance itself.
using block_b1_problem = block_problem<std::uint64_t>;

/// Elements a kernel may read from each row: n rounded up to the widest group any level reads
/// at once (4 int8 values for `vpdpbusd`; 1 otherwise).
constexpr std::size_t block_padded(std::size_t n, std::size_t element_size) noexcept {
    return element_size == 1 ? (n + 3) / 4 * 4 : n;
}

/// Scratch bytes a block kernel needs: the queries packed into panels of up to 64 lanes, the
/// per-lane thresholds, and a copy of the last partial group of rows (up to 16 rows).
constexpr std::size_t block_scratch_bytes(std::size_t n_queries, std::size_t n, std::size_t element_size) noexcept {
    const std::size_t lanes = (n_queries + 63) / 64 * 64;
    const std::size_t padded = (block_padded(n, element_size) + 63) / 64 * 64;
    const std::size_t panel_element = element_size == 1 ? 1 : 8;  // int8 packs bytes, others at most 8
    return lanes * padded * panel_element + lanes * 8 + 16 * padded * element_size + std::size_t{4} * 64;
}

template <class P>
using block_fn = void (*)(const P& problem, const block_sink& sink) noexcept;

/// Function pointers of the block kernels of one level. An entry is null where a level has no
/// block kernel for that kind (callers then scan query by query).
struct block_kernels {
    block_fn<block_f32_problem> f32 = nullptr;
    block_fn<block_i8_problem> i8 = nullptr;
    block_fn<block_b1_problem> b1 = nullptr;
};

}  // namespace vspace::simd
