// SPDX-License-Identifier: MIT
// UMAP's algorithm steps one by one, each against a naive reference or a published property:
// the bandwidth equation, the fuzzy union, umap-learn's a/b, the spectral embedding (dense
// eigensolver; a ring maps to a circle), and the SGD (it pulls graph neighbours together and
// matches a sequential umap-learn-style reference in quality; deterministic for any threads).
#include <vspace/analyze/quality.hpp>
#include <vspace/project/umap.hpp>

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <cmath>
#include <cstring>
#include <map>

namespace {

using namespace vspace;

matrix<float> blobs(std::size_t per_blob, std::size_t n_blobs, std::size_t dims, float spread, std::uint64_t seed) {
    matrix<float> m(per_blob * n_blobs, dims);
    rng gen(seed);
    for (std::size_t b = 0; b < n_blobs; ++b)
        for (std::size_t i = 0; i < per_blob; ++i)
            for (std::size_t j = 0; j < dims; ++j)
                m(b * per_blob + i, j) = static_cast<float>(gen.normal() + (j == b % dims ? spread * (1.0 + b / dims) : 0.0));
    return m;
}

TEST(umap_steps, sigma_solves_the_bandwidth_equation) {
    rng gen(1);
    const std::size_t n = 200, k = 14;
    std::vector<float> d(n * k);
    for (std::size_t i = 0; i < n; ++i) {
        float v = static_cast<float>(gen.uniform_double() * 2);
        for (std::size_t j = 0; j < k; ++j) d[i * k + j] = v += static_cast<float>(gen.uniform_double());
    }
    for (double connectivity : {1.0, 1.5, 0.0, 3.0}) {
        const auto r = detail::smooth_knn(d.data(), n, k, k, connectivity, 1.0, 2);
        EXPECT_EQ(r.not_converged, 0u);
        for (std::size_t i = 0; i < n; ++i) {
            const float* row = d.data() + i * k;
            // rho: the local_connectivity-th distance, interpolated (all distances are > 0 here)
            const auto idx = static_cast<std::size_t>(std::floor(connectivity));
            const double frac = connectivity - static_cast<double>(idx);
            const double rho = idx == 0 ? frac * row[0] : row[idx - 1] + frac * (row[idx] - row[idx - 1]);
            EXPECT_NEAR(r.rho[i], rho, 1e-5);
            double sum = 0;
            for (std::size_t j = 0; j < k; ++j) sum += detail::membership(row[j], r.rho[i], r.sigma[i]);
            EXPECT_NEAR(sum, std::log2(static_cast<double>(k + 1)), 1e-4) << "point " << i;
        }
    }
}

TEST(umap_steps, sigma_edge_cases) {
    // duplicates: zero distances are skipped for rho; all-zero rows get weight 1 everywhere
    const std::size_t k = 5;
    std::vector<float> d = {0, 1, 2, 3, 4,  // a duplicate, then real neighbours
                            0, 0, 0, 0, 0,  // nothing but duplicates
                            1, 1, 1, 1, 1};  // all at the same distance: no root, sigma -> floor
    const auto r = detail::smooth_knn(d.data(), 3, k, k, 1.0, 1.0, 1);
    EXPECT_FLOAT_EQ(r.rho[0], 1.0f);
    EXPECT_FLOAT_EQ(r.rho[1], 0.0f);
    EXPECT_FLOAT_EQ(r.rho[2], 1.0f);
    for (std::size_t j = 0; j < k; ++j) {
        EXPECT_FLOAT_EQ(detail::membership(d[5 + j], r.rho[1], r.sigma[1]), 1.0f);
        EXPECT_FLOAT_EQ(detail::membership(d[10 + j], r.rho[2], r.sigma[2]), 1.0f);
    }
    EXPECT_GT(r.sigma[1], 0.0f);  // floored at 1e-3 x the mean distance of all points
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += detail::membership(d[j], r.rho[0], r.sigma[0]);
    EXPECT_NEAR(sum, std::log2(6.0), 1e-4);
    // two duplicates and rho already reach log2(k + 1): no root, sigma at its floor
    const std::vector<float> crowded = {0, 0, 1, 2, 3};
    const auto c = detail::smooth_knn(crowded.data(), 1, k, k, 1.0, 1.0, 1);
    EXPECT_EQ(c.not_converged, 0u);
    EXPECT_NEAR(c.sigma[0], 1e-3 * 6.0 / 5.0, 1e-7);
}

TEST(umap_steps, fuzzy_union_matches_dense_formula) {
    const auto x = blobs(40, 3, 4, 3.0f, 2);
    const std::size_t n = x.rows(), k = 6;
    const knn_graph g = exact_knn_graph<l2>(x.view(), k);
    const auto s = detail::smooth_knn(g.distances.data(), n, k, k, 1.0, 1.0, 1);
    const auto w = detail::directed_memberships(g, k, s, 1);
    for (double mix : {1.0, 0.0, 0.3}) {
        const fuzzy_graph f = detail::fuzzy_union(g, k, w, mix, 2);
        std::vector<double> a(n * n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < k; ++j) a[i * n + g.ids[i * k + j]] = w[i * k + j];
        std::size_t nonzero = 0;
        for (std::size_t i = 0; i < n; ++i) {
            auto t = f.targets_of(i);
            EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
            std::map<std::uint32_t, float> row;
            for (std::size_t e = 0; e < t.size(); ++e) row[t[e]] = f.weights_of(i)[e];
            for (std::size_t j = 0; j < n; ++j) {
                const double p = a[i * n + j] * a[j * n + i];
                const double want = mix * (a[i * n + j] + a[j * n + i] - p) + (1 - mix) * p;
                const auto it = row.find(static_cast<std::uint32_t>(j));
                EXPECT_NEAR(it == row.end() ? 0.0 : it->second, want, 1e-6) << i << " -> " << j;
                nonzero += want > 0;
            }
        }
        EXPECT_EQ(f.edges(), nonzero);
    }
}

TEST(umap_steps, labels_weaken_edges_between_classes) {
    const auto x = blobs(30, 2, 3, 1.0f, 3);  // overlapping blobs: many edges across
    const knn_graph g = exact_knn_graph<l2>(x.view(), 8);
    const auto s = detail::smooth_knn(g.distances.data(), 60, 8, 8, 1.0, 1.0, 1);
    const auto w = detail::directed_memberships(g, 8, s, 1);
    fuzzy_graph f = detail::fuzzy_union(g, 8, w, 1.0, 1);
    const fuzzy_graph before = f;
    std::vector<std::int64_t> labels(60);
    for (std::size_t i = 0; i < 60; ++i) labels[i] = i < 30 ? 0 : 1;
    labels[5] = -1;  // unknown
    detail::intersect_labels(f, labels, 0.5, 2);
    double across_before = 0, across_after = 0;
    for (std::size_t i = 0; i < 60; ++i)
        for (std::size_t e = f.offsets[i]; e < f.offsets[i + 1]; ++e) {
            const std::uint32_t j = f.targets[e];
            EXPECT_NEAR(f.weights[e], f.weights[f.offsets[j] + static_cast<std::size_t>(
                                          std::lower_bound(f.targets_of(j).begin(), f.targets_of(j).end(), i) -
                                          f.targets_of(j).begin())], 1e-6);  // still symmetric
            EXPECT_LE(f.weights[e], 1.0f);
            if (labels[i] >= 0 && labels[j] >= 0 && labels[i] != labels[j]) {
                across_before += before.weights[e];
                across_after += f.weights[e];
            }
        }
    EXPECT_GT(across_before, 0.0);
    EXPECT_LT(across_after, 0.05 * across_before);  // exp(-5) per side, then renormalised
}

TEST(umap_steps, curve_parameters_match_umap_learn) {
    // umap.umap_.find_ab_params(spread, min_dist) of umap-learn 0.5.3 (scipy curve_fit)
    struct {
        double spread, min_dist, a, b;
    } cases[] = {{1.0, 0.1, 1.5769434601962196, 0.8950608779914887}, {1.0, 0.0, 1.9328083975546724, 0.7904949734010681},
                 {1.0, 0.5, 0.583030020479462, 1.3341669929263487},  {1.0, 0.99, 0.11930530006447332, 1.9163904159174419},
                 {2.0, 0.1, 0.5446605403757238, 0.8420554264219823}, {0.5, 0.25, 3.7062902044323978, 1.334167247308424},
                 {3.0, 1.0, 0.0730786239935076, 1.1488894376688874}};
    for (const auto& c : cases) {
        const auto ab = detail::find_ab(c.spread, c.min_dist);
        EXPECT_TRUE(ab.converged);
        EXPECT_NEAR(ab.a, c.a, 1e-4 * c.a) << "spread " << c.spread << " min_dist " << c.min_dist;
        EXPECT_NEAR(ab.b, c.b, 1e-4) << "spread " << c.spread << " min_dist " << c.min_dist;
    }
}

/// A ring of n vertices, each linked to its two neighbours on each side.
fuzzy_graph ring(std::size_t n) {
    fuzzy_graph g;
    g.rows = g.cols = n;
    g.offsets.push_back(0);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::uint32_t> t;
        for (std::size_t s : {n - 2, n - 1, std::size_t{1}, std::size_t{2}}) t.push_back(static_cast<std::uint32_t>((i + s) % n));
        std::sort(t.begin(), t.end());
        for (auto v : t) {
            g.targets.push_back(v);
            g.weights.push_back(1.0f);
        }
        g.offsets.push_back(g.targets.size());
    }
    return g;
}

