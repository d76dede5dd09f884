// SPDX-License-Identifier: MIT
// Classifiers: k-NN, nearest centroid and logistic regression against brute force and on the
// SAP Fiori sentence embeddings (../shared/data); labels, splits, reports, bad input.
#include "test_data.hpp"

#include <vspace/analyze/classification_report.hpp>
#include <vspace/analyze/knn_classifier.hpp>
#include <vspace/analyze/labels.hpp>
#include <vspace/analyze/logistic_regression.hpp>
#include <vspace/analyze/nearest_centroid.hpp>
#include <vspace/core/random.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace vspace;

// Three Gaussian classes in 8-d around well-separated means.
void blobs(std::size_t per, std::uint64_t seed, matrix<float>& x, std::vector<std::uint32_t>& y, float spread = 1.f) {
    rng gen(seed);
    x = matrix<float>(3 * per, 8);
    y.assign(3 * per, 0);
    for (std::size_t i = 0; i < 3 * per; ++i) {
        y[i] = static_cast<std::uint32_t>(i % 3);
        for (std::size_t j = 0; j < 8; ++j)
            x(i, j) = (j == y[i] ? 4.f : 0.f) + spread * static_cast<float>(gen.normal());
    }
}

TEST(labels, encode_split_select) {
    const std::vector<std::string> names = {"b", "a", "b", "c", "a", "b"};
    const auto e = encode_labels(names);
    EXPECT_EQ(e.classes, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(e.ids, (std::vector<std::uint32_t>{1, 0, 1, 2, 0, 1}));
    std::vector<std::uint32_t> many(100);
    for (std::size_t i = 0; i < 100; ++i) many[i] = i < 80 ? 0 : 1;
    const auto s = stratified_split(many, 0.25, 7);
    EXPECT_EQ(s.test.size(), 25u);  // 20 of class 0, 5 of class 1
    EXPECT_EQ(s.train.size() + s.test.size(), 100u);
    std::size_t ones = 0;
    for (auto i : s.test) ones += many[i];
    EXPECT_EQ(ones, 5u);
    EXPECT_EQ(stratified_split(many, 0.25, 7).test, s.test);  // deterministic
    EXPECT_THROW(stratified_split(many, 1.0, 7), invalid_argument);
}

TEST(classification_report, confusion_and_accuracy) {
    const std::vector<std::uint32_t> truth = {0, 0, 1, 1, 2}, pred = {0, 1, 1, 1, 0};
    const auto r = evaluate_classification(pred, truth, 3);
    EXPECT_EQ(r.correct, 3u);
    EXPECT_NEAR(r.accuracy(), 0.6, 1e-12);
    EXPECT_EQ(r.at(0, 1), 1u);
    EXPECT_EQ(r.at(2, 0), 1u);
    EXPECT_NEAR(r.recall(0), 0.5, 1e-12);
    EXPECT_THROW(evaluate_classification(pred, std::vector<std::uint32_t>{0}, 3), shape_error);
    EXPECT_THROW(evaluate_classification(pred, truth, 2), invalid_argument);
}

TEST(knn_classifier, matches_brute_force_vote) {
    matrix<float> x, q;
    std::vector<std::uint32_t> y, yq;
    blobs(60, 1, x, y, 2.5f);  // overlapping: votes are not unanimous
    blobs(20, 2, q, yq, 2.5f);
    knn_classifier<l2sq> knn({.k = 7, .vote = knn_vote::majority});
    knn.fit(x.view(), y);
    const auto got = knn.predict(q.view());
    for (std::size_t i = 0; i < q.rows(); ++i) {
        std::vector<std::pair<float, std::size_t>> d;
        for (std::size_t r = 0; r < x.rows(); ++r) {
            float s = 0;
            for (std::size_t j = 0; j < 8; ++j) s += (q(i, j) - x(r, j)) * (q(i, j) - x(r, j));
            d.push_back({s, r});
        }
        std::sort(d.begin(), d.end());
        int votes[3] = {0, 0, 0};
        for (std::size_t j = 0; j < 7; ++j) ++votes[y[d[j].second]];
        const int best = *std::max_element(votes, votes + 3);
        std::uint32_t want = 0;
        for (std::size_t j = 0; j < 7; ++j)
            if (votes[y[d[j].second]] == best) {
                want = y[d[j].second];
                break;
            }
        EXPECT_EQ(got[i], want) << i;
    }
}

TEST(classifiers, separable_blobs_are_learned) {
    matrix<float> x, q;
    std::vector<std::uint32_t> y, yq;
    blobs(50, 3, x, y);
    blobs(30, 4, q, yq);
    knn_classifier<cosine> knn({.k = 5});
    knn.fit(x.view(), y);
    EXPECT_GE(evaluate_classification(knn.predict(q.view()), yq, 3).accuracy(), 0.95);
    nearest_centroid<l2sq> nc;
    nc.fit(x.view(), y);
    EXPECT_GE(evaluate_classification(nc.predict(q.view()), yq, 3).accuracy(), 0.95);
    for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(nc.centroids()(c, c), 4.f, 0.5f);
    logistic_regression lr;
    const auto rep = lr.fit(x.view(), y);
    EXPECT_TRUE(rep.converged);
    EXPECT_GE(evaluate_classification(lr.predict(q.view()), yq, 3).accuracy(), 0.95);
    const auto p = lr.predict_proba(q.view());
    for (std::size_t i = 0; i < p.rows(); ++i) EXPECT_NEAR(p(i, 0) + p(i, 1) + p(i, 2), 1.f, 1e-5f);
}

TEST(logistic_regression, gradient_is_zero_at_the_optimum) {
    // At the optimum of  mean log-loss + l2/2 |W|^2  the gradient vanishes:
    // X^T (P - Y) / n + l2 W = 0 and sum(P - Y) = 0. Check it from the returned weights.
    matrix<float> x;
    std::vector<std::uint32_t> y;
    blobs(40, 5, x, y, 3.f);
    logistic_regression lr({.l2 = 0.05, .tol = 1e-8});
    ASSERT_TRUE(lr.fit(x.view(), y).converged);
    const auto p = lr.predict_proba(x.view());
    for (std::size_t c = 0; c < 3; ++c) {
        double gb = 0;
        for (std::size_t i = 0; i < x.rows(); ++i) gb += p(i, c) - (y[i] == c);
        EXPECT_NEAR(gb / double(x.rows()), 0.0, 1e-5);
        for (std::size_t j = 0; j < 8; ++j) {
            double g = 0;
            for (std::size_t i = 0; i < x.rows(); ++i) g += x(i, j) * (p(i, c) - (y[i] == c));
            EXPECT_NEAR(g / double(x.rows()) + 0.05 * lr.weights()(c, j), 0.0, 1e-4);
        }
    }
}

TEST(classifiers, bad_input) {
    matrix<float> x;
    std::vector<std::uint32_t> y;
    blobs(5, 6, x, y);
    std::vector<std::uint32_t> short_labels(y.begin(), y.end() - 1);
    EXPECT_THROW(knn_classifier<cosine>().fit(x.view(), short_labels), shape_error);
    EXPECT_THROW(nearest_centroid<cosine>().fit(x.view(), short_labels), shape_error);
    EXPECT_THROW(logistic_regression().fit(x.view(), short_labels), shape_error);
    EXPECT_THROW(knn_classifier<cosine>().fit(x.view(), y, 2), invalid_argument);  // label 2 >= 2
    EXPECT_THROW(knn_classifier<cosine>({.k = 0}).fit(x.view(), y), invalid_argument);
    EXPECT_THROW(knn_classifier<cosine>().predict(x.view()), invalid_argument);
    EXPECT_THROW(logistic_regression().predict(x.view()), invalid_argument);
    EXPECT_THROW(logistic_regression().fit(x.view(), std::vector<std::uint32_t>(x.rows(), 0)), invalid_argument);
    auto bad = x;
    bad(0, 0) = std::nanf("");
    EXPECT_THROW(logistic_regression().fit(bad.view(), y), data_error);
    nearest_centroid<cosine> nc;
    nc.fit(x.view(), y);
    EXPECT_THROW(nc.predict(matrix<float>(1, 3).view()), shape_error);
}

TEST(sap_fiori, classifiers_on_sentence_embeddings) {
    const auto dir = test::shared_data("minilm-sap-fiori-778");
    VSPACE_REQUIRE_DATA(dir);
    const auto x = read_npy<float>(dir / "embeddings.npy");
    const auto names = read_lines(dir / "labels.txt");
    ASSERT_EQ(names.size(), x.rows());
    const auto enc = encode_labels(names);
    const auto split = stratified_split(enc.ids, 0.25, 42);
    const auto xtr = select_rows(x.view(), split.train), xte = select_rows(x.view(), split.test);
    const auto ytr = select<std::uint32_t>(enc.ids, split.train), yte = select<std::uint32_t>(enc.ids, split.test);
    const std::size_t c = enc.classes.size();

    knn_classifier<cosine> knn({.k = 10});
    knn.fit(xtr.view(), ytr, c);
    const double a_knn = evaluate_classification(knn.predict(xte.view()), yte, c).accuracy();
    nearest_centroid<cosine> nc;
    nc.fit(xtr.view(), ytr, c);
    const double a_nc = evaluate_classification(nc.predict(xte.view()), yte, c).accuracy();
    logistic_regression lr({.l2 = 1e-4});
    lr.fit(xtr.view(), ytr, c);
    const double a_lr = evaluate_classification(lr.predict(xte.view()), yte, c).accuracy();
    std::printf("SAP Fiori, %zu train / %zu test, %zu classes: kNN %.3f, nearest centroid %.3f, logistic %.3f\n",
                xtr.rows(), xte.rows(), c, a_knn, a_nc, a_lr);
    // The data's README: a row's nearest neighbour shares its category 82 % of the time.
    EXPECT_GE(a_knn, 0.75);
    EXPECT_GE(a_nc, 0.70);
    EXPECT_GE(a_lr, 0.78);
}

}  // namespace
