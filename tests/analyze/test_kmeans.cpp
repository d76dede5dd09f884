// SPDX-License-Identifier: MIT
// k-means against a naive Lloyd reference, on planted clusters, and on bad input.
#include "reference.hpp"

#include <vspace/analyze/kmeans.hpp>
#include <vspace/core/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

namespace {

using namespace vspace;

// `per` points around each of `centers` random centres (spread `spread`), shuffled.
matrix<float> blobs(std::size_t centers, std::size_t per, std::size_t d, float spread, std::uint64_t seed,
                    std::vector<std::uint32_t>* truth = nullptr) {
    rng gen(seed);
    matrix<float> c(centers, d), x(centers * per, d);
    for (std::size_t i = 0; i < centers; ++i)
        for (std::size_t j = 0; j < d; ++j) c(i, j) = static_cast<float>(10 * gen.normal());
    std::vector<std::size_t> order(centers * per);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    gen.shuffle(order.begin(), order.end());
    if (truth) truth->resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const std::size_t b = order[i] / per;
        if (truth) (*truth)[i] = static_cast<std::uint32_t>(b);
        for (std::size_t j = 0; j < d; ++j) x(i, j) = c(b, j) + spread * static_cast<float>(gen.normal());
    }
    return x;
}

matrix<float> first_rows(const matrix<float>& x, std::size_t k) { return matrix<float>(x.view().subview(0, k)); }

// Clusterings equal up to renaming.
bool same_partition(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    if (a.size() != b.size()) return false;
    std::vector<std::int64_t> ab(1 << 16, -1), ba(1 << 16, -1);
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ab[a[i]] == -1) ab[a[i]] = b[i];
        if (ba[b[i]] == -1) ba[b[i]] = a[i];
        if (ab[a[i]] != b[i] || ba[b[i]] != a[i]) return false;
    }
    return true;
}

TEST(kmeans, elkan_and_lloyd_match_naive_reference_from_same_start) {
    const auto x = blobs(8, 150, 24, 6.f, 1);  // overlapping blobs: many iterations
    const auto init = first_rows(x, 8);
    const auto want = test::naive_kmeans(x, init);
    for (auto algo : {kmeans_algorithm::elkan, kmeans_algorithm::lloyd}) {
        kmeans<l2sq> km({.k = 8, .tol = 0, .algorithm = algo});
        const auto got = km.fit(x.view(), init.view());
        EXPECT_TRUE(got.converged);
        EXPECT_EQ(got.labels, want.labels);
        EXPECT_NEAR(got.inertia, want.inertia, 1e-5 * want.inertia);
        for (std::size_t c = 0; c < 8; ++c)
            for (std::size_t j = 0; j < 24; ++j) EXPECT_NEAR(km.centroids()(c, j), want.centers[c][j], 1e-3);
    }
}

TEST(kmeans, spherical_matches_naive_reference) {
    const auto x = blobs(5, 100, 16, 8.f, 2);
    const auto init = first_rows(x, 5);
    const auto want = test::naive_kmeans(x, init, true);
    kmeans<cosine> km({.k = 5, .tol = 0});
    const auto got = km.fit(x.view(), init.view());
    EXPECT_EQ(got.labels, want.labels);
    EXPECT_NEAR(got.inertia, want.inertia, 1e-4 * want.inertia);
    for (std::size_t c = 0; c < 5; ++c) {
        double norm = 0;
        for (std::size_t j = 0; j < 16; ++j) norm += double(km.centroids()(c, j)) * km.centroids()(c, j);
        EXPECT_NEAR(norm, 1.0, 1e-5);
    }
}

TEST(kmeans, recovers_planted_clusters_with_every_seeding) {
    std::vector<std::uint32_t> truth;
    const auto x = blobs(12, 200, 32, 1.f, 3, &truth);
    for (auto init : {kmeans_init::plus_plus, kmeans_init::parallel}) {
        kmeans<l2sq> km({.k = 12, .init = init, .seed = 5});
        const auto r = km.fit(x.view());
        EXPECT_TRUE(same_partition(r.labels, truth)) << "init " << int(init);
        EXPECT_TRUE(r.converged);
        EXPECT_EQ(r.reseeded, 0u);
        // inertia is the sum of squared distances to the centroids, about n d spread^2
        EXPECT_NEAR(r.inertia / (2400.0 * 32), 1.0, 0.1);
        EXPECT_EQ(km.predict(x.view()), r.labels);
    }
}

