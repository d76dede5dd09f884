// SPDX-License-Identifier: MIT
// Map-quality metrics against a naive O(n^2 log n) reference (full sorts), scikit-learn's values
// on a fixed data set, and known values (identity map = 1, random map ~ 0.5).
#include <vspace/analyze/quality.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace {

using namespace vspace;

matrix<float> gaussian(std::size_t n, std::size_t d, std::uint64_t seed) {
    matrix<float> m(n, d);
    rng gen(seed);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

/// A noisy 2-D projection: a map that keeps some neighbourhoods and breaks others.
matrix<float> noisy_projection(const matrix<float>& x, float noise, std::uint64_t seed) {
    matrix<float> y(x.rows(), 2);
    rng gen(seed);
    for (std::size_t i = 0; i < x.rows(); ++i) {
        y(i, 0) = x(i, 0) + noise * static_cast<float>(gen.normal());
        y(i, 1) = x(i, 1) + noise * static_cast<float>(gen.normal());
    }
    return y;
}

/// The textbook definitions with full sorts of (distance, index) pairs.
template <class Dist>
std::pair<double, double> reference_quality(std::size_t n, std::size_t k, Dist high, const matrix<float>& y) {
    double penalty = 0, overlap = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::pair<double, std::size_t>> h, l;
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i) continue;
            h.push_back({high(i, j), j});
            double s = 0;
            for (std::size_t d = 0; d < y.dims(); ++d) s += (y(i, d) - y(j, d)) * (y(i, d) - y(j, d));
            l.push_back({static_cast<float>(s), j});
        }
        std::sort(h.begin(), h.end());
        std::sort(l.begin(), l.end());
        std::vector<std::size_t> rank(n, 0);
        for (std::size_t r = 0; r < h.size(); ++r) rank[h[r].second] = r + 1;
        for (std::size_t r = 0; r < k; ++r) {
            const std::size_t j = l[r].second;
            if (rank[j] > k) penalty += static_cast<double>(rank[j] - k);
            else overlap += 1.0 / static_cast<double>(k);
        }
    }
    const double nd = static_cast<double>(n), kd = static_cast<double>(k);
    return {1 - 2 / (nd * kd * (2 * nd - 3 * kd - 1)) * penalty, overlap / nd};
}

TEST(quality, identity_map_is_perfect) {
    const auto x = gaussian(120, 2, 1);
    const auto q = neighborhood_preservation(x.view(), x.view(), 7);
    EXPECT_DOUBLE_EQ(q.trustworthiness, 1.0);
    EXPECT_DOUBLE_EQ(q.knn_preservation, 1.0);
    EXPECT_EQ(q.n, 120u);
    EXPECT_EQ(q.k, 7u);
}

TEST(quality, matches_naive_reference) {
    const auto x = gaussian(300, 6, 2);
    const auto y = noisy_projection(x, 0.4f, 3);
    for (std::size_t k : {1, 5, 12, 40}) {
        const auto ref = reference_quality(300, k, [&](std::size_t i, std::size_t j) { return l2sq{}(x.row(i), x.row(j)); }, y);
        for (std::size_t threads : {1, 2}) {
            const auto q = neighborhood_preservation(x.view(), y.view(), k, threads);
            EXPECT_NEAR(q.trustworthiness, ref.first, 1e-12) << "k = " << k;
            EXPECT_NEAR(q.knn_preservation, ref.second, 1e-12) << "k = " << k;
        }
        EXPECT_LT(ref.first, 1.0);  // the noisy map is not perfect: the test can fail
    }
}

