// SPDX-License-Identifier: MIT
/// @file
/// `load_vectors`: one entry point that reads vectors from any supported file, choosing the
/// reader by magic bytes and extension — what the `vspace` CLI calls for BASE, QUERIES and
/// INPUT. It returns float vectors always, plus the file's int8, uint8 (e.g. packed bits) or
/// bool data natively, plus the vocabulary of word-vector files. Needs zlib (idx.gz support).
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/io/array2d.hpp>
#include <vspace/io/element_type.hpp>
#include <vspace/io/idx.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/io/texmex.hpp>
#include <vspace/io/vocabulary.hpp>
#include <vspace/io/word_vectors.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace vspace {

/// The file formats `load_vectors` reads.
enum class vector_file_format : std::uint8_t {
    npy,
    fvecs,
    ivecs,
    bvecs,
    word2vec_text,    ///< also fastText .vec
    glove_text,
    word2vec_binary,
    idx,              ///< plain or gzip
};

constexpr std::string_view format_name(vector_file_format f) noexcept {
    switch (f) {
        case vector_file_format::npy: return "npy";
        case vector_file_format::fvecs: return "fvecs";
        case vector_file_format::ivecs: return "ivecs";
        case vector_file_format::bvecs: return "bvecs";
        case vector_file_format::word2vec_text: return "word2vec text";
        case vector_file_format::glove_text: return "GloVe text";
        case vector_file_format::word2vec_binary: return "word2vec binary";
        case vector_file_format::idx: return "idx";
    }
    return "unknown";
}

/// Vectors read by `load_vectors`.
struct loaded_vectors {
    vector_file_format format = vector_file_format::npy;
    /// The element type the file stores (f32 for the text formats).
    element_type stored = element_type::f32;
    /// The vectors as float, always present (int8 -128..127, uint8 0..255, bool 0/1).
    matrix<float> vectors;
    /// The same vectors without conversion, when the file stores int8.
    std::optional<matrix<std::int8_t>> i8;
    /// The raw bytes, when the file stores uint8 (bvecs, idx images, uint8 .npy). A uint8 .npy
    /// may hold numpy.packbits rows: `unpack_bits(*u8, dims)` turns them into binary vectors.
    std::optional<array2d<std::uint8_t>> u8;
    /// Binary vectors, when the file is a bool .npy (one dimension per element).
    std::optional<matrix<bit>> bits;
    /// Words of a word-vector file (row i = vocab[i]); empty for the other formats.
    vocabulary vocab;

    std::size_t rows() const noexcept { return vectors.rows(); }
    std::size_t dims() const noexcept { return vectors.dims(); }
};

/// Options of `load_vectors`.
struct load_options {
    /// Threads parsing text formats; 0 = all cores. The result does not depend on it.
    std::size_t n_threads = 0;
};

/// Which reader suits a file, from its first bytes and its name: the `.npy` magic, the gzip
/// magic (gzip holds idx), the extensions `.npy .fvecs .ivecs .bvecs .gz .bin`, an idx header
/// whose size matches the file, and otherwise word-vector text or binary told apart by content.
inline vector_file_format detect_vector_format(std::span<const std::byte> file, std::string_view name) {
    const std::filesystem::path path(name);
    const std::string ext = path.extension().string(), file_name = path.filename().string();
    const std::string_view text = detail::as_chars(file);
    if (text.substr(0, 6) == detail::npy_magic || ext == ".npy") return vector_file_format::npy;
    if (ext == ".fvecs") return vector_file_format::fvecs;
    if (ext == ".ivecs") return vector_file_format::ivecs;
    if (ext == ".bvecs") return vector_file_format::bvecs;
    if (detail::is_gzip(file) || ext == ".gz" || ext == ".idx") return vector_file_format::idx;
    if (file_name.find("-ubyte") != std::string::npos || file_name.find("idx") != std::string::npos) {
        // looks like MNIST naming: trust a well-formed idx header
        element_type t;
        if (file.size() >= 4 && file[0] == std::byte{0} && file[1] == std::byte{0} &&
            detail::idx_type(std::to_integer<unsigned>(file[2]), t))
            return vector_file_format::idx;
    }
    if (ext == ".bin") return vector_file_format::word2vec_binary;
    const std::size_t nl = text.substr(0, 64).find('\n');
    std::size_t count = 0, dims = 0;
    if (nl != std::string_view::npos && detail::parse_header(text.substr(0, nl), count, dims) && dims > 0 &&
        detail::looks_binary(text.substr(nl + 1), dims))
        return vector_file_format::word2vec_binary;
    return vector_file_format::word2vec_text;  // or GloVe: the text reader tells them apart
}

