// SPDX-License-Identifier: MIT
/// @file
/// The container format of saved indexes: a 64-byte header (magic, format version, index
/// type, scalar kind, metric, dims, count, payload size and checksum, header checksum) followed
/// by the payload, a sequence of sections each padded to 64 bytes. Section offsets are then
/// multiples of 64 from a page-aligned mapping, so a memory-mapped file can be searched in
/// place. Files are little-endian; every size read from one is checked against the file length
/// before anything is allocated, and a mismatch is a `format_error`.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/core/scalar.hpp>
#include <vspace/io/atomic_file.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/metric/concept.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <type_traits>

namespace vspace {

static_assert(std::endian::native == std::endian::little, "index files are little-endian");

/// The kind of index a file holds (stable on disk; never renumber).
enum class index_type : std::uint8_t { flat = 1, hnsw = 2 };

/// The header at the start of every index file. Trivially copyable, no padding: it is read
/// and written with memcpy.
struct file_header {
    std::array<char, 8> magic{};          ///< "VSPACEIX"
    std::uint32_t version = 0;            ///< layout version of this index type
    index_type type{};                    ///< what follows
    scalar_kind scalar{};                 ///< f32, i8 or b1
    metric_id metric{};                   ///< the metric it was built with (custom = 0)
    std::uint8_t reserved0 = 0;
    std::uint64_t dims = 0;               ///< dimensions per vector (bits, for b1)
    std::uint64_t count = 0;              ///< vectors stored
    std::uint64_t payload_bytes = 0;      ///< bytes after the header (the file is 64 + this long)
    std::uint64_t payload_checksum = 0;   ///< `checksum` of the payload
    std::uint64_t reserved1 = 0;
    std::uint64_t header_checksum = 0;    ///< `checksum` of the 56 bytes before this field
};
static_assert(sizeof(file_header) == 64 && std::is_trivially_copyable_v<file_header>);

inline constexpr std::array<char, 8> index_file_magic{'V', 'S', 'P', 'A', 'C', 'E', 'I', 'X'};
inline constexpr std::size_t file_alignment = 64;

/// A fast 64-bit checksum for corruption detection (not cryptographic: hostile files are
/// caught by structural checks, not by this). Four independent lanes over 32-byte blocks; each
/// round is a bijection of the lane for a fixed word and of the word for a fixed lane, so any
/// change confined to one 8-byte word always changes the digest. Several GB/s.
class checksum {
public:
    void update(const void* data, std::size_t n) noexcept {
        if (n == 0) return;  // an empty section may be a null pointer, and memcpy from null is UB
        const auto* p = static_cast<const unsigned char*>(data);
        total_ += n;
        if (buffered_ > 0) {
            const std::size_t take = std::min(n, sizeof buffer_ - buffered_);
            std::memcpy(buffer_ + buffered_, p, take);
            buffered_ += take;
            p += take;
            n -= take;
            if (buffered_ < sizeof buffer_) return;
            block(buffer_);
            buffered_ = 0;
        }
        for (; n >= sizeof buffer_; p += sizeof buffer_, n -= sizeof buffer_) block(p);
        std::memcpy(buffer_, p, n);
        buffered_ = n;
    }

    std::uint64_t digest() const noexcept {
        std::uint64_t lanes[4] = {lanes_[0], lanes_[1], lanes_[2], lanes_[3]};
        if (buffered_ > 0) {
            unsigned char last[32] = {};
            std::memcpy(last, buffer_, buffered_);
            round(lanes, last);
        }
        std::uint64_t h = total_ * k1;
        for (std::uint64_t l : lanes) h = (h ^ avalanche(l)) * k2;
        return avalanche(h);
    }

    /// Checksum of one buffer.
    static std::uint64_t of(const void* data, std::size_t n) noexcept {
        checksum c;
        c.update(data, n);
        return c.digest();
    }

private:
    static constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xD6E8FEB86659FD93ull;

    static std::uint64_t avalanche(std::uint64_t z) noexcept {
        z = (z ^ (z >> 32)) * 0xD6E8FEB86659FD93ull;
        z = (z ^ (z >> 32)) * 0xD6E8FEB86659FD93ull;
        return z ^ (z >> 32);
    }
    static void round(std::uint64_t* lanes, const unsigned char* p) noexcept {
        for (std::size_t i = 0; i < 4; ++i) {
            std::uint64_t w;
            std::memcpy(&w, p + 8 * i, 8);
            lanes[i] = std::rotl(lanes[i] ^ (w * k1), 27) * k2;
        }
    }
    void block(const unsigned char* p) noexcept { round(lanes_, p); }

