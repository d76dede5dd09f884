// SPDX-License-Identifier: MIT
/// @file
/// Block kernels: many queries against many rows at once (register-blocked tiles with the
/// top-k selection fused in), for exact batch search. Light header (no xsimd), like
/// kernel_table.hpp; the per-level bodies are in block_kernels.hpp.
#pragma once

namespace vspace::simd {

/// Function pointers of the block kernels of one level.
struct block_kernels {};

}  // namespace vspace::simd
