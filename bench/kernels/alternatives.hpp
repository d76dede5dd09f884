// SPDX-License-Identifier: MIT
// Kernel designs the library measured and did not choose, kept so that the choice can be
// re-measured on another CPU: int8 through `vpdpwssd` on int16-widened values (against the
// `vpdpbusd` offset trick), bit counts through the `pshufb` lookup (against POPCNT), other
// rows-per-pass counts, and scattered rows without prefetching. Compiled per instruction set
// like the library (alternatives_*.cpp); main.cpp registers what the CPU supports.
#pragma once

#include <vspace/simd/kernel_table.hpp>

#include <cstddef>
#include <cstdint>

namespace vspace_bench {

/// One alternative kernel: the level whose CPU features it needs, and its shapes (the one
/// for its scalar kind is set). Plain data, so the per-level units instantiate nothing from
/// the standard library (the ODR rule of docs/developing.md).
struct alternative {
    const char* name;  ///< e.g. "i8_dot_vpdpwssd"; the chosen kernel's name is "i8_dot"
    vspace::simd::level needs;
    vspace::simd::kernel<float> f32{};
    vspace::simd::kernel<std::int8_t> i8{};
    vspace::simd::kernel<std::uint64_t> b1{};
};

/// The alternatives compiled for each instruction set; `count` receives their number.
const alternative* alternatives_avx2(std::size_t& count);
const alternative* alternatives_avx512(std::size_t& count);

}  // namespace vspace_bench
