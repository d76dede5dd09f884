// SPDX-License-Identifier: MIT
/// @file
/// Instruction-set levels the dispatcher chooses between, what this CPU supports, and the
/// `VSPACE_SIMD_ARCH` environment cap. Plain C++ (no xsimd), so the CLI and tests can name
/// levels without pulling in the kernels.
#pragma once

#include <vspace/core/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace vspace::simd {

/// Kernel levels, ordered: each one needs everything the previous needs.
enum class level : std::uint8_t {
    serial = 0,       ///< the scalar reference loops (`reference.hpp`), any CPU
    sse2 = 1,         ///< SSE2, the x86-64 baseline
    sse4_2 = 2,       ///< SSE4.2 + POPCNT (x86-64-v2)
    avx2 = 3,         ///< AVX2 + FMA + BMI2 (x86-64-v3)
    avx512 = 4,       ///< AVX-512 F/BW/DQ/VL/CD (x86-64-v4, e.g. Skylake-SP)
    avx512_vnni = 5,  ///< avx512 + VNNI (int8 dot) + VPOPCNTDQ (popcount), e.g. Ice Lake, Zen 4
};

inline constexpr level all_levels[] = {level::serial, level::sse2, level::sse4_2, level::avx2, level::avx512,
                                       level::avx512_vnni};

/// The name `VSPACE_SIMD_ARCH` and `vspace info` use for a level.
constexpr std::string_view level_name(level l) noexcept {
    switch (l) {
        case level::serial: return "serial";
        case level::sse2: return "sse2";
        case level::sse4_2: return "sse4_2";
        case level::avx2: return "avx2";
        case level::avx512: return "avx512";
        case level::avx512_vnni: return "avx512_vnni";
    }
    return "unknown";
}

/// Parses a level name as `level_name` spells it.
inline level parse_level(std::string_view name) {
    for (level l : all_levels)
        if (level_name(l) == name) return l;
    VSPACE_THROW(invalid_argument, "simd::parse_level: unknown level '", name,
                 "' (expected serial, sse2, sse4_2, avx2, avx512 or avx512_vnni)");
}

/// The highest level this CPU (and its OS, which must save the wide registers) supports.
inline level cpu_level() noexcept {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("sse2")) return level::serial;
    if (!(__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt"))) return level::sse2;
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
          __builtin_cpu_supports("bmi2")))
        return level::sse4_2;
    if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
          __builtin_cpu_supports("avx512cd")))
        return level::avx2;
    if (!(__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vpopcntdq")))
        return level::avx512;
    return level::avx512_vnni;
#else
    return level::serial;
#endif
}

/// The cap set by the `VSPACE_SIMD_ARCH` environment variable, or the highest level if unset.
/// An unknown value throws invalid_argument (a typo must not silently run other code).
inline level env_cap() {
    const char* value = std::getenv("VSPACE_SIMD_ARCH");
    if (value == nullptr || *value == '\0') return level::avx512_vnni;
    return parse_level(value);
}

}  // namespace vspace::simd
