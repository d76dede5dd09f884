// SPDX-License-Identifier: MIT
/// @file
/// Conversion between `matrix<bit>` and the byte layout of `numpy.packbits(x, axis=1)` (its
/// default bitorder='big'): row i becomes ceil(d / 8) bytes, dimension 0 is the most
/// significant bit of byte 0, and the unused low bits of the last byte are zero. This is how
/// binary vectors travel in `.npy` files (uint8, shape (n, ceil(d / 8))).
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/io/array2d.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace vspace {

/// @cond detail
namespace detail {

/// Byte with its bit order reversed: matrix<bit> stores dimension j at bit j % 64 (least
/// significant first), packbits at the most significant bit first.
inline constexpr std::array<std::uint8_t, 256> reversed_bits = [] {
    std::array<std::uint8_t, 256> t{};
    for (unsigned v = 0; v < 256; ++v) {
        unsigned r = 0;
        for (unsigned b = 0; b < 8; ++b)
            if (v & (1u << b)) r |= 0x80u >> b;
        t[v] = static_cast<std::uint8_t>(r);
    }
    return t;
}();

/// Writes the packbits form of one row of `dims` bits (`(dims + 7) / 8` bytes).
inline void pack_bits_row(const std::uint64_t* words, std::size_t dims, std::uint8_t* out) noexcept {
    const std::size_t bytes = (dims + 7) / 8;
    for (std::size_t b = 0; b < bytes; ++b)
        out[b] = reversed_bits[(words[b / 8] >> (8 * (b % 8))) & 0xffu];
}

}  // namespace detail
/// @endcond

/// Packs binary vectors into numpy.packbits layout: an n x ceil(d / 8) uint8 table.
/// O(n d / 8). Never throws except std::bad_alloc.
inline array2d<std::uint8_t> pack_bits(matrix_view<bit> bits) {
    array2d<std::uint8_t> out(bits.rows(), (bits.dims() + 7) / 8);
    for (std::size_t i = 0; i < bits.rows(); ++i) detail::pack_bits_row(bits.row_data(i), bits.dims(), out.row(i).data());
    return out;
}

/// Unpacks a numpy.packbits table (uint8, one row per vector) into `dims`-bit vectors.
/// @param dims the bit count per vector; 0 means 8 x the bytes per row. It must need exactly
///        `packed.cols` bytes, i.e. lie in (8 (cols - 1), 8 cols].
/// Throws invalid_argument when `dims` does not fit the row width, or when a row has bits set
/// past `dims` (packbits writes zero padding, so such a row was packed with another width).
inline matrix<bit> unpack_bits(const array2d<std::uint8_t>& packed, std::size_t dims = 0) {
    const std::size_t cols = packed.cols;
    if (dims == 0) dims = cols * 8;
    if (cols == 0 || (dims + 7) / 8 != cols)
        VSPACE_THROW(invalid_argument, "unpack_bits: ", dims, " dims need ", (dims + 7) / 8,
                     " bytes per row (expected rows of ", cols, " bytes)");
    const unsigned pad = static_cast<unsigned>(cols * 8 - dims);  // unused low bits of the last byte
    const std::uint8_t pad_mask = static_cast<std::uint8_t>((1u << pad) - 1);
    matrix<bit> out(packed.rows, dims);
    for (std::size_t i = 0; i < packed.rows; ++i) {
        const std::uint8_t* in = packed.row(i).data();
        if (in[cols - 1] & pad_mask)
            VSPACE_THROW(invalid_argument, "unpack_bits: row ", i, " has bits set past dimension ", dims,
                         " (expected zero padding, as numpy.packbits writes)");
        std::uint64_t* words = out.row_data(i);
        for (std::size_t b = 0; b < cols; ++b)
            words[b / 8] |= static_cast<std::uint64_t>(detail::reversed_bits[in[b]]) << (8 * (b % 8));
    }
    return out;
}

}  // namespace vspace
