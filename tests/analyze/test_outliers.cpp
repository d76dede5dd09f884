// SPDX-License-Identifier: MIT
// Outlier scores: planted outliers, LOF against a from-scratch O(n^2) reference, bad graphs.
#include <vspace/analyze/outliers.hpp>
#include <vspace/core/random.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/metric/l2.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace {

using namespace vspace;

// LOF straight from Breunig et al.'s definitions, with brute-force distances.
std::vector<double> reference_lof(const matrix<float>& x, std::size_t k) {
    const std::size_t n = x.rows();
    std::vector<std::vector<std::pair<double, std::size_t>>> nn(n);
    auto dist = [&](std::size_t a, std::size_t b) {
        double s = 0;
        for (std::size_t j = 0; j < x.dims(); ++j) s += (x(a, j) - x(b, j)) * (x(a, j) - x(b, j));
        return std::sqrt(s);
    };
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t o = 0; o < n; ++o)
            if (o != i) nn[i].push_back({dist(i, o), o});
        std::sort(nn[i].begin(), nn[i].end());
        nn[i].resize(k);
    }
    std::vector<double> lrd(n), lof(n);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (auto [d, o] : nn[i]) s += std::max(nn[o][k - 1].first, d);
        lrd[i] = double(k) / s;
    }
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (auto [d, o] : nn[i]) s += lrd[o];
        lof[i] = s / double(k) / lrd[i];
    }
    return lof;
}

matrix<float> gaussian(std::size_t n, std::size_t d, float sigma, float offset, std::uint64_t seed) {
    rng gen(seed);
    matrix<float> x(n, d);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) x(i, j) = offset + sigma * static_cast<float>(gen.normal());
    return x;
}

TEST(outliers, lof_matches_reference) {
    const auto x = gaussian(300, 4, 1.f, 0.f, 1);
    const auto g = exact_knn_graph<l2>(x.view(), 10);
    const auto want = reference_lof(x, 10);
    const auto got = lof_scores(g);
    for (std::size_t i = 0; i < x.rows(); ++i) EXPECT_NEAR(got[i], want[i], 1e-4 * want[i]) << i;
    const auto got5 = lof_scores(g, 5);
    const auto want5 = reference_lof(x, 5);
    for (std::size_t i = 0; i < x.rows(); ++i) EXPECT_NEAR(got5[i], want5[i], 1e-4 * want5[i]) << i;
}

TEST(outliers, planted_outliers_rank_first) {
    auto x = gaussian(510, 6, 1.f, 0.f, 2);
    rng gen(3);
    std::set<std::size_t> planted;
    for (std::size_t i = 500; i < 510; ++i) {  // 10 points about 8 sigma out, in random directions
        double norm = 0;
        for (std::size_t j = 0; j < 6; ++j) norm += double(x(i, j)) * x(i, j);
        for (std::size_t j = 0; j < 6; ++j) x(i, j) = static_cast<float>(x(i, j) / std::sqrt(norm) * (8 + gen.uniform()));
        planted.insert(i);
    }
    const auto g = exact_knn_graph<l2>(x.view(), 10);
    for (const auto& scores : {knn_distance_scores(g), knn_distance_scores(g, 5, knn_score::mean), lof_scores(g)}) {
        const auto top = top_outliers(scores, 10);
        ASSERT_EQ(top.size(), 10u);
        for (const auto& o : top) EXPECT_TRUE(planted.count(o.id)) << o.id << " " << o.score;
        for (std::size_t j = 1; j < top.size(); ++j) EXPECT_GE(top[j - 1].score, top[j].score);
    }
}

TEST(outliers, lof_sees_local_density_that_knn_distance_misses) {
    // a dense cluster (sigma 0.05), a sparse one (sigma 3) far away, and one point at distance 1
    // from the dense cluster: globally unremarkable, locally an outlier
    auto dense = gaussian(200, 2, 0.05f, 0.f, 4), sparse = gaussian(200, 2, 3.f, 50.f, 5);
    matrix<float> x(401, 2);
    for (std::size_t i = 0; i < 200; ++i)
        for (std::size_t j = 0; j < 2; ++j) x(i, j) = dense(i, j), x(200 + i, j) = sparse(i, j);
    x(400, 0) = 1.f;
    x(400, 1) = 0.f;
    const auto g = exact_knn_graph<l2>(x.view(), 10);
    EXPECT_EQ(top_outliers(lof_scores(g), 1)[0].id, 400u);
    EXPECT_NE(top_outliers(knn_distance_scores(g), 1)[0].id, 400u);
    const auto lof = lof_scores(g);
    double inside = 0;  // inliers of either density score about 1
    for (std::size_t i = 0; i < 400; ++i) inside += lof[i] / 400.0;
    EXPECT_NEAR(inside, 1.0, 0.15);
    EXPECT_GT(lof[400], 5.f);
}

TEST(outliers, duplicates_give_finite_scores) {
    matrix<float> x(30, 2);
    for (std::size_t i = 0; i < 30; ++i) x(i, 0) = static_cast<float>(i / 10);  // three stacks of 10 duplicates
    const auto g = exact_knn_graph<l2>(x.view(), 5);
    for (float s : lof_scores(g)) EXPECT_NEAR(s, 1.f, 1e-5);
    for (float s : knn_distance_scores(g)) EXPECT_EQ(s, 0.f);
}

TEST(outliers, bad_input) {
    const auto x = gaussian(20, 2, 1.f, 0.f, 6);
    auto g = exact_knn_graph<l2>(x.view(), 5);
    EXPECT_THROW(lof_scores(g, 6), invalid_argument);  // k above the graph's
    EXPECT_THROW(knn_distance_scores(knn_graph{}), invalid_argument);
    auto broken = g;
    broken.ids.pop_back();
    EXPECT_THROW(lof_scores(broken), shape_error);
    broken = g;
    broken.ids[3] = 99;
    EXPECT_THROW(lof_scores(broken), shape_error);
    broken = g;
    broken.distances[0] = std::nanf("");
    EXPECT_THROW(knn_distance_scores(broken), data_error);
    EXPECT_TRUE(top_outliers(std::vector<float>{}, 5).empty());
    const std::vector<float> s{1, std::nanf(""), 3, 3};
    const auto top = top_outliers(s, 10);
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].id, 2u);  // tie: lower id first
    EXPECT_EQ(top[1].id, 3u);
}

}  // namespace
