// SPDX-License-Identifier: MIT
// Bodies of the alternative kernels (see alternatives.hpp), templated on the arch like the
// library's, and included only by the per-level units alternatives_avx2.cpp / _avx512.cpp.
#pragma once

#include "alternatives.hpp"

#include <vspace/simd/make_tables.hpp>

namespace vspace_bench {

namespace simd = vspace::simd;

/// Kernel K with another number of rows per pass.
template <class K, std::size_t P>
struct with_rows {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return P;
    }
    template <class Arch, std::size_t R, class S>
    static void run_rows(const S* q, const S* const* rows, std::size_t n, float* out) noexcept {
        K::template run_rows<Arch, R>(q, rows, n, out);
    }
};

/// Scattered rows one pair at a time, without prefetching the next rows.
template <class K, class Arch, class S>
void gather_plain(const S* q, const S* const* rows, std::size_t count, std::size_t n, float* out) noexcept {
    for (std::size_t i = 0; i < count; ++i) out[i] = simd::one_to_one<K, Arch, S>(q, rows[i], n);
}

template <class K, class Arch, class S>
simd::kernel<S> shapes() noexcept {
    return {&simd::one_to_one<K, Arch, S>, &simd::one_to_many<K, Arch, S>, &simd::gather<K, Arch, S>};
}

template <class K, class Arch, class S>
simd::kernel<S> shapes_without_prefetch() noexcept {
    return {&simd::one_to_one<K, Arch, S>, &simd::one_to_many<K, Arch, S>, &gather_plain<K, Arch, S>};
}

#if XSIMD_WITH_AVX512BW

/// int8 sums by widening to int16 and `vpdpwssd` (two int16 products into each int32 lane);
/// the alternative to `x86::i8_vnni_sums`. Only dot and l2sq are measured.
struct i8_vpdpwssd_sums {
    template <class Arch>
    static constexpr std::size_t rows_per_pass() noexcept {
        return 4;
    }

    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void dot(const std::int8_t* q, const std::int8_t* const* rows,
                                                          std::size_t n, std::int64_t* qr) noexcept {
        __m512i s[R] = {};
        for (std::size_t i = 0; i < n; i += 64) {
            const __mmask64 m = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
            const auto lo = static_cast<__mmask32>(m), hi = static_cast<__mmask32>(m >> 32);
            const __m512i x0 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lo, q + i));
            const __m512i x1 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(hi, q + i + 32));
#pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const __m512i y0 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lo, rows[k] + i));
                const __m512i y1 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(hi, rows[k] + i + 32));
                s[k] = _mm512_dpwssd_epi32(_mm512_dpwssd_epi32(s[k], x0, y0), x1, y1);
            }
        }
#pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) qr[k] += simd::x86::sum_i32<Arch>(s[k]);
    }

    template <class Arch, std::size_t R>
    __attribute__((target("avx512vnni"))) static void l2sq(const std::int8_t* q, const std::int8_t* const* rows,
                                                           std::size_t n, std::int64_t* d) noexcept {
        __m512i s[R] = {};
        for (std::size_t i = 0; i < n; i += 64) {
            const __mmask64 m = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
            const auto lo = static_cast<__mmask32>(m), hi = static_cast<__mmask32>(m >> 32);
            const __m512i x0 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lo, q + i));
            const __m512i x1 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(hi, q + i + 32));
#pragma GCC unroll 8
            for (std::size_t k = 0; k < R; ++k) {
                const __m512i d0 = _mm512_sub_epi16(x0, _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lo, rows[k] + i)));
                const __m512i d1 =
                    _mm512_sub_epi16(x1, _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(hi, rows[k] + i + 32)));
                s[k] = _mm512_dpwssd_epi32(_mm512_dpwssd_epi32(s[k], d0, d0), d1, d1);
            }
        }
#pragma GCC unroll 8
        for (std::size_t k = 0; k < R; ++k) d[k] += simd::x86::sum_i32<Arch>(s[k]);
    }
};

#endif

}  // namespace vspace_bench
