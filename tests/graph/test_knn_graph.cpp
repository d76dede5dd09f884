// SPDX-License-Identifier: MIT
// kNN graphs: the exact graph against an O(n^2) reference, graphs from a flat index and from
// HNSW (recall against the exact graph, determinism), the sampled recall report, bad input,
// and the HNSW graph on a Fashion-MNIST subset.
#include <vspace/core/random.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/l2.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace {

using namespace vspace;

/// Clusters on a low-dimensional subspace plus noise (see tests/index/test_hnsw.cpp).
matrix<float> clustered(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    constexpr std::size_t latent = 6, clusters = 15;
    rng gen(seed);
    matrix<float> basis(latent, dims), centres(clusters, latent), m(rows, dims);
    for (std::size_t a = 0; a < latent; ++a)
        for (std::size_t j = 0; j < dims; ++j) basis(a, j) = static_cast<float>(gen.normal());
    for (std::size_t c = 0; c < clusters; ++c)
        for (std::size_t a = 0; a < latent; ++a) centres(c, a) = static_cast<float>(3 * gen.normal());
    for (std::size_t i = 0; i < rows; ++i) {
        const std::size_t c = gen.below(clusters);
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = 0.1f * static_cast<float>(gen.normal());
        for (std::size_t a = 0; a < latent; ++a) {
            const float z = centres(c, a) + static_cast<float>(gen.normal());
            for (std::size_t j = 0; j < dims; ++j) m(i, j) += z * basis(a, j);
        }
    }
    return m;
}

TEST(knn_graph, exact_graph_matches_the_quadratic_reference) {
    const auto x = clustered(300, 12, 1);
    const std::size_t k = 7;
    const auto g = exact_knn_graph<l2>(x.view(), k);
    ASSERT_EQ(g.n, 300u);
    ASSERT_EQ(g.k, k);
    for (std::size_t i = 0; i < x.rows(); ++i) {
        std::vector<std::pair<float, std::uint32_t>> all;
        for (std::size_t j = 0; j < x.rows(); ++j)
            if (j != i) all.push_back({l2{}(x.row(i), x.row(j)), static_cast<std::uint32_t>(j)});
        std::sort(all.begin(), all.end());
        for (std::size_t j = 0; j < k; ++j) {
            EXPECT_EQ(g.neighbors(i)[j], all[j].second);
            EXPECT_NEAR(g.distances_of(i)[j], all[j].first, 1e-4f * (1 + all[j].first));
        }
    }
    EXPECT_DOUBLE_EQ(graph_recall(g, g), 1.0);
}

TEST(knn_graph, hnsw_graph_has_high_recall_and_is_deterministic) {
    const auto x = clustered(4000, 32, 2);
    const std::size_t k = 10;
    const auto exact = exact_knn_graph<l2>(x.view(), k);
    const auto fast = hnsw_knn_graph<l2>(x.view(), k, {.n_threads = 1});
    EXPECT_GE(graph_recall(fast, exact), 0.95);
    const auto two = hnsw_knn_graph<l2>(x.view(), k, {.n_threads = 2});
    EXPECT_EQ(two.ids, fast.ids);
    EXPECT_EQ(two.distances, fast.distances);
    const auto better = hnsw_knn_graph<l2>(x.view(), k, {.m = 16, .ef_construction = 100, .ef = 64});
    EXPECT_GE(graph_recall(better, exact), 0.99);
    for (std::size_t i = 0; i < x.rows(); ++i) {
        const auto nb = fast.neighbors(i);
        EXPECT_EQ(std::count(nb.begin(), nb.end(), static_cast<std::uint32_t>(i)), 0);  // never itself
        const auto d = fast.distances_of(i);
        EXPECT_TRUE(std::is_sorted(d.begin(), d.end()));
        EXPECT_NEAR(d[0], l2{}(x.row(i), x.row(nb[0])), 1e-3f * (1 + d[0]));  // reported in l2 units
    }
}

TEST(knn_graph, any_index_builds_the_graph_of_its_data) {
    const auto x = clustered(1500, 16, 3);
    const auto exact = exact_knn_graph<cosine>(x.view(), 5);
    flat_index<cosine, float> flat(16);
    flat.add(x);
    const auto from_flat = build_knn_graph(flat, x.view(), 5);
    EXPECT_EQ(from_flat.ids, exact.ids);
    hnsw_index<cosine, float> hnsw(16);
    hnsw.add(x);
    EXPECT_GE(graph_recall(build_knn_graph(hnsw, x.view(), 5), exact), 0.98);  // walks start at each point
    hnsw_index<cosine, float> partial(16);
    partial.add(x.view().subview(0, 1000));
    EXPECT_THROW(build_knn_graph(partial, x.view(), 5), shape_error);
}