TEST(umap_steps, spectral_embedding_of_a_ring_is_a_circle) {
    // Dense solver sizes: Lanczos stops at tolerance 1e-4 (as umap-learn), and a ring's
    // eigenvalues are too close for that to resolve (lanczos_agrees_with_the_dense_solver
    // checks the Lanczos path on a graph with a gap).
    for (std::size_t n : {60, 200}) {
        Eigen::MatrixXd y;
        std::size_t products = 0;
        ASSERT_TRUE(detail::spectral_embedding(ring(n), 2, 2, y, products));
        // the two leading non-trivial eigenvectors of a ring are cos and sin of the angle
        const double r0 = y.row(0).norm();
        for (Eigen::Index i = 0; i < y.rows(); ++i) EXPECT_NEAR(y.row(i).norm(), r0, 1e-6 * r0) << "n " << n;
    }
}

TEST(umap_steps, lanczos_agrees_with_the_dense_solver) {
    const auto x = blobs(150, 3, 5, 2.0f, 4);
    const knn_graph g = exact_knn_graph<l2>(x.view(), 10);
    const auto s = detail::smooth_knn(g.distances.data(), x.rows(), 10, 10, 1.0, 1.0, 1);
    const fuzzy_graph f = detail::fuzzy_union(g, 10, detail::directed_memberships(g, 10, s, 1), 1.0, 1);
    std::vector<std::uint32_t> label;
    ASSERT_EQ(detail::connected_components(f, label), 1u);
    Eigen::MatrixXd y;
    std::size_t products = 0;
    ASSERT_TRUE(detail::spectral_embedding(f, 2, 1, y, products));
    EXPECT_GT(products, 0u);  // 450 vertices: Lanczos
    const Eigen::MatrixXd dense = detail::normalized_adjacency(f, 1).dense();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(dense);
    for (Eigen::Index c = 0; c < 2; ++c) {
        const Eigen::VectorXd want = solver.eigenvectors().col(dense.rows() - 2 - c);
        EXPECT_NEAR(std::abs(want.dot(y.col(c))), 1.0, 1e-3) << "eigenvector " << c;
    }
}

