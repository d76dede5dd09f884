// SPDX-License-Identifier: MIT
/// @file
/// int8 kernels: dot, inner product, squared L2 and cosine, accumulated exactly in int32.
/// xsimd 8.1 has no widening int8 multiply, so the loops are plain C++ that each per-level
/// translation unit vectorizes for its instruction set (x86 escape hatches may replace them).
#pragma once

#include <vspace/simd/cosine.hpp>

#include <cstddef>
#include <cstdint>

namespace vspace::simd {

struct dot_i8 {
    template <class Arch>
    static float run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
    template <class Arch>
    static std::int32_t exact(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
};

struct inner_product_i8 {
    template <class Arch>
    static float run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
};

struct l2sq_i8 {
    template <class Arch>
    static float run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
};

struct cosine_i8 {
    template <class Arch>
    static float run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
};

template <class Arch>
std::int32_t dot_i8::exact(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    std::int32_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s += std::int32_t{a[i]} * std::int32_t{b[i]};
    return s;
}

template <class Arch>
float dot_i8::run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    return static_cast<float>(exact<Arch>(a, b, n));
}

template <class Arch>
float inner_product_i8::run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    return -static_cast<float>(dot_i8::exact<Arch>(a, b, n));
}

template <class Arch>
float l2sq_i8::run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    std::int32_t s = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t d = std::int32_t{a[i]} - std::int32_t{b[i]};
        s += d * d;
    }
    return static_cast<float>(s);
}

template <class Arch>
float cosine_i8::run(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    std::int32_t ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t x = a[i], y = b[i];
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    return cosine_from<Arch>(static_cast<float>(ab), static_cast<float>(aa), static_cast<float>(bb));
}

}  // namespace vspace::simd
