// SPDX-License-Identifier: MIT
/// @file
/// Word-vector files: word2vec text (a "count dims" header line, then "word v1 ... vd" lines),
/// fastText `.vec` (the same), GloVe text (no header), and word2vec binary (the header line,
/// then per word: the word, a space, d little-endian float32, optionally a newline). The result
/// is a `vocabulary` (UTF-8 words in row order with a word -> row lookup) plus a `matrix<float>`.
///
/// Text is parsed with std::from_chars on all cores (lines are independent); errors name the
/// 1-based line and are the same whatever the thread count.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/io/atomic_file.hpp>
#include <vspace/io/detail/bytes.hpp>
#include <vspace/io/element_type.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/io/utf8.hpp>
#include <vspace/io/vocabulary.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// Which word-vector layout a file used.
enum class word_vectors_format : std::uint8_t {
    word2vec_text,    ///< text with a "count dims" header line (also fastText .vec)
    glove_text,       ///< text without a header
    word2vec_binary,  ///< header line, then word + raw float32 per vector
};

constexpr std::string_view format_name(word_vectors_format f) noexcept {
    switch (f) {
        case word_vectors_format::word2vec_text: return "word2vec text";
        case word_vectors_format::glove_text: return "GloVe text";
        case word_vectors_format::word2vec_binary: return "word2vec binary";
    }
    return "unknown";
}

/// Words and their vectors: row i of `vectors` belongs to `vocab[i]`.
struct word_vectors {
    vocabulary vocab;
    matrix<float> vectors;
    word_vectors_format format = word_vectors_format::glove_text;

    /// The first row holding `word`, if any.
    std::optional<std::size_t> find(std::string_view word) const noexcept { return vocab.find(word); }
    /// The vector of `word`; throws invalid_argument when the word is absent.
    row<float> vector(std::string_view word) const { return vectors.row(vocab.at(word)); }
};

/// Options of the word-vector readers.
struct word_vectors_options {
    /// Read only the first `max_words` vectors; 0 reads all. Files list words by frequency, so
    /// this keeps the most common ones (gensim's `limit`), and parsing stops early.
    std::size_t max_words = 0;
    /// Threads parsing text; 0 = all cores. The result does not depend on it.
    std::size_t n_threads = 0;
};

/// @cond detail
namespace detail {

inline constexpr std::string_view wv_function = "read_word_vectors";

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

/// Splits a line into its space/tab-separated tokens (the slow path and the header check).
inline void tokens_of(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_blank(line[i])) ++i;
        const std::size_t start = i;
        while (i < line.size() && !is_blank(line[i])) ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
}

/// Parses one float token; '+' signs are accepted, values outside float's range are not.
inline bool parse_float(std::string_view token, float& out) noexcept {
    if (!token.empty() && token[0] == '+') token.remove_prefix(1);
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
    return ec == std::errc{} && end == token.data() + token.size();
}

/// An unsigned decimal integer token (for header lines).
inline bool parse_count(std::string_view token, std::size_t& out) noexcept {
    if (token.empty() || token.size() > 18) return false;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
    return ec == std::errc{} && end == token.data() + token.size();
}

/// Parses "word v1 ... vd" into `word` and `row`. Returns an empty string on success, else
/// the problem. The fast path takes the first token as the word; when that fails, the last d
/// tokens are the values and everything before them is the word (GloVe 840B has words with
/// spaces, such as ". . .").
inline std::string parse_text_line(std::string_view line, std::size_t d, std::string& word, float* row,
                                   std::vector<std::string_view>& scratch) {
    std::size_t i = 0;
    while (i < line.size() && !is_blank(line[i])) ++i;
    const std::string_view first = line.substr(0, i);
    bool ok = true;
    for (std::size_t j = 0; j < d && ok; ++j) {
        while (i < line.size() && is_blank(line[i])) ++i;
        std::size_t start = i;
        while (i < line.size() && !is_blank(line[i])) ++i;
        ok = i > start && parse_float(line.substr(start, i - start), row[j]);
    }
    while (ok && i < line.size() && is_blank(line[i])) ++i;
    if (ok && i == line.size()) {
        word = sanitize_utf8(first);
        return {};
    }
    tokens_of(line, scratch);
    if (scratch.size() < d + 1) return message("has ", scratch.size() - 1, " values (expected ", d, ")");
    const std::size_t n_word = scratch.size() - d;
    float v;
    if (n_word > 1 && std::all_of(scratch.begin() + 1, scratch.begin() + static_cast<std::ptrdiff_t>(n_word),
                                  [&](std::string_view t) { return parse_float(t, v); }))
        return message("has ", scratch.size() - 1, " values (expected ", d, ")");  // not a word with spaces
    for (std::size_t j = 0; j < d; ++j)
        if (!parse_float(scratch[n_word + j], row[j]))
            return message("value ", j + 1, " '", scratch[n_word + j].substr(0, 40), "' is not a float");
    const std::string_view last = scratch[n_word - 1];
    word = sanitize_utf8(line.substr(0, static_cast<std::size_t>(last.data() + last.size() - line.data())));
    return {};
}