TEST(umap_steps, connected_components_and_grouping) {
    fuzzy_graph g;  // 0-1-2, 3, 4-5
    g.rows = g.cols = 6;
    g.offsets = {0, 1, 3, 4, 4, 5, 6};
    g.targets = {1, 0, 2, 1, 5, 4};
    g.weights.assign(6, 1.0f);
    std::vector<std::uint32_t> label;
    ASSERT_EQ(detail::connected_components(g, label), 3u);
    EXPECT_EQ(label, (std::vector<std::uint32_t>{0, 0, 0, 1, 2, 2}));
    const auto groups = detail::group_components(label, 3);
    EXPECT_EQ(groups.of(2).size(), 2u);
    EXPECT_EQ(groups.of(2)[0], 4u);
    const auto meta = detail::unit_vector_positions(3, 2);
    EXPECT_EQ(meta(0, 0), 1.0);
    EXPECT_EQ(meta(1, 1), 1.0);
    EXPECT_EQ(meta(2, 0), -1.0);
    EXPECT_NEAR(detail::component_room(meta, 0), std::sqrt(2.0) / 2, 1e-12);
}

TEST(umap_steps, fast_power_is_accurate) {
    for (float b : {0.79f, 0.895f, 1.0f, 1.93f})
        for (float x = 1e-30f; x < 1e30f; x *= 1.37f) {
            detail::float8 v{};
            v += x;
            detail::pow_positive(v, b);
            const double want = std::pow(static_cast<double>(x), static_cast<double>(b));
            if (want < 1e-37 || want > 1e37) continue;  // outside float's normal range
            // float rounding of the exponent b log2 x dominates far from 1
            const double tolerance = 1e-6 + 1e-7 * std::abs(b * std::log2(static_cast<double>(x)));
            EXPECT_NEAR(v[3], want, tolerance * want) << x << "^" << b;
        }
}

