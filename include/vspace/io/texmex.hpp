// SPDX-License-Identifier: MIT
/// @file
/// The texmex vector formats of the INRIA ANN benchmarks (SIFT1M, BIGANN, GIST): every vector
/// is a little-endian int32 dimension count d followed by d values — float32 in `.fvecs`,
/// int32 in `.ivecs` (ground-truth ids), uint8 in `.bvecs`. All vectors of a file must have the
/// same d, so the file length is a multiple of the record size; this is checked up front,
/// before anything is allocated.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/io/array2d.hpp>
#include <vspace/io/atomic_file.hpp>
#include <vspace/io/detail/bytes.hpp>
#include <vspace/io/element_type.hpp>
#include <vspace/io/mapped_file.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string_view>

namespace vspace {

/// @cond detail
namespace detail {

struct texmex_shape {
    std::size_t rows = 0, dims = 0;
};

/// Validates the record structure: the first count d >= 1, every record the same d, no
/// partial record at the end. O(rows), reads only the counts.
inline texmex_shape texmex_check(std::span<const std::byte> file, element_type t, std::string_view function,
                                 std::string_view name) {
    if (file.empty()) format_fail(function, name, "the file is empty (expected at least one vector)");
    if (file.size() < 4) format_fail(function, name, "the file holds ", file.size(), " bytes (expected at least a 4-byte dimension count)");
    const std::int32_t d = load_le<std::int32_t>(file.data());
    if (d <= 0) format_fail(function, name, "the first vector has ", d, " dims (expected at least 1)");
    const std::size_t es = element_size(t), dims = static_cast<std::size_t>(d);
    const std::size_t record = 4 + dims * es;  // d < 2^31: no overflow
    if (record > file.size())
        format_fail(function, name, "the first vector claims ", dims, " dims (", record, " bytes) but the file holds ",
                    file.size(), " bytes");
    std::size_t row = 0;
    for (std::size_t at = 0; at < file.size(); at += record, ++row) {
        if (file.size() - at < 4)
            format_fail(function, name, "the file ends inside the dimension count of vector ", row, " (truncated: ",
                        file.size() - at, " bytes left, expected 4 and the vector)");
        const std::int32_t di = load_le<std::int32_t>(file.data() + at);
        if (di != d)
            format_fail(function, name, "vector ", row, " has ", di, " dims (expected ", d, ", like vector 0)");
        if (file.size() - at < record)
            format_fail(function, name, "vector ", row, " is truncated: ", file.size() - at, " bytes left (expected ", record, ")");
    }
    return {row, dims};
}

template <class V>
void texmex_copy(std::span<const std::byte> file, element_type t, texmex_shape s, V* out, std::size_t stride) noexcept {
    const std::size_t record = 4 + s.dims * element_size(t);
    for (std::size_t i = 0; i < s.rows; ++i)  // V matches t, so this is a memcpy per row
        convert_elements<V>(file.data() + i * record + 4, t, false, out + i * stride, s.dims);
}

template <class V>
array2d<V> parse_texmex_array(std::span<const std::byte> file, std::string_view function, std::string_view name) {
    constexpr element_type t = element_type_of<V>();
    const texmex_shape s = texmex_check(file, t, function, name);
    array2d<V> a(s.rows, s.dims);
    texmex_copy(file, t, s, a.values.data(), s.dims);
    return a;
}

/// Writes `rows` records of `dims` values of type t, row i's values from `row(i)`.
template <class RowFn>
void write_texmex(const std::filesystem::path& path, std::string_view function, element_type t, std::size_t rows,
                  std::size_t dims, RowFn&& row) {
    if (rows == 0)
        VSPACE_THROW(invalid_argument, function,
                     ": no vectors to save (expected at least one: the format cannot store the dims of an empty set)");
    if (dims == 0 || dims > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        VSPACE_THROW(invalid_argument, function, ": vectors of ", dims, " dims cannot be saved (expected 1 to 2^31 - 1)");
    atomic_file file(path);
    buffered_output out(file);
    for (std::size_t i = 0; i < rows; ++i) {
        out.write_le(static_cast<std::int32_t>(dims));
        out.write(row(i), dims * element_size(t));
    }
    out.commit();
}

}  // namespace detail
/// @endcond

/// Reads `.fvecs` bytes (float32 vectors). Throws format_error for an empty or truncated file,
/// a dimension count < 1, or vectors of differing dims, naming the vector.
inline matrix<float> parse_fvecs(std::span<const std::byte> file, std::string_view name) {
    const detail::texmex_shape s = detail::texmex_check(file, element_type::f32, "read_fvecs", name);
    matrix<float> m(s.rows, s.dims);
    detail::texmex_copy(file, element_type::f32, s, m.data(), m.stride());
    return m;
}

/// Reads a `.fvecs` file. Throws io_error when it cannot be read, format_error as `parse_fvecs`.
inline matrix<float> read_fvecs(const std::filesystem::path& path) {
    const mapped_file f(path, "read_fvecs");
    return parse_fvecs(f.bytes(), f.name());
}

/// Reads `.ivecs` bytes (int32 vectors, e.g. ground-truth neighbour ids).
inline array2d<std::int32_t> parse_ivecs(std::span<const std::byte> file, std::string_view name) {
    return detail::parse_texmex_array<std::int32_t>(file, "read_ivecs", name);
}

inline array2d<std::int32_t> read_ivecs(const std::filesystem::path& path) {
    const mapped_file f(path, "read_ivecs");
    return parse_ivecs(f.bytes(), f.name());
}

/// Reads `.bvecs` bytes (uint8 vectors, e.g. SIFT descriptors).
inline array2d<std::uint8_t> parse_bvecs(std::span<const std::byte> file, std::string_view name) {
    return detail::parse_texmex_array<std::uint8_t>(file, "read_bvecs", name);
}

inline array2d<std::uint8_t> read_bvecs(const std::filesystem::path& path) {
    const mapped_file f(path, "read_bvecs");
    return parse_bvecs(f.bytes(), f.name());
}

/// Writes float vectors as `.fvecs`, atomically. Throws invalid_argument for no rows or 0 dims
/// (the format cannot hold them), io_error when the file cannot be written.
inline void save_fvecs(const std::filesystem::path& path, matrix_view<float> m) {
    detail::write_texmex(path, "save_fvecs", element_type::f32, m.rows(), m.dims(), [&](std::size_t i) { return m.row_data(i); });
}

/// Writes int32 vectors as `.ivecs`.
inline void save_ivecs(const std::filesystem::path& path, const array2d<std::int32_t>& a) {
    detail::check_table(a, "save_ivecs");
    detail::write_texmex(path, "save_ivecs", element_type::i32, a.rows, a.cols, [&](std::size_t i) { return a.row(i).data(); });
}

/// Writes uint8 vectors as `.bvecs`.
inline void save_bvecs(const std::filesystem::path& path, const array2d<std::uint8_t>& a) {
    detail::check_table(a, "save_bvecs");
    detail::write_texmex(path, "save_bvecs", element_type::u8, a.rows, a.cols, [&](std::size_t i) { return a.row(i).data(); });
}

}  // namespace vspace
