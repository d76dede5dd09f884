// SPDX-License-Identifier: MIT
/// @file
/// `word_space`: word vectors ready for similarity questions: the words most similar to a word,
/// and analogies "a is to b as c is to ?" by 3CosAdd (Mikolov et al. 2013) or 3CosMul (Levy &
/// Goldberg 2014). Rows are normalised once, so every cosine is one dot product.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/io/vocabulary.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// One answer of a similarity or analogy query.
struct similar_word {
    std::string word;
    std::size_t row = 0;
    /// Cosine similarity to the query (for 3CosMul: the 3CosMul score).
    float score = 0;
};

/// How `word_space::analogy` combines the three words.
enum class analogy_method : std::uint8_t {
    /// argmax_x cos(x, b - a + c) over unit vectors (Mikolov et al. 2013): "3CosAdd".
    add,
    /// argmax_x cos'(x, b) cos'(x, c) / (cos'(x, a) + 0.001), cos' = (cos + 1) / 2 (Levy &
    /// Goldberg 2014, eq. 4): "3CosMul". Less dominated by one large similarity.
    mul,
};

/// Word vectors with a word lookup, for `most_similar` and `analogy`.
///
/// Holds a normalised copy of the vectors (4 n d bytes). Queries cost O(n d) (one pass over
/// all words) and are const, so they may run concurrently. A zero vector stays zero: its
/// cosine with everything is 0.
class word_space {
public:
    /// Copies and normalises `vectors`; row i belongs to `vocab[i]`. Throws shape_error when
    /// the counts differ, data_error for NaN/Inf.
    word_space(vocabulary vocab, matrix_view<float> vectors) : vocab_(std::move(vocab)), unit_(vectors) {
        if (vocab_.size() != vectors.rows())
            VSPACE_THROW(shape_error, "word_space: ", vocab_.size(), " words for ", vectors.rows(),
                         " vectors (expected one word per row)");
        detail::check_finite(vectors, "word_space");
        for (std::size_t i = 0; i < unit_.rows(); ++i) {
            float* r = unit_.row_data(i);
            double norm = 0;
            for (std::size_t j = 0; j < unit_.dims(); ++j) norm += double(r[j]) * r[j];
            if (norm > 0)
                for (std::size_t j = 0; j < unit_.dims(); ++j) r[j] = static_cast<float>(r[j] / std::sqrt(norm));
        }
    }

    std::size_t size() const noexcept { return vocab_.size(); }
    std::size_t dims() const noexcept { return unit_.dims(); }
    const vocabulary& vocab() const noexcept { return vocab_; }
    /// The unit-length vectors (row i = word i).
    matrix_view<float> unit_vectors() const noexcept { return unit_.view(); }

    /// The row of `word`: an exact match, else its ASCII-lower-cased form (GloVe is lower
    /// case). Throws invalid_argument naming the word when neither is present.
    std::size_t row(std::string_view word) const {
        if (const auto r = find(word)) return *r;
        VSPACE_THROW(invalid_argument, "word_space::row: '", word, "' is not in the vocabulary (expected one of its ",
                     vocab_.size(), " words)");
    }

    /// Like `row`, but returns nothing when the word is absent.
    std::optional<std::size_t> find(std::string_view word) const {
        if (auto r = vocab_.find(word)) return r;
        std::string lower(word);
        for (auto& ch : lower)
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        return lower == word ? std::nullopt : vocab_.find(lower);
    }

    /// The k words nearest to `word` by cosine, best first, without the word itself.
    std::vector<similar_word> most_similar(std::string_view word, std::size_t k) const {
        detail::check_k(k, "word_space::most_similar");
        const std::size_t r = row(word);
        const std::size_t exclude[] = {r};
        return nearest(unit_.row(r), k, exclude);
    }

    /// The k words nearest by cosine to a vector of `dims()` values (need not be unit length),
    /// best first, skipping the rows in `exclude`.
    std::vector<similar_word> nearest(std::span<const float> v, std::size_t k,
                                      std::span<const std::size_t> exclude = {}) const {
        detail::check_k(k, "word_space::nearest");
        detail::check_dims(v.size(), dims(), "word_space::nearest", "vector");
        detail::check_finite(v, "word_space::nearest");
        std::vector<float> scores(size());
        simd::kernels<float>().dot.many(v.data(), unit_.data(), unit_.stride(), size(), dims(), scores.data());
        double norm = 0;
        for (float x : v) norm += double(x) * x;
        const float scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.f;
        for (auto& s : scores) s *= scale;
        return top(scores, k, exclude);
    }

    /// Answers "a is to b as c is to ?" with the k best words, excluding a, b and c (the usual
    /// protocol of the Google analogy test). man : king :: woman : ? gives queen.
    /// Throws invalid_argument naming the first word not in the vocabulary.
    std::vector<similar_word> analogy(std::string_view a, std::string_view b, std::string_view c, std::size_t k,
                                      analogy_method method = analogy_method::add) const {
        detail::check_k(k, "word_space::analogy");
        const std::size_t ra = row(a), rb = row(b), rc = row(c);
        return analogy_rows(ra, rb, rc, k, method);
    }

    /// `analogy` by rows (no lookup), for batch evaluation.
    std::vector<similar_word> analogy_rows(std::size_t ra, std::size_t rb, std::size_t rc, std::size_t k,
                                           analogy_method method = analogy_method::add) const {
        const std::size_t exclude[] = {ra, rb, rc};
        if (method == analogy_method::add) {
            std::vector<float> target(dims());
            const float *a = unit_.row_data(ra), *b = unit_.row_data(rb), *c = unit_.row_data(rc);
            for (std::size_t j = 0; j < dims(); ++j) target[j] = b[j] - a[j] + c[j];
            return nearest(target, k, exclude);
        }
        const auto dot = simd::kernels<float>().dot;
        std::vector<float> sa(size()), sb(size()), sc(size());
        dot.many(unit_.row_data(ra), unit_.data(), unit_.stride(), size(), dims(), sa.data());
        dot.many(unit_.row_data(rb), unit_.data(), unit_.stride(), size(), dims(), sb.data());
        dot.many(unit_.row_data(rc), unit_.data(), unit_.stride(), size(), dims(), sc.data());
        constexpr float eps = 0.001f;  // Levy & Goldberg's value: keeps the division finite
        for (std::size_t i = 0; i < size(); ++i)
            sb[i] = ((sb[i] + 1) / 2) * ((sc[i] + 1) / 2) / ((sa[i] + 1) / 2 + eps);
        return top(sb, k, exclude);
    }

private:
    std::vector<similar_word> top(std::vector<float>& scores, std::size_t k, std::span<const std::size_t> exclude) const {
        for (auto e : exclude) scores[e] = -std::numeric_limits<float>::infinity();
        std::vector<std::uint32_t> order(size());
        for (std::size_t i = 0; i < size(); ++i) order[i] = static_cast<std::uint32_t>(i);
        const std::size_t keep = std::min(k, size() - std::min(size(), exclude.size()));
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                          [&](auto x, auto y) { return scores[x] > scores[y] || (scores[x] == scores[y] && x < y); });
        std::vector<similar_word> out;
        for (std::size_t i = 0; i < keep; ++i) out.push_back({vocab_[order[i]], order[i], scores[order[i]]});
        return out;
    }

    vocabulary vocab_;
    matrix<float> unit_;
};

}  // namespace vspace