/// 1-based line number of the byte at `offset`.
inline std::size_t line_number(std::string_view text, std::size_t offset) noexcept {
    return static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n')) + 1;
}

/// The line starting at `at` (without '\n' and a trailing '\r') and where the next one starts.
inline std::string_view next_line(std::string_view text, std::size_t& at) noexcept {
    const void* nl = std::memchr(text.data() + at, '\n', text.size() - at);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    std::string_view line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = end + 1;
    return line;
}

inline bool blank_line(std::string_view line) noexcept {
    return std::all_of(line.begin(), line.end(), [](char c) { return is_blank(c); });
}

/// True when the bytes after the first word of the line after the header look like binary
/// floats rather than text numbers.
inline bool looks_binary(std::string_view rest, std::size_t d) {
    const std::size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) return false;
    const std::string_view window = rest.substr(sp + 1, 4 * d);
    for (std::size_t k = 0; k < window.size(); ++k) {
        const unsigned char c = static_cast<unsigned char>(window[k]);
        if (c == '\n') {  // the text line ended: text if it held exactly d numbers
            std::vector<std::string_view> tokens;
            tokens_of(window.substr(0, k), tokens);
            float v;
            return !(tokens.size() == d && std::all_of(tokens.begin(), tokens.end(), [&](auto t) { return parse_float(t, v); }));
        }
        if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7f) return true;
    }
    return false;
}

/// Parses a "count dims" header line; false when the line is not two unsigned integers.
inline bool parse_header(std::string_view line, std::size_t& count, std::size_t& dims) {
    std::vector<std::string_view> t;
    tokens_of(line, t);
    return t.size() == 2 && parse_count(t[0], count) && parse_count(t[1], dims);
}

}  // namespace detail
/// @endcond

