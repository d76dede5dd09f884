// SPDX-License-Identifier: MIT
/// @file
/// Header-only kernel selection (no `vspace::simd` library): the kernels are compiled for
/// `xsimd::default_arch`, the best instruction set the user's compiler flags enable, plus the
/// serial reference. Included by kernel_table.hpp when VSPACE_SIMD_DISPATCH is not defined.
#pragma once

#include <vspace/simd/kernel_table.hpp>
#include <vspace/simd/make_tables.hpp>

namespace vspace::simd {

/// The level the compiler flags of this translation unit target.
constexpr level compiled_level() noexcept {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#if defined(__AVX512VNNI__) && defined(__AVX512VPOPCNTDQ__)
    return level::avx512_vnni;
#else
    return level::avx512;
#endif
#elif defined(__AVX2__) && defined(__FMA__)
    return level::avx2;
#elif defined(__SSE4_2__)
    return level::sse4_2;
#elif defined(__SSE2__) || defined(__x86_64__)
    return level::sse2;
#else
    return level::serial;  // non-x86 targets: xsimd's default arch is still used, see below
#endif
}

namespace detail {
/// The xsimd arch the tables of `compiled_level()` are built for. Not xsimd's own default: that
/// may be an instruction set no level describes (AVX-512F without BW, AVX2 without FMA), whose
/// xsimd 8.1 code does not even compile everywhere.
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
using header_only_arch = xsimd::avx512bw;
#elif defined(__AVX2__) && defined(__FMA__)
using header_only_arch = xsimd::fma3<xsimd::avx2>;
#elif defined(__SSE4_2__)
using header_only_arch = xsimd::sse4_2;
#elif defined(__SSE2__) || defined(__x86_64__)
using header_only_arch = xsimd::sse2;
#else
using header_only_arch = xsimd::default_arch;
#endif
}  // namespace detail

inline const kernel_tables& tables_for(level l) {
    if (l == level::serial) {
        static const kernel_tables t = make_serial_tables();
        return t;
    }
    if (l != compiled_level())
        VSPACE_THROW(invalid_argument, "simd::tables_for: level ", level_name(l),
                     " is not compiled in (expected serial or ",
                     level_name(compiled_level()), " in header-only mode; link vspace::simd for run-time dispatch)");
    static const kernel_tables t = make_tables<detail::header_only_arch>(compiled_level());
    return t;
}

inline level active_level() {
    static const level chosen = [] {
        const level cap = env_cap();
        return cap < compiled_level() ? level::serial : compiled_level();
    }();
    return chosen;
}

inline const kernel_tables& active_tables() {
    static const kernel_tables& t = tables_for(active_level());
    return t;
}

}  // namespace vspace::simd
