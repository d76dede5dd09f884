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
#include <vspace/simd/l2sq.hpp>
#include <vspace/simd/serial_tables.hpp>

namespace vspace::simd {

template <class Arch>
kernel_tables make_tables(level l) noexcept {
    kernel_tables t;
    t.f32 = {bind_kernel<dot_f32, Arch, float>(), bind_kernel<inner_product_f32, Arch, float>(),
             bind_kernel<l2sq_f32, Arch, float>(), bind_kernel<cosine_f32, Arch, float>()};
    t.i8 = {bind_kernel<dot_i8, Arch, std::int8_t>(), bind_kernel<inner_product_i8, Arch, std::int8_t>(),
            bind_kernel<l2sq_i8, Arch, std::int8_t>(), bind_kernel<cosine_i8, Arch, std::int8_t>()};
    t.b1 = {bind_kernel<hamming_b1, Arch, std::uint64_t>(), bind_kernel<jaccard_b1, Arch, std::uint64_t>()};
    t.blocks = make_block_kernels<Arch>(l);
    t.lvl = l;
    return t;
}

}  // namespace vspace::simd
