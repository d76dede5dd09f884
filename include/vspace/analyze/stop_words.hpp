// SPDX-License-Identifier: MIT
/// @file
/// Our English stop-word list: function words (articles, pronouns, auxiliaries, prepositions,
/// conjunctions, common adverbs) that say nothing about what a cluster of texts is about.
/// Lower case ASCII; lookups binary-search a sorted copy, with no allocation.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace vspace {

/// The list itself (lower case, ASCII).
inline constexpr std::array<std::string_view, 190> english_stop_words = {
    "a",       "about",   "above",   "after",   "again",   "against", "all",     "also",    "am",      "an",
    "and",     "any",     "are",     "aren",    "as",      "at",      "be",      "because", "been",    "before",
    "being",   "below",   "between", "both",    "but",     "by",      "can",     "cannot",  "could",   "couldn",
    "did",     "didn",    "do",      "does",    "doesn",   "doing",   "don",     "down",    "during",  "each",
    "either",  "else",    "etc",     "even",    "ever",    "every",   "few",     "for",     "from",    "further",
    "had",     "hadn",    "has",     "hasn",    "have",    "haven",   "having",  "he",      "her",     "here",
    "hers",    "herself", "him",     "himself", "his",     "how",     "however", "i",       "if",      "in",
    "into",    "is",      "isn",     "it",      "its",     "itself",  "just",    "let",     "ll",      "may",
    "me",      "might",   "more",    "most",    "much",    "must",    "mustn",   "my",      "myself",  "neither",
    "no",      "nor",     "not",     "now",     "of",      "off",     "often",   "on",      "once",    "one",
    "only",    "or",      "other",   "others",  "our",     "ours",    "ourselves", "out",   "over",    "own",
    "per",     "rather",  "re",      "same",    "shall",   "shan",    "she",     "should",  "shouldn", "since",
    "so",      "some",    "such",    "than",    "that",    "the",     "their",   "theirs",  "them",    "themselves",
    "then",    "there",   "these",   "they",    "this",    "those",   "though",  "through", "thus",    "to",
    "too",     "under",   "until",   "up",      "upon",    "us",      "use",     "used",    "using",   "ve",
    "very",    "via",     "was",     "wasn",    "we",      "well",    "were",    "weren",   "what",    "when",
    "where",   "whether", "which",   "while",   "who",     "whom",    "whose",   "why",     "will",    "with",
    "within",  "without", "won",     "would",   "wouldn",  "yet",     "you",     "your",    "yours",   "yourself",
    "yourselves", "able", "across",  "along",   "already", "among",   "around",  "away",    "back",    "whereas",
};

/// True when `word` (lower case) is on the list.
inline bool is_stop_word(std::string_view word) noexcept {
    static const auto sorted = [] {
        auto words = english_stop_words;
        std::sort(words.begin(), words.end());
        return words;
    }();
    return std::binary_search(sorted.begin(), sorted.end(), word);
}

}  // namespace vspace