TEST(knn_graph, refining_rows_with_a_flat_index_makes_exactly_those_rows_exact) {
    const auto x = clustered(3000, 24, 6);
    const auto exact = exact_knn_graph<l2>(x.view(), 10);
    auto g = hnsw_knn_graph<l2>(x.view(), 10, {.m = 4, .ef_construction = 8, .ef = 11});  // rough on purpose
    const auto before = g;
    std::vector<std::uint32_t> rows;
    for (std::uint32_t i = 0; i < 3000; ++i)
        if (!std::equal(g.neighbors(i).begin(), g.neighbors(i).end(), exact.neighbors(i).begin())) rows.push_back(i);
    ASSERT_GT(rows.size(), 300u);  // the rough graph has many wrong rows
    rows.resize(rows.size() / 2);  // refine only half of them
    flat_index<l2, float> flat(24);
    flat.add(x);
    refine_knn_graph(g, flat, x.view(), rows, {.n_threads = 2});
    std::vector<bool> refined(3000, false);
    for (auto r : rows) refined[r] = true;
    for (std::size_t i = 0; i < 3000; ++i) {
        const auto& want = refined[i] ? exact : before;
        EXPECT_TRUE(std::equal(g.neighbors(i).begin(), g.neighbors(i).end(), want.neighbors(i).begin())) << i;
    }
    const std::vector<std::uint32_t> outside{3000};
    EXPECT_THROW(refine_knn_graph(g, flat, x.view(), outside), invalid_argument);
    EXPECT_THROW(refine_knn_graph(g, flat, x.view().subview(0, 100), rows), shape_error);
}

TEST(knn_graph, duplicates_never_list_a_point_as_its_own_neighbour) {
    matrix<float> x(400, 4);
    for (std::size_t i = 0; i < 400; ++i)
        for (std::size_t j = 0; j < 4; ++j) x(i, j) = static_cast<float>((i % 20) * (j + 1));  // 20 copies each
    for (const auto& g : {exact_knn_graph<l2sq>(x.view(), 25), hnsw_knn_graph<l2sq>(x.view(), 25)}) {
        for (std::size_t i = 0; i < 400; ++i) {
            const auto nb = g.neighbors(i);
            EXPECT_EQ(std::count(nb.begin(), nb.end(), static_cast<std::uint32_t>(i)), 0);
            EXPECT_EQ(g.distances_of(i)[18], 0.f);  // its 19 copies come first
            EXPECT_GT(g.distances_of(i)[19], 0.f);
        }
    }
}

TEST(knn_graph, sampled_recall_estimates_the_full_recall) {
    const auto x = clustered(3000, 24, 4);
    const auto exact = exact_knn_graph<l2>(x.view(), 10);
    const auto rough = hnsw_knn_graph<l2>(x.view(), 10, {.m = 4, .ef_construction = 8, .ef = 11});
    const double full = graph_recall(rough, exact);
    EXPECT_LT(full, 0.99);  // rough enough that the estimate has something to estimate
    EXPECT_NEAR(sampled_graph_recall<l2>(rough, x.view(), 1000), full, 0.03);
    EXPECT_DOUBLE_EQ(sampled_graph_recall<l2>(exact, x.view(), 5000), 1.0);  // more samples than points
}

TEST(knn_graph, bad_input_throws) {
    const auto x = clustered(50, 8, 5);
    EXPECT_THROW(exact_knn_graph<l2>(x.view(), 0), invalid_argument);
    EXPECT_THROW(exact_knn_graph<l2>(x.view(), 50), invalid_argument);
    EXPECT_THROW(hnsw_knn_graph<l2>(x.view(), 50), invalid_argument);
    EXPECT_THROW(hnsw_knn_graph<l2>(x.view(), 10, {.ef = 10}), invalid_argument);
    EXPECT_THROW(hnsw_knn_graph<l2>(x.view(), 10, {.m = 1}), invalid_argument);
    auto bad = x;
    bad(3, 3) = std::nanf("");
    EXPECT_THROW(hnsw_knn_graph<l2>(bad.view(), 5), data_error);
    const auto g = exact_knn_graph<l2>(x.view(), 5);
    EXPECT_THROW(graph_recall(exact_knn_graph<l2>(x.view(), 6), g), shape_error);
    EXPECT_THROW(sampled_graph_recall<l2>(g, x.view().subview(0, 40)), shape_error);
    EXPECT_THROW(sampled_graph_recall<l2>(knn_graph{}, x.view()), shape_error);
}

TEST(knn_graph, fashion_mnist_subset_for_umap) {
    const auto folder = test::fashion_mnist("");
    VSPACE_REQUIRE_DATA(test::fashion_mnist("train-images-idx3-ubyte.gz"));
    const auto data = load_fashion_mnist(folder);
    const auto x = data.images.view().subview(0, 8000);
    const auto exact = exact_knn_graph<l2>(x, 15);
    const auto fast = hnsw_knn_graph<l2>(x, 15);
    const double r = graph_recall(fast, exact);
    EXPECT_GE(r, 0.93) << "default options, k = 15 (UMAP)";
}

}  // namespace
