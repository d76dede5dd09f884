// SPDX-License-Identifier: MIT
// The t-SNE projector end to end: entry checks and bad input, the stepper and its KL records,
// determinism, clusters of the digits data separating, the three gradient methods agreeing,
// heavy tails, and new points placed next to their kind (transform).
#include "test_data.hpp"

#include <vspace/project/tsne.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace vspace;

/// scikit-learn's digits: 1797 images of 8 x 8 pixels (0..16) and their labels 0..9.
struct digits {
    matrix<float> x;
    std::vector<int> labels;
};

digits load_digits() {
    const auto path = test::shared_data("sklearn-digits/digits.csv.gz");
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return {};
    std::string text;
    char buf[1 << 16];
    for (int got; (got = gzread(f, buf, sizeof buf)) > 0;) text.append(buf, std::size_t(got));
    gzclose(f);
    digits d;
    d.x = matrix<float>(0, 64);
    std::vector<float> row;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        row.clear();
        for (std::size_t p = pos; p < end;) {
            const std::size_t comma = std::min(text.find(',', p), end);
            row.push_back(std::stof(text.substr(p, comma - p)));
            p = comma + 1;
        }
        if (row.size() == 65) {
            d.labels.push_back(int(row.back()));
            row.pop_back();
            d.x.push_back(row);
        }
        pos = end + 1;
    }
    return d;
}

const digits& the_digits() {
    static const digits d = load_digits();
    return d;
}

#define REQUIRE_DIGITS()                                                                         \
    VSPACE_REQUIRE_DATA(test::shared_data("sklearn-digits/digits.csv.gz"));                      \
    ASSERT_EQ(the_digits().x.rows(), 1797u) << "sklearn-digits/digits.csv.gz could not be parsed"

/// Leave-one-out accuracy of the k-nearest-neighbour vote in the map (k = 10): how well the
/// map keeps the classes apart.
double knn_accuracy(matrix_view<float> map, const std::vector<int>& labels, std::size_t k = 10) {
    std::size_t right = 0;
    std::vector<std::pair<float, int>> d(map.rows());
    for (std::size_t i = 0; i < map.rows(); ++i) {
        for (std::size_t j = 0; j < map.rows(); ++j) {
            const float dx = map(i, 0) - map(j, 0), dy = map(i, 1) - map(j, 1);
            d[j] = {j == i ? std::numeric_limits<float>::infinity() : dx * dx + dy * dy, labels[j]};
        }
        std::partial_sort(d.begin(), d.begin() + std::ptrdiff_t(k), d.end());
        int votes[10] = {};
        for (std::size_t j = 0; j < k; ++j) ++votes[d[j].second];
        right += std::max_element(votes, votes + 10) - votes == labels[i];
    }
    return double(right) / double(map.rows());
}

bool all_finite(matrix_view<float> m) {
    for (std::size_t i = 0; i < m.rows(); ++i)
        if (!std::isfinite(m(i, 0)) || !std::isfinite(m(i, 1))) return false;
    return true;
}

/// Small Gaussian blobs: 4 clusters in 10-D.
matrix<float> blobs(std::size_t n, std::uint64_t seed = 1) {
    rng gen(seed);
    matrix<float> x(n, 10);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < 10; ++j) x(i, j) = float(10.0 * double((i % 4) == j % 4) + gen.normal());
    return x;
}

// ---------------------------------------------------------------- bad input

