// SPDX-License-Identifier: MIT
/// @file
/// Binary-vector kernels on packed 64-bit words: Hamming distance and Jaccard distance. Like
/// the int8 kernels they are shells over a *count* policy that counts the bits of one pass:
/// `popcount_words` (the POPCNT instruction, one word at a time), `popcount_lanes<Op>` (xsimd
/// batches with a per-lane bit count Op: SWAR here, `pshufb` nibble lookup in x86/popcount.hpp)
/// and `x86::vpopcntq_counts` (AVX-512 VPOPCNTDQ, the avx512_vnni level).
#pragma once

#include <vspace/simd/ops.hpp>
#include <vspace/simd/x86/popcount.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace vspace::simd {

/// Per-lane bit count of 64-bit lanes in plain xsimd (SWAR: pairs, nibbles, bytes, then the
/// bytes of each lane summed by shifts), for instruction sets without a popcount instruction.
struct swar_lane_count {
    template <class Arch>
    static constexpr bool available = true;
    template <class Arch>
    static xsimd::batch<std::uint64_t, Arch> count(xsimd::batch<std::uint64_t, Arch> x) noexcept {
        using b64 = xsimd::batch<std::uint64_t, Arch>;
        x = x - ((x >> 1) & b64(0x5555555555555555ull));
        x = (x & b64(0x3333333333333333ull)) + ((x >> 2) & b64(0x3333333333333333ull));
        x = (x + (x >> 4)) & b64(0x0f0f0f0f0f0f0f0full);
        x = x + (x >> 8);
        x = x + (x >> 16);
        x = x + (x >> 32);
        return x & b64(0x7f);
    }
};

/// Counts with the scalar popcount builtin, one word of the query against R rows; compiled
/// to the POPCNT instruction in every per-level unit from sse4_2 up.
struct popcount_words {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }
    /// out[k] = popcount(q XOR rows[k])
    template <class Arch, std::size_t R>
    static void hamming(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                        std::uint64_t* out) noexcept {
        std::uint64_t c[R] = {};
        for (std::size_t i = 0; i < words; ++i) {
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k)
                c[k] += static_cast<std::uint64_t>(__builtin_popcountll(q[i] ^ rows[k][i]));
        }
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = c[k];
    }
    /// both[k] = popcount(q AND rows[k]), either[k] = popcount(q OR rows[k])
    template <class Arch, std::size_t R>
    static void jaccard(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                        std::uint64_t* both, std::uint64_t* either) noexcept {
        std::uint64_t b[R] = {}, e[R] = {};
        for (std::size_t i = 0; i < words; ++i) {
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                b[k] += static_cast<std::uint64_t>(__builtin_popcountll(q[i] & rows[k][i]));
                e[k] += static_cast<std::uint64_t>(__builtin_popcountll(q[i] | rows[k][i]));
            }
        }
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            both[k] = b[k];
            either[k] = e[k];
        }
    }
};

/// Counts over xsimd batches of words; LaneCount::count<Arch> gives the bits of each lane.
template <class LaneCount>
struct popcount_lanes {
    template <class Arch>
    static constexpr bool available = LaneCount::template available<Arch>;
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }
    template <class Arch, std::size_t R>
    static void hamming(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                        std::uint64_t* out) noexcept {
        using b64 = xsimd::batch<std::uint64_t, Arch>;
        b64 s[R] = {};
        for_each_batch<Arch>(q, words, [&](const b64& x, auto&& load) {
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) s[k] += LaneCount::template count<Arch>(x ^ load(rows[k]));
        });
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = reduce_sum(s[k]);
    }
    template <class Arch, std::size_t R>
    static void jaccard(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                        std::uint64_t* both, std::uint64_t* either) noexcept {
        using b64 = xsimd::batch<std::uint64_t, Arch>;
        b64 b[R] = {}, e[R] = {};
        for_each_batch<Arch>(q, words, [&](const b64& x, auto&& load) {
            #pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const b64 y = load(rows[k]);
                b[k] += LaneCount::template count<Arch>(x & y);
                e[k] += LaneCount::template count<Arch>(x | y);
            }
        });
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) {
            both[k] = reduce_sum(b[k]);
            either[k] = reduce_sum(e[k]);
        }
    }

