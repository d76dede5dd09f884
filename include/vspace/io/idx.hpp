// SPDX-License-Identifier: MIT
/// @file
/// The idx format of MNIST and Fashion-MNIST, plain or gzip-compressed: two zero bytes, a type
/// code (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), the number of dimensions,
/// each dimension as a big-endian uint32, then the big-endian data in C order. Images
/// (n x 28 x 28) read as n rows of 784 values; label files (n) as a list.
///
/// This is the only io header that needs zlib (`#include <zlib.h>`, link `ZLIB::ZLIB`).
/// A gzip stream is inflated only after its idx header has been read and the size it claims
/// checked against the most the compressed bytes can expand to (deflate's 1032:1 limit).
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/io/array2d.hpp>
#include <vspace/io/detail/bytes.hpp>
#include <vspace/io/element_type.hpp>
#include <vspace/io/mapped_file.hpp>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

namespace vspace {

/// What an idx header says, checked against the length of the (uncompressed) bytes.
struct idx_header {
    element_type type = element_type::u8;
    std::vector<std::size_t> shape;
    std::size_t data_offset = 0;  ///< bytes before the first element (4 + 4 x dimensions)
    std::size_t data_bytes = 0;

    /// Rows of the 2-D reading: shape[0], or 1 for a 1-D array (as for `.npy`).
    std::size_t rows() const noexcept { return shape.size() == 1 ? 1 : shape[0]; }
    /// Product of the dimensions after the first (shape[0] for a 1-D array).
    std::size_t cols() const noexcept {
        if (shape.size() == 1) return shape[0];
        std::size_t c = 1;
        for (std::size_t k = 1; k < shape.size(); ++k) c *= shape[k];
        return c;
    }
};

/// @cond detail
namespace detail {

inline constexpr std::string_view idx_function = "read_idx";
inline constexpr std::size_t idx_max_dims = 16;
/// deflate cannot expand input more than about 1032:1 (RFC 1951 block limits).
inline constexpr std::size_t deflate_max_ratio = 1032;

inline bool idx_type(unsigned code, element_type& out) noexcept {
    switch (code) {
        case 0x08: out = element_type::u8; return true;
        case 0x09: out = element_type::i8; return true;
        case 0x0b: out = element_type::i16; return true;
        case 0x0c: out = element_type::i32; return true;
        case 0x0d: out = element_type::f32; return true;
        case 0x0e: out = element_type::f64; return true;
        default: return false;
    }
}

/// Parses the magic and dimensions from the first bytes; `size` receives the total file size
/// the header implies. Throws format_error.
inline idx_header idx_parse_prefix(std::span<const std::byte> b, std::string_view name, std::size_t& size) {
    if (b.size() < 4) format_fail(idx_function, name, "the file holds ", b.size(), " bytes (expected an idx header)");
    const unsigned code = std::to_integer<unsigned>(b[2]), ndim = std::to_integer<unsigned>(b[3]);
    idx_header h;
    if (b[0] != std::byte{0} || b[1] != std::byte{0} || !idx_type(code, h.type))
        format_fail(idx_function, name, "not an idx file (expected the magic 00 00 <type 08|09|0B|0C|0D|0E> <dims>)");
    if (ndim == 0 || ndim > idx_max_dims)
        format_fail(idx_function, name, "the header claims ", ndim, " dimensions (expected 1 to ", idx_max_dims, ")");
    if (b.size() < 4 + 4 * ndim)
        format_fail(idx_function, name, "the file ends inside the header (", b.size(), " bytes; expected ", 4 + 4 * ndim,
                    " for ", ndim, " dimensions)");
    for (std::size_t k = 0; k < ndim; ++k) {
        const std::uint32_t d = load_be<std::uint32_t>(b.data() + 4 + 4 * k);
        if (d == 0) format_fail(idx_function, name, "dimension ", k, " is 0 (expected at least 1)");
        h.shape.push_back(d);
    }
    h.data_offset = 4 + 4 * ndim;
    std::size_t count = 0;
    if (!checked_product(h.shape, count) || !checked_mul(count, element_size(h.type), h.data_bytes) ||
        h.data_bytes > static_cast<std::size_t>(-1) - h.data_offset)
        format_fail(idx_function, name, "the header's shape overflows the address space (expected at most ",
                    static_cast<std::size_t>(-1), " bytes)");
    size = h.data_offset + h.data_bytes;
    return h;
}

/// "60000 x 28 x 28"
inline std::string idx_shape_text(const idx_header& h) {
    std::string s;
    for (std::size_t k = 0; k < h.shape.size(); ++k) s += message(k ? " x " : "", h.shape[k]);
    return s;
}

/// A zlib inflate stream over gzip bytes in memory (concatenated members are one stream).
class gzip_reader {
public:
    gzip_reader(std::span<const std::byte> in, std::string_view name) : in_(in), name_(name) {
        z_.next_in = nullptr;
        z_.avail_in = 0;
        if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
    }
    gzip_reader(const gzip_reader&) = delete;
    gzip_reader& operator=(const gzip_reader&) = delete;
    ~gzip_reader() { inflateEnd(&z_); }

