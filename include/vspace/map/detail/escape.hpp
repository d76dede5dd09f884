// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Escaping of user text for the map writers. Everything a user gives (titles, labels, field
/// names) is treated as text: repaired to valid UTF-8 first, then escaped for its context.
/// JSON strings also escape '<', '>', '&' and U+2028/U+2029, so JSON embedded in an HTML
/// <script> element can never hold "</script" or "<!--", and parses the same as JavaScript.
#pragma once

#include <vspace/io/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vspace::detail {

/// Appends `s` as a JSON string literal (with quotes), safe inside an HTML script element.
inline void append_json_string(std::string& out, std::string_view raw) {
    const std::string fixed = is_valid_utf8(raw) ? std::string() : sanitize_utf8(raw);
    const std::string_view s = fixed.empty() ? raw : std::string_view(fixed);
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xa8 || static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
            out += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";  // line/paragraph separators
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

/// Appends `s` escaped for HTML/XML text and attribute values; control characters that XML 1.0
/// forbids become spaces, ill-formed UTF-8 becomes U+FFFD, so the document stays well-formed.
inline void append_xml(std::string& out, std::string_view raw) {
    const std::string fixed = is_valid_utf8(raw) ? std::string() : sanitize_utf8(raw);
    const std::string_view s = fixed.empty() ? raw : std::string_view(fixed);
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
                else out += c;
        }
    }
}

/// Appends the base64 encoding (RFC 4648, with padding) of `bytes`. Its alphabet holds no
/// character that HTML or JSON treats specially.
inline void append_base64(std::string& out, const std::uint8_t* bytes, std::size_t size) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(out.size() + (size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const std::uint32_t v = std::uint32_t{bytes[i]} << 16 | std::uint32_t{bytes[i + 1]} << 8 | bytes[i + 2];
        const char quad[4] = {alphabet[v >> 18], alphabet[v >> 12 & 63], alphabet[v >> 6 & 63], alphabet[v & 63]};
        out.append(quad, 4);
    }
    if (i < size) {
        const std::uint32_t v = std::uint32_t{bytes[i]} << 16 | (i + 1 < size ? std::uint32_t{bytes[i + 1]} << 8 : 0);
        out += alphabet[v >> 18];
        out += alphabet[v >> 12 & 63];
        out += i + 1 < size ? alphabet[v >> 6 & 63] : '=';
        out += '=';
    }
}

inline void append_base64(std::string& out, const std::vector<std::uint8_t>& bytes) {
    append_base64(out, bytes.data(), bytes.size());
}

}  // namespace vspace::detail
/// @endcond
