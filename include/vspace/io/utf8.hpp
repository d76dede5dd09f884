// SPDX-License-Identifier: MIT
/// @file
/// UTF-8 validation and repair for text read from files (labels, titles, vocabularies), so that
/// whatever a file holds, the strings vspace hands on (to JSON, HTML, a terminal) are valid
/// UTF-8. Validity follows RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vspace {

/// @cond detail
namespace detail {

/// Bytes in the well-formed UTF-8 sequence at the start of `s`, or 0 if it is ill-formed;
/// then `bad` is the length (>= 1) of the maximal ill-formed subpart to replace (Unicode §3.9,
/// "U+FFFD substitution of maximal subparts").
inline std::size_t utf8_sequence(std::string_view s, std::size_t& bad) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(0);
    if (b < 0x80) return 1;
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) need = 2;
    else if (b >= 0xe0 && b <= 0xef) {
        need = 3;
        if (b == 0xe0) lo = 0xa0;        // overlong
        else if (b == 0xed) hi = 0x9f;   // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
        need = 4;
        if (b == 0xf0) lo = 0x90;        // overlong
        else if (b == 0xf4) hi = 0x8f;   // above U+10FFFF
    } else {
        bad = 1;
        return 0;
    }
    for (std::size_t k = 1; k < need; ++k) {
        const bool ok = k < s.size() && byte(k) >= (k == 1 ? lo : 0x80) && byte(k) <= (k == 1 ? hi : 0xbf);
        if (!ok) {
            bad = k;
            return 0;
        }
    }
    return need;
}

}  // namespace detail
/// @endcond

/// True when `s` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0, bad = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = detail::utf8_sequence(s.substr(i), bad);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/// `s` with every ill-formed sequence replaced by U+FFFD (one per maximal subpart, as
/// Unicode recommends). Valid input is returned unchanged. Never throws except bad_alloc.
inline std::string sanitize_utf8(std::string_view s) {
    if (is_valid_utf8(s)) return std::string(s);
    std::string out;
    out.reserve(s.size() + 16);
    std::size_t i = 0, bad = 0;
    while (i < s.size()) {
        const std::size_t n = detail::utf8_sequence(s.substr(i), bad);
        if (n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out.append("\xef\xbf\xbd");
            i += bad;
        }
    }
    return out;
}

}  // namespace vspace
