// SPDX-License-Identifier: MIT
/// @file
/// Binary-vector kernels on packed 64-bit words: Hamming distance and Jaccard distance.
/// xsimd 8.1 has no batch popcount, so these are word loops over the popcount builtin, which
/// the POPCNT and AVX-512 VPOPCNTDQ translation units compile to the instruction.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vspace::simd {

struct hamming_b1 {
    template <class Arch>
    static float run(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept;
};

struct jaccard_b1 {
    template <class Arch>
    static float run(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept;
};

template <class Arch>
float hamming_b1::run(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept {
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < words; ++i) s += static_cast<std::uint32_t>(__builtin_popcountll(a[i] ^ b[i]));
    return static_cast<float>(s);
}

template <class Arch>
float jaccard_b1::run(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept {
    std::uint32_t both = 0, either = 0;
    for (std::size_t i = 0; i < words; ++i) {
        both += static_cast<std::uint32_t>(__builtin_popcountll(a[i] & b[i]));
        either += static_cast<std::uint32_t>(__builtin_popcountll(a[i] | b[i]));
    }
    return either == 0 ? 0.f : 1.f - static_cast<float>(both) / static_cast<float>(either);
}

}  // namespace vspace::simd
