// SPDX-License-Identifier: MIT
/// @file
/// `vocabulary`: the words of a word-vector file in row order, with a word -> row lookup. The
/// lookup is an open-addressing table of row numbers (4 bytes per slot, no second copy of the
/// strings), so a 2-million-word vocabulary costs little beyond its strings and copies safely.
#pragma once

#include <vspace/core/error.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vspace {

/// Words in row order plus an O(1) word -> row lookup. When a word occurs twice, `find`
/// returns its first row. Immutable after construction, so concurrent lookups are safe.
class vocabulary {
public:
    vocabulary() = default;

    /// Takes the words (row i = words[i]) and builds the lookup in O(n).
    /// Throws invalid_argument for more than 2^32 - 2 words.
    explicit vocabulary(std::vector<std::string> words) : words_(std::move(words)) {
        if (words_.size() >= std::numeric_limits<std::uint32_t>::max())
            VSPACE_THROW(invalid_argument, "vocabulary: ", words_.size(), " words (expected fewer than 2^32 - 1)");
        slots_.assign(std::max<std::size_t>(16, std::bit_ceil(words_.size() * 2)), 0);
        for (std::size_t row = 0; row < words_.size(); ++row) {
            std::size_t s = slot_of(words_[row]);
            while (slots_[s] != 0 && words_[slots_[s] - 1] != words_[row]) s = (s + 1) & (slots_.size() - 1);
            if (slots_[s] == 0) slots_[s] = static_cast<std::uint32_t>(row + 1);  // else keep the first row
        }
    }

    std::size_t size() const noexcept { return words_.size(); }
    bool empty() const noexcept { return words_.empty(); }
    /// The word of row `row` (no bounds check).
    const std::string& operator[](std::size_t row) const noexcept { return words_[row]; }
    const std::vector<std::string>& words() const noexcept { return words_; }

    /// The first row holding `word`, or nothing. Exact byte comparison (case-sensitive).
    std::optional<std::size_t> find(std::string_view word) const noexcept {
        if (slots_.empty()) return std::nullopt;
        for (std::size_t s = slot_of(word);; s = (s + 1) & (slots_.size() - 1)) {
            if (slots_[s] == 0) return std::nullopt;
            if (words_[slots_[s] - 1] == word) return slots_[s] - 1;
        }
    }

    bool contains(std::string_view word) const noexcept { return find(word).has_value(); }

    /// The first row holding `word`; throws invalid_argument when it is absent.
    std::size_t at(std::string_view word) const {
        if (const auto row = find(word)) return *row;
        VSPACE_THROW(invalid_argument, "vocabulary::at: '", word, "' is not in the vocabulary (expected one of its ",
                     words_.size(), " words)");
    }

private:
    std::size_t slot_of(std::string_view word) const noexcept {
        return std::hash<std::string_view>{}(word) & (slots_.size() - 1);
    }

    std::vector<std::string> words_;
    std::vector<std::uint32_t> slots_;  ///< row + 1 per slot, 0 = empty; a power of two >= 2 n
};

}  // namespace vspace
