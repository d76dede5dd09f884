// SPDX-License-Identifier: MIT
/// @file
/// int8 kernels: dot, inner product, squared L2 and cosine, exact for every input. Each kernel
/// is a thin shell over a *sums* policy that computes the integer sums of one chunk:
/// `i8_madd_sums` here (xsimd batches plus the `pmaddwd` escape hatch, every level) and
/// `x86::i8_vnni_sums` (`vpdpbusd`, the avx512_vnni level). The shell splits long rows into
/// chunks whose int32 sums cannot overflow and adds the chunks in int64.
#pragma once

#include <vspace/simd/cosine.hpp>
#include <vspace/simd/ops.hpp>
#include <vspace/simd/x86/i8_madd.hpp>

#include <cstddef>
#include <cstdint>

namespace vspace::simd {

/// Elements per chunk: every int32 sum a sums policy keeps (up to 255^2 per element for l2sq,
/// 255 * 128 for the VNNI offset trick) stays below 2^31 over this many elements.
inline constexpr std::size_t i8_chunk = 16384;

/// Exact int8 sums by widening to int16 and `pmaddwd`: per 16-bit pair, two products summed
/// into int32 (at most 2 * 255^2, so nothing saturates). Each `*_sums` function adds the sums
/// of n <= i8_chunk elements of q and rows[0..R) into its int64 outputs.
struct i8_madd_sums {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }
    /// qr[k] += sum q_i r_ki
    template <class Arch, std::size_t R>
    static void dot(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, std::int64_t* qr) noexcept;
    /// d[k] += sum (q_i - r_ki)^2
    template <class Arch, std::size_t R>
    static void l2sq(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, std::int64_t* d) noexcept;
    /// qq += sum q_i^2, qr[k] += sum q_i r_ki, rr[k] += sum r_ki^2
    template <class Arch, std::size_t R>
    static void cosine(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, std::int64_t& qq,
                       std::int64_t* qr, std::int64_t* rr) noexcept;
};

namespace detail {

/// Calls f(q, rows, m) on consecutive chunks of at most i8_chunk elements.
template <class Arch, std::size_t R, class F>
inline void for_each_i8_chunk(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, F&& f) noexcept {
    if (n <= i8_chunk) return f(q, rows, n);
    for (std::size_t c = 0; c < n; c += i8_chunk) {
        const std::int8_t* r[R];
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) r[k] = rows[k] + c;
        f(q + c, r, n - c < i8_chunk ? n - c : i8_chunk);
    }
}

/// Runs step(x, load) over the batches of a row, widened to int16: x is the query's batch,
/// load(row) gives a row's batch at the same position (zero-filled in the last, partial one).
template <class Arch, class Step>
inline void for_each_i8_batch(const std::int8_t* q, std::size_t n, Step&& step) noexcept {
    constexpr std::size_t w = xsimd::batch<std::int8_t, Arch>::size;
    std::size_t i = 0;
    for (; i + w <= n; i += w)
        step(x86::widen_load<Arch>(q + i), [i](const std::int8_t* r) { return x86::widen_load<Arch>(r + i); });
    if (i < n) {
        const tail_loader<std::int8_t, Arch> tail(i, n);
        step(x86::widen<Arch>(tail(q)), [&tail](const std::int8_t* r) { return x86::widen<Arch>(tail(r)); });
    }
}

}  // namespace detail

template <class Arch, std::size_t R>
void i8_madd_sums::dot(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n,
                       std::int64_t* qr) noexcept {
    using b32 = xsimd::batch<std::int32_t, Arch>;
    b32 s[R] = {};
    detail::for_each_i8_batch<Arch>(q, n, [&](const auto& xw, auto&& load) {
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const auto y = load(rows[k]);
            s[k] += x86::madd<Arch>(xw.lo, y.lo) + x86::madd<Arch>(xw.hi, y.hi);
        }
    });
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) qr[k] += reduce_sum(s[k]);
}

