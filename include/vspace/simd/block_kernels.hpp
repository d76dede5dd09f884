// SPDX-License-Identifier: MIT
/// @file
/// The block kernels of each level (declared in block_table.hpp): the float GEMM tile at every
/// level, and at avx512_vnni the VNNI int8 and VPOPCNTDQ binary tiles. The serial level holds
/// the reference loops of all three kinds.
#pragma once

#include <vspace/simd/block_b1.hpp>
#include <vspace/simd/block_f32.hpp>
#include <vspace/simd/block_i8.hpp>
#include <vspace/simd/block_table.hpp>
#include <vspace/simd/level.hpp>

#include <type_traits>

namespace vspace::simd {

/// The block kernels for xsimd architecture Arch at level `l`.
template <class Arch>
block_kernels make_block_kernels(level l) noexcept {
    block_kernels b;
    b.f32 = &block_f32<Arch>;
#if XSIMD_WITH_AVX512BW
    if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
        if (l == level::avx512_vnni) {
            b.i8 = &block_i8_vnni<Arch>;
            b.b1 = &block_b1_vpopcnt<Arch>;
        }
    }
#endif
    (void)l;
    return b;
}

/// Arch tag of the serial level (defined in serial_tables.hpp); the reference loops are
/// arch-templated like all per-level code, and this tag names their one instantiation.
struct serial_arch;

/// The block kernels of the serial level: the reference loops.
inline block_kernels make_serial_block_kernels() noexcept {
    block_kernels b;
    b.f32 = &block_f32_reference<serial_arch>;
    b.i8 = &block_i8_reference<serial_arch>;
    b.b1 = &block_b1_reference<serial_arch>;
    return b;
}

}  // namespace vspace::simd
