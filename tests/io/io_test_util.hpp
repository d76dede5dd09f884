// SPDX-License-Identifier: MIT
// Helpers for the io tests: byte buffers from text and hex, error-message matchers, files.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/io/atomic_file.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vspace::test {

using bytes = std::vector<std::byte>;

inline bytes from_text(std::string_view s) {
    bytes b(s.size());
    if (!s.empty()) std::memcpy(b.data(), s.data(), s.size());  // memcpy(_, nullptr, 0) is undefined
    return b;
}

inline bytes from_hex(std::string_view hex) {
    bytes b;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        b.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return b;
}

inline bytes concat(bytes a, const bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

template <class T>
void append_le(bytes& out, T v) {
    unsigned char raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof v);  // the test machine is little-endian (x86-64)
    for (unsigned char c : raw) out.push_back(static_cast<std::byte>(c));
}

inline std::span<const std::byte> span_of(const bytes& b) { return {b.data(), b.size()}; }

/// Writes raw bytes to a scratch file and returns its path.
inline std::filesystem::path write_temp(const std::string& name, const bytes& content) {
    const auto path = std::filesystem::path(VSPACE_TEST_TMP) / name;
    atomic_file f(path);
    f.write(content.data(), content.size());
    f.commit();
    return path;
}

inline std::string read_all(const std::filesystem::path& path) {
    std::string s;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
        char buf[65536];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
        std::fclose(f);
    }
    return s;
}

}  // namespace vspace::test

/// Expects `stmt` to throw exactly type E (or a subclass) whose message contains `needle`.
#define EXPECT_THROW_MSG(stmt, E, needle)                                                     \
    do {                                                                                      \
        try {                                                                                 \
            stmt;                                                                             \
            ADD_FAILURE() << "expected " #E " containing \"" << (needle) << "\", no throw";   \
        } catch (const E& e_) {                                                               \
            EXPECT_NE(std::string(e_.what()).find(needle), std::string::npos)                 \
                << "message: " << e_.what() << "\nexpected to contain: " << (needle);        \
        } catch (const std::exception& e_) {                                                  \
            ADD_FAILURE() << "expected " #E ", got another exception: " << e_.what();        \
        }                                                                                     \
    } while (0)
