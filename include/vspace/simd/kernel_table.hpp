// SPDX-License-Identifier: MIT
/// @file
/// The kernel tables: for each scalar kind, function pointers to the distance kernels of one
/// instruction-set level, resolved once. Indexes copy the pointer they need at construction,
/// so a distance costs one indirect call and no per-call dispatch. This header is light (no
/// xsimd) in dispatch mode: metrics and indexes include it; the kernels themselves live in the
/// per-level code. The table types and the kernels' contract are in kernel_types.hpp.
#pragma once

#include <vspace/simd/kernel_types.hpp>
#include <vspace/simd/level.hpp>

#include <string_view>
#include <type_traits>

/// Linkage of the table accessors: defined once in the `vspace::simd` library in dispatch
/// mode, inline in this header's companion otherwise.
#if defined(VSPACE_SIMD_DISPATCH)
#define VSPACE_SIMD_LINKAGE
#else
#define VSPACE_SIMD_LINKAGE inline
#endif

namespace vspace::simd {

/// The tables of level `l`. Throws invalid_argument if `l` is above `cpu_level()` or was not
/// compiled in (header-only mode compiles the serial level and the one the compiler targets).
VSPACE_SIMD_LINKAGE const kernel_tables& tables_for(level l);

/// The level in use: the best this CPU supports, capped by `VSPACE_SIMD_ARCH`. Chosen once.
VSPACE_SIMD_LINKAGE level active_level();

/// The active tables (thread-safe first call).
VSPACE_SIMD_LINKAGE const kernel_tables& active_tables();

/// The active kernels for kind T.
template <class T>
const kernel_table<T>& kernels() {
    const kernel_tables& t = active_tables();
    if constexpr (std::is_same_v<T, float>) return t.f32;
    else if constexpr (std::is_same_v<T, std::int8_t>) return t.i8;
    else return t.b1;
}

/// Name of the active level, for `vspace info` and bug reports.
inline std::string_view active_arch_name() { return level_name(active_level()); }

}  // namespace vspace::simd

#if !defined(VSPACE_SIMD_DISPATCH)
#include <vspace/simd/header_only.hpp>
#endif