TEST(Tsne, RejectsBadInputWithClearMessages) {
    auto message_of = [](auto&& fn) -> std::string {
        try {
            fn();
        } catch (const vspace::error& e) {
            return e.what();
        }
        return "no exception";
    };
    tsne<> model({.perplexity = 30});
    const matrix<float> few = blobs(90);
    // perplexity >= (n - 1) / 3
    const std::string big = message_of([&] { model.fit(few); });
    EXPECT_NE(big.find("perplexity = 30 is too large for 90 points"), std::string::npos) << big;
    EXPECT_THROW(model.fit(few), invalid_argument);
    // n < 4
    tsne<> small({.perplexity = 1});
    const std::string three = message_of([&] { small.fit(blobs(3)); });
    EXPECT_NE(three.find("3 points (expected at least 4)"), std::string::npos) << three;
    EXPECT_THROW(small.fit(matrix<float>(0, 10)), invalid_argument);
    // NaN and Inf
    matrix<float> bad = blobs(100);
    bad(17, 3) = std::numeric_limits<float>::quiet_NaN();
    tsne<> ok({.perplexity = 10, .iterations = 10, .early_exaggeration_iterations = 5});
    EXPECT_THROW(ok.fit(bad), data_error);
    bad(17, 3) = std::numeric_limits<float>::infinity();
    const std::string inf = message_of([&] { ok.fit(bad); });
    EXPECT_NE(inf.find("row 17, column 3"), std::string::npos) << inf;
    // options
    EXPECT_THROW(tsne<>({.perplexity = 0.5}).fit(blobs(100)), invalid_argument);
    EXPECT_THROW(tsne<>({.perplexity = std::nan("")}).fit(blobs(100)), invalid_argument);
    EXPECT_THROW(tsne<>({.perplexity = 10, .iterations = 10}).fit(blobs(100)), invalid_argument);  // EE > iterations
    EXPECT_THROW(tsne<>({.perplexity = 10, .momentum = 1}).fit(blobs(100)), invalid_argument);
    EXPECT_THROW(tsne<>({.perplexity = 10, .dof = 0}).fit(blobs(100)), invalid_argument);
    EXPECT_THROW(tsne<>({.perplexity = 10, .learning_rate = -1}).fit(blobs(100)), invalid_argument);
    EXPECT_THROW(tsne<>({.perplexity = 10, .fft_interpolation_points = 0}).fit(blobs(100)), invalid_argument);
    EXPECT_THROW(tsne<>({.perplexity = 10, .affinities = tsne_affinities::exact}).fit(blobs(6000)),
                 invalid_argument);
    // initial map of the wrong shape
    EXPECT_THROW(ok.start(blobs(100), matrix<float>(99, 2)), shape_error);
    // transform before fit, and of the wrong width
    EXPECT_THROW(ok.transform(blobs(5)), invalid_argument);
    ok.fit(blobs(100));
    EXPECT_THROW(ok.transform(matrix<float>(5, 9)), shape_error);
}

TEST(Tsne, DuplicatePointsGiveAFiniteMap) {
    // Half the points are copies of one point, the rest copies of a few others: distances of
    // zero, unreachable perplexities and coincident map points must not produce NaN.
    matrix<float> x = blobs(400);
    for (std::size_t i = 0; i < 200; ++i) std::copy(x.row_data(0), x.row_data(0) + 10, x.row_data(i));
    for (std::size_t i = 200; i < 400; ++i) std::copy(x.row_data(200 + i % 3), x.row_data(200 + i % 3) + 10, x.row_data(i));
    for (auto method : {tsne_gradient::exact, tsne_gradient::barnes_hut, tsne_gradient::fft_interpolation}) {
        tsne<> model({.perplexity = 10, .iterations = 200, .early_exaggeration_iterations = 100, .gradient = method});
        const matrix<float> map = model.fit_transform(x);
        EXPECT_TRUE(all_finite(map)) << tsne_gradient_name(method);
        EXPECT_TRUE(std::isfinite(model.report().kl_divergence)) << tsne_gradient_name(method);
        EXPECT_GT(model.report().calibration_unreachable, 0u);
    }
    // Every point the same: no direction to start from, still finite.
    matrix<float> same(50, 3);
    tsne<> model({.perplexity = 5, .iterations = 50, .early_exaggeration_iterations = 10});
    EXPECT_TRUE(all_finite(model.fit_transform(same)));
}

// ---------------------------------------------------------------- optimisation

