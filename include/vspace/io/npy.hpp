// SPDX-License-Identifier: MIT
/// @file
/// NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): reading into `matrix<float>`,
/// `matrix<std::int8_t>`, binary vectors, or `array2d<V>` / `std::vector<V>` of any number type;
/// writing vectors, packed bits, ids and distances.
///
/// Reading accepts dtypes f2, f4, f8, i1, u1, i2, u2, i4, u4, i8, u8 and b1 in either byte
/// order (big-endian data is swapped) and C or Fortran order (Fortran data is transposed; only
/// for 1-D and 2-D arrays). Shapes read as rows x cols: (n, d) is n vectors; (d,) is one vector
/// of d dims (a single query); (n, a, b, ...) is n vectors of a * b * ... dims in C order
/// (images). The header is parsed strictly (a Python dict literal with exactly the keys
/// 'descr', 'fortran_order' and 'shape', at most 64 KiB) and the data size it implies is
/// checked against the file length before anything is allocated.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/index/result.hpp>
#include <vspace/io/array2d.hpp>
#include <vspace/io/atomic_file.hpp>
#include <vspace/io/detail/bytes.hpp>
#include <vspace/io/element_type.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/io/packbits.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// What a `.npy` header says, already checked against the length of the file.
struct npy_header {
    element_type type = element_type::f32;
    bool big_endian = false;     ///< the data is big-endian ('>' in descr); readers swap it
    bool fortran_order = false;  ///< column-major data; readers transpose it
    std::vector<std::size_t> shape;
    std::size_t data_offset = 0;  ///< bytes before the first element
    std::size_t data_bytes = 0;   ///< bytes of element data (= count() * element_size(type))

    /// Number of elements (1 for a 0-d array).
    std::size_t count() const noexcept {
        std::size_t n = 1;
        for (std::size_t d : shape) n *= d;  // cannot overflow: checked when parsed
        return n;
    }
    /// Rows of the 2-D reading: shape[0], or 1 for a 1-D array (one vector).
    std::size_t rows() const noexcept { return shape.size() <= 1 ? 1 : shape[0]; }
    /// Columns of the 2-D reading: the product of all dimensions after the first (or shape[0]
    /// for a 1-D array).
    std::size_t cols() const noexcept {
        if (shape.empty()) return 1;
        if (shape.size() == 1) return shape[0];
        std::size_t c = 1;
        for (std::size_t k = 1; k < shape.size(); ++k) c *= shape[k];
        return c;
    }
};

/// @cond detail
namespace detail {

inline constexpr std::string_view npy_magic = "\x93NUMPY";
inline constexpr std::size_t npy_max_header = 65536;
inline constexpr std::size_t npy_max_dims = 32;

/// "1000 x 784" (or "()" for a 0-d array).
inline std::string shape_text(std::span<const std::size_t> shape) {
    if (shape.empty()) return "()";
    std::string s;
    for (std::size_t k = 0; k < shape.size(); ++k) s += message(k ? " x " : "", shape[k]);
    return s;
}

/// Strict parser of the header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class npy_dict_parser {
public:
    npy_dict_parser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

    npy_header parse() {
        npy_header h;
        bool have_descr = false, have_order = false, have_shape = false;
        skip_space();
        expect('{');
        for (;;) {
            skip_space();
            if (peek() == '}') break;
            const std::string_view key = string_literal("key");
            skip_space();
            expect(':');
            skip_space();
            if (key == "descr") {
                once(have_descr, key);
                descr(h);
            } else if (key == "fortran_order") {
                once(have_order, key);
                h.fortran_order = boolean();
            } else if (key == "shape") {
                once(have_shape, key);
                shape(h.shape);
            } else {
                fail("unexpected key '", clipped(key), "' in the header (expected 'descr', 'fortran_order', 'shape')");
            }
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() != '}') fail("expected ',' or '}' at header offset ", pos_, ", got ", shown(peek()));
        }
        ++pos_;  // '}'
        for (; pos_ < text_.size(); ++pos_)  // numpy pads with spaces and ends with '\n'
            if (text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\t' && text_[pos_] != '\r' &&
                text_[pos_] != '\0')
                fail("unexpected ", shown(text_[pos_]), " after the header dict at offset ", pos_,
                     " (expected only padding)");
        constexpr const char* keys = " (expected the keys 'descr', 'fortran_order' and 'shape')";
        if (!have_descr) fail("the header has no 'descr' (the dtype)", keys);
        if (!have_order) fail("the header has no 'fortran_order'", keys);
        if (!have_shape) fail("the header has no 'shape'", keys);
        return h;
    }

