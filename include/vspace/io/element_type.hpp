// SPDX-License-Identifier: MIT
/// @file
/// `element_type`: the number types a vector file can hold (wider than the three scalar kinds
/// vspace computes with), and the one conversion routine every reader uses to turn stored
/// elements of any type and byte order into float, int8 or an id type.
#pragma once

#include <vspace/io/detail/bytes.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

namespace vspace {

/// An element type as stored in a file (`.npy` dtype, idx type code, texmex flavour).
enum class element_type : std::uint8_t {
    f16,      ///< IEEE half (`.npy` only), widened to float
    f32,
    f64,
    i8,
    u8,
    i16,
    u16,
    i32,
    u32,
    i64,
    u64,
    boolean,  ///< numpy bool: one byte, 0 or 1
};

/// Bytes per element.
constexpr std::size_t element_size(element_type t) noexcept {
    switch (t) {
        case element_type::i8:
        case element_type::u8:
        case element_type::boolean: return 1;
        case element_type::f16:
        case element_type::i16:
        case element_type::u16: return 2;
        case element_type::f32:
        case element_type::i32:
        case element_type::u32: return 4;
        case element_type::f64:
        case element_type::i64:
        case element_type::u64: return 8;
    }
    return 1;
}

/// Short name, as in messages and `vspace info`: "f32", "u8", "bool", ...
constexpr std::string_view element_name(element_type t) noexcept {
    switch (t) {
        case element_type::f16: return "f16";
        case element_type::f32: return "f32";
        case element_type::f64: return "f64";
        case element_type::i8: return "i8";
        case element_type::u8: return "u8";
        case element_type::i16: return "i16";
        case element_type::u16: return "u16";
        case element_type::i32: return "i32";
        case element_type::u32: return "u32";
        case element_type::i64: return "i64";
        case element_type::u64: return "u64";
        case element_type::boolean: return "bool";
    }
    return "unknown";
}

/// True for the floating-point types.
constexpr bool is_floating(element_type t) noexcept {
    return t == element_type::f16 || t == element_type::f32 || t == element_type::f64;
}

/// The element_type of a C++ arithmetic type (for writers and typed readers).
template <class V>
constexpr element_type element_type_of() noexcept {
    if constexpr (std::is_same_v<V, float>) return element_type::f32;
    else if constexpr (std::is_same_v<V, double>) return element_type::f64;
    else if constexpr (std::is_same_v<V, std::int8_t>) return element_type::i8;
    else if constexpr (std::is_same_v<V, std::uint8_t>) return element_type::u8;
    else if constexpr (std::is_same_v<V, std::int16_t>) return element_type::i16;
    else if constexpr (std::is_same_v<V, std::uint16_t>) return element_type::u16;
    else if constexpr (std::is_same_v<V, std::int32_t>) return element_type::i32;
    else if constexpr (std::is_same_v<V, std::uint32_t>) return element_type::u32;
    else if constexpr (std::is_same_v<V, std::int64_t>) return element_type::i64;
    else if constexpr (std::is_same_v<V, std::uint64_t>) return element_type::u64;
    else static_assert(sizeof(V) == 0, "element_type_of: unsupported element type");
}

/// The C++ types readers convert file elements to and writers store (numpy bool is read as
/// 0/1 into any of them).
template <class V>
concept file_element = std::is_same_v<V, float> || std::is_same_v<V, double> ||
                       std::is_same_v<V, std::int8_t> || std::is_same_v<V, std::uint8_t> ||
                       std::is_same_v<V, std::int16_t> || std::is_same_v<V, std::uint16_t> ||
                       std::is_same_v<V, std::int32_t> || std::is_same_v<V, std::uint32_t> ||
                       std::is_same_v<V, std::int64_t> || std::is_same_v<V, std::uint64_t>;

/// @cond detail
namespace detail {

/// IEEE binary16 to float, exactly (every half is a float).
inline float half_to_float(std::uint16_t h) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    std::uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);  // inf / nan
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (mant << 13);  // rebias 15 -> 127
    } else if (mant == 0) {
        bits = sign;  // +-0
    } else {  // subnormal half: normalise
        exp = 113;
        while ((mant & 0x400u) == 0) {
            mant <<= 1;
            --exp;
        }
        bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
    }
    return std::bit_cast<float>(bits);
}