/// Parses word2vec / fastText / GloVe text held in memory. A first line of exactly two
/// unsigned integers is taken as the "count dims" header, unless the next line also has two
/// tokens and dims != 1 (then it is GloVe with 1-dim vectors whose first word is a number).
/// Blank lines are skipped; "\r\n" endings and a UTF-8 byte order mark are accepted; words with
/// invalid UTF-8 get U+FFFD.
///
/// Throws format_error for an empty file, a header whose count or dims disagree with the
/// lines, a line with the wrong number of values, or a token that is not a float (the 1-based
/// line is named).
inline word_vectors parse_word_vectors_text(std::span<const std::byte> file, std::string_view name,
                                            const word_vectors_options& options = {}) {
    using detail::format_fail;
    std::string_view text = detail::as_chars(file);
    const std::size_t bom = text.substr(0, 3) == "\xef\xbb\xbf" ? 3 : 0;

    // Pass 1 (serial, memchr speed): find the non-blank lines.
    std::vector<std::size_t> starts;  // offset of each vector line
    std::size_t at = bom, count = 0, dims = 0;
    bool header = false;
    std::string_view first;
    while (at < text.size() && first.empty()) {
        const std::size_t start = at;
        const std::string_view line = detail::next_line(text, at);
        if (!detail::blank_line(line)) first = line, starts.push_back(start);
    }
    if (first.empty()) format_fail(detail::wv_function, name, "the file is empty (expected word vectors)");
    const std::size_t limit = options.max_words ? options.max_words : static_cast<std::size_t>(-1);
    while (at < text.size() && starts.size() <= limit) {  // a possible header line plus `limit` vectors
        const std::size_t start = at;
        if (!detail::blank_line(detail::next_line(text, at))) starts.push_back(start);
    }
    const bool more = at < text.size();  // stopped early at max_words
    if (detail::parse_header(first, count, dims)) {
        std::vector<std::string_view> second;
        if (starts.size() > 1) {
            std::size_t a = starts[1];
            detail::tokens_of(detail::next_line(text, a), second);
        }
        header = starts.size() == 1 || second.size() != 2 || dims == 1;
    }
    if (header) {
        starts.erase(starts.begin());
        if (dims == 0) format_fail(detail::wv_function, name, "the header claims vectors of 0 dims (expected at least 1)");
        if (count == 0) format_fail(detail::wv_function, name, "the header claims 0 vectors (expected at least 1)");
        if (starts.empty())
            format_fail(detail::wv_function, name, "the header is not followed by vectors (expected ", count,
                        " lines of a word and ", dims, " values)");
        if (!more && starts.size() < limit && starts.size() != count)
            format_fail(detail::wv_function, name, "the header claims ", count, " vectors but the file holds ", starts.size(),
                        " lines of vectors");
    } else {
        std::vector<std::string_view> tokens;
        detail::tokens_of(first, tokens);
        if (tokens.size() < 2) format_fail(detail::wv_function, name, "line ", detail::line_number(text, starts[0]), " has no values (expected a word and its vector)");
        dims = tokens.size() - 1;
    }
    if (starts.size() > limit) starts.resize(limit);
    const std::size_t rows = starts.size();
    // Each value takes at least two bytes (a digit and a separator), so a header claiming
    // more dims than the file can hold is caught here, before the allocation.
    std::size_t cells = 0;
    if (!detail::checked_mul(rows, dims, cells) || cells > text.size())
        format_fail(detail::wv_function, name, "the header claims ", dims, " dims, which ", rows,
                    " lines of a ", text.size(), "-byte file cannot hold");

    // Pass 2 (parallel): parse each line into its row. Each worker keeps its first error; the
    // blocks are contiguous, so the lowest worker's error is the first in the file.
    matrix<float> vectors(rows, dims);
    std::vector<std::string> words(rows);
    const std::size_t workers = std::min(resolve_threads(options.n_threads), std::max<std::size_t>(rows / 4096, 1));
    std::vector<std::pair<std::size_t, std::string>> errors(workers, {rows, {}});
    parallel_for(workers, rows, [&](std::size_t begin, std::size_t end, std::size_t w) {
        std::vector<std::string_view> scratch;
        for (std::size_t i = begin; i < end; ++i) {
            std::size_t a = starts[i];
            std::string problem = detail::parse_text_line(detail::next_line(text, a), dims, words[i],
                                                          vectors.row_data(i), scratch);
            if (!problem.empty()) {
                errors[w] = {i, std::move(problem)};
                return;
            }
        }
    });
    for (const auto& [row, problem] : errors)
        if (row < rows) format_fail(detail::wv_function, name, "line ", detail::line_number(text, starts[row]), " ", problem);
    return {vocabulary(std::move(words)), std::move(vectors),
            header ? word_vectors_format::word2vec_text : word_vectors_format::glove_text};
}

/// Parses word2vec binary held in memory: "count dims\n", then per vector the word, one space
/// and `dims` little-endian float32 (a newline after each vector is optional).
///
/// Throws format_error for a missing or invalid header, a header whose size the file cannot
/// hold (checked before allocating), a truncated vector, or bytes left after the last vector.
inline word_vectors parse_word2vec_binary(std::span<const std::byte> file, std::string_view name,
                                          const word_vectors_options& options = {}) {
    using detail::format_fail;
    const std::string_view text = detail::as_chars(file);
    if (text.empty()) format_fail(detail::wv_function, name, "the file is empty (expected word vectors)");
    const std::size_t nl = text.substr(0, 64).find('\n');
    std::size_t count = 0, dims = 0;
    if (nl == std::string_view::npos || !detail::parse_header(text.substr(0, nl), count, dims))
        format_fail(detail::wv_function, name, "no \"count dims\" header line (expected word2vec binary)");
    if (count == 0 || dims == 0)
        format_fail(detail::wv_function, name, "the header claims ", count, " vectors of ", dims, " dims (expected at least 1 each)");
    const std::size_t body = text.size() - nl - 1;
    std::size_t least = 0;  // a vector takes at least a 1-byte word, a space and 4 d bytes
    if (!detail::checked_mul(count, 4 * dims + 2, least) || least > body)
        format_fail(detail::wv_function, name, "the header claims ", count, " vectors of ", dims, " dims (at least ",
                    detail::checked_mul(count, 4 * dims + 2, least) ? detail::message(least) : std::string("2^64"),
                    " bytes) but the file holds ", body, " bytes after the header");
    const std::size_t rows = options.max_words ? std::min(count, options.max_words) : count;
    matrix<float> vectors(rows, dims);
    std::vector<std::string> words(rows);
    std::size_t at = nl + 1;
    const auto skip_space = [&] {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t')) ++at;
    };
    for (std::size_t i = 0; i < rows; ++i) {
        skip_space();
        const std::size_t sp = text.find(' ', at);
        if (at == text.size() || sp == std::string_view::npos)
            format_fail(detail::wv_function, name, "vector ", i, " (of ", count,
                        "): the file ends before its word does (truncated? expected a word, a space and ", dims,
                        " floats)");
        words[i] = sanitize_utf8(text.substr(at, sp - at));
        at = sp + 1;
        if (text.size() - at < 4 * dims)
            format_fail(detail::wv_function, name, "vector ", i, " ('", words[i].substr(0, 40), "') is truncated: ", text.size() - at,
                        " bytes left (expected ", 4 * dims, ")");
        detail::convert_elements<float>(file.data() + at, element_type::f32, false, vectors.row_data(i), dims);
        at += 4 * dims;
    }
    if (rows == count) {
        skip_space();
        if (at != text.size())
            format_fail(detail::wv_function, name, text.size() - at, " bytes follow the ", count,
                        " vectors the header announced (expected the end of the file)");
    }
    return {vocabulary(std::move(words)), std::move(vectors), word_vectors_format::word2vec_binary};
}

