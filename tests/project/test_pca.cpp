// SPDX-License-Identifier: MIT
// PCA against a naive reference (covariance in double + cyclic Jacobi eigensolver), the
// randomized solver against the exact one, whitening, the sign convention, other scalar kinds
// and bad input.
#include <vspace/core/random.hpp>
#include <vspace/project/pca.hpp>

#include "reference_pca.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace {

using namespace vspace;

/// n rows of d dims with a decaying spectrum: x = z * diag(scale) * R + offset, R a random
/// rotation, so the true variances are scale^2 and the components the rows of R.
matrix<float> spectrum_data(std::size_t n, std::size_t d, std::uint64_t seed, double decay = 0.7) {
    rng gen(seed);
    std::vector<double> rot(d * d);
    for (auto& v : rot) v = gen.normal();
    matrix<float> m(n, d);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> z(d);
        for (std::size_t j = 0; j < d; ++j) z[j] = gen.normal() * 3.0 * std::pow(decay, static_cast<double>(j));
        for (std::size_t c = 0; c < d; ++c) {
            double v = 5.0 + static_cast<double>(c);  // offset: centring must matter
            for (std::size_t j = 0; j < d; ++j) v += z[j] * rot[j * d + c];
            m(i, c) = static_cast<float>(v);
        }
    }
    return m;
}

void expect_matches_reference(const pca& model, const matrix<float>& x, double tol) {
    const auto ref = test::reference_pca(x.view(), model.n_components());
    ASSERT_EQ(model.explained_variance().size(), model.n_components());
    for (std::size_t c = 0; c < model.n_components(); ++c) {
        EXPECT_NEAR(model.explained_variance()[c], ref.values[c], tol * ref.values[0]) << "component " << c;
        EXPECT_NEAR(model.explained_variance_ratio()[c], ref.values[c] / ref.total, tol) << "component " << c;
        for (std::size_t j = 0; j < x.dims(); ++j)
            EXPECT_NEAR(model.components()(c, j), ref.vectors[c][j], tol) << "component " << c << " dim " << j;
    }
    EXPECT_NEAR(model.total_variance(), ref.total, 1e-5 * ref.total);
    for (std::size_t j = 0; j < x.dims(); ++j) EXPECT_NEAR(model.mean()[j], ref.mean[j], 1e-5 * (1 + std::abs(ref.mean[j])));
}

TEST(pca, exact_matches_naive_reference) {
    const auto x = spectrum_data(500, 12, 1);
    pca model({.n_components = 4, .solver = pca_solver::exact});
    model.fit(x);
    EXPECT_EQ(model.solver_used(), pca_solver::exact);
    expect_matches_reference(model, x, 1e-4);
}

TEST(pca, randomized_matches_naive_reference) {
    const auto x = spectrum_data(2000, 40, 2, 0.8);
    pca model({.n_components = 5, .solver = pca_solver::randomized, .oversamples = 10, .power_iterations = 6});
    model.fit(x);
    EXPECT_EQ(model.solver_used(), pca_solver::randomized);
    expect_matches_reference(model, x, 2e-3);
}

TEST(pca, transform_is_centred_projection) {
    const auto x = spectrum_data(300, 9, 3);
    pca model({.n_components = 3});
    const auto y = model.fit_transform(x);
    ASSERT_EQ(y.rows(), 300u);
    ASSERT_EQ(y.dims(), 3u);
    for (std::size_t i = 0; i < x.rows(); ++i)
        for (std::size_t c = 0; c < 3; ++c) {
            double want = 0;
            for (std::size_t j = 0; j < x.dims(); ++j) want += (x(i, j) - model.mean()[j]) * model.components()(c, j);
            EXPECT_NEAR(y(i, c), want, 1e-3 * (1 + std::abs(want)));
        }
    // the variance of each output column is its explained variance, and columns are uncorrelated
    for (std::size_t c = 0; c < 3; ++c) {
        double mean = 0, var = 0, cross = 0;
        for (std::size_t i = 0; i < y.rows(); ++i) mean += y(i, c);
        mean /= static_cast<double>(y.rows());
        for (std::size_t i = 0; i < y.rows(); ++i) {
            var += (y(i, c) - mean) * (y(i, c) - mean);
            cross += y(i, c) * y(i, (c + 1) % 3);
        }
        var /= static_cast<double>(y.rows() - 1);
        EXPECT_NEAR(var, model.explained_variance()[c], 1e-3 * var);
        EXPECT_NEAR(cross / static_cast<double>(y.rows() - 1), 0.0, 1e-3 * model.explained_variance()[0]);
    }
}

TEST(pca, whitening_gives_unit_variance) {
    const auto x = spectrum_data(400, 6, 4);
    pca model({.n_components = 3, .whiten = true});
    const auto y = model.fit_transform(x);
    for (std::size_t c = 0; c < 3; ++c) {
        double sum = 0, sq = 0;
        for (std::size_t i = 0; i < y.rows(); ++i) {
            sum += y(i, c);
            sq += static_cast<double>(y(i, c)) * y(i, c);
        }
        const double n = static_cast<double>(y.rows());
        EXPECT_NEAR(sum / n, 0.0, 1e-4);
        EXPECT_NEAR((sq - sum * sum / n) / (n - 1), 1.0, 1e-3);
    }
}