template <element_type E>
struct stored;
template <> struct stored<element_type::f16> { using type = std::uint16_t; };
template <> struct stored<element_type::f32> { using type = float; };
template <> struct stored<element_type::f64> { using type = double; };
template <> struct stored<element_type::i8> { using type = std::int8_t; };
template <> struct stored<element_type::u8> { using type = std::uint8_t; };
template <> struct stored<element_type::i16> { using type = std::int16_t; };
template <> struct stored<element_type::u16> { using type = std::uint16_t; };
template <> struct stored<element_type::i32> { using type = std::int32_t; };
template <> struct stored<element_type::u32> { using type = std::uint32_t; };
template <> struct stored<element_type::i64> { using type = std::int64_t; };
template <> struct stored<element_type::u64> { using type = std::uint64_t; };
template <> struct stored<element_type::boolean> { using type = std::uint8_t; };

/// True when integer value v fits in Dst.
template <class Dst, class Src>
constexpr bool fits(Src v) noexcept {
    if constexpr (std::is_floating_point_v<Dst>) return true;
    else return std::in_range<Dst>(v);
}

/// Where a conversion failed: the first element that does not fit, or `npos`.
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

template <class Dst, element_type E>
std::size_t convert_from(const std::byte* src, bool big, Dst* out, std::size_t count) noexcept {
    using S = typename stored<E>::type;
    constexpr bool same_layout = std::is_same_v<S, Dst> || (E == element_type::boolean && sizeof(Dst) == 1);
    if constexpr (same_layout && E != element_type::f16) {
        if (big == (std::endian::native == std::endian::big)) {
            if constexpr (E == element_type::boolean) {
                for (std::size_t i = 0; i < count; ++i)
                    if (std::to_integer<unsigned>(src[i]) > 1) return i;
            }
            if (count != 0) std::memcpy(out, src, count * sizeof(S));  // out may be null when empty
            return npos;
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        const S v = load<S>(src + i * sizeof(S), big);
        if constexpr (E == element_type::f16) {
            out[i] = static_cast<Dst>(half_to_float(v));  // Dst is floating (checked by caller)
        } else if constexpr (E == element_type::boolean) {
            if (v > 1) return i;
            out[i] = static_cast<Dst>(v);
        } else if constexpr (std::is_floating_point_v<S>) {
            out[i] = static_cast<Dst>(v);
        } else {
            if (!fits<Dst>(v)) return i;
            out[i] = static_cast<Dst>(v);
        }
    }
    return npos;
}

/// True when elements of type `from` may be converted to Dst: anything to float/double; only
/// integers (and bool) to integer types, range-checked per element.
template <class Dst>
constexpr bool convertible(element_type from) noexcept {
    return std::is_floating_point_v<Dst> || !is_floating(from);
}

/// Converts `count` stored elements of type `from` (big- or little-endian) to Dst. Returns the
/// index of the first element out of Dst's range (or not 0/1 for bool), else `npos`. The caller
/// must have checked `convertible<Dst>(from)`.
template <class Dst>
std::size_t convert_elements(const std::byte* src, element_type from, bool big, Dst* out, std::size_t count) noexcept {
    switch (from) {
        case element_type::f16:
            if constexpr (std::is_floating_point_v<Dst>) return convert_from<Dst, element_type::f16>(src, big, out, count);
            else return 0;
        case element_type::f32:
            if constexpr (std::is_floating_point_v<Dst>) return convert_from<Dst, element_type::f32>(src, big, out, count);
            else return 0;
        case element_type::f64:
            if constexpr (std::is_floating_point_v<Dst>) return convert_from<Dst, element_type::f64>(src, big, out, count);
            else return 0;
        case element_type::i8: return convert_from<Dst, element_type::i8>(src, big, out, count);
        case element_type::u8: return convert_from<Dst, element_type::u8>(src, big, out, count);
        case element_type::i16: return convert_from<Dst, element_type::i16>(src, big, out, count);
        case element_type::u16: return convert_from<Dst, element_type::u16>(src, big, out, count);
        case element_type::i32: return convert_from<Dst, element_type::i32>(src, big, out, count);
        case element_type::u32: return convert_from<Dst, element_type::u32>(src, big, out, count);
        case element_type::i64: return convert_from<Dst, element_type::i64>(src, big, out, count);
        case element_type::u64: return convert_from<Dst, element_type::u64>(src, big, out, count);
        case element_type::boolean: return convert_from<Dst, element_type::boolean>(src, big, out, count);
    }
    return 0;
}

/// Throws format_error unless elements of type `from` can become Dst.
template <class Dst>
void check_convertible(element_type from, std::string_view function, std::string_view name) {
    if (!convertible<Dst>(from))
        format_fail(function, name, "holds ", element_name(from), " values, which cannot become ",
                    element_name(element_type_of<Dst>()), " without loss (expected an integer type)");
}

}  // namespace detail
/// @endcond

}  // namespace vspace
