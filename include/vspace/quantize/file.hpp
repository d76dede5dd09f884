// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The small file format quantizers are saved in: a 48-byte header and a payload of float
/// arrays of `dims` values each (scales, offsets, thresholds...), little-endian:
///
///   offset  size  field
///        0     8  magic "VSPACEQZ"
///        8     4  format version (1)
///       12     1  quantizer kind (1 = int8, 2 = binary)
///       13     1  mode (the kind's enum value)
///       14     2  reserved, 0
///       16     8  dims
///       24     8  number of arrays
///       32     8  FNV-1a 64 checksum of the payload
///       40     8  FNV-1a 64 checksum of bytes 0..39
///       48        arrays x dims float32 values
///
/// Written through `atomic_file`. Reading checks every field and the exact file length before
/// allocating, so a truncated, corrupt or hostile file is a `format_error`, never a crash or a
/// huge allocation.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/io/atomic_file.hpp>

#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

namespace vspace::detail {

inline constexpr std::array<char, 8> quantizer_magic{'V', 'S', 'P', 'A', 'C', 'E', 'Q', 'Z'};
inline constexpr std::uint32_t quantizer_version = 1;
inline constexpr std::size_t quantizer_header_bytes = 48;

enum class quantizer_kind : std::uint8_t { int8 = 1, binary = 2 };

/// FNV-1a 64 (Fowler, Noll, Vo): detects corruption of these small files; not cryptographic.
inline std::uint64_t fnv1a(const unsigned char* p, std::size_t n) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

inline void put_u64(unsigned char* p, std::uint64_t v) noexcept {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline std::uint64_t get_u64(const unsigned char* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{p[i]} << (8 * i);
    return v;
}

/// What a quantizer file holds: its kind, mode and `arrays.size()` arrays of `dims` floats.
struct quantizer_file {
    quantizer_kind kind{};
    std::uint8_t mode = 0;
    std::size_t dims = 0;
    std::vector<std::vector<float>> arrays;
};

inline void write_quantizer_file(const std::filesystem::path& path, const quantizer_file& f) {
    std::vector<unsigned char> payload(f.arrays.size() * f.dims * 4);
    std::size_t at = 0;
    for (const auto& a : f.arrays)
        for (float x : a) {
            const auto bits = std::bit_cast<std::uint32_t>(x);
            for (int i = 0; i < 4; ++i) payload[at++] = static_cast<unsigned char>(bits >> (8 * i));
        }
    unsigned char header[quantizer_header_bytes] = {};
    std::memcpy(header, quantizer_magic.data(), 8);
    for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<unsigned char>(quantizer_version >> (8 * i));
    header[12] = static_cast<unsigned char>(f.kind);
    header[13] = f.mode;
    put_u64(header + 16, f.dims);
    put_u64(header + 24, f.arrays.size());
    put_u64(header + 32, fnv1a(payload.data(), payload.size()));
    put_u64(header + 40, fnv1a(header, 40));
    atomic_file out(path);
    out.write(header, sizeof header);
    out.write(payload.data(), payload.size());
    out.commit();
}

/// Reads a quantizer file of kind `kind` holding `arrays` arrays. `where` names the caller in
/// error messages. Throws io_error when the file cannot be read, format_error when it is not a
/// valid quantizer file of that kind.
inline quantizer_file read_quantizer_file(const std::filesystem::path& path, quantizer_kind kind, std::size_t arrays,
                                          std::string_view where) {
    const std::string name = path.string();
    std::FILE* file = std::fopen(name.c_str(), "rb");
    if (file == nullptr)
        VSPACE_THROW(io_error, where, ": cannot open '", name, "': ", std::strerror(errno));
    struct closer {
        std::FILE* f;
        ~closer() { std::fclose(f); }
    } close_on_exit{file};
    auto fail = [&](auto... what) { VSPACE_THROW(format_error, where, ": '", name, "': ", what...); };

    unsigned char header[quantizer_header_bytes];
    const std::size_t got = std::fread(header, 1, sizeof header, file);
    if (got != sizeof header) fail("truncated header (expected ", sizeof header, " bytes, got ", got, ")");
    if (std::memcmp(header, quantizer_magic.data(), 8) != 0)
        fail("not a vspace quantizer file (bad magic; expected a file written by a quantizer's save)");
    if (const std::uint64_t sum = fnv1a(header, 40); sum != get_u64(header + 40))
        fail("header checksum mismatch (expected ", get_u64(header + 40), ", got ", sum, ": the file is corrupt)");
    std::uint32_t version = 0;
    for (int i = 0; i < 4; ++i) version |= std::uint32_t{header[8 + i]} << (8 * i);
    if (version != quantizer_version) fail("unsupported format version ", version, " (expected ", quantizer_version, ")");
    if (header[12] != static_cast<unsigned char>(kind))
        fail("holds quantizer kind ", int{header[12]}, " (expected ", int{static_cast<unsigned char>(kind)},
             ": 1 = int8, 2 = binary)");
    const std::uint64_t dims = get_u64(header + 16), count = get_u64(header + 24);
    if (count != arrays) fail("holds ", count, " arrays (expected ", arrays, ")");
    if (dims == 0) fail("dims = 0 (expected >= 1)");

    if (std::fseek(file, 0, SEEK_END) != 0)
        VSPACE_THROW(io_error, where, ": cannot seek '", name, "': ", std::strerror(errno));
    const long end = std::ftell(file);
    if (end < 0) VSPACE_THROW(io_error, where, ": cannot size '", name, "': ", std::strerror(errno));
    const auto payload_bytes = static_cast<std::uint64_t>(end) - quantizer_header_bytes;
    // checked before any allocation: dims comes from the file
    if (dims > payload_bytes / 4 / arrays || dims * arrays * 4 != payload_bytes)
        fail("file is ", end, " bytes (expected ", quantizer_header_bytes, " + ", arrays, " x ", dims,
             " x 4 for its header)");
    std::vector<unsigned char> payload(payload_bytes);
    if (std::fseek(file, static_cast<long>(quantizer_header_bytes), SEEK_SET) != 0 ||
        std::fread(payload.data(), 1, payload.size(), file) != payload.size())
        VSPACE_THROW(io_error, where, ": cannot read '", name, "' (expected ", payload.size(), " bytes of payload)");
    if (const std::uint64_t sum = fnv1a(payload.data(), payload.size()); sum != get_u64(header + 32))
        fail("payload checksum mismatch (expected ", get_u64(header + 32), ", got ", sum, ": the file is corrupt)");

    quantizer_file f{kind, header[13], static_cast<std::size_t>(dims), {}};
    std::size_t at = 0;
    for (std::size_t a = 0; a < arrays; ++a) {
        std::vector<float> values(f.dims);
        for (auto& x : values) {
            std::uint32_t bits = 0;
            for (int i = 0; i < 4; ++i) bits |= std::uint32_t{payload[at++]} << (8 * i);
            x = std::bit_cast<float>(bits);
        }
        f.arrays.push_back(std::move(values));
    }
    return f;
}

}  // namespace vspace::detail
/// @endcond
