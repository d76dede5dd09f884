// SPDX-License-Identifier: MIT
/// @file
/// The one-to-many shape of a pair kernel: one query against a block of rows, prefetching
/// ahead, so that a scan pays one indirect call per block instead of one per row.
#pragma once

#include <cstddef>

namespace vspace::simd {

/// out[i] = Kernel(q, base + i * stride) for i < rows.
template <class Kernel, class Arch, class S>
void one_to_many(const S* q, const S* base, std::size_t stride, std::size_t rows, std::size_t n,
                 float* out) noexcept {
    constexpr std::size_t ahead = 4;  // rows in flight: enough to cover memory latency
    for (std::size_t i = 0; i < rows; ++i) {
        if (i + ahead < rows) __builtin_prefetch(base + (i + ahead) * stride);
        out[i] = Kernel::template run<Arch>(q, base + i * stride, n);
    }
}

}  // namespace vspace::simd