    /// Inflates up to `n` bytes into `out`; returns fewer only at the end of the data.
    std::size_t read(std::byte* out, std::size_t n) {
        std::size_t done = 0;
        while (done < n && !finished_) {
            if (z_.avail_in == 0 && used_ < in_.size()) {
                const std::size_t chunk = std::min<std::size_t>(in_.size() - used_, UINT_MAX / 2);
                z_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in_.data() + used_));
                z_.avail_in = static_cast<uInt>(chunk);
                used_ += chunk;
            }
            const std::size_t want = std::min<std::size_t>(n - done, UINT_MAX / 2);
            z_.next_out = reinterpret_cast<Bytef*>(out + done);
            z_.avail_out = static_cast<uInt>(want);
            const int rc = inflate(&z_, Z_NO_FLUSH);
            done += want - z_.avail_out;
            if (rc == Z_STREAM_END) {
                if (z_.avail_in == 0 && used_ == in_.size()) finished_ = true;
                else if (inflateReset(&z_) != Z_OK)
                    fail("zlib cannot start the next gzip member (expected another member or the end of the file)");
            } else if (rc == Z_BUF_ERROR && z_.avail_in == 0 && used_ == in_.size()) {
                fail("the gzip stream is truncated (expected more compressed data before the end of the file)");
            } else if (rc == Z_MEM_ERROR) {
                throw std::bad_alloc();
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                fail(message("corrupt gzip data (", z_.msg ? z_.msg : "zlib error", "; expected a valid gzip stream)").c_str());
            }
        }
        return done;
    }

private:
    [[noreturn]] void fail(const char* what) const { format_fail(idx_function, name_, what); }

    std::span<const std::byte> in_;
    std::string_view name_;
    z_stream z_{};
    std::size_t used_ = 0;
    bool finished_ = false;
};

inline bool is_gzip(std::span<const std::byte> b) noexcept {
    return b.size() >= 2 && b[0] == std::byte{0x1f} && b[1] == std::byte{0x8b};
}