template <class Arch, std::size_t R>
void i8_madd_sums::l2sq(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n,
                        std::int64_t* d) noexcept {
    using b32 = xsimd::batch<std::int32_t, Arch>;
    b32 s[R] = {};
    detail::for_each_i8_batch<Arch>(q, n, [&](const auto& xw, auto&& load) {
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const auto y = load(rows[k]);
            const auto lo = xw.lo - y.lo, hi = xw.hi - y.hi;  // in [-255, 255]: fits int16
            s[k] += x86::madd<Arch>(lo, lo) + x86::madd<Arch>(hi, hi);
        }
    });
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) d[k] += reduce_sum(s[k]);
}

template <class Arch, std::size_t R>
void i8_madd_sums::cosine(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, std::int64_t& qq,
                          std::int64_t* qr, std::int64_t* rr) noexcept {
    using b32 = xsimd::batch<std::int32_t, Arch>;
    b32 sqq(0), sqr[R] = {}, srr[R] = {};
    detail::for_each_i8_batch<Arch>(q, n, [&](const auto& xw, auto&& load) {
        sqq += x86::madd<Arch>(xw.lo, xw.lo) + x86::madd<Arch>(xw.hi, xw.hi);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            const auto y = load(rows[k]);
            sqr[k] += x86::madd<Arch>(xw.lo, y.lo) + x86::madd<Arch>(xw.hi, y.hi);
            srr[k] += x86::madd<Arch>(y.lo, y.lo) + x86::madd<Arch>(y.hi, y.hi);
        }
    });
    qq += reduce_sum(sqq);
    #pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) {
        qr[k] += reduce_sum(sqr[k]);
        rr[k] += reduce_sum(srr[k]);
    }
}

/// <a, b> for int8 vectors (a similarity).
template <class Sums>
struct dot_i8_with {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return Sums::template rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, float* out) noexcept {
        std::int64_t s[R] = {};
        detail::for_each_i8_chunk<Arch, R>(q, rows, n, [&](const std::int8_t* qc, const std::int8_t* const* rc,
                                                            std::size_t m) { Sums::template dot<Arch, R>(qc, rc, m, s); });
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = static_cast<float>(s[k]);
    }
};

/// -<a, b>: the inner-product distance.
template <class Sums>
struct inner_product_i8_with {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return Sums::template rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, float* out) noexcept {
        dot_i8_with<Sums>::template run_rows<Arch, R>(q, rows, n, out);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = -out[k];
    }
};

/// |a - b|^2 for int8 vectors.
template <class Sums>
struct l2sq_i8_with {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return Sums::template rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, float* out) noexcept {
        std::int64_t s[R] = {};
        detail::for_each_i8_chunk<Arch, R>(q, rows, n, [&](const std::int8_t* qc, const std::int8_t* const* rc,
                                                            std::size_t m) { Sums::template l2sq<Arch, R>(qc, rc, m, s); });
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = static_cast<float>(s[k]);
    }
};

/// 1 - cos(a, b) for int8 vectors, from the exact sums.
template <class Sums>
struct cosine_i8_with {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return Sums::template rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const std::int8_t* q, const std::int8_t* const* rows, std::size_t n, float* out) noexcept {
        std::int64_t qq = 0, qr[R] = {}, rr[R] = {};
        detail::for_each_i8_chunk<Arch, R>(
            q, rows, n, [&](const std::int8_t* qc, const std::int8_t* const* rc, std::size_t m) {
                Sums::template cosine<Arch, R>(qc, rc, m, qq, qr, rr);
            });
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k)
            out[k] = cosine_from<Arch>(static_cast<double>(qr[k]), static_cast<double>(qq), static_cast<double>(rr[k]));
    }
};

using dot_i8 = dot_i8_with<i8_madd_sums>;
using inner_product_i8 = inner_product_i8_with<i8_madd_sums>;
using l2sq_i8 = l2sq_i8_with<i8_madd_sums>;
using cosine_i8 = cosine_i8_with<i8_madd_sums>;

}  // namespace vspace::simd
