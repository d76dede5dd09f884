// SPDX-License-Identifier: MIT
/// @file
/// Names for clusters: from per-point text, the words most distinctive of each cluster
/// (class-based TF-IDF); from per-point categories, the majority category and its purity. The
/// data map draws these names on the map; `vspace cluster --text` prints them.
#pragma once

#include <vspace/analyze/stop_words.hpp>
#include <vspace/analyze/tokenize.hpp>
#include <vspace/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vspace {

/// A word and how distinctive it is of one cluster.
struct cluster_term {
    std::string term;
    double score = 0;       ///< c-TF-IDF weight (higher = more distinctive)
    std::size_t count = 0;  ///< occurrences in the cluster
};

/// Settings of `cluster_terms`.
struct cluster_terms_options {
    /// Words kept per cluster.
    std::size_t top_terms = 5;
    /// Words seen fewer times in the whole corpus are ignored (typos, ids). 1 keeps all.
    std::size_t min_count = 2;
    /// Skip our English stop words (analyze/stop_words.hpp).
    bool remove_stop_words = true;
    /// More words to skip (lower case), e.g. the product name that every document repeats.
    std::vector<std::string> extra_stop_words{};
    /// How texts are split into words.
    tokenize_options tokens{};
};

/// The category that most points of a cluster carry.
struct cluster_majority {
    std::string label;      ///< the majority category ("" for an empty cluster)
    std::size_t count = 0;  ///< points of the cluster that carry it
    std::size_t size = 0;   ///< points in the cluster
    double purity = 0;      ///< count / size (0 for an empty cluster)
};

namespace detail {
inline std::size_t cluster_count(std::span<const std::uint32_t> labels, std::size_t n_clusters, const char* where) {
    std::size_t needed = 0;
    for (auto l : labels) needed = std::max<std::size_t>(needed, std::size_t{l} + 1);
    if (n_clusters == 0) return needed;
    if (needed > n_clusters)
        VSPACE_THROW(invalid_argument, where, ": cluster label ", needed - 1, " out of range (expected < n_clusters = ",
                     n_clusters, ")");
    return n_clusters;
}
}  // namespace detail

/// The most distinctive words of each cluster, by class-based TF-IDF (Grootendorst 2022, eq. 1):
/// all texts of a cluster form one document, and word t in cluster c scores
///   W(t, c) = tf(t, c) * log(1 + A / f(t)),
/// where tf(t, c) is t's share of the words of c, f(t) its count over all clusters and A the
/// average number of words per cluster. Frequent in the cluster and rare elsewhere wins.
/// Result[c] lists up to `top_terms` words, best first (ties: alphabetical).
/// @param texts one text per point (a title, a document)
/// @param labels the cluster of each point
/// @param n_clusters number of clusters; 0 = largest label + 1
/// Throws shape_error when texts and labels differ in length.
inline std::vector<std::vector<cluster_term>> cluster_terms(std::span<const std::string> texts,
                                                            std::span<const std::uint32_t> labels,
                                                            std::size_t n_clusters = 0,
                                                            const cluster_terms_options& options = {}) {
    if (texts.size() != labels.size())
        VSPACE_THROW(shape_error, "cluster_terms: ", texts.size(), " texts for ", labels.size(),
                     " labels (expected one text per point)");
    const std::size_t k = detail::cluster_count(labels, n_clusters, "cluster_terms");
    std::vector<std::string> extra = options.extra_stop_words;
    std::sort(extra.begin(), extra.end());
    auto skip = [&](const std::string& w) {
        return (options.remove_stop_words && is_stop_word(w)) || std::binary_search(extra.begin(), extra.end(), w);
    };
    // term ids, per-cluster counts (sparse), corpus counts
    std::unordered_map<std::string, std::uint32_t> ids;
    std::vector<std::string> terms;
    std::vector<std::size_t> corpus;
    std::vector<std::unordered_map<std::uint32_t, std::size_t>> per(k);
    std::vector<std::size_t> cluster_words(k, 0);
    for (std::size_t i = 0; i < texts.size(); ++i)
        for (auto& w : tokenize(texts[i], options.tokens)) {
            if (skip(w)) continue;
            auto [it, fresh] = ids.try_emplace(w, static_cast<std::uint32_t>(terms.size()));
            if (fresh) terms.push_back(w), corpus.push_back(0);
            ++corpus[it->second];
            ++per[labels[i]][it->second];
            ++cluster_words[labels[i]];
        }
    std::size_t total = 0, nonempty = 0;
    for (auto c : cluster_words) total += c, nonempty += c > 0;
    const double average = nonempty ? double(total) / double(nonempty) : 0.0;
    std::vector<std::vector<cluster_term>> out(k);
    for (std::size_t c = 0; c < k; ++c) {
        std::vector<cluster_term> all;
        for (auto [t, count] : per[c]) {
            if (corpus[t] < options.min_count) continue;
            const double tf = double(count) / double(cluster_words[c]);
            all.push_back({terms[t], tf * std::log(1.0 + average / double(corpus[t])), count});
        }
        const std::size_t keep = std::min(options.top_terms, all.size());
        std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                          [](const cluster_term& a, const cluster_term& b) {
                              return a.score > b.score || (a.score == b.score && a.term < b.term);
                          });
        all.resize(keep);
        out[c] = std::move(all);
    }
    return out;
}

/// A short name from a cluster's terms: the first `words` terms joined by ", ".
inline std::string cluster_name(std::span<const cluster_term> terms, std::size_t words = 3) {
    std::string name;
    for (std::size_t i = 0; i < std::min(words, terms.size()); ++i) {
        if (i) name += ", ";
        name += terms[i].term;
    }
    return name;
}

/// The majority category of each cluster and its purity (ties: the category seen first).
/// @param categories one category per point (e.g. the classes of a labelled data set)
/// @param n_clusters number of clusters; 0 = largest label + 1
/// Throws shape_error when categories and labels differ in length.
inline std::vector<cluster_majority> cluster_majorities(std::span<const std::string> categories,
                                                        std::span<const std::uint32_t> labels,
                                                        std::size_t n_clusters = 0) {
    if (categories.size() != labels.size())
        VSPACE_THROW(shape_error, "cluster_majorities: ", categories.size(), " categories for ", labels.size(),
                     " labels (expected one category per point)");
    const std::size_t k = detail::cluster_count(labels, n_clusters, "cluster_majorities");
    std::unordered_map<std::string_view, std::uint32_t> ids;
    std::vector<std::string_view> names;
    for (const auto& c : categories)
        if (ids.try_emplace(c, static_cast<std::uint32_t>(names.size())).second) names.push_back(c);
    std::vector<std::size_t> counts(k * names.size(), 0);
    for (std::size_t i = 0; i < labels.size(); ++i) ++counts[labels[i] * names.size() + ids[categories[i]]];
    std::vector<cluster_majority> out(k);
    for (std::size_t c = 0; c < k; ++c) {
        std::size_t best = 0;
        for (std::size_t j = 0; j < names.size(); ++j) {
            out[c].size += counts[c * names.size() + j];
            if (counts[c * names.size() + j] > counts[c * names.size() + best]) best = j;
        }
        if (out[c].size == 0) continue;
        out[c].label = std::string(names[best]);
        out[c].count = counts[c * names.size() + best];
        out[c].purity = double(out[c].count) / double(out[c].size);
    }
    return out;
}

}  // namespace vspace
