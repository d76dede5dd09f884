// SPDX-License-Identifier: MIT
/// @file
/// Text files of one item per line (labels, titles, words for a map): `read_lines` and
/// `save_lines`. Lines end at '\n'; a trailing '\r' (Windows files) and a leading UTF-8 byte
/// order mark are dropped; ill-formed UTF-8 becomes U+FFFD, so the result is always valid UTF-8.
#pragma once

#include <vspace/io/atomic_file.hpp>
#include <vspace/io/detail/bytes.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/io/utf8.hpp>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// Options of `read_lines`.
struct lines_options {
    /// Longest line accepted, in bytes (without its line ending). A longer line means the file
    /// is not a list of labels (a binary file, a one-line JSON dump), so reading stops with a
    /// format_error rather than building huge strings. Default 1 MiB.
    std::size_t max_line_bytes = std::size_t{1} << 20;
};

/// Splits text held in memory into lines. A final line without '\n' counts; the '\n' ending
/// the last line does not start another one, so "a\nb\n" and "a\nb" both give {"a", "b"}; an
/// empty input gives no lines. Throws format_error naming the line (1-based) that exceeds
/// `options.max_line_bytes`.
inline std::vector<std::string> parse_lines(std::span<const std::byte> file, std::string_view name,
                                            const lines_options& options = {}) {
    std::string_view text = detail::as_chars(file);
    if (text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const void* nl = std::memchr(text.data() + at, '\n', text.size() - at);
        const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
        std::string_view line = text.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > options.max_line_bytes)
            detail::format_fail("read_lines", name, "line ", lines.size() + 1, " is ", line.size(),
                                " bytes long (limit ", options.max_line_bytes, "; is this a text file of one item per line?)");
        lines.push_back(sanitize_utf8(line));
        at = end + 1;
    }
    return lines;
}

/// Reads a text file of one item per line (see `parse_lines`). Throws io_error when the file
/// cannot be read, format_error for an over-long line.
inline std::vector<std::string> read_lines(const std::filesystem::path& path, const lines_options& options = {}) {
    const mapped_file f(path, "read_lines");
    return parse_lines(f.bytes(), f.name(), options);
}

/// Writes one item per line ('\n' endings), atomically. Throws invalid_argument when an item
/// contains a line break (it would read back as two items), io_error when writing fails.
inline void save_lines(const std::filesystem::path& path, std::span<const std::string> lines) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].find_first_of("\r\n") != std::string::npos)
            VSPACE_THROW(invalid_argument, "save_lines: item ", i, " contains a line break (expected one line per item)");
    atomic_file file(path);
    detail::buffered_output out(file);
    for (const std::string& line : lines) {
        out.write(line);
        out.write("\n");
    }
    out.commit();
}

}  // namespace vspace
