// SPDX-License-Identifier: MIT
/// @file
/// The error hierarchy, the message builder and the VSPACE_THROW / VSPACE_ASSERT macros.
/// Messages follow "<function>: <what> (expected <x>, got <y>)" and are built with
/// std::to_chars, so no iostreams reach the library (they cost 0.7 MB in a static binary).
#pragma once

#include <vspace/config.hpp>

#include <charconv>
#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace vspace {

/// Base of every exception vspace throws.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An argument or option is out of its valid range (k <= 0, perplexity too large, ...).
class invalid_argument : public error {
public:
    using error::error;
};

/// Two shapes disagree (query dims versus index dims, labels versus rows).
class shape_error : public error {
public:
    using error::error;
};

/// A file could not be opened, read or written.
class io_error : public error {
public:
    using error::error;
};

/// A file was read but its contents are corrupt, truncated, hostile or of an unsupported kind.
/// Derives from io_error, so `catch (const io_error&)` sees both.
class format_error : public io_error {
public:
    using io_error::io_error;
};

/// The data holds values an algorithm cannot use (NaN, Inf).
class data_error : public error {
public:
    using error::error;
};

namespace detail {

inline void append(std::string& out, std::string_view s) { out.append(s); }
inline void append(std::string& out, const char* s) { out.append(s); }
inline void append(std::string& out, const std::string& s) { out.append(s); }
inline void append(std::string& out, char c) { out.push_back(c); }

template <class N>
    requires(std::is_arithmetic_v<N> && !std::same_as<N, char> && !std::same_as<N, bool>)
void append(std::string& out, N value) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, ec == std::errc{} ? end : buf);
}

inline void append(std::string& out, bool b) { out.append(b ? "true" : "false"); }

/// Concatenates strings and numbers into one message: message("k = ", k, " > n = ", n).
template <class... Parts>
std::string message(const Parts&... parts) {
    std::string out;
    (append(out, parts), ...);
    return out;
}

[[noreturn]] inline void abort_with(const char* what) noexcept {
    std::fputs("vspace: fatal: ", stderr);
    std::fputs(what, stderr);
    std::fputc('\n', stderr);
    std::abort();
}

/// Throws `E(msg)`, or prints and aborts when exceptions are off.
template <class E>
[[noreturn]] void raise(const std::string& msg) {
#if defined(VSPACE_NO_EXCEPTIONS)
    abort_with(msg.c_str());
#else
    throw E(msg);
#endif
}

}  // namespace detail

}  // namespace vspace

/// Throws the vspace error type E with a message concatenated from the remaining arguments.
#define VSPACE_THROW(E, ...) ::vspace::detail::raise<E>(::vspace::detail::message(__VA_ARGS__))

/// Internal invariant check: active when VSPACE_ASSERTIONS is 1, free otherwise.
#if VSPACE_ASSERTIONS
#define VSPACE_ASSERT(cond, why)                                                            \
    do {                                                                                    \
        if (!(cond)) ::vspace::detail::abort_with("assertion failed: " #cond " (" why ")"); \
    } while (0)
#else
#define VSPACE_ASSERT(cond, why) ((void)0)
#endif