TEST(Tsne, StepperRunsInChunksAndRecordsDecreasingKl) {
    REQUIRE_DIGITS();
    tsne<> model({.perplexity = 30, .iterations = 500, .kl_every = 25, .n_threads = 2});  // Barnes-Hut
    auto run = model.start(the_digits().x);
    EXPECT_FALSE(model.fitted());
    EXPECT_EQ(run.n_iterations(), 500u);
    EXPECT_EQ(run.step(30), 30u);
    EXPECT_EQ(run.iteration(), 30u);
    EXPECT_EQ(run.embedding().rows(), 1797u);
    const double kl_at_30 = run.kl_divergence();
    while (!run.done()) run.step(100);
    EXPECT_EQ(run.step(10), 0u);
    EXPECT_TRUE(model.fitted());
    const auto& history = model.report().kl_history;
    ASSERT_EQ(history.size(), 500u / 25 + 1);
    EXPECT_EQ(history.back().iteration, 500u);
    // After early exaggeration the true KL falls at every record (gradient descent on it).
    for (std::size_t r = 1; r < history.size(); ++r)
        if (history[r - 1].iteration >= 250) {
            EXPECT_LE(history[r].kl_divergence, history[r - 1].kl_divergence + 1e-3) << history[r].iteration;
        }
    EXPECT_LT(history.back().kl_divergence, kl_at_30);
    EXPECT_LT(model.report().kl_divergence, 1.2);  // sklearn/openTSNE reach ~0.8 on digits
    EXPECT_DOUBLE_EQ(model.report().kl_divergence, run.kl_divergence());
    EXPECT_EQ(model.report().gradient, tsne_gradient::barnes_hut);  // automatic at n = 1797
}

TEST(Tsne, DigitsClassesSeparateWithEveryGradientMethod) {
    REQUIRE_DIGITS();
    const auto& d = the_digits();
    std::vector<double> kl;
    for (auto method : {tsne_gradient::exact, tsne_gradient::barnes_hut, tsne_gradient::fft_interpolation}) {
        // The same P for all three, so that they minimise the same objective.
        tsne<> model({.perplexity = 30, .iterations = 500, .gradient = method,
                      .affinities = tsne_affinities::nearest_neighbors, .n_threads = 2});
        const matrix<float> map = model.fit_transform(d.x);
        const double accuracy = knn_accuracy(map, d.labels);
        // 10-NN accuracy: 0.98 in the input space itself; t-SNE maps of digits keep ~0.97.
        EXPECT_GT(accuracy, 0.95) << tsne_gradient_name(method);
        kl.push_back(model.report().kl_divergence);
        EXPECT_EQ(model.report().gradient, method);
    }
    // The approximate gradients reach the exact gradient's optimum.
    EXPECT_NEAR(kl[1], kl[0], 0.02);
    EXPECT_NEAR(kl[2], kl[0], 0.02);
}

TEST(Tsne, ExactAffinitiesForSmallMaps) {
    REQUIRE_DIGITS();
    const matrix_view<float> part = the_digits().x.view().subview(0, 600);
    tsne<> model({.perplexity = 30, .iterations = 300, .early_exaggeration_iterations = 150, .n_threads = 2});
    model.fit(part);
    EXPECT_EQ(model.report().gradient, tsne_gradient::exact);  // automatic at n <= 1000
    EXPECT_TRUE(model.report().exact_affinities);
    EXPECT_EQ(model.report().neighbors, 599u);
    EXPECT_EQ(model.report().nonzeros, 600u * 599u);
    EXPECT_GT(knn_accuracy(model.embedding(), std::vector<int>(the_digits().labels.begin(), the_digits().labels.begin() + 600)),
              0.93);
}

TEST(Tsne, SameSeedAndThreadsGiveTheSameBytes) {
    const matrix<float> x = blobs(1500, 7);
    for (auto method : {tsne_gradient::barnes_hut, tsne_gradient::fft_interpolation}) {
        tsne_options o{.perplexity = 20, .iterations = 80, .early_exaggeration_iterations = 40, .gradient = method,
                       .initialization = tsne_initialization::random, .n_threads = 2, .seed = 3};
        const matrix<float> a = tsne<>(o).fit_transform(x);
        const matrix<float> b = tsne<>(o).fit_transform(x);
        o.n_threads = 1;  // the optimisation does not depend on the thread count either
        const matrix<float> c = tsne<>(o).fit_transform(x);
        for (std::size_t i = 0; i < x.rows(); ++i) {
            ASSERT_EQ(a(i, 0), b(i, 0));
            ASSERT_EQ(a(i, 1), b(i, 1));
            ASSERT_EQ(a(i, 0), c(i, 0));
            ASSERT_EQ(a(i, 1), c(i, 1));
        }
        o.seed = 4;
        const matrix<float> e = tsne<>(o).fit_transform(x);
        EXPECT_NE(a(0, 0), e(0, 0));
    }
}

