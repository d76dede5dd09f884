// SPDX-License-Identifier: MIT
/// @file
/// PNG output: `encode_png` (our own encoder over zlib: signature, IHDR, one IDAT, IEND, with
/// the "Up" row filter) and `save_png` (render + encode + atomic write). Our own encoder, not
/// stb_image_write, because a header-only library cannot define STB_IMAGE_WRITE_IMPLEMENTATION
/// without ODR trouble in programs that include it in several files, and zlib (already needed for
/// Fashion-MNIST's .gz files) does the compression. Link zlib (`ZLIB::ZLIB`) to use this header.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/io/atomic_file.hpp>
#include <vspace/map/raster.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string_view>
#include <vector>

#include <zlib.h>

namespace vspace {

/// @cond detail
namespace detail {

inline void put_u32_be(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

/// Appends a chunk: length, type, data, CRC-32 of type and data (PNG spec section 5.3).
inline void put_chunk(std::vector<std::uint8_t>& out, std::string_view type, const std::uint8_t* data, std::size_t size) {
    put_u32_be(out, static_cast<std::uint32_t>(size));
    const std::size_t start = out.size();
    out.insert(out.end(), type.begin(), type.end());
    out.insert(out.end(), data, data + size);
    put_u32_be(out, static_cast<std::uint32_t>(
                        ::crc32(0, out.data() + start, static_cast<uInt>(out.size() - start))));
}

}  // namespace detail
/// @endcond

/// The PNG file (8-bit RGB, not interlaced) of `img`. `level` is zlib's compression level
/// (1 fastest, 9 smallest; 6 is a good balance for plots, which are mostly background).
/// Throws invalid_argument for an empty or inconsistent image, error if zlib fails.
inline std::vector<std::uint8_t> encode_png(const image& img, int level = 6) {
    if (img.width == 0 || img.height == 0 || img.width > 65535 || img.height > 65535 ||
        img.pixels.size() != img.width * img.height * 3)
        VSPACE_THROW(invalid_argument, "encode_png: image of ", img.width, " x ", img.height, " with ",
                     img.pixels.size(), " bytes (expected 1 to 65535 pixels a side and 3 bytes per pixel)");
    if (level < 0 || level > 9) VSPACE_THROW(invalid_argument, "encode_png: level = ", level, " (expected 0 to 9)");
    // Each row: the filter byte (2 = "Up": difference to the row above), then the differences,
    // which are zero across the background and so compress to almost nothing.
    const std::size_t row = img.width * 3;
    std::vector<std::uint8_t> raw((row + 1) * img.height);
    for (std::size_t y = 0; y < img.height; ++y) {
        std::uint8_t* out = raw.data() + y * (row + 1);
        const std::uint8_t* cur = img.pixels.data() + y * row;
        out[0] = y == 0 ? 0 : 2;
        for (std::size_t x = 0; x < row; ++x) out[1 + x] = y == 0 ? cur[x] : static_cast<std::uint8_t>(cur[x] - cur[x - row]);
    }
    uLongf packed_size = ::compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> packed(packed_size);
    if (const int rc = ::compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), level);
        rc != Z_OK)
        VSPACE_THROW(error, "encode_png: zlib failed to compress ", raw.size(), " bytes (expected Z_OK, got code ", rc,
                     ")");

    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<std::uint8_t> header;
    detail::put_u32_be(header, static_cast<std::uint32_t>(img.width));
    detail::put_u32_be(header, static_cast<std::uint32_t>(img.height));
    header.insert(header.end(), {8, 2, 0, 0, 0});  // 8 bits, truecolour, deflate, adaptive filters, no interlace
    detail::put_chunk(png, "IHDR", header.data(), header.size());
    detail::put_chunk(png, "IDAT", packed.data(), packed_size);
    detail::put_chunk(png, "IEND", nullptr, 0);
    return png;
}

/// Writes `img` as a PNG file, atomically (temp file + rename). Throws io_error on failure.
inline void save_png(const std::filesystem::path& path, const image& img) {
    const std::vector<std::uint8_t> png = encode_png(img);
    atomic_file file(path);
    file.write(png.data(), png.size());
    file.commit();
}

/// Renders the map (see `render_image`) and writes it as a PNG file, atomically.
inline void save_png(const std::filesystem::path& path, const map_data& d, const map_options& o = {}) {
    save_png(path, render_image(d, o));
}

}  // namespace vspace