private:
    template <class... Parts>
    [[noreturn]] void fail(const Parts&... parts) const {
        format_fail("read_npy", name_, parts...);
    }

    static std::string shown(char c) {
        if (c == '\0') return "end of header";
        if (c >= 0x20 && c < 0x7f) return message("'", c, "'");
        return message("byte ", static_cast<unsigned>(static_cast<unsigned char>(c)));
    }

    /// A header string as messages show it: a hostile header can hold a 64 KiB key.
    static std::string clipped(std::string_view s) {
        return s.size() <= 40 ? std::string(s) : message(s.substr(0, 40), "... (", s.size(), " bytes)");
    }

    char peek() const noexcept { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    void skip_space() noexcept {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n'))
            ++pos_;
    }
    void expect(char c) {
        if (peek() != c) fail("expected '", c, "' at header offset ", pos_, ", got ", shown(peek()));
        ++pos_;
    }
    void once(bool& seen, std::string_view key) {
        if (seen) fail("key '", key, "' appears twice in the header (expected each key once)");
        seen = true;
    }

    /// 'text' or "text", without escapes (dtype strings never need them).
    std::string_view string_literal(const char* what) {
        const char q = peek();
        if (q != '\'' && q != '"') fail("expected a quoted ", what, " at header offset ", pos_, ", got ", shown(q));
        const std::size_t start = ++pos_;
        while (pos_ < text_.size() && text_[pos_] != q && text_[pos_] != '\n') {
            if (text_[pos_] == '\\')
                fail("unsupported character '\\' in a header string at offset ", pos_, " (expected no escapes)");
            ++pos_;
        }
        if (pos_ == text_.size() || text_[pos_] == '\n')
            fail("unterminated string in the header (expected a closing ", q, " before the end of the line)");
        return text_.substr(start, pos_++ - start);
    }

    bool boolean() {
        if (text_.substr(pos_, 4) == "True") {
            pos_ += 4;
            return true;
        }
        if (text_.substr(pos_, 5) == "False") {
            pos_ += 5;
            return false;
        }
        fail("expected True or False for 'fortran_order' at header offset ", pos_, ", got ", shown(peek()));
    }

    void descr(npy_header& h) {
        if (peek() == '[') fail("structured dtypes are not supported (expected a plain number dtype such as '<f4')");
        const std::string_view d = string_literal("dtype");
        struct known {
            std::string_view code;
            element_type type;
        };
        static constexpr known table[] = {
            {"f2", element_type::f16}, {"f4", element_type::f32}, {"f8", element_type::f64},
            {"i1", element_type::i8},  {"u1", element_type::u8},  {"i2", element_type::i16},
            {"u2", element_type::u16}, {"i4", element_type::i32}, {"u4", element_type::u32},
            {"i8", element_type::i64}, {"u8", element_type::u64}, {"b1", element_type::boolean},
        };
        if (d.size() == 3 && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
            for (const known& k : table) {
                if (d.substr(1) != k.code) continue;
                h.type = k.type;
                // '|' (not applicable) is only valid for one-byte types; '=' is native order.
                if (d[0] == '|' && element_size(k.type) != 1) break;
                h.big_endian = d[0] == '>' || (d[0] == '=' && std::endian::native == std::endian::big);
                return;
            }
        }
        fail("unsupported dtype '", clipped(d), "' (expected f2, f4, f8, i1, u1, i2, u2, i4, u4, i8, u8 or b1 with byte order "
             "'<', '>' or '|')");
    }

    void shape(std::vector<std::size_t>& out) {
        expect('(');
        bool comma = false;
        for (;;) {
            skip_space();
            if (peek() == ')') break;
            if (out.size() == npy_max_dims)
                fail("the shape has more than ", npy_max_dims, " dimensions (expected at most ", npy_max_dims, ")");
            const std::size_t start = pos_;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
            if (start == pos_) fail("expected a dimension size at header offset ", pos_, ", got ", shown(peek()));
            std::size_t v = 0;
            if (std::from_chars(text_.data() + start, text_.data() + pos_, v).ec != std::errc{})
                fail("dimension size '", clipped(text_.substr(start, pos_ - start)), "' is too large (expected at most ",
                     static_cast<std::size_t>(-1), ")");
            out.push_back(v);
            if (peek() == 'L') ++pos_;  // Python 2 long suffix
            skip_space();
            comma = peek() == ',';
            if (comma) {
                ++pos_;
                continue;
            }
            if (peek() != ')') fail("expected ',' or ')' in the shape at header offset ", pos_, ", got ", shown(peek()));
        }
        ++pos_;
        // (5) is not a tuple in Python: a one-dimension shape is written (5,).
        if (out.size() == 1 && !comma) fail("the shape (", out[0], ") is not a tuple (expected (", out[0], ",))");
    }

    std::string_view text_;
    std::string_view name_;
    std::size_t pos_ = 0;
};

}  // namespace detail
/// @endcond