TEST(kmeans, same_result_on_any_thread_count) {
    const auto x = blobs(10, 300, 20, 5.f, 4);
    for (auto init : {kmeans_init::plus_plus, kmeans_init::parallel}) {
        kmeans<l2sq> one({.k = 10, .init = init, .n_threads = 1, .seed = 9});
        kmeans<l2sq> three({.k = 10, .init = init, .n_threads = 3, .seed = 9});
        const auto a = one.fit(x.view()), b = three.fit(x.view());
        EXPECT_EQ(a.labels, b.labels);
        EXPECT_EQ(a.inertia, b.inertia);
        EXPECT_EQ(0, std::memcmp(one.centroids().data(), three.centroids().data(),
                                 sizeof(float) * one.centroids().stride() * 10));
    }
    kmeans<l2sq> other({.k = 10, .seed = 10});
    kmeans<l2sq> again({.k = 10, .seed = 9});
    EXPECT_NE(other.fit(x.view()).inertia, again.fit(x.view()).inertia);  // the seed matters
}

TEST(kmeans, restarts_keep_the_lowest_inertia) {
    const auto x = blobs(15, 60, 10, 4.f, 5);
    const auto single = kmeans<l2sq>({.k = 15, .seed = 3}).fit(x.view());
    const auto multi = kmeans<l2sq>({.k = 15, .n_init = 6, .seed = 3}).fit(x.view());
    EXPECT_LE(multi.inertia, single.inertia);  // run 0 of the restarts is the single run
    EXPECT_LT(multi.best_run, 6u);
}

TEST(kmeans, greedy_seeding_beats_uniform_seeding_on_average) {
    const auto x = blobs(20, 50, 8, 1.f, 6);
    double greedy = 0, uniform = 0;
    for (std::uint64_t s = 0; s < 5; ++s) {
        greedy += kmeans<l2sq>({.k = 20, .init = kmeans_init::plus_plus, .max_iter = 1, .seed = s}).fit(x.view()).inertia;
        uniform += kmeans<l2sq>({.k = 20, .init = kmeans_init::random, .max_iter = 1, .seed = s}).fit(x.view()).inertia;
    }
    EXPECT_LT(greedy, 0.5 * uniform);
}

TEST(kmeans, empty_cluster_is_reseeded_not_nan) {
    auto x = blobs(3, 100, 4, 1.f, 7);
    matrix<float> init(4, 4);
    for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t j = 0; j < 4; ++j) init(c, j) = x(c, j);
    for (std::size_t j = 0; j < 4; ++j) init(3, j) = 1e6f;  // nearest to nothing: empty at once
    for (auto algo : {kmeans_algorithm::elkan, kmeans_algorithm::lloyd}) {
        kmeans<l2sq> km({.k = 4, .algorithm = algo});
        const auto r = km.fit(x.view(), init.view());
        EXPECT_GE(r.reseeded, 1u);
        for (auto s : r.sizes) EXPECT_GT(s, 0u);
        for (std::size_t c = 0; c < 4; ++c)
            for (std::size_t j = 0; j < 4; ++j) EXPECT_TRUE(std::isfinite(km.centroids()(c, j)));
        EXPECT_TRUE(std::isfinite(r.inertia));
    }
}

TEST(kmeans, duplicate_points_fewer_distinct_than_k) {
    matrix<float> x(10, 3);
    for (std::size_t i = 0; i < 10; ++i) x(i, 0) = static_cast<float>(i % 2);  // two distinct points
    kmeans<l2sq> km({.k = 4});
    const auto r = km.fit(x.view());
    EXPECT_EQ(r.inertia, 0.0);
    for (std::size_t c = 0; c < 4; ++c)
        for (std::size_t j = 0; j < 3; ++j) EXPECT_TRUE(std::isfinite(km.centroids()(c, j)));
}

