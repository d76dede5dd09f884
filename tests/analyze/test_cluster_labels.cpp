// SPDX-License-Identifier: MIT
// Cluster names: c-TF-IDF terms against a hand computation, majority labels, tokenizer, bad input.
#include <vspace/analyze/cluster_labels.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace vspace;

TEST(tokenize, lower_cases_and_splits) {
    EXPECT_EQ(tokenize("Hello, World! It's 2024 - C3PO and café"),
              (std::vector<std::string>{"hello", "world", "it", "c3po", "and", "café"}));
    EXPECT_EQ(tokenize("a b", {.min_length = 1}), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(tokenize("").empty());
    EXPECT_EQ(tokenize("fiori \u2014 tools \u00abquoted\u00bb \u6771\u4eac"),
              (std::vector<std::string>{"fiori", "tools", "quoted", "\u6771\u4eac"}));
}

TEST(stop_words, known_words) {
    EXPECT_TRUE(is_stop_word("the"));
    EXPECT_TRUE(is_stop_word("yourselves"));
    EXPECT_TRUE(is_stop_word("whereas"));
    EXPECT_FALSE(is_stop_word("queen"));
    EXPECT_FALSE(is_stop_word(""));
    for (auto w : english_stop_words) EXPECT_FALSE(w.empty());
}

TEST(cluster_terms, distinctive_words_win_and_match_formula) {
    const std::vector<std::string> texts = {
        "the cat chased the mouse", "a cat and a dog", "cat food for the cat",   // cluster 0: cats
        "stock market prices fell", "market rally in stock prices", "the dog of wall street",  // 1: markets
    };
    const std::vector<std::uint32_t> labels = {0, 0, 0, 1, 1, 1};
    const auto terms = cluster_terms(texts, labels, 0, {.top_terms = 3, .min_count = 1});
    ASSERT_EQ(terms.size(), 2u);
    EXPECT_EQ(terms[0][0].term, "cat");
    EXPECT_EQ(terms[0][0].count, 4u);
    EXPECT_TRUE(terms[1][0].term == "market" || terms[1][0].term == "prices" || terms[1][0].term == "stock");
    // hand computation for "cat": cluster 0 words (stop words removed): cat chased mouse cat dog
    // cat food cat = 8; cluster 1: stock market prices fell market rally stock prices dog wall
    // street = 11; A = 9.5; f(cat) = 4
    EXPECT_NEAR(terms[0][0].score, 4.0 / 8.0 * std::log(1 + 9.5 / 4.0), 1e-12);
    // "dog" is in both clusters: it must score below "cat" in cluster 0
    for (const auto& t : terms[0]) EXPECT_NE(t.term, "the");
    EXPECT_EQ(cluster_name(terms[0], 1), "cat");
}

TEST(cluster_terms, min_count_extra_stop_words_and_empty_clusters) {
    const std::vector<std::string> texts = {"alpha beta", "alpha gamma", "delta"};
    const std::vector<std::uint32_t> labels = {0, 0, 2};
    const auto terms = cluster_terms(texts, labels, 4, {.min_count = 2});
    ASSERT_EQ(terms.size(), 4u);
    ASSERT_EQ(terms[0].size(), 1u);  // only "alpha" occurs twice
    EXPECT_EQ(terms[0][0].term, "alpha");
    EXPECT_TRUE(terms[1].empty());
    EXPECT_TRUE(terms[2].empty());
    const auto without = cluster_terms(texts, labels, 0, {.min_count = 1, .extra_stop_words = {"alpha"}});
    for (const auto& t : without[0]) EXPECT_NE(t.term, "alpha");
}

TEST(cluster_majorities, label_and_purity) {
    const std::vector<std::string> cats = {"a", "a", "b", "b", "b", "c"};
    const std::vector<std::uint32_t> labels = {0, 0, 0, 1, 1, 1};
    const auto m = cluster_majorities(cats, labels, 3);
    EXPECT_EQ(m[0].label, "a");
    EXPECT_EQ(m[0].count, 2u);
    EXPECT_EQ(m[0].size, 3u);
    EXPECT_NEAR(m[0].purity, 2.0 / 3.0, 1e-12);
    EXPECT_EQ(m[1].label, "b");
    EXPECT_EQ(m[2].size, 0u);  // empty cluster
    EXPECT_EQ(m[2].purity, 0.0);
}

TEST(cluster_labels, bad_input) {
    const std::vector<std::string> texts = {"x", "y"};
    const std::vector<std::uint32_t> three = {0, 1, 1};
    EXPECT_THROW(cluster_terms(texts, three), shape_error);
    EXPECT_THROW(cluster_majorities(texts, three), shape_error);
    const std::vector<std::uint32_t> two = {0, 5};
    EXPECT_THROW(cluster_terms(texts, two, 3), invalid_argument);
}

}  // namespace