TEST(Tsne, HeavyTailsSeparateClustersMore) {
    REQUIRE_DIGITS();
    const auto& d = the_digits();
    auto spread = [&](double dof) {  // mean distance to the class centre / distance between centres
        tsne<> model({.perplexity = 30, .iterations = 500, .dof = dof, .n_threads = 2});
        const matrix<float> map = model.fit_transform(d.x);
        EXPECT_TRUE(std::isfinite(model.report().kl_divergence));
        double cx[10] = {}, cy[10] = {}, cnt[10] = {};
        for (std::size_t i = 0; i < map.rows(); ++i) cx[d.labels[i]] += map(i, 0), cy[d.labels[i]] += map(i, 1), ++cnt[d.labels[i]];
        for (int c = 0; c < 10; ++c) cx[c] /= cnt[c], cy[c] /= cnt[c];
        double within = 0, between = 0;
        for (std::size_t i = 0; i < map.rows(); ++i) within += std::hypot(map(i, 0) - cx[d.labels[i]], map(i, 1) - cy[d.labels[i]]);
        for (int a = 0; a < 10; ++a)
            for (int b = 0; b < a; ++b) between += std::hypot(cx[a] - cx[b], cy[a] - cy[b]);
        return (within / double(map.rows())) / (between / 45);
    };
    EXPECT_LT(spread(0.5), 0.8 * spread(1.0));  // Kobak et al. 2019: tighter, more separate clusters
}

TEST(Tsne, TransformPlacesNewPointsNextToTheirClass) {
    REQUIRE_DIGITS();
    const auto& d = the_digits();
    const std::size_t n_fit = 1500;
    const matrix_view<float> all = d.x.view();
    tsne<> model({.perplexity = 30, .n_threads = 2});
    model.fit(all.subview(0, n_fit));
    const matrix<float> placed = model.transform(all.subview(n_fit, all.rows() - n_fit));
    ASSERT_EQ(placed.rows(), all.rows() - n_fit);
    ASSERT_TRUE(all_finite(placed));
    const matrix_view<float> map = model.embedding();
    // The map itself is unchanged, and each new point's 10 nearest fitted points vote its class.
    std::size_t right = 0;
    for (std::size_t q = 0; q < placed.rows(); ++q) {
        std::vector<std::pair<float, int>> dist(n_fit);
        for (std::size_t j = 0; j < n_fit; ++j)
            dist[j] = {std::hypot(placed(q, 0) - map(j, 0), placed(q, 1) - map(j, 1)), d.labels[j]};
        std::partial_sort(dist.begin(), dist.begin() + 10, dist.end());
        int votes[10] = {};
        for (int j = 0; j < 10; ++j) ++votes[dist[j].second];
        right += std::max_element(votes, votes + 10) - votes == d.labels[n_fit + q];
    }
    EXPECT_GT(double(right) / double(placed.rows()), 0.9);
}

TEST(Tsne, StartsFromAGivenMapOrTheScaledPca) {
    const matrix<float> x = blobs(600, 5);
    matrix<float> start(600, 2);
    for (std::size_t i = 0; i < 600; ++i) start(i, 0) = float(i % 4), start(i, 1) = 0.01f * float(i);
    tsne<> model({.perplexity = 15, .iterations = 0, .early_exaggeration_iterations = 0});
    auto run = model.start(x, start);
    EXPECT_TRUE(run.done());  // zero iterations: the map is the start
    ASSERT_TRUE(model.fitted());
    EXPECT_TRUE(std::isfinite(model.report().kl_divergence));
    for (std::size_t i = 0; i < 600; ++i) {
        EXPECT_EQ(model.embedding()(i, 0), start(i, 0));
        EXPECT_EQ(model.embedding()(i, 1), start(i, 1));
    }
    // PCA start: first column with standard deviation 1e-4 (Kobak & Berens 2019).
    model.fit(x);
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < 600; ++i) mean += model.embedding()(i, 0) / 600.0;
    for (std::size_t i = 0; i < 600; ++i) var += std::pow(model.embedding()(i, 0) - mean, 2) / 600.0;
    EXPECT_NEAR(std::sqrt(var), 1e-4, 1e-9);
}

}  // namespace