TEST(kmeans, k_equal_to_n_and_k_one) {
    const auto x = blobs(2, 5, 3, 1.f, 8);
    EXPECT_NEAR(kmeans<l2sq>({.k = 10}).fit(x.view()).inertia, 0.0, 1e-9);
    const auto one = kmeans<l2sq>({.k = 1}).fit(x.view());
    double want = 0;  // total squared deviation from the mean
    for (std::size_t j = 0; j < 3; ++j) {
        double m = 0;
        for (std::size_t i = 0; i < 10; ++i) m += x(i, j) / 10.0;
        for (std::size_t i = 0; i < 10; ++i) want += (x(i, j) - m) * (x(i, j) - m);
    }
    EXPECT_NEAR(one.inertia, want, 1e-4 * want);
}

TEST(kmeans, majority_on_binary_codes) {
    // 4 prototypes of 200 bits, members flip 10 % of the bits.
    rng gen(11);
    const std::size_t dims = 200, per = 50;
    std::vector<std::vector<bool>> proto(4, std::vector<bool>(dims));
    for (auto& p : proto)
        for (std::size_t b = 0; b < dims; ++b) p[b] = gen.uniform() < 0.5f;
    matrix<bit> x(4 * per, dims);
    std::vector<std::uint32_t> truth(4 * per);
    for (std::size_t i = 0; i < 4 * per; ++i) {
        truth[i] = static_cast<std::uint32_t>(i % 4);
        for (std::size_t b = 0; b < dims; ++b) x.set_bit(i, b, proto[i % 4][b] != (gen.uniform() < 0.1f));
    }
    kmeans<hamming, bit> km({.k = 4, .seed = 2});
    const auto r = km.fit(x.view());
    EXPECT_TRUE(r.converged);
    EXPECT_TRUE(same_partition(r.labels, truth));
    // the majority of 50 noisy copies recovers each prototype exactly
    for (std::size_t c = 0; c < 4; ++c) {
        const auto p = proto[truth[std::find(r.labels.begin(), r.labels.end(), c) - r.labels.begin()]];
        for (std::size_t b = 0; b < dims; ++b) EXPECT_EQ(km.centroids().bit_at(c, b), p[b]);
    }
    double want = 0;
    for (std::size_t i = 0; i < x.rows(); ++i)
        for (std::size_t b = 0; b < dims; ++b) want += x.bit_at(i, b) != km.centroids().bit_at(r.labels[i], b);
    EXPECT_EQ(r.inertia, want);
    EXPECT_EQ(km.predict(x.view()), r.labels);
}

TEST(kmeans, bad_input) {
    const auto x = blobs(2, 5, 3, 1.f, 9);
    EXPECT_THROW(kmeans<l2sq>({.k = 11}).fit(x.view()), invalid_argument);
    try {
        kmeans<l2sq>({.k = 11}).fit(x.view());
    } catch (const invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("k = 11 exceeds the number of points (expected k <= 10)"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(kmeans<l2sq>({.k = 0}).fit(x.view()), invalid_argument);
    EXPECT_THROW(kmeans<l2sq>({.k = 2, .n_init = 0}).fit(x.view()), invalid_argument);
    EXPECT_THROW(kmeans<l2sq>({.k = 2, .tol = -1}).fit(x.view()), invalid_argument);
    EXPECT_THROW(kmeans<l2sq>({.k = 1}).fit(matrix<float>(0, 3).view()), invalid_argument);
    auto bad = x;
    bad(3, 1) = std::nanf("");
    EXPECT_THROW(kmeans<l2sq>({.k = 2}).fit(bad.view()), data_error);
    matrix<float> zero(4, 3);
    zero(0, 0) = zero(1, 1) = zero(2, 2) = 1;  // row 3 is zero: no direction
    EXPECT_THROW(kmeans<cosine>({.k = 2}).fit(zero.view()), data_error);
    kmeans<l2sq> km({.k = 2});
    EXPECT_THROW(km.predict(x.view()), invalid_argument);  // not fitted
    km.fit(x.view());
    EXPECT_THROW(km.predict(matrix<float>(2, 4).view()), shape_error);
    EXPECT_THROW(km.fit(x.view(), matrix<float>(3, 3).view()), shape_error);
}

}  // namespace