/// Parses and checks the header of a `.npy` file held in memory. `name` (a file name)
/// appears in error messages.
///
/// Throws format_error for a wrong magic, an unknown version, an oversized or malformed
/// header, an unsupported dtype, a shape whose size overflows, or data that is not exactly the
/// size the header implies (checked before any allocation).
inline npy_header parse_npy_header(std::span<const std::byte> file, std::string_view name) {
    using detail::format_fail;
    const std::string_view text = detail::as_chars(file);
    if (file.empty()) format_fail("read_npy", name, "the file is empty (expected a .npy header)");
    if (text.substr(0, 6) != detail::npy_magic)
        format_fail("read_npy", name, "not a .npy file (expected the magic \"\\x93NUMPY\")");
    if (text.size() < 10)
        format_fail("read_npy", name, "the file ends inside the header (", text.size(), " bytes; expected at least 10)");
    const unsigned major = static_cast<unsigned char>(text[6]);
    std::size_t length = 0, prefix = 0;
    if (major == 1) {
        length = detail::load_le<std::uint16_t>(file.data() + 8);
        prefix = 10;
    } else if (major == 2 || major == 3) {
        if (text.size() < 12)
            format_fail("read_npy", name, "the file ends inside the header (", text.size(),
                        " bytes; expected at least 12 for version ", major, ")");
        length = detail::load_le<std::uint32_t>(file.data() + 8);
        prefix = 12;
    } else {
        format_fail("read_npy", name, "format version ", major, ".", static_cast<unsigned>(static_cast<unsigned char>(text[7])),
                    " is not supported (expected 1.0, 2.0 or 3.0)");
    }
    if (length > detail::npy_max_header)
        format_fail("read_npy", name, "the header claims ", length, " bytes (expected at most ", detail::npy_max_header,
                    ")");
    if (length > text.size() - prefix)
        format_fail("read_npy", name, "header claims ", length, " bytes but the file holds only ", text.size() - prefix,
                    " after the magic");
    npy_header h = detail::npy_dict_parser(text.substr(prefix, length), name).parse();
    h.data_offset = prefix + length;
    std::size_t count = 0, cols = 0;
    if (!detail::checked_product(h.shape, count) || !detail::checked_mul(count, element_size(h.type), h.data_bytes) ||
        !detail::checked_product(std::span(h.shape).subspan(h.shape.empty() ? 0 : 1), cols))
        format_fail("read_npy", name, "shape ", detail::shape_text(h.shape), " of ", element_name(h.type),
                    " overflows the address space (expected at most ", static_cast<std::size_t>(-1), " bytes)");
    const std::size_t held = file.size() - h.data_offset;
    if (held != h.data_bytes)
        format_fail("read_npy", name, "header claims ", detail::shape_text(h.shape), " ", element_name(h.type), " (",
                    h.data_bytes, " bytes) but the file holds ", held, " bytes of data");
    if (h.fortran_order && h.shape.size() > 2)
        format_fail("read_npy", name, "Fortran-order arrays of ", h.shape.size(),
                    " dimensions are not supported (expected C order, or at most 2 dimensions)");
    return h;
}

