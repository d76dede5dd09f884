// SPDX-License-Identifier: MIT
/// @file
/// A small word tokenizer for naming clusters: lower-cased words of letters and digits.
/// Bytes of multi-byte UTF-8 characters count as letters, so "café" or "東京" stay whole; only
/// ASCII is lower-cased. Not a linguistic tokenizer (no stemming), which keeps names readable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// Settings of `tokenize`.
struct tokenize_options {
    /// Shorter words are dropped (single letters carry no topic). Counted in bytes.
    std::size_t min_length = 2;
    /// Drop words made only of digits ("2023", "42"): numbers rarely name a topic.
    bool drop_numbers = true;
};

/// The words of `text`, lower-cased, in order.
inline std::vector<std::string> tokenize(std::string_view text, const tokenize_options& options = {}) {
    std::vector<std::string> words;
    std::string word;
    bool digits_only = true;
    auto flush = [&] {
        if (word.size() >= options.min_length && !(options.drop_numbers && digits_only)) words.push_back(word);
        word.clear();
        digits_only = true;
    };
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool digit = c >= '0' && c <= '9';
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit || c >= 0x80) {
            word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
            digits_only = digits_only && digit;
        } else if (!word.empty()) {
            flush();
        }
    }
    if (!word.empty()) flush();
    return words;
}

}  // namespace vspace
