// SPDX-License-Identifier: MIT
/// @file
/// The three scalar kinds a vector can hold: `float`, `std::int8_t` and `vspace::bit` (one bit
/// per dimension, packed 64 per word). Their storage and accumulator types, their names, and
/// `visit_scalar`, the one place where a kind known at run time becomes a template argument.
#pragma once

#include <vspace/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vspace {

/// Tag type for binary vectors: each dimension is one bit; storage is `std::uint64_t` words,
/// bit `j` of a row lives in word `j / 64` at position `j % 64`, and bits past `dims` are zero
/// (so popcount kernels need no masking).
struct bit {};

/// Stable on-disk identifier of a scalar kind (never renumber).
enum class scalar_kind : std::uint8_t { f32 = 1, i8 = 2, b1 = 3 };

template <class T>
struct scalar_traits;  // defined for float, std::int8_t and bit only: a closed set

template <>
struct scalar_traits<float> {
    using storage = float;
    using accumulator = float;
    static constexpr std::string_view name = "f32";
    static constexpr scalar_kind kind = scalar_kind::f32;
    /// Storage elements needed for one row of `dims` dimensions.
    static constexpr std::size_t words(std::size_t dims) noexcept { return dims; }
};

template <>
struct scalar_traits<std::int8_t> {
    using storage = std::int8_t;
    using accumulator = std::int32_t;
    static constexpr std::string_view name = "i8";
    static constexpr scalar_kind kind = scalar_kind::i8;
    static constexpr std::size_t words(std::size_t dims) noexcept { return dims; }
};

template <>
struct scalar_traits<bit> {
    using storage = std::uint64_t;
    using accumulator = std::uint32_t;
    static constexpr std::string_view name = "b1";
    static constexpr scalar_kind kind = scalar_kind::b1;
    static constexpr std::size_t words(std::size_t dims) noexcept { return (dims + 63) / 64; }
};

/// A scalar kind vspace can store and compare: `float`, `std::int8_t` or `vspace::bit`.
template <class T>
concept scalar = requires {
    typename scalar_traits<T>::storage;
    typename scalar_traits<T>::accumulator;
    { scalar_traits<T>::kind } -> std::convertible_to<scalar_kind>;
};

/// The element type rows of kind T are stored in (float, int8_t, or uint64_t words for bit).
template <scalar T>
using storage_t = typename scalar_traits<T>::storage;

/// A read-only row of kind T: what metrics receive. For `bit` it spans the packed words.
template <scalar T>
using row = std::span<const storage_t<T>>;

/// The name of a kind as the CLI spells it (`--type f32|i8|b1`).
constexpr std::string_view scalar_name(scalar_kind k) noexcept {
    switch (k) {
        case scalar_kind::f32: return "f32";
        case scalar_kind::i8: return "i8";
        case scalar_kind::b1: return "b1";
    }
    return "unknown";
}

/// Parses "f32", "i8" or "b1"; throws invalid_argument naming the accepted values otherwise.
inline scalar_kind parse_scalar_kind(std::string_view name) {
    if (name == "f32") return scalar_kind::f32;
    if (name == "i8") return scalar_kind::i8;
    if (name == "b1") return scalar_kind::b1;
    VSPACE_THROW(invalid_argument, "parse_scalar_kind: unknown type '", name,
                 "' (expected f32, i8 or b1)");
}

/// Calls `f.template operator()<T>()` with T the type for `kind`: the single switch between a
/// kind known at run time (a file header, a CLI flag) and the templates.
template <class F>
decltype(auto) visit_scalar(scalar_kind kind, F&& f) {
    switch (kind) {
        case scalar_kind::f32: return f.template operator()<float>();
        case scalar_kind::i8: return f.template operator()<std::int8_t>();
        case scalar_kind::b1: return f.template operator()<bit>();
    }
    VSPACE_THROW(format_error, "visit_scalar: unknown scalar kind ", static_cast<int>(kind),
                 " (expected 1 = f32, 2 = i8 or 3 = b1)");
}

}  // namespace vspace