/// @cond detail
namespace detail {

/// Fills the native copies (i8 / u8 / bits) and the float matrix from a rows x cols table.
template <class V>
void attach_native(loaded_vectors& out, array2d<V>&& native) {
    out.vectors = matrix<float>(native.rows, native.cols);
    for (std::size_t i = 0; i < native.rows; ++i) {
        const V* src = native.row(i).data();
        float* dst = out.vectors.row_data(i);
        for (std::size_t j = 0; j < native.cols; ++j) dst[j] = static_cast<float>(src[j]);
    }
    if constexpr (std::is_same_v<V, std::int8_t>) {
        out.i8.emplace(native.rows, native.cols);
        for (std::size_t i = 0; i < native.rows; ++i)
            std::memcpy(out.i8->row_data(i), native.row(i).data(), native.cols);
    } else if constexpr (std::is_same_v<V, std::uint8_t>) {
        if (out.stored == element_type::boolean) {
            out.bits.emplace(native.rows, native.cols);
            for (std::size_t i = 0; i < native.rows; ++i)
                for (std::size_t j = 0; j < native.cols; ++j)
                    if (native(i, j)) out.bits->set_bit(i, j, true);
        } else {
            out.u8 = std::move(native);
        }
    }
}

}  // namespace detail
/// @endcond

/// Reads vectors from file bytes held in memory; `name` (a file name) chooses the reader with
/// the content (see `detect_vector_format`) and appears in error messages.
/// Throws format_error when the content is corrupt or unsupported (messages name the file and
/// the problem, and come from the format's own reader).
inline loaded_vectors parse_vectors(std::span<const std::byte> file, std::string_view name, const load_options& options = {}) {
    loaded_vectors out;
    out.format = detect_vector_format(file, name);
    switch (out.format) {
        case vector_file_format::npy: {
            const npy_header h = parse_npy_header(file, name);
            out.stored = h.type;
            if (h.type == element_type::i8) detail::attach_native(out, parse_npy_array<std::int8_t>(file, name));
            else if (h.type == element_type::u8 || h.type == element_type::boolean)
                detail::attach_native(out, parse_npy_array<std::uint8_t>(file, name));
            else out.vectors = parse_npy<float>(file, name);
            break;
        }
        case vector_file_format::fvecs: out.vectors = parse_fvecs(file, name); break;
        case vector_file_format::ivecs:
            out.stored = element_type::i32;
            detail::attach_native(out, parse_ivecs(file, name));
            break;
        case vector_file_format::bvecs:
            out.stored = element_type::u8;
            detail::attach_native(out, parse_bvecs(file, name));
            break;
        case vector_file_format::idx: {
            detail::idx_source src(file, name);
            out.stored = src.header().type;
            const auto read = [&]<class V>() {
                array2d<V> a(src.header().rows(), src.header().cols());
                detail::idx_read_all(src, a.values.data(), a.cols);
                detail::attach_native(out, std::move(a));
            };
            if (out.stored == element_type::u8) {
                read.template operator()<std::uint8_t>();
            } else if (out.stored == element_type::i8) {
                read.template operator()<std::int8_t>();
            } else {
                out.vectors = matrix<float>(src.header().rows(), src.header().cols());
                detail::idx_read_all(src, out.vectors.data(), out.vectors.stride());
            }
            break;
        }
        case vector_file_format::word2vec_text:
        case vector_file_format::glove_text:
        case vector_file_format::word2vec_binary: {
            const word_vectors_options o{.n_threads = options.n_threads};
            word_vectors w = out.format == vector_file_format::word2vec_binary ? parse_word2vec_binary(file, name, o)
                                                                               : parse_word_vectors_text(file, name, o);
            out.format = w.format == word_vectors_format::word2vec_binary ? vector_file_format::word2vec_binary
                         : w.format == word_vectors_format::word2vec_text ? vector_file_format::word2vec_text
                                                                          : vector_file_format::glove_text;
            out.vectors = std::move(w.vectors);
            out.vocab = std::move(w.vocab);
            break;
        }
    }
    return out;
}

/// Reads vectors from any supported file: `.npy` (f2/f4/f8/i1/u1/i2/u2/i4/u4/i8/u8/b1),
/// `.fvecs`, `.ivecs`, `.bvecs`, word2vec / fastText / GloVe text (`.txt`, `.vec`, any other
/// name), word2vec binary (`.bin`), and idx files (`-ubyte`, `.idx`, gzip). The file is
/// memory-mapped and parsed once.
/// Throws io_error when the file cannot be read, format_error when its content is invalid.
inline loaded_vectors load_vectors(const std::filesystem::path& path, const load_options& options = {}) {
    const mapped_file f(path, "load_vectors");
    return parse_vectors(f.bytes(), f.name(), options);
}

}  // namespace vspace