/// @cond detail
namespace detail {

/// Checks that the array reads as rows x cols vectors (at least one dimension, cols > 0).
inline void check_npy_matrix(const npy_header& h, std::string_view name) {
    if (h.shape.empty()) format_fail("read_npy", name, "holds a 0-d array (a scalar; expected 1-D or 2-D)");
    if (h.cols() == 0)
        format_fail("read_npy", name, "shape ", shape_text(h.shape), " gives vectors of 0 dims (expected at least 1)");
}

/// Converts the whole array (rows x cols, C or Fortran order) into `out`, whose rows are
/// `stride` elements apart. Throws format_error naming the first element out of Dst's range.
template <class Dst>
void npy_convert(const npy_header& h, std::span<const std::byte> file, std::string_view name, Dst* out,
                 std::size_t stride) {
    check_convertible<Dst>(h.type, "read_npy", name);
    const std::size_t rows = h.rows(), cols = h.cols(), es = element_size(h.type);
    if (rows == 0) return;  // else a Fortran-order (0, 10^10) would loop over its empty columns
    const std::byte* data = file.data() + h.data_offset;
    auto out_of_range = [&](std::size_t i, std::size_t j, const std::byte* at) {
        if (h.type == element_type::boolean)
            format_fail("read_npy", name, "value ", std::to_integer<unsigned>(*at), " at row ", i, ", column ", j,
                        " is not a bool (expected 0 or 1)");
        double v = 0;
        convert_elements<double>(at, h.type, h.big_endian, &v, 1);
        format_fail("read_npy", name, "value ", v, " at row ", i, ", column ", j, " does not fit ",
                    element_name(element_type_of<Dst>()));
    };
    if (!h.fortran_order || rows == 1 || cols == 1) {  // C order (a vector is the same either way)
        for (std::size_t i = 0; i < rows; ++i) {
            const std::byte* src = data + i * cols * es;
            const std::size_t bad = convert_elements<Dst>(src, h.type, h.big_endian, out + i * stride, cols);
            if (bad != npos) out_of_range(i, bad, src + bad * es);
        }
        return;
    }
    std::vector<Dst> column(rows);  // Fortran order: convert a column, then scatter it
    for (std::size_t j = 0; j < cols; ++j) {
        const std::byte* src = data + j * rows * es;
        const std::size_t bad = convert_elements<Dst>(src, h.type, h.big_endian, column.data(), rows);
        if (bad != npos) out_of_range(bad, j, src + bad * es);
        for (std::size_t i = 0; i < rows; ++i) out[i * stride + j] = column[i];
    }
}

}  // namespace detail
/// @endcond

/// Reads vectors from a `.npy` file in memory. T = float accepts every supported dtype
/// (converted); T = std::int8_t accepts integer dtypes whose values fit in int8.
/// Throws format_error (see `parse_npy_header`; also a 0-d array, 0 dims, values out of range).
/// @tparam T float or std::int8_t
template <class T>
    requires(std::same_as<T, float> || std::same_as<T, std::int8_t>)
matrix<T> parse_npy(std::span<const std::byte> file, std::string_view name) {
    const npy_header h = parse_npy_header(file, name);
    detail::check_npy_matrix(h, name);
    detail::check_convertible<T>(h.type, "read_npy", name);
    matrix<T> m(h.rows(), h.cols());
    detail::npy_convert<T>(h, file, name, m.data(), m.stride());
    return m;
}

/// Reads a `.npy` file of vectors (see `parse_npy`). Throws io_error when the file cannot be read.
template <class T>
    requires(std::same_as<T, float> || std::same_as<T, std::int8_t>)
matrix<T> read_npy(const std::filesystem::path& path) {
    const mapped_file f(path, "read_npy");
    return parse_npy<T>(f.bytes(), f.name());
}