/// Parses any of the word-vector formats held in memory, telling word2vec binary from text by
/// its content (a header line followed by bytes that are not text numbers).
inline word_vectors parse_word_vectors(std::span<const std::byte> file, std::string_view name,
                                       const word_vectors_options& options = {}) {
    const std::string_view text = detail::as_chars(file);
    const std::size_t nl = text.substr(0, 64).find('\n');
    std::size_t count = 0, dims = 0;
    if (nl != std::string_view::npos && detail::parse_header(text.substr(0, nl), count, dims) && dims > 0 &&
        detail::looks_binary(text.substr(nl + 1), dims))
        return parse_word2vec_binary(file, name, options);
    return parse_word_vectors_text(file, name, options);
}

/// Reads a word-vector file of any supported format (see `parse_word_vectors`).
/// Throws io_error when the file cannot be read, format_error when its content is invalid.
inline word_vectors read_word_vectors(const std::filesystem::path& path, const word_vectors_options& options = {}) {
    const mapped_file f(path, detail::wv_function);
    return parse_word_vectors(f.bytes(), f.name(), options);
}

/// @cond detail
namespace detail {

inline void check_words(std::span<const std::string> words, matrix_view<float> v, std::string_view function) {
    if (words.size() != v.rows())
        VSPACE_THROW(shape_error, function, ": ", words.size(), " words for ", v.rows(), " vectors (expected one each)");
    if (v.dims() == 0)
        VSPACE_THROW(invalid_argument, function, ": vectors of 0 dims cannot be saved (expected at least 1)");
    for (std::size_t i = 0; i < words.size(); ++i)
        if (words[i].empty() || words[i].find_first_of(" \t\r\n") != std::string::npos)
            VSPACE_THROW(invalid_argument, function, ": word ", i, " ('", words[i],
                         "') is empty or holds whitespace (expected one token per word)");
}

}  // namespace detail
/// @endcond

/// Writes word2vec text ("count dims" header unless `header` is false, which gives GloVe
/// text), values in the shortest form that reads back to the same float. Atomic.
/// Throws shape_error when words and rows differ, invalid_argument for a word that is empty
/// or holds whitespace, io_error when writing fails.
inline void save_word_vectors_text(const std::filesystem::path& path, std::span<const std::string> words,
                                   matrix_view<float> vectors, bool header = true) {
    detail::check_words(words, vectors, "save_word_vectors_text");
    atomic_file file(path);
    detail::buffered_output out(file);
    if (header) out.write(detail::message(vectors.rows(), " ", vectors.dims(), "\n"));
    char buf[64];
    for (std::size_t i = 0; i < words.size(); ++i) {
        out.write(words[i]);
        for (std::size_t j = 0; j < vectors.dims(); ++j) {
            buf[0] = ' ';
            const auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf, vectors.row_data(i)[j]);
            out.write(buf, static_cast<std::size_t>(end - buf));
        }
        out.write("\n");
    }
    out.commit();
}

/// Writes word2vec binary (as the original word2vec tool does: a newline after each vector).
inline void save_word2vec_binary(const std::filesystem::path& path, std::span<const std::string> words,
                                 matrix_view<float> vectors) {
    detail::check_words(words, vectors, "save_word2vec_binary");
    atomic_file file(path);
    detail::buffered_output out(file);
    out.write(detail::message(vectors.rows(), " ", vectors.dims(), "\n"));
    for (std::size_t i = 0; i < words.size(); ++i) {
        out.write(words[i]);
        out.write(" ");
        for (std::size_t j = 0; j < vectors.dims(); ++j) out.write_le(vectors.row_data(i)[j]);
        out.write("\n");
    }
    out.commit();
}

}  // namespace vspace