/// -sum over graph edges of v log w, w = 1 / (1 + a d^2b): the attractive part of the fuzzy
/// set cross entropy. (The full cross entropy over all pairs is not what negative sampling
/// minimises (Damrich & Hamprecht 2021), so it is no test; this part must fall.)
double attraction_loss(const fuzzy_graph& g, const std::vector<float>& y, double a, double b) {
    double loss = 0;
    for (std::size_t i = 0; i < g.rows; ++i)
        for (std::size_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
            const std::size_t j = g.targets[e];
            const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            loss -= g.weights[e] * std::log(1.0 / (1.0 + a * std::pow(dx * dx + dy * dy, b)));
        }
    return loss;
}

/// umap-learn's epoch loop (layouts.py) as written: edges in order, both ends moved, negative
/// samples one after another, std::pow. The reference for our parallel variant.
void sequential_reference(const fuzzy_graph& g, std::vector<float>& y, double a, double b, std::size_t epochs,
                          std::uint64_t seed) {
    float max_w = 0;
    for (float w : g.weights) max_w = std::max(max_w, w);
    std::vector<double> eps(g.edges()), next(g.edges()), next_neg(g.edges());
    for (std::size_t e = 0; e < g.edges(); ++e) {
        eps[e] = max_w / g.weights[e];
        next[e] = eps[e];
        next_neg[e] = eps[e] / 5;
    }
    rng gen(seed);
    auto clip = [](double v) { return std::clamp(v, -4.0, 4.0); };
    for (std::size_t n = 0; n < epochs; ++n) {
        const double alpha = 1.0 - static_cast<double>(n) / static_cast<double>(epochs);
        for (std::size_t i = 0; i < g.rows; ++i)
            for (std::size_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
                if (next[e] > static_cast<double>(n + 1)) continue;
                float* cur = &y[2 * i];
                float* oth = &y[2 * g.targets[e]];
                double s = (cur[0] - oth[0]) * (cur[0] - oth[0]) + (cur[1] - oth[1]) * (cur[1] - oth[1]);
                if (s > 0) {
                    const double c = -2 * a * b * std::pow(s, b - 1) / (1 + a * std::pow(s, b));
                    for (int d = 0; d < 2; ++d) {
                        const double step = clip(c * (cur[d] - oth[d])) * alpha;
                        cur[d] = static_cast<float>(cur[d] + step);
                        oth[d] = static_cast<float>(oth[d] - step);
                    }
                }
                next[e] += eps[e];
                const auto negatives = static_cast<std::size_t>((static_cast<double>(n + 1) - next_neg[e]) / (eps[e] / 5));
                for (std::size_t q = 0; q < negatives; ++q) {
                    const std::size_t k = gen.below(g.rows);
                    if (k == i) continue;
                    const float* far = &y[2 * k];
                    const double t = (cur[0] - far[0]) * (cur[0] - far[0]) + (cur[1] - far[1]) * (cur[1] - far[1]);
                    for (int d = 0; d < 2; ++d) {
                        const double c = t > 0 ? 2 * b / ((0.001 + t) * (1 + a * std::pow(t, b))) : 0.0;
                        cur[d] = static_cast<float>(cur[d] + (t > 0 ? clip(c * (cur[d] - far[d])) : 4.0) * alpha);
                    }
                }
                next_neg[e] += static_cast<double>(negatives) * (eps[e] / 5);
            }
    }
}

