// SPDX-License-Identifier: MIT
/// @file
/// `make_tables<Arch>`: fills the kernel tables with every kernel instantiated for one xsimd
/// architecture. Included only by code compiled for that architecture: a per-level
/// translation unit of the `vspace::simd` library, or the header-only mode.
#pragma once

#include <vspace/simd/bits.hpp>
#include <vspace/simd/block_kernels.hpp>
#include <vspace/simd/cosine.hpp>
#include <vspace/simd/dot.hpp>
#include <vspace/simd/i8.hpp>
#include <vspace/simd/kernel_types.hpp>
#include <vspace/simd/l2sq.hpp>
#include <vspace/simd/one_to_many.hpp>
#include <vspace/simd/serial_tables.hpp>
#include <vspace/simd/x86/i8_vnni.hpp>
#include <vspace/simd/x86/popcount.hpp>

#include <type_traits>

namespace vspace::simd {

/// The tables of level `l` from the kernels instantiated for Arch. The avx512 and avx512_vnni
/// levels share the AVX-512 arch; at avx512_vnni the int8 and bit kernels are swapped for the
/// VNNI and VPOPCNTDQ ones (compiled with target attributes, reached only after the CPU check).
template <class Arch>
kernel_tables make_tables(level l) noexcept {
    using i8 = std::int8_t;
    using u64 = std::uint64_t;
    kernel_tables t;
    t.f32 = {bind_kernel<dot_f32, Arch, float>(), bind_kernel<inner_product_f32, Arch, float>(),
             bind_kernel<l2sq_f32, Arch, float>(), bind_kernel<cosine_f32, Arch, float>()};
    t.i8 = {bind_kernel<dot_i8, Arch, i8>(), bind_kernel<inner_product_i8, Arch, i8>(),
            bind_kernel<l2sq_i8, Arch, i8>(), bind_kernel<cosine_i8, Arch, i8>()};
    t.b1 = {bind_kernel<hamming_b1, Arch, u64>(), bind_kernel<jaccard_b1, Arch, u64>()};
#if XSIMD_WITH_AVX512BW
    if constexpr (std::is_same_v<Arch, xsimd::avx512bw>) {
        if (l == level::avx512_vnni) {
            using vnni = x86::i8_vnni_sums;
            t.i8 = {bind_kernel<dot_i8_with<vnni>, Arch, i8>(), bind_kernel<inner_product_i8_with<vnni>, Arch, i8>(),
                    bind_kernel<l2sq_i8_with<vnni>, Arch, i8>(), bind_kernel<cosine_i8_with<vnni>, Arch, i8>()};
            using vpopcnt = popcount_split<x86::vpopcntq_counts>;
            t.b1 = {bind_kernel<hamming_b1_with<vpopcnt>, Arch, u64>(),
                    bind_kernel<jaccard_b1_with<vpopcnt>, Arch, u64>()};
        }
    }
#endif
    t.blocks = make_block_kernels<Arch>(l);
    t.lvl = l;
    return t;
}

}  // namespace vspace::simd
