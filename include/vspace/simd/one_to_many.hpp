// SPDX-License-Identifier: MIT
/// @file
/// The three shapes of a kernel: one pair (`one_to_one`), one query against a block of rows
/// (`one_to_many`, for flat scans) or against a list of row pointers (`gather`, for graph
/// neighbour lists). A kernel provides `run_rows<Arch, R>`, which computes R rows in one pass
/// and loads each query element once for all of them, and `rows_per_pass<Arch>()`; the shapes
/// go that many rows at a time. (The serial reference adapters provide `run<Arch>(a, b, n)`
/// instead.) Rows are computed by the same code in every shape, so a distance never depends
/// on which shape produced it.
#pragma once

#include <vspace/simd/kernel_types.hpp>

#include <cstddef>

namespace vspace::simd {

namespace detail {

/// Rows per pass of kernel K at Arch: K::rows_per_pass<Arch>() if K has `run_rows`, else 1.
template <class K, class Arch>
constexpr std::size_t rows_per_pass() noexcept {
    if constexpr (requires { K::template rows_per_pass<Arch>(); })
        return K::template rows_per_pass<Arch>();
    else
        return 1;
}

/// out[k] = K(q, rows[k]) for k < R.
template <class K, class Arch, std::size_t R, class S>
inline void run_pass(const S* q, const S* const* rows, std::size_t n, float* out) noexcept {
    if constexpr (R == 1 && !requires { K::template rows_per_pass<Arch>(); })
        out[0] = K::template run<Arch>(q, rows[0], n);
    else
        K::template run_rows<Arch, R>(q, rows, n, out);
}

/// Prefetches the first cache lines of a row that is about to be read. Later lines follow
/// from the hardware prefetcher once the row is being streamed.
template <class Arch, class S>
inline void prefetch_row(const S* row, std::size_t n) noexcept {
    const auto* p = reinterpret_cast<const char*>(row);
    const std::size_t bytes = n * sizeof(S), ahead = bytes < 256 ? bytes : 256;  // at most 4 lines
    for (std::size_t b = 0; b < ahead; b += 64) __builtin_prefetch(p + b);
}

}  // namespace detail

/// K(a, b): a pass of one row. Flattened, so the kernel's body is inlined here instead of
/// costing a second call (parts compiled for another target, such as VNNI, stay calls).
template <class K, class Arch, class S>
[[gnu::flatten]] float one_to_one(const S* a, const S* b, std::size_t n) noexcept {
    float out;
    detail::run_pass<K, Arch, 1>(a, &b, n, &out);
    return out;
}

/// out[i] = K(q, base + i * stride) for i < rows.
template <class K, class Arch, class S>
void one_to_many(const S* q, const S* base, std::size_t stride, std::size_t rows, std::size_t n,
                 float* out) noexcept {
    constexpr std::size_t per_pass = detail::rows_per_pass<K, Arch>();
    std::size_t i = 0;
    for (; i + per_pass <= rows; i += per_pass) {
        const S* r[per_pass];
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < per_pass; ++k) r[k] = base + (i + k) * stride;
        detail::run_pass<K, Arch, per_pass>(q, r, n, out + i);
    }
    for (; i < rows; ++i) {
        const S* r[1] = {base + i * stride};
        detail::run_pass<K, Arch, 1>(q, r, n, out + i);
    }
}

/// out[i] = K(q, rows[i]) for i < count. The rows of the next pass are prefetched while the
/// current one is computed, which hides part of the cache misses of scattered rows.
template <class K, class Arch, class S>
void gather(const S* q, const S* const* rows, std::size_t count, std::size_t n, float* out) noexcept {
    constexpr std::size_t per_pass = detail::rows_per_pass<K, Arch>();
    for (std::size_t k = 0; k < per_pass && k < count; ++k) detail::prefetch_row<Arch>(rows[k], n);
    std::size_t i = 0;
    for (; i + per_pass <= count; i += per_pass) {
        for (std::size_t k = i + per_pass; k < i + 2 * per_pass && k < count; ++k)
            detail::prefetch_row<Arch>(rows[k], n);
        detail::run_pass<K, Arch, per_pass>(q, rows + i, n, out + i);
    }
    for (; i < count; ++i) detail::run_pass<K, Arch, 1>(q, rows + i, n, out + i);
}

/// The three shapes of kernel K at arch tag Arch, for a table.
template <class K, class Arch, class S>
constexpr kernel<S> bind_kernel() noexcept {
    return {&one_to_one<K, Arch, S>, &one_to_many<K, Arch, S>, &gather<K, Arch, S>};
}

}  // namespace vspace::simd