TEST(quality, other_metrics_and_kinds) {
    const auto x = gaussian(200, 16, 4);
    const auto y = noisy_projection(x, 0.3f, 5);
    const auto ref = reference_quality(200, 8, [&](std::size_t i, std::size_t j) { return cosine{}(x.row(i), x.row(j)); }, y);
    const auto q = neighborhood_preservation<cosine>(x.view(), y.view(), 8);
    EXPECT_NEAR(q.trustworthiness, ref.first, 1e-12);
    EXPECT_NEAR(q.knn_preservation, ref.second, 1e-12);

    matrix<bit> bits(200, 100);
    rng gen(6);
    for (std::size_t i = 0; i < 200; ++i)
        for (std::size_t j = 0; j < 100; ++j) bits.set_bit(i, j, gen.below(2) == 1);
    const auto rb = reference_quality(200, 6, [&](std::size_t i, std::size_t j) { return hamming{}(bits.row(i), bits.row(j)); }, y);
    const auto qb = neighborhood_preservation<hamming>(bits.view(), y.view(), 6);
    EXPECT_NEAR(qb.trustworthiness, rb.first, 1e-12);  // hamming has many ties: index order decides
    EXPECT_NEAR(qb.knn_preservation, rb.second, 1e-12);
}

TEST(quality, matches_scikit_learn) {
    // X_ij = sin(0.7 i + 1.3 j) + 0.1 ((i j) mod 5), Y = (X_0 + X_3 / 2, X_1 - X_4); values from
    // sklearn.manifold.trustworthiness 1.2.1 on the same float32 arrays.
    matrix<float> x(200, 5), y(200, 2);
    for (std::size_t i = 0; i < 200; ++i) {
        for (std::size_t j = 0; j < 5; ++j)
            x(i, j) = static_cast<float>(std::sin(0.7 * static_cast<double>(i) + 1.3 * static_cast<double>(j)) +
                                         0.1 * static_cast<double>((i * j) % 5));
        y(i, 0) = x(i, 0) + 0.5f * x(i, 3);
        y(i, 1) = x(i, 1) - x(i, 4);
    }
    EXPECT_NEAR(trustworthiness(x.view(), y.view(), 1), 0.9685353535353536, 1e-9);
    EXPECT_NEAR(trustworthiness(x.view(), y.view(), 5), 0.977203125, 1e-9);
    EXPECT_NEAR(trustworthiness(x.view(), y.view(), 10), 0.9788130081300813, 1e-9);
    EXPECT_NEAR(trustworthiness(x.view(), y.view(), 30), 0.9821607335490831, 1e-9);
}

TEST(quality, random_map_scores_about_half) {
    const auto x = gaussian(600, 10, 7);
    const auto y = gaussian(600, 2, 8);  // unrelated to x
    const auto q = neighborhood_preservation(x.view(), y.view(), 10);
    EXPECT_NEAR(q.trustworthiness, 0.5, 0.03);
    EXPECT_NEAR(q.knn_preservation, 10.0 / 599.0, 0.01);
}

TEST(quality, knn_accuracy_matches_naive_vote) {
    const auto train = gaussian(500, 2, 9), test = gaussian(200, 2, 10);
    std::vector<std::int64_t> train_labels(500), test_labels(200);
    for (std::size_t i = 0; i < 500; ++i) train_labels[i] = (train(i, 0) > 0) + 2 * (train(i, 1) > 0.3f);
    rng gen(11);
    for (std::size_t i = 0; i < 200; ++i)
        test_labels[i] = gen.below(5) == 0 ? 3 : (test(i, 0) > 0) + 2 * (test(i, 1) > 0.3f);  // some wrong labels
    for (std::size_t k : {1, 4, 10}) {
        std::size_t correct = 0;
        for (std::size_t q = 0; q < 200; ++q) {
            std::vector<std::pair<float, std::size_t>> d;
            for (std::size_t i = 0; i < 500; ++i) {
                const float dx = train(i, 0) - test(q, 0), dy = train(i, 1) - test(q, 1);
                d.push_back({dx * dx + dy * dy, i});
            }
            std::sort(d.begin(), d.end());
            std::array<int, 4> votes{};
            for (std::size_t j = 0; j < k; ++j) ++votes[static_cast<std::size_t>(train_labels[d[j].second])];
            const auto best = std::max_element(votes.begin(), votes.end()) - votes.begin();  // first = smallest label
            correct += best == test_labels[q];
        }
        const double want = static_cast<double>(correct) / 200.0;
        EXPECT_DOUBLE_EQ(knn_accuracy<std::int64_t>(train.view(), train_labels, test.view(), test_labels, k), want);
        EXPECT_GT(want, 0.5);
        EXPECT_LT(want, 0.95);  // the wrong labels cap it: the comparison is not trivial
    }
}