struct sgd_case {
    matrix<float> x;
    fuzzy_graph g;
    std::vector<float> start;
};

sgd_case make_sgd_case() {
    sgd_case c{blobs(80, 5, 8, 4.0f, 5), {}, {}};
    const std::size_t n = c.x.rows(), k = 14;
    const knn_graph g = exact_knn_graph<l2>(c.x.view(), k);
    const auto s = detail::smooth_knn(g.distances.data(), n, k, k, 1.0, 1.0, 1);
    c.g = detail::fuzzy_union(g, k, detail::directed_memberships(g, k, s, 1), 1.0, 1);
    rng gen(6);
    c.start.resize(2 * n);
    for (auto& v : c.start) v = static_cast<float>(10 * gen.uniform_double());
    return c;
}

TEST(umap_steps, sgd_pulls_neighbours_together_like_the_sequential_reference) {
    const auto c = make_sgd_case();
    const double a = 1.577, b = 0.895;
    detail::sgd_params p{.a = 1.577f, .b = 0.895f, .n_epochs = 300, .seed = 7, .n_threads = 2};
    std::vector<float> ours = c.start, ref = c.start;
    detail::sgd_state st;
    detail::sgd_start(st, c.g, 2, true, p);
    EXPECT_EQ(detail::sgd_run(st, c.g, 2, ours.data(), ours.data(), p, 1000), 300u);
    sequential_reference(c.g, ref, a, b, 300, 7);

    const double before = attraction_loss(c.g, c.start, a, b);
    const double after = attraction_loss(c.g, ours, a, b), after_ref = attraction_loss(c.g, ref, a, b);
    EXPECT_LT(after, 0.3 * before);
    EXPECT_LT(after, 1.1 * after_ref);  // neighbours as close as umap-learn's rule brings them

    const matrix_view<float> yo(ours.data(), c.x.rows(), 2), yr(ref.data(), c.x.rows(), 2);
    const auto qo = neighborhood_preservation(c.x.view(), yo, 10), qr = neighborhood_preservation(c.x.view(), yr, 10);
    EXPECT_GT(qo.trustworthiness, qr.trustworthiness - 0.01);
    EXPECT_GT(qo.knn_preservation, qr.knn_preservation - 0.05);
    EXPECT_GT(qo.trustworthiness, 0.9);
}

TEST(umap_steps, sgd_is_deterministic_for_any_thread_count) {
    const auto c = make_sgd_case();
    std::vector<std::vector<float>> maps;
    for (std::size_t threads : {1, 2, 3, 8}) {
        detail::sgd_params p{.n_epochs = 50, .seed = 11, .n_threads = threads};
        std::vector<float> y = c.start;
        detail::sgd_state st;
        detail::sgd_start(st, c.g, 2, true, p);
        while (detail::sgd_run(st, c.g, 2, y.data(), y.data(), p, 7) > 0) {
        }
        maps.push_back(y);
    }
    for (const auto& m : maps) EXPECT_EQ(0, std::memcmp(m.data(), maps[0].data(), m.size() * sizeof(float)));
    detail::sgd_params other{.n_epochs = 50, .seed = 12};
    std::vector<float> y = c.start;
    detail::sgd_state st;
    detail::sgd_start(st, c.g, 2, true, other);
    detail::sgd_run(st, c.g, 2, y.data(), y.data(), other, 50);
    EXPECT_NE(0, std::memcmp(y.data(), maps[0].data(), y.size() * sizeof(float)));  // the seed matters
}

}  // namespace
