// SPDX-License-Identifier: MIT
// Body of each per-level translation unit of the `vspace::simd` library. CMake generates one
// tiny source per level that defines VSPACE_SIMD_TU to the level's number and includes this
// file, and compiles it with that level's flags (cmake/vspace_simd.cmake). Only this code may
// carry wide-vector instructions; everything it instantiates is templated on the arch, so the
// per-level copies never collide (the ODR check in CI verifies it).
#include <vspace/simd/make_tables.hpp>

#if !defined(VSPACE_SIMD_TU)
#error "instantiate.ipp is the body of a generated per-level translation unit"
#endif

namespace vspace::simd::detail {

template <level L>
kernel_tables tables_at() noexcept;

#if VSPACE_SIMD_TU == 1
template <>
kernel_tables tables_at<level::sse2>() noexcept { return make_tables<xsimd::sse2>(level::sse2); }
#elif VSPACE_SIMD_TU == 2
template <>
kernel_tables tables_at<level::sse4_2>() noexcept { return make_tables<xsimd::sse4_2>(level::sse4_2); }
#elif VSPACE_SIMD_TU == 3
template <>
kernel_tables tables_at<level::avx2>() noexcept {
    return make_tables<xsimd::fma3<xsimd::avx2>>(level::avx2);
}
#elif VSPACE_SIMD_TU == 4
template <>
kernel_tables tables_at<level::avx512>() noexcept { return make_tables<xsimd::avx512bw>(level::avx512); }
template <>
kernel_tables tables_at<level::avx512_vnni>() noexcept {
    return make_tables<xsimd::avx512bw>(level::avx512_vnni);
}
#else
#error "unknown VSPACE_SIMD_TU"
#endif

}  // namespace vspace::simd::detail