TEST(quality, knn_accuracy_tie_goes_to_the_smallest_label) {
    matrix<float> train(4, 1), test(1, 1);
    train(0, 0) = -1;  // label 7
    train(1, 0) = 1;   // label 2
    train(2, 0) = 2;   // label 7
    train(3, 0) = -2;  // label 2
    test(0, 0) = 0.1f;
    const std::vector<int> train_labels{7, 2, 7, 2};
    std::vector<int> test_labels{2};
    EXPECT_EQ(knn_accuracy<int>(train.view(), train_labels, test.view(), test_labels, 4), 1.0);
    test_labels[0] = 7;
    EXPECT_EQ(knn_accuracy<int>(train.view(), train_labels, test.view(), test_labels, 4), 0.0);
    EXPECT_EQ(knn_accuracy<int>(train.view(), train_labels, test.view(), test_labels, 3), 1.0);  // 2 x 7, 1 x 2
}

TEST(quality, sample_rows_is_a_seeded_sorted_subset) {
    const auto a = sample_rows(1000, 100, 5), b = sample_rows(1000, 100, 5), c = sample_rows(1000, 100, 6);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    ASSERT_EQ(a.size(), 100u);
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
    EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
    EXPECT_LT(a.back(), 1000u);
    EXPECT_EQ(sample_rows(10, 50).size(), 10u);
    const auto x = gaussian(20, 3, 1);
    const std::vector<std::uint32_t> rows{3, 0, 19};
    const auto t = take_rows(x.view(), std::span<const std::uint32_t>(rows));
    EXPECT_EQ(t(0, 1), x(3, 1));
    EXPECT_EQ(t(2, 2), x(19, 2));
    const std::vector<std::uint32_t> bad{20};
    EXPECT_THROW(take_rows(x.view(), std::span<const std::uint32_t>(bad)), invalid_argument);
}

TEST(quality, bad_input_is_rejected_clearly) {
    const auto x = gaussian(50, 3, 12), y = gaussian(50, 2, 13), short_y = gaussian(49, 2, 14);
    EXPECT_THROW(trustworthiness(x.view(), short_y.view(), 5), shape_error);
    EXPECT_THROW(trustworthiness(x.view(), y.view(), 0), invalid_argument);
    EXPECT_THROW(trustworthiness(x.view(), y.view(), 25), invalid_argument);  // k >= n / 2
    try {
        trustworthiness(x.view(), y.view(), 25);
    } catch (const invalid_argument& e) {
        EXPECT_STREQ(e.what(), "neighborhood_preservation: k = 25 for 50 points (expected k < n / 2)");
    }
    auto nan = y;
    nan(3, 1) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(knn_preservation(x.view(), nan.view(), 5), data_error);
    auto nan_x = x;
    nan_x(0, 0) = std::numeric_limits<float>::infinity();
    EXPECT_THROW(knn_preservation(nan_x.view(), y.view(), 5), data_error);

    const std::vector<int> labels(50, 1), few(10, 1);
    EXPECT_THROW(knn_accuracy<int>(y.view(), few, y.view(), labels, 3), shape_error);
    EXPECT_THROW(knn_accuracy<int>(y.view(), labels, y.view(), labels, 0), invalid_argument);
    EXPECT_THROW(knn_accuracy<int>(y.view(), labels, y.view(), labels, 51), invalid_argument);
    EXPECT_THROW(knn_accuracy<int>(y.view(), labels, x.view(), labels, 3), shape_error);  // 3 dims vs 2
    EXPECT_THROW(knn_accuracy<int>(y.view(), labels, matrix<float>(0, 2).view(), std::span<const int>(), 3),
                 invalid_argument);
}

}  // namespace