private:
    template <class Arch, class Step>
    static void for_each_batch(const std::uint64_t* q, std::size_t words, Step&& step) noexcept {
        using b64 = xsimd::batch<std::uint64_t, Arch>;
        std::size_t i = 0;
        for (; i + b64::size <= words; i += b64::size)
            step(b64::load_unaligned(q + i), [i](const std::uint64_t* r) { return b64::load_unaligned(r + i); });
        if (i < words) {
            const tail_loader<std::uint64_t, Arch> tail(i, words);
            step(tail(q), tail);
        }
    }
};

/// Counts short rows one word at a time (POPCNT, or SWAR lanes where there is none) and rows
/// from 8 words (512 bits) up with Wide, where Wide works at Arch (the `pshufb` lookup at AVX2
/// and AVX-512BW, VPOPCNTDQ at avx512_vnni): below that, a wide loop's masks and lane sums cost
/// more than they save (docs/benchmarks.md).
template <class Wide>
struct popcount_split {
    static constexpr std::size_t wide_from_words = 8;

    template <class Arch>
    using short_rows = std::conditional_t<x86::has_popcnt<Arch>, popcount_words, popcount_lanes<swar_lane_count>>;

    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }
    template <class Arch, std::size_t R>
    static void hamming(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                        std::uint64_t* out) noexcept {
        if constexpr (Wide::template available<Arch>)
            if (words >= wide_from_words) return Wide::template hamming<Arch, R>(q, rows, words, out);
        short_rows<Arch>::template hamming<Arch, R>(q, rows, words, out);
    }
    template <class Arch, std::size_t R>
    static void jaccard(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                        std::uint64_t* both, std::uint64_t* either) noexcept {
        if constexpr (Wide::template available<Arch>)
            if (words >= wide_from_words) return Wide::template jaccard<Arch, R>(q, rows, words, both, either);
        short_rows<Arch>::template jaccard<Arch, R>(q, rows, words, both, either);
    }
};

/// The count policy of the levels without VPOPCNTDQ.
using popcount_default = popcount_split<popcount_lanes<x86::pshufb_lane_count>>;

/// Hamming distance popcount(a XOR b), exact.
template <class Count>
struct hamming_b1_with {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return Count::template rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                         float* out) noexcept {
        std::uint64_t c[R];
        Count::template hamming<Arch, R>(q, rows, words, c);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) out[k] = static_cast<float>(c[k]);
    }
};

/// Jaccard distance 1 - |a AND b| / |a OR b| (0 when both are empty), from exact counts, in
/// double as the reference computes it.
template <class Count>
struct jaccard_b1_with {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return Count::template rows_per_pass<Arch>();
    }
    template <class Arch, std::size_t R>
    static void run_rows(const std::uint64_t* q, const std::uint64_t* const* rows, std::size_t words,
                         float* out) noexcept {
        std::uint64_t both[R], either[R];
        Count::template jaccard<Arch, R>(q, rows, words, both, either);
        #pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k)
            out[k] = either[k] == 0
                         ? 0.f
                         : static_cast<float>(1.0 - static_cast<double>(both[k]) / static_cast<double>(either[k]));
    }
};

/// The Hamming and Jaccard kernels of the levels without VPOPCNTDQ (make_tables.hpp builds the
/// avx512_vnni ones from `popcount_split<x86::vpopcntq_counts>`).
using hamming_b1 = hamming_b1_with<popcount_default>;
using jaccard_b1 = jaccard_b1_with<popcount_default>;

}  // namespace vspace::simd