/// An idx file, plain or gzip, read front to back: the constructor reads and checks the
/// header (a plain file's exact length; a gzip stream's claim against what its compressed
/// size can expand to), then `read_rows` converts rows straight into the caller's memory, so
/// a gzip file is never inflated into a buffer of its own. Not movable (zlib's state points
/// at its stream).
class idx_source {
public:
    idx_source(std::span<const std::byte> file, std::string_view name) : file_(file), name_(name) {
        if (file.empty()) format_fail(idx_function, name, "the file is empty (expected an idx header)");
        std::size_t size = 0;
        if (!is_gzip(file)) {
            header_ = idx_parse_prefix(file, name, size);
            if (file.size() != size)
                format_fail(idx_function, name, "header claims ", idx_shape_text(header_), " ", element_name(header_.type),
                            " (", header_.data_bytes, " bytes) but the file holds ", file.size() - header_.data_offset,
                            " bytes of data");
            return;
        }
        gz_ = std::make_unique<gzip_reader>(file, name);
        std::byte head[4 + 4 * idx_max_dims];
        const std::size_t got = gz_->read(head, 4);
        const unsigned ndim = got == 4 ? std::to_integer<unsigned>(head[3]) : 0;
        const std::size_t got_dims = gz_->read(head + 4, got == 4 && ndim <= idx_max_dims ? 4 * ndim : 0);
        header_ = idx_parse_prefix(std::span<const std::byte>(head, got + got_dims), name, size);
        std::size_t limit = 0;
        if (!checked_mul(file.size(), deflate_max_ratio, limit) || size > limit + 4096)
            format_fail(idx_function, name, "the header claims ", idx_shape_text(header_), " ", element_name(header_.type),
                        " (", header_.data_bytes, " bytes), more than ", file.size(), " bytes of gzip data can hold");
    }
    idx_source(const idx_source&) = delete;
    idx_source& operator=(const idx_source&) = delete;

    const idx_header& header() const noexcept { return header_; }

    /// Converts the next `rows` rows (of header().cols() values) to V, row i at out + i * stride.
    /// Throws format_error when the data ends early or a value does not fit V.
    template <class V>
    void read_rows(V* out, std::size_t stride, std::size_t rows) {
        check_convertible<V>(header_.type, idx_function, name_);
        const std::size_t cols = header_.cols(), row_bytes = cols * element_size(header_.type);
        const std::size_t batch = std::max<std::size_t>(1, (std::size_t{1} << 18) / std::max<std::size_t>(row_bytes, 1));
        for (std::size_t first = 0; first < rows; first += batch) {
            const std::size_t n = std::min(batch, rows - first);
            const std::byte* src = next(n * row_bytes);
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t bad =
                    convert_elements<V>(src + i * row_bytes, header_.type, true, out + (first + i) * stride, cols);
                if (bad != npos)
                    format_fail(idx_function, name_, "the value at row ", row_ + i, ", column ", bad, " does not fit ",
                                element_name(element_type_of<V>()));
            }
            row_ += n;
        }
    }

    /// After the last row: a gzip stream must end here (this also checks its CRC).
    void finish() {
        std::byte extra;
        if (gz_ && gz_->read(&extra, 1) != 0)
            format_fail(idx_function, name_, "more data follows the ", header_.data_bytes, " bytes the header claims");
    }

private:
    /// The next `bytes` bytes of element data.
    const std::byte* next(std::size_t bytes) {
        if (!gz_) {
            const std::byte* p = file_.data() + header_.data_offset + done_;
            done_ += bytes;
            return p;
        }
        chunk_.resize(bytes);
        const std::size_t got = gz_->read(chunk_.data(), bytes);
        done_ += got;
        if (got != bytes)
            format_fail(idx_function, name_, "header claims ", idx_shape_text(header_), " ", element_name(header_.type), " (",
                        header_.data_bytes, " bytes) but the file holds ", done_, " bytes of data");
        return chunk_.data();
    }

    std::span<const std::byte> file_;
    std::string_view name_;
    idx_header header_;
    std::unique_ptr<gzip_reader> gz_;
    std::vector<std::byte> chunk_;
    std::size_t done_ = 0;  ///< data bytes consumed
    std::size_t row_ = 0;   ///< rows converted
};

/// Reads a whole idx file as rows x cols values of V into `out` (rows `stride` apart).
template <class V>
void idx_read_all(idx_source& src, V* out, std::size_t stride) {
    src.read_rows(out, stride, src.header().rows());
    src.finish();
}

}  // namespace detail
/// @endcond

