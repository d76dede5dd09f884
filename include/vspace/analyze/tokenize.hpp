// SPDX-License-Identifier: MIT
/// @file
/// A small word tokenizer for naming clusters: lower-cased words of letters and digits.
/// Multi-byte UTF-8 characters count as letters, so "café" or "東京" stay whole, except the
/// punctuation blocks (U+00A0-U+00BF, U+2000-U+206F, U+3000-U+303F: dashes, quotes, « »),
/// which separate words like ASCII punctuation. Only ASCII is lower-cased. Not a linguistic tokenizer (no stemming), which keeps names readable.
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
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {  // one UTF-8 character: its length from the lead byte
            const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            const std::string_view ch = text.substr(i, len);
            i += ch.size();
            unsigned cp = len == 1 ? c : c & (0xFFu >> (len + 1));
            for (std::size_t j = 1; j < ch.size(); ++j) cp = (cp << 6) | (static_cast<unsigned char>(ch[j]) & 0x3Fu);
            const bool punctuation = (cp >= 0xA0 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F) ||
                                     (cp >= 0x3000 && cp <= 0x303F);
            if (!punctuation) {
                word.append(ch);
                digits_only = false;
            } else if (!word.empty()) {
                flush();
            }
            continue;
        }
        const bool digit = c >= '0' && c <= '9';
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit) {
            word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : text[i]);
            digits_only = digits_only && digit;
        } else if (!word.empty()) {
            flush();
        }
        ++i;
    }
    if (!word.empty()) flush();
    return words;
}

}  // namespace vspace
