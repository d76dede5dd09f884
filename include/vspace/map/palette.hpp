// SPDX-License-Identifier: MIT
/// @file
/// Category colours shared by the PNG, SVG and HTML writers, so one data set looks the same in
/// all three: 20 hand-picked colours (ten saturated, then ten light partners), then hues spaced
/// by the golden angle for categories beyond 20.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace vspace {

/// An 8-bit sRGB colour.
struct rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    friend constexpr bool operator==(rgb, rgb) = default;
};

/// The colour of category `c` (0 = the first, usually the largest).
inline rgb category_color(std::size_t c) {
    static constexpr std::array<std::uint32_t, 20> fixed = {
        0x2f6fb0, 0xe8772e, 0x3a9a48, 0xcf3c3c, 0x8a5fb5, 0x93603c, 0xd86bb4, 0x6d7a86, 0xa8a82a, 0x2aa9b8,
        0x9fbfe6, 0xf4b27a, 0x96d48a, 0xf29a9a, 0xc3aee0, 0xc9a48a, 0xf0b3da, 0xb8c0c8, 0xd8d87a, 0x8fd8e0};
    if (c < fixed.size()) {
        const std::uint32_t v = fixed[c];
        return {static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    }
    // HSL with s = 0.55, l = 0.5 at hue steps of the golden angle: neighbours stay apart.
    const double h = std::fmod(static_cast<double>(c) * 137.50776405, 360.0) / 60.0;
    const double chroma = 0.55, x = chroma * (1 - std::abs(std::fmod(h, 2.0) - 1)), m = 0.5 - chroma / 2;
    double r = 0, g = 0, b = 0;
    switch (static_cast<int>(h)) {
        case 0: r = chroma, g = x; break;
        case 1: r = x, g = chroma; break;
        case 2: g = chroma, b = x; break;
        case 3: g = x, b = chroma; break;
        case 4: r = x, b = chroma; break;
        default: r = chroma, b = x; break;
    }
    auto byte = [&](double v) { return static_cast<std::uint8_t>(std::lround((v + m) * 255)); };
    return {byte(r), byte(g), byte(b)};
}

/// The colour of points when there is no field to colour by.
inline constexpr rgb default_point_color{0x2f, 0x6f, 0xb0};

/// "#rrggbb".
inline std::string to_hex(rgb c) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "#000000";
    const std::uint8_t v[3] = {c.r, c.g, c.b};
    for (int i = 0; i < 3; ++i) s[1 + 2 * i] = digits[v[i] >> 4], s[2 + 2 * i] = digits[v[i] & 15];
    return s;
}

}  // namespace vspace