    std::uint64_t lanes_[4] = {1, 2, 3, 4};
    unsigned char buffer_[32] = {};
    std::size_t buffered_ = 0;
    std::uint64_t total_ = 0;
};

/// One piece of a payload to write; it is padded with zeros to a multiple of 64 bytes.
struct file_section {
    const void* data;
    std::size_t bytes;
};

/// Bytes a section of `bytes` bytes takes in a file.
constexpr std::size_t padded_section(std::size_t bytes) noexcept {
    return (bytes + file_alignment - 1) / file_alignment * file_alignment;
}

/// Writes header + sections through `atomic_file` (readers see the old file or the whole new
/// one). Fills in the sizes and checksums of `h`. Throws io_error.
inline void write_index_file(const std::filesystem::path& path, file_header h, std::span<const file_section> sections) {
    static constexpr unsigned char zeros[file_alignment] = {};
    checksum sum;
    h.payload_bytes = 0;
    for (const auto& s : sections) {
        sum.update(s.data, s.bytes);
        sum.update(zeros, padded_section(s.bytes) - s.bytes);
        h.payload_bytes += padded_section(s.bytes);
    }
    h.magic = index_file_magic;
    h.payload_checksum = sum.digest();
    h.header_checksum = checksum::of(&h, offsetof(file_header, header_checksum));
    atomic_file out(path);
    out.write(&h, sizeof h);
    for (const auto& s : sections) {
        out.write(s.data, s.bytes);
        out.write(zeros, padded_section(s.bytes) - s.bytes);
    }
    out.commit();
}

/// Checks the header at the start of `file` (a whole index file in memory, 64-byte aligned)
/// and returns it: magic, header checksum, type, scalar kind, metric, version, payload length
/// and payload checksum. Throws format_error naming `where` and the first problem.
inline file_header check_index_file(std::span<const std::byte> file, index_type type, std::uint32_t version,
                                    scalar_kind scalar, metric_id metric, const char* where) {
    file_header h;
    if (file.size() < sizeof h)
        VSPACE_THROW(format_error, where, ": file of ", file.size(), " bytes is too short for an index header (expected >= ",
                     sizeof h, ")");
    if (reinterpret_cast<std::uintptr_t>(file.data()) % file_alignment != 0)
        VSPACE_THROW(invalid_argument, where, ": index bytes start ",
                     reinterpret_cast<std::uintptr_t>(file.data()) % file_alignment,
                     " bytes past a 64-byte boundary (expected 64-byte alignment)");
    std::memcpy(&h, file.data(), sizeof h);
    if (h.magic != index_file_magic)
        VSPACE_THROW(format_error, where, ": not a vspace index file (bad magic; expected a file written by save)");
    if (const auto sum = checksum::of(&h, offsetof(file_header, header_checksum)); h.header_checksum != sum)
        VSPACE_THROW(format_error, where, ": header checksum mismatch (expected ", h.header_checksum, ", got ", sum,
                     ": the file is corrupt)");
    if (h.type != type)
        VSPACE_THROW(format_error, where, ": file holds index type ", static_cast<int>(h.type), " (expected ",
                     static_cast<int>(type), ")");
    if (h.version != version)
        VSPACE_THROW(format_error, where, ": unsupported format version ", h.version, " (expected ", version, ")");
    if (h.scalar != scalar)
        VSPACE_THROW(format_error, where, ": file holds ", scalar_name(h.scalar), " vectors (expected ",
                     scalar_name(scalar), ")");
    if (h.metric != metric)
        VSPACE_THROW(format_error, where, ": file was built with metric ", metric_name(h.metric), " (expected ",
                     metric_name(metric), ")");
    if (h.payload_bytes != file.size() - sizeof h)
        VSPACE_THROW(format_error, where, ": payload of ", file.size() - sizeof h, " bytes (expected ", h.payload_bytes,
                     "; the file is truncated or has trailing bytes)");
    if (const auto sum = checksum::of(file.data() + sizeof h, h.payload_bytes); sum != h.payload_checksum)
        VSPACE_THROW(format_error, where, ": payload checksum mismatch (expected ", h.payload_checksum, ", got ", sum,
                     ": the file is corrupt)");
    return h;
}

/// Reads consecutive 64-byte-aligned sections out of a checked payload, validating every size
/// against what is left before handing out a pointer.
class section_reader {
public:
    section_reader(std::span<const std::byte> payload, const char* where) : rest_(payload), where_(where) {}

    /// The next section: `count` elements of W. Throws format_error if it does not fit.
    template <class W>
    const W* take(std::uint64_t count, const char* what) {
        if (count > rest_.size() / sizeof(W))
            VSPACE_THROW(format_error, where_, ": section '", what, "' runs past the end (expected ", count, " x ",
                         sizeof(W), " bytes, got ", rest_.size(), ": the file is truncated or corrupt)");
        const std::size_t bytes = static_cast<std::size_t>(count) * sizeof(W);
        const auto* p = reinterpret_cast<const W*>(rest_.data());
        rest_ = rest_.subspan(std::min(rest_.size(), padded_section(bytes)));
        return p;
    }

    /// Throws unless every byte was consumed.
    void finish() const {
        if (!rest_.empty())
            VSPACE_THROW(format_error, where_, ": ", rest_.size(), " unexpected bytes after the last section");
    }

private:
    std::span<const std::byte> rest_;
    const char* where_;
};

}  // namespace vspace
