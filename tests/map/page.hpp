// SPDX-License-Identifier: MIT
// Reading a map page back in tests: the JSON block and its base64 fields.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vspace::test {

inline std::vector<std::uint8_t> unbase64(const std::string& s) {
    std::vector<std::uint8_t> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        else break;  // '='
        acc = acc << 6 | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
        }
    }
    return out;
}

/// The JSON block of a map page.
inline nlohmann::json page_json(const std::string& page) {
    const std::string open = "<script type=\"application/json\" id=\"vspace-map-data\">";
    const std::size_t a = page.find(open) + open.size(), b = page.find("</script>", a);
    return nlohmann::json::parse(page.substr(a, b - a));
}


}  // namespace vspace::test