TEST(pca, sign_convention_and_determinism) {
    auto x = spectrum_data(300, 8, 5);
    pca a({.n_components = 3}), b({.n_components = 3});
    a.fit(x);
    for (std::size_t c = 0; c < 3; ++c) {  // the entry of largest magnitude is positive
        float best = 0;
        for (std::size_t j = 0; j < 8; ++j)
            if (std::abs(a.components()(c, j)) > std::abs(best)) best = a.components()(c, j);
        EXPECT_GT(best, 0.0f);
    }
    // negated data has the same covariance, hence the same components (no sign flip)
    auto neg = x;
    for (std::size_t i = 0; i < neg.rows(); ++i)
        for (std::size_t j = 0; j < 8; ++j) neg(i, j) = -neg(i, j);
    b.fit(neg);
    for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t j = 0; j < 8; ++j) EXPECT_NEAR(a.components()(c, j), b.components()(c, j), 1e-5);
    // same options and threads: same bytes, for both solvers
    for (auto solver : {pca_solver::exact, pca_solver::randomized}) {
        pca p({.n_components = 3, .solver = solver, .n_threads = 2, .seed = 9}),
            q({.n_components = 3, .solver = solver, .n_threads = 2, .seed = 9});
        const auto yp = p.fit_transform(x), yq = q.fit_transform(x);
        EXPECT_EQ(0, std::memcmp(yp.data(), yq.data(), yp.rows() * yp.stride() * sizeof(float)));
    }
}

TEST(pca, automatic_solver_follows_the_cost_model) {
    pca narrow({.n_components = 2});
    narrow.fit(spectrum_data(200, 10, 6));
    EXPECT_EQ(narrow.solver_used(), pca_solver::exact);
    pca wide({.n_components = 2, .oversamples = 4, .power_iterations = 2});
    wide.fit(spectrum_data(300, 200, 6, 0.9));
    EXPECT_EQ(wide.solver_used(), pca_solver::randomized);
}

TEST(pca, int8_and_bit_input_are_taken_as_numbers) {
    rng gen(7);
    matrix<std::int8_t> codes(200, 10);
    matrix<float> as_float(200, 10);
    matrix<bit> bits(200, 70);
    matrix<float> bits_float(200, 70);
    for (std::size_t i = 0; i < 200; ++i) {
        for (std::size_t j = 0; j < 10; ++j) {
            const auto v = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
            codes(i, j) = v;
            as_float(i, j) = v;
        }
        for (std::size_t j = 0; j < 70; ++j) {
            const bool on = gen.below(3) == 0 || (j < 5 && i % 2 == 0);
            bits.set_bit(i, j, on);
            bits_float(i, j) = on ? 1.0f : 0.0f;
        }
    }
    pca a({.n_components = 2}), b({.n_components = 2}), c({.n_components = 3}), d({.n_components = 3});
    const auto ya = a.fit_transform(codes), yb = b.fit_transform(as_float);
    const auto yc = c.fit_transform(bits), yd = d.fit_transform(bits_float);
    for (std::size_t i = 0; i < 200; ++i) {
        for (std::size_t k = 0; k < 2; ++k) EXPECT_NEAR(ya(i, k), yb(i, k), 1e-3);
        for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(yc(i, k), yd(i, k), 1e-4);
    }
}

TEST(pca, bad_input_is_rejected_clearly) {
    const auto x = spectrum_data(50, 4, 8);
    EXPECT_THROW(pca({.n_components = 0}).fit(x), invalid_argument);
    EXPECT_THROW(pca({.n_components = 5}).fit(x), invalid_argument);  // > dims
    EXPECT_THROW(pca({.n_components = 2}).fit(matrix<float>(1, 4)), invalid_argument);
    EXPECT_THROW(pca({.n_components = 2}).fit(matrix<float>(0, 4)), invalid_argument);

    auto nan = x;
    nan(17, 2) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(pca().fit(nan), data_error);

    matrix<float> constant(30, 4);
    for (std::size_t i = 0; i < 30; ++i)
        for (std::size_t j = 0; j < 4; ++j) constant(i, j) = 3.5f;
    EXPECT_THROW(pca().fit(constant), data_error);

    // rank 1 data: whitening a second component would divide by zero
    matrix<float> line(30, 4);
    for (std::size_t i = 0; i < 30; ++i)
        for (std::size_t j = 0; j < 4; ++j) line(i, j) = static_cast<float>(i) * static_cast<float>(j + 1);
    EXPECT_THROW(pca({.n_components = 2, .whiten = true}).fit(line), invalid_argument);
    EXPECT_NO_THROW(pca({.n_components = 1, .whiten = true}).fit(line));

    pca model;
    EXPECT_THROW((void)model.transform(x), invalid_argument);  // not fitted
    model.fit(x);
    EXPECT_THROW((void)model.transform(matrix<float>(3, 5)), shape_error);
    try {
        (void)model.transform(matrix<float>(3, 5));
    } catch (const shape_error& e) {
        EXPECT_STREQ(e.what(), "pca::transform: data has 5 dims (expected 4)");
    }
    // a failed fit leaves the previous one in place
    EXPECT_THROW(model.fit(nan), data_error);
    EXPECT_TRUE(model.fitted());
    EXPECT_EQ(model.dims(), 4u);
}

}  // namespace
