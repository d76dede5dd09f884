// SPDX-License-Identifier: MIT
/// @file
/// The scalar reference of every kernel: the specification, the `serial` level and the oracle
/// the SIMD kernels are tested against. Plain loops, readable side by side with the math.
/// Float sums accumulate in double here, so the reference is more accurate than any kernel.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace vspace::simd::reference {

/// <a, b> = sum_i a_i b_i
inline double dot(const float* a, const float* b, std::size_t n) noexcept {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

/// |a - b|^2 = sum_i (a_i - b_i)^2
inline double l2sq(const float* a, const float* b, std::size_t n) noexcept {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        s += d * d;
    }
    return s;
}

/// 1 - <a, b> / (|a| |b|), clamped to [0, 2]; 1 when either vector is zero (cosine 0).
inline double cosine_from(double ab, double aa, double bb) noexcept {
    if (aa <= 0 || bb <= 0) return 1.0;
    const double d = 1.0 - ab / std::sqrt(aa * bb);
    return d < 0 ? 0 : (d > 2 ? 2 : d);
}

inline double cosine(const float* a, const float* b, std::size_t n) noexcept {
    return cosine_from(dot(a, b, n), dot(a, a, n), dot(b, b, n));
}

/// Exact integer dot product of int8 vectors (int32 cannot overflow below 2^17 dims).
inline std::int64_t dot(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s += std::int32_t{a[i]} * std::int32_t{b[i]};
    return s;
}

inline std::int64_t l2sq(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t d = std::int32_t{a[i]} - std::int32_t{b[i]};
        s += d * d;
    }
    return s;
}

inline double cosine(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    return cosine_from(static_cast<double>(dot(a, b, n)), static_cast<double>(dot(a, a, n)),
                       static_cast<double>(dot(b, b, n)));
}

/// Number of differing bits over `words` 64-bit words.
inline std::uint64_t hamming(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < words; ++i)
        for (std::uint64_t x = a[i] ^ b[i]; x != 0; x &= x - 1) ++s;
    return s;
}

/// 1 - |a AND b| / |a OR b|; 0 when both are empty (identical sets).
inline double jaccard(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept {
    std::uint64_t both = 0, either = 0;
    for (std::size_t i = 0; i < words; ++i) {
        for (std::uint64_t x = a[i] & b[i]; x != 0; x &= x - 1) ++both;
        for (std::uint64_t x = a[i] | b[i]; x != 0; x &= x - 1) ++either;
    }
    return either == 0 ? 0.0 : 1.0 - static_cast<double>(both) / static_cast<double>(either);
}

}  // namespace vspace::simd::reference