/// Reads a rows x cols table of V (ids, labels, raw bytes). Integer V accepts integer dtypes
/// whose values fit (range-checked); floating V accepts any dtype.
/// @tparam V float, double, or a fixed-width integer type
template <file_element V>
array2d<V> parse_npy_array(std::span<const std::byte> file, std::string_view name) {
    const npy_header h = parse_npy_header(file, name);
    detail::check_npy_matrix(h, name);
    detail::check_convertible<V>(h.type, "read_npy", name);
    array2d<V> a(h.rows(), h.cols());
    detail::npy_convert<V>(h, file, name, a.values.data(), a.cols);
    return a;
}

template <file_element V>
array2d<V> read_npy_array(const std::filesystem::path& path) {
    const mapped_file f(path, "read_npy");
    return parse_npy_array<V>(f.bytes(), f.name());
}

/// Reads a list of values (labels, ids): a 1-D array, or a 2-D array with one column.
template <file_element V>
std::vector<V> parse_npy_vector(std::span<const std::byte> file, std::string_view name) {
    const npy_header h = parse_npy_header(file, name);
    if (h.shape.size() != 1 && !(h.shape.size() == 2 && h.shape[1] == 1))
        detail::format_fail("read_npy", name, "shape ", detail::shape_text(h.shape),
                            " is not a list of values (expected (n,) or (n, 1))");
    detail::check_convertible<V>(h.type, "read_npy", name);
    std::vector<V> v(h.shape[0]);
    npy_header column = h;
    column.shape = {h.shape[0], 1};  // one value per row, so row numbers in messages are indexes
    detail::npy_convert<V>(column, file, name, v.data(), 1);
    return v;
}

template <file_element V>
std::vector<V> read_npy_vector(const std::filesystem::path& path) {
    const mapped_file f(path, "read_npy");
    return parse_npy_vector<V>(f.bytes(), f.name());
}

/// Reads binary vectors stored as numpy.packbits rows (uint8, shape (n, ceil(d / 8))).
/// @param dims bits per vector; 0 = 8 x the bytes per row. See `unpack_bits`.
inline matrix<bit> parse_npy_bits(std::span<const std::byte> file, std::string_view name, std::size_t dims = 0) {
    const npy_header h = parse_npy_header(file, name);
    if (h.type != element_type::u8)
        detail::format_fail("read_npy", name, "packed bits must be stored as u1 (uint8), got ", element_name(h.type));
    return unpack_bits(parse_npy_array<std::uint8_t>(file, name), dims);
}

inline matrix<bit> read_npy_bits(const std::filesystem::path& path, std::size_t dims = 0) {
    const mapped_file f(path, "read_npy");
    return parse_npy_bits(f.bytes(), f.name(), dims);
}

/// @cond detail
namespace detail {

/// The dtype string numpy writes for t in this machine's byte order.
inline std::string npy_descr(element_type t) {
    static constexpr std::string_view codes[] = {"f2", "f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "b1"};
    const char order = element_size(t) == 1 ? '|' : (std::endian::native == std::endian::big ? '>' : '<');
    return message(order, codes[static_cast<std::size_t>(t)]);
}

/// Magic, version 1.0 and the header dict, padded with spaces to a multiple of 64 bytes.
inline std::string npy_prefix(element_type t, std::span<const std::size_t> shape) {
    std::string dict = message("{'descr': '", npy_descr(t), "', 'fortran_order': False, 'shape': (");
    for (std::size_t k = 0; k < shape.size(); ++k) dict += message(k ? ", " : "", shape[k]);
    dict += shape.size() == 1 ? ",), }" : "), }";
    const std::size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - 10 - dict.size() - 1, ' ');
    dict.push_back('\n');
    std::string out(detail::npy_magic);
    out.push_back('\x01');
    out.push_back('\x00');
    out.push_back(static_cast<char>(dict.size() & 0xff));
    out.push_back(static_cast<char>(dict.size() >> 8));
    return out + dict;
}

/// Writes a C-order .npy of `rows` rows of `row_bytes` bytes each, row i from `row(i)`.
template <class RowFn>
void write_npy(const std::filesystem::path& path, element_type t, std::span<const std::size_t> shape,
               std::size_t rows, std::size_t row_bytes, RowFn&& row) {
    atomic_file file(path);
    buffered_output out(file);
    out.write(npy_prefix(t, shape));
    for (std::size_t i = 0; i < rows; ++i) out.write(row(i), row_bytes);
    out.commit();
}

inline void check_writable_dims(std::size_t cols, std::string_view function) {
    if (cols == 0) VSPACE_THROW(invalid_argument, function, ": rows of 0 dims cannot be saved (expected at least 1)");
}

}  // namespace detail
/// @endcond

