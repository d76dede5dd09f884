// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Byte-level helpers shared by the file readers and writers: endian loads, overflow-checked
/// sizes, the "function: 'file': problem" error builder, and a buffered writer over
/// `atomic_file` (one write() per row would cost a system call per row).
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/io/atomic_file.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace vspace::detail {

/// Throws format_error "<function>: '<name>': <parts...>".
template <class... Parts>
[[noreturn]] void format_fail(std::string_view function, std::string_view name, const Parts&... parts) {
    VSPACE_THROW(format_error, function, ": '", name, "': ", parts...);
}

/// Reverses the byte order of an unsigned integer.
template <class U>
constexpr U byteswap_uint(U v) noexcept {
    if constexpr (sizeof(U) == 1) return v;
    else if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(v));
    else if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(v));
    else return static_cast<U>(__builtin_bswap64(v));
}

template <std::size_t N>
using uint_of_size = std::conditional_t<N == 1, std::uint8_t,
                     std::conditional_t<N == 2, std::uint16_t,
                     std::conditional_t<N == 4, std::uint32_t, std::uint64_t>>>;

/// Reads a T stored at `p` (any alignment) in little-endian (`big` = false) or big-endian order.
template <class T>
T load(const std::byte* p, bool big) noexcept {
    using U = uint_of_size<sizeof(T)>;
    U u;
    std::memcpy(&u, p, sizeof u);
    if (big != (std::endian::native == std::endian::big)) u = byteswap_uint(u);
    return std::bit_cast<T>(u);
}

template <class T>
T load_le(const std::byte* p) noexcept { return load<T>(p, false); }
template <class T>
T load_be(const std::byte* p) noexcept { return load<T>(p, true); }

/// Appends T to `out` in little-endian order.
template <class T>
void store_le(std::vector<std::byte>& out, T value) {
    using U = uint_of_size<sizeof(T)>;
    U u = std::bit_cast<U>(value);
    if constexpr (std::endian::native == std::endian::big) u = byteswap_uint(u);
    const auto* p = reinterpret_cast<const std::byte*>(&u);
    out.insert(out.end(), p, p + sizeof u);
}

/// a * b, or false when it overflows size_t.
inline bool checked_mul(std::size_t a, std::size_t b, std::size_t& out) noexcept {
    return !__builtin_mul_overflow(a, b, &out);
}

/// The product of `dims`, or false on overflow.
inline bool checked_product(std::span<const std::size_t> dims, std::size_t& out) noexcept {
    out = 1;
    for (std::size_t d : dims)
        if (!checked_mul(out, d, out)) return false;
    return true;
}

inline std::span<const std::byte> as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string_view as_chars(std::span<const std::byte> b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// Collects small writes into 1 MiB blocks before handing them to `atomic_file`.
class buffered_output {
public:
    explicit buffered_output(atomic_file& file) : file_(file) { buffer_.reserve(capacity); }

    void write(const void* data, std::size_t bytes) {
        if (buffer_.size() + bytes > capacity) flush();
        if (bytes >= capacity) {
            file_.write(data, bytes);
            return;
        }
        const auto* p = static_cast<const char*>(data);
        buffer_.insert(buffer_.end(), p, p + bytes);
    }
    void write(std::string_view s) { write(s.data(), s.size()); }

    /// Writes T in little-endian order.
    template <class T>
    void write_le(T value) {
        using U = uint_of_size<sizeof(T)>;
        U u = std::bit_cast<U>(value);
        if constexpr (std::endian::native == std::endian::big) u = byteswap_uint(u);
        write(&u, sizeof u);
    }

    void flush() {
        if (!buffer_.empty()) file_.write(buffer_.data(), buffer_.size());
        buffer_.clear();
    }

    /// Flushes and commits the file (temp + fsync + rename).
    void commit() {
        flush();
        file_.commit();
    }

private:
    static constexpr std::size_t capacity = std::size_t{1} << 20;
    atomic_file& file_;
    std::vector<char> buffer_;
};

}  // namespace vspace::detail
/// @endcond