/// Reads the header of an idx file in memory (plain or gzip). A gzip file is inflated to the
/// end (without keeping the data) so that truncation and CRC errors show here too.
inline idx_header parse_idx_header(std::span<const std::byte> file, std::string_view name) {
    detail::idx_source src(file, name);
    std::vector<double> row(src.header().cols());
    for (std::size_t i = 0; i < src.header().rows(); ++i) src.read_rows(row.data(), 0, 1);
    src.finish();
    return src.header();
}

/// Reads an idx file in memory (plain or gzip) as rows x cols values of V: an n x a x b array
/// gives n rows of a b values; a 1-D array one row. Integer V accepts integer types whose
/// values fit; floating V accepts any type.
/// Throws format_error for a wrong magic, an unknown type code, 0 or more than 16 dimensions,
/// a dimension of 0, a size that differs from the header, or corrupt or truncated gzip data.
template <file_element V>
array2d<V> parse_idx_array(std::span<const std::byte> file, std::string_view name) {
    detail::idx_source src(file, name);
    detail::check_convertible<V>(src.header().type, detail::idx_function, name);
    array2d<V> a(src.header().rows(), src.header().cols());
    detail::idx_read_all(src, a.values.data(), a.cols);
    return a;
}

/// Reads an idx file in memory as float vectors (one per first-dimension entry).
inline matrix<float> parse_idx_matrix(std::span<const std::byte> file, std::string_view name) {
    detail::idx_source src(file, name);
    matrix<float> m(src.header().rows(), src.header().cols());
    detail::idx_read_all(src, m.data(), m.stride());
    return m;
}

/// @cond detail
namespace detail {
inline void check_images(const idx_header& h, std::string_view name) {
    if (h.shape.size() != 3 || h.type != element_type::u8)
        format_fail(idx_function, name, "holds ", idx_shape_text(h), " ", element_name(h.type),
                    " (expected u8 images: n x height x width)");
}
}  // namespace detail
/// @endcond

/// Reads an idx3 uint8 image file (n x height x width) as n rows of height x width pixels.
inline array2d<std::uint8_t> parse_idx_images(std::span<const std::byte> file, std::string_view name) {
    detail::idx_source src(file, name);
    detail::check_images(src.header(), name);
    array2d<std::uint8_t> a(src.header().rows(), src.header().cols());
    detail::idx_read_all(src, a.values.data(), a.cols);
    return a;
}

/// Reads an idx1 uint8 label file (n labels).
inline std::vector<std::uint8_t> parse_idx_labels(std::span<const std::byte> file, std::string_view name) {
    detail::idx_source src(file, name);
    if (src.header().shape.size() != 1 || src.header().type != element_type::u8)
        detail::format_fail(detail::idx_function, name, "holds ", detail::idx_shape_text(src.header()), " ",
                            element_name(src.header().type), " (expected u8 labels: a list of n)");
    std::vector<std::uint8_t> labels(src.header().shape[0]);
    detail::idx_read_all(src, labels.data(), labels.size());
    return labels;
}

/// File forms: read (memory-map) the file, then parse as above. Throw io_error when the file
/// cannot be read.
template <file_element V>
array2d<V> read_idx_array(const std::filesystem::path& path) {
    const mapped_file f(path, detail::idx_function);
    return parse_idx_array<V>(f.bytes(), f.name());
}

inline matrix<float> read_idx_matrix(const std::filesystem::path& path) {
    const mapped_file f(path, detail::idx_function);
    return parse_idx_matrix(f.bytes(), f.name());
}

inline array2d<std::uint8_t> read_idx_images(const std::filesystem::path& path) {
    const mapped_file f(path, detail::idx_function);
    return parse_idx_images(f.bytes(), f.name());
}

inline std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path) {
    const mapped_file f(path, detail::idx_function);
    return parse_idx_labels(f.bytes(), f.name());
}

}  // namespace vspace