/// Writes vectors as a float32 (n, d) `.npy`, atomically (temp file + fsync + rename).
/// Throws invalid_argument for 0 dims, io_error when the file cannot be written.
inline void save_npy(const std::filesystem::path& path, matrix_view<float> m) {
    detail::check_writable_dims(m.dims(), "save_npy");
    const std::size_t shape[] = {m.rows(), m.dims()};
    detail::write_npy(path, element_type::f32, shape, m.rows(), m.dims() * sizeof(float),
                      [&](std::size_t i) { return m.row_data(i); });
}

/// Writes vectors as an int8 (n, d) `.npy`.
inline void save_npy(const std::filesystem::path& path, matrix_view<std::int8_t> m) {
    detail::check_writable_dims(m.dims(), "save_npy");
    const std::size_t shape[] = {m.rows(), m.dims()};
    detail::write_npy(path, element_type::i8, shape, m.rows(), m.dims(), [&](std::size_t i) { return m.row_data(i); });
}

/// Writes binary vectors as numpy.packbits rows: uint8, shape (n, ceil(d / 8)). The bit count d
/// is not stored; a reader assumes 8 x the row bytes unless told (`read_npy_bits(path, d)`).
inline void save_npy(const std::filesystem::path& path, matrix_view<bit> m) {
    detail::check_writable_dims(m.dims(), "save_npy");
    const std::size_t bytes = (m.dims() + 7) / 8;
    const std::size_t shape[] = {m.rows(), bytes};
    std::vector<std::uint8_t> packed(bytes);
    detail::write_npy(path, element_type::u8, shape, m.rows(), bytes, [&](std::size_t i) {
        detail::pack_bits_row(m.row_data(i), m.dims(), packed.data());
        return packed.data();
    });
}

/// Writes a table of numbers as a (rows, cols) `.npy` of V's dtype.
template <file_element V>
void save_npy(const std::filesystem::path& path, const array2d<V>& a) {
    detail::check_writable_dims(a.cols, "save_npy");
    detail::check_table(a, "save_npy");
    const std::size_t shape[] = {a.rows, a.cols};
    detail::write_npy(path, element_type_of<V>(), shape, a.rows, a.cols * sizeof(V),
                      [&](std::size_t i) { return a.values.data() + i * a.cols; });
}

/// Writes a list of values as a 1-D `.npy` (labels, cluster ids).
template <file_element V>
void save_npy(const std::filesystem::path& path, std::span<const V> values) {
    const std::size_t shape[] = {values.size()};
    detail::write_npy(path, element_type_of<V>(), shape, 1, values.size_bytes(),
                      [&](std::size_t) { return values.data(); });
}

template <file_element V>
void save_npy(const std::filesystem::path& path, const std::vector<V>& values) {
    save_npy(path, std::span<const V>(values));
}

/// Writes the ids of a batch search as int64, shape (queries, k): row q = neighbours of query
/// q, nearest first, -1 in empty slots.
inline void save_npy_ids(const std::filesystem::path& path, const search_result& r) {
    detail::check_writable_dims(r.k(), "save_npy_ids");
    const std::size_t shape[] = {r.queries(), r.k()};
    detail::write_npy(path, element_type::i64, shape, 1, r.all_ids().size() * sizeof(std::int64_t),
                      [&](std::size_t) { return r.all_ids().data(); });
}

/// Writes the distances of a batch search as float32, shape (queries, k).
inline void save_npy_distances(const std::filesystem::path& path, const search_result& r) {
    detail::check_writable_dims(r.k(), "save_npy_distances");
    const std::size_t shape[] = {r.queries(), r.k()};
    detail::write_npy(path, element_type::f32, shape, 1, r.all_distances().size() * sizeof(float),
                      [&](std::size_t) { return r.all_distances().data(); });
}

}  // namespace vspace
