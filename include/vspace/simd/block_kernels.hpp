// SPDX-License-Identifier: MIT
/// @file
/// Per-level bodies of the block kernels declared in block_table.hpp.
#pragma once

#include <vspace/simd/block_table.hpp>
#include <vspace/simd/level.hpp>

namespace vspace::simd {

/// The block kernels for xsimd architecture Arch at level `l`.
template <class Arch>
block_kernels make_block_kernels(level) noexcept {
    return {};
}

/// The block kernels of the serial level.
inline block_kernels make_serial_block_kernels() noexcept { return {}; }

}  // namespace vspace::simd
