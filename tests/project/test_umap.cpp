// SPDX-License-Identifier: MIT
// UMAP end to end: map quality on real data against umap-learn's, determinism, the stepper,
// disconnected graphs, transform, supervised maps, int8 and bit input, and bad input.
#include <vspace/analyze/quality.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/idx.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/project/umap.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace {

using namespace vspace;

/// n_blobs Gaussian blobs of per_blob points; blob b is centred at `gap` * e_b.
matrix<float> blobs(std::size_t per_blob, std::size_t n_blobs, std::size_t dims, float gap, std::uint64_t seed) {
    matrix<float> m(per_blob * n_blobs, dims);
    rng gen(seed);
    for (std::size_t b = 0; b < n_blobs; ++b)
        for (std::size_t i = 0; i < per_blob; ++i)
            for (std::size_t j = 0; j < dims; ++j)
                m(b * per_blob + i, j) = static_cast<float>(gen.normal()) + (j == b ? gap : 0.0f);
    return m;
}

std::vector<std::int64_t> blob_labels(std::size_t per_blob, std::size_t n_blobs) {
    std::vector<std::int64_t> l(per_blob * n_blobs);
    for (std::size_t i = 0; i < l.size(); ++i) l[i] = static_cast<std::int64_t>(i / per_blob);
    return l;
}

/// Leave-one-out k-NN accuracy of labels on a map: even rows train, odd rows test.
double split_accuracy(matrix_view<float> y, const std::vector<std::int64_t>& labels, std::size_t k = 5) {
    std::vector<std::uint32_t> even, odd;
    for (std::uint32_t i = 0; i < y.rows(); ++i) (i % 2 ? odd : even).push_back(i);
    std::vector<std::int64_t> le, lo;
    for (auto i : even) le.push_back(labels[i]);
    for (auto i : odd) lo.push_back(labels[i]);
    const auto a = take_rows(y, std::span<const std::uint32_t>(even)), b = take_rows(y, std::span<const std::uint32_t>(odd));
    return knn_accuracy<std::int64_t>(a.view(), le, b.view(), lo, k);
}

bool all_finite(matrix_view<float> y) {
    for (std::size_t i = 0; i < y.rows(); ++i)
        for (std::size_t j = 0; j < y.dims(); ++j)
            if (!std::isfinite(y(i, j))) return false;
    return true;
}

bool same_bytes(matrix_view<float> a, matrix_view<float> b) {
    if (a.rows() != b.rows() || a.dims() != b.dims()) return false;
    for (std::size_t i = 0; i < a.rows(); ++i)
        if (std::memcmp(a.row_data(i), b.row_data(i), a.dims() * sizeof(float)) != 0) return false;
    return true;
}

TEST(umap, fashion_mnist_quality_matches_umap_learn) {
    const auto images = test::fashion_mnist("train-images-idx3-ubyte.gz");
    const auto labels_file = test::fashion_mnist("train-labels-idx1-ubyte.gz");
    VSPACE_REQUIRE_DATA(images);
    VSPACE_REQUIRE_DATA(labels_file);
    const matrix<float> all = read_idx_matrix(images);
    const auto all_labels = read_idx_labels(labels_file);
    const matrix<float> x(all.view().subview(0, 3000));
    umap<> model({.seed = 1});
    const matrix<float> y = model.fit_transform(x.view());
    ASSERT_TRUE(all_finite(y.view()));
    EXPECT_EQ(model.report().n_epochs, 500u);  // n <= 10,000
    EXPECT_NEAR(model.report().a, 1.577, 1e-3);
    EXPECT_NEAR(model.report().b, 0.895, 1e-3);
    // umap-learn 0.5.3 on the same 3,000 images (seeds 1, 2, 3): trustworthiness(10) 0.9791,
    // 0.9785, 0.9791; k-NN accuracy (first 2,400 train, last 600 test) 0.737, 0.723, 0.715.
    EXPECT_GT(trustworthiness(x.view(), y.view(), 10), 0.975);
    std::vector<std::int64_t> labels(all_labels.begin(), all_labels.begin() + 3000);
    const std::span<const std::int64_t> l(labels);
    EXPECT_GT(knn_accuracy(y.view().subview(0, 2400), l.first(2400), y.view().subview(2400, 600), l.subspan(2400), 10),
              0.70);
}

TEST(umap, same_seed_same_bytes_for_any_thread_count) {
    const auto x = blobs(60, 4, 6, 5.0f, 1);
    umap<> a({.n_epochs = 60, .n_threads = 1, .seed = 3}), b({.n_epochs = 60, .n_threads = 2, .seed = 3}),
        c({.n_epochs = 60, .n_threads = 2, .seed = 4});
    const auto ya = a.fit_transform(x), yb = b.fit_transform(x), yc = c.fit_transform(x);
    EXPECT_TRUE(same_bytes(ya.view(), yb.view()));
    EXPECT_FALSE(same_bytes(ya.view(), yc.view()));
    const auto q = blobs(5, 4, 6, 5.0f, 2);
    EXPECT_TRUE(same_bytes(a.transform(q).view(), b.transform(q).view()));
}

TEST(umap, stepper_runs_the_same_epochs_as_fit) {
    const auto x = blobs(50, 3, 5, 5.0f, 3);
    umap<> stepped({.n_epochs = 45, .seed = 5}), whole({.n_epochs = 45, .seed = 5});
    auto run = stepped.start(x.view());
    static_assert(stepper<decltype(run)>);
    EXPECT_EQ(run.n_iterations(), 45u);
    EXPECT_FALSE(run.done());
    EXPECT_FALSE(stepped.fitted());
    EXPECT_EQ(run.step(10), 10u);
    EXPECT_EQ(run.iteration(), 10u);
    EXPECT_EQ(run.embedding().rows(), 150u);
    std::size_t calls = 0;
    run_to_end(run, [&](std::size_t done, std::size_t total) {
        ++calls;
        EXPECT_LE(done, total);
    }, 10);
    EXPECT_EQ(calls, 4u);  // 20, 30, 40, 45
    EXPECT_TRUE(run.done());
    EXPECT_EQ(run.step(5), 0u);
    EXPECT_TRUE(stepped.fitted());
    whole.fit(x);
    EXPECT_TRUE(same_bytes(stepped.embedding(), whole.embedding()));
    (void)stepped.start(x.view());  // a new start makes the old stepper stale
    EXPECT_THROW(run.step(1), invalid_argument);
}

TEST(umap, disconnected_graph_keeps_components_apart) {
    const auto x = blobs(40, 3, 3, 60.0f, 4);  // far apart: no kNN edge between blobs
    umap<> model({.n_neighbors = 10, .seed = 6});
    const auto y = model.fit_transform(x);
    EXPECT_EQ(model.report().components, 3u);
    EXPECT_EQ(model.report().spectral_fallbacks, 0u);
    ASSERT_TRUE(all_finite(y.view()));
    EXPECT_DOUBLE_EQ(split_accuracy(y.view(), blob_labels(40, 3)), 1.0);
}

TEST(umap, many_and_tiny_components) {
    // 12 blobs (more than 2 x dims: centres from the PCA of the centroids) ...
    const auto x = blobs(20, 12, 12, 80.0f, 7);
    umap<> model({.n_neighbors = 8, .n_epochs = 100, .seed = 7});
    const auto y = model.fit_transform(x);
    EXPECT_EQ(model.report().components, 12u);
    ASSERT_TRUE(all_finite(y.view()));
    EXPECT_GT(split_accuracy(y.view(), blob_labels(20, 12)), 0.95);
    // ... and n_neighbors = 2 links each point to one other: many components of two or three
    // points, too small for an eigensolver (placed at random in their room)
    umap<> pairs({.n_neighbors = 2, .n_epochs = 50, .seed = 8});
    const auto yp = pairs.fit_transform(blobs(100, 1, 4, 0.0f, 8));
    EXPECT_GT(pairs.report().components, 10u);
    EXPECT_TRUE(all_finite(yp.view()));
}

TEST(umap, partial_duplicates_are_fine) {
    auto x = blobs(60, 2, 4, 6.0f, 9);
    for (std::size_t i = 1; i < 20; ++i) std::memcpy(x.row_data(i), x.row_data(0), 4 * sizeof(float));  // 20 copies
    umap<> model({.n_neighbors = 10, .n_epochs = 100, .seed = 9});
    const auto y = model.fit_transform(x);
    ASSERT_TRUE(all_finite(y.view()));
    // the copies are pushed apart (umap-learn's rule for coincident points) but stay together
    double spread = 0;
    for (std::size_t i = 1; i < 20; ++i) spread = std::max<double>(spread, std::hypot(y(i, 0) - y(0, 0), y(i, 1) - y(0, 1)));
    EXPECT_GT(spread, 0.0);
    EXPECT_GT(split_accuracy(y.view(), blob_labels(60, 2)), 0.95);
}

TEST(umap, transform_places_queries_in_their_clusters) {
    const auto x = blobs(80, 4, 8, 6.0f, 10), queries = blobs(15, 4, 8, 6.0f, 11);
    umap<> model({.seed = 12});
    const auto y = model.fit_transform(x);
    const auto q = model.transform(queries);
    ASSERT_EQ(q.rows(), 60u);
    ASSERT_EQ(q.dims(), 2u);
    ASSERT_TRUE(all_finite(q.view()));
    const auto train_labels = blob_labels(80, 4), query_labels = blob_labels(15, 4);
    EXPECT_GT(knn_accuracy<std::int64_t>(y.view(), train_labels, q.view(), query_labels, 5), 0.95);
    // the training map is not moved by transform
    EXPECT_TRUE(same_bytes(y.view(), model.embedding()));
    // a training point sent through transform lands among its own cluster
    const auto again = model.transform(x.view().subview(0, 10));
    EXPECT_GT(knn_accuracy<std::int64_t>(y.view(), train_labels, again.view(),
                                         std::span<const std::int64_t>(train_labels).first(10), 5),
              0.95);
    EXPECT_EQ(model.transform(matrix<float>(0, 8)).rows(), 0u);
}

TEST(umap, labels_make_a_supervised_map) {
    const auto x = blobs(100, 3, 4, 1.2f, 13);  // overlapping classes
    const auto labels = blob_labels(100, 3);
    umap<> plain({.seed = 14}), supervised({.seed = 14});
    const auto yp = plain.fit_transform(x);
    const auto ys = supervised.fit_transform(x.view(), labels);
    const double before = split_accuracy(yp.view(), labels), after = split_accuracy(ys.view(), labels);
    EXPECT_LT(before, 0.9);  // the classes do overlap in the data
    EXPECT_GT(after, 0.97);
    std::vector<std::int64_t> partial = labels;  // unknown labels (-1) are allowed
    for (std::size_t i = 0; i < partial.size(); i += 3) partial[i] = -1;
    EXPECT_TRUE(all_finite(umap<>({.n_epochs = 50}).fit_transform(x.view(), partial).view()));
}

TEST(umap, int8_and_bit_input_through_their_metrics) {
    const auto x = blobs(60, 3, 16, 8.0f, 15);
    matrix<std::int8_t> codes(x.rows(), x.dims());
    for (std::size_t i = 0; i < x.rows(); ++i)
        for (std::size_t j = 0; j < x.dims(); ++j) codes(i, j) = static_cast<std::int8_t>(std::lround(x(i, j) * 10));
    umap<cosine, std::int8_t> by_codes({.n_epochs = 100, .seed = 16});
    const auto yc = by_codes.fit_transform(codes);
    EXPECT_GT(split_accuracy(yc.view(), blob_labels(60, 3)), 0.95);

    matrix<bit> bits(180, 256);  // three prototypes, 10 % of bits flipped per point
    rng gen(17);
    std::vector<std::vector<bool>> prototype(3, std::vector<bool>(256));
    for (auto& p : prototype)
        for (std::size_t j = 0; j < 256; ++j) p[j] = gen.below(2) == 1;
    for (std::size_t i = 0; i < 180; ++i)
        for (std::size_t j = 0; j < 256; ++j) bits.set_bit(i, j, prototype[i / 60][j] != (gen.below(10) == 0));
    umap<hamming, bit> by_bits({.n_epochs = 100, .seed = 18});
    const auto yb = by_bits.fit_transform(bits);
    EXPECT_GT(split_accuracy(yb.view(), blob_labels(60, 3)), 0.95);
    EXPECT_TRUE(all_finite(by_bits.transform(bits.view().subview(0, 5)).view()));
}

TEST(umap, three_dimensions_and_other_starts) {
    const auto x = blobs(50, 4, 6, 6.0f, 19);
    for (auto init : {umap_init::spectral, umap_init::pca, umap_init::random}) {
        umap<> model({.n_components = 3, .n_epochs = 100, .init = init, .seed = 20});
        const auto y = model.fit_transform(x);
        ASSERT_EQ(y.dims(), 3u);
        EXPECT_EQ(model.report().init, init);
        EXPECT_TRUE(all_finite(y.view()));
        EXPECT_GT(split_accuracy(y.view(), blob_labels(50, 4)), 0.95) << umap_init_name(init);
    }
}

TEST(umap, takes_a_prebuilt_index_and_graph) {
    const auto x = blobs(60, 3, 8, 6.0f, 21);
    using index_t = hnsw_index<l2, float>;
    index_t index(8, {.m = 8, .ef_construction = 64, .seed = 1});
    index.add(x.view());
    const knn_graph g = build_knn_graph(index, x.view(), 20, {.ef = 40});  // more neighbours than needed
    umap<l2, float, index_t> model({.n_neighbors = 12, .seed = 22});
    auto run = model.start(x.view(), std::move(index), g);
    run_to_end(run, [](std::size_t, std::size_t) {});
    EXPECT_TRUE(model.fitted());
    EXPECT_GT(split_accuracy(model.embedding(), blob_labels(60, 3)), 0.95);
    EXPECT_EQ(model.index().size(), 180u);
    EXPECT_TRUE(all_finite(model.transform(x.view().subview(0, 3)).view()));
    // an hnsw-built UMAP from scratch
    umap<l2, float, index_t> from_scratch({.n_epochs = 60, .seed = 23});
    EXPECT_GT(split_accuracy(from_scratch.fit_transform(x).view(), blob_labels(60, 3)), 0.95);

    umap<> wrong({.n_neighbors = 25});
    flat_index<l2, float> flat(8);
    flat.add(x.view());
    EXPECT_THROW(wrong.start(x.view(), std::move(flat), g), shape_error);  // graph has 20 < 24
}

TEST(umap, bad_input_is_rejected_clearly) {
    const auto x = blobs(30, 2, 4, 5.0f, 24);
    // too few points for the neighbourhood
    try {
        umap<>({.n_neighbors = 15}).fit(x.view().subview(0, 15));
        ADD_FAILURE() << "expected invalid_argument";
    } catch (const invalid_argument& e) {
        EXPECT_STREQ(e.what(), "umap::fit: 15 points (expected at least n_neighbors + 1 = 16)");
    }
    EXPECT_THROW(umap<>().fit(matrix<float>(0, 4)), invalid_argument);
    // constant data, and nothing but duplicates: every kNN distance is zero
    matrix<float> constant(40, 4);
    EXPECT_THROW(umap<>().fit(constant), data_error);
    matrix<float> copies(60, 4);
    for (std::size_t i = 0; i < 60; ++i) copies(i, i % 3) = 1.0f;  // 3 distinct points, 20 copies each
    try {
        umap<>().fit(copies);
        ADD_FAILURE() << "expected data_error";
    } catch (const data_error& e) {
        EXPECT_NE(std::string(e.what()).find("distance 0"), std::string::npos) << e.what();
    }
    auto nan = x;
    nan(7, 2) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(umap<>().fit(nan), data_error);

    umap<> model({.n_epochs = 20});
    EXPECT_THROW(model.transform(x), invalid_argument);  // not fitted
    EXPECT_THROW(model.index(), invalid_argument);
    model.fit(x);
    try {
        model.transform(matrix<float>(2, 5));
        ADD_FAILURE() << "expected shape_error";
    } catch (const shape_error& e) {
        EXPECT_STREQ(e.what(), "umap::transform: queries have 5 dims (expected 4)");
    }
    EXPECT_THROW(model.transform(nan), data_error);
    const std::vector<std::int64_t> few_labels(10, 0);
    EXPECT_THROW(model.fit(x.view(), few_labels), shape_error);

    // options
    EXPECT_THROW(umap<>({.n_neighbors = 1}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.min_dist = 2.0f, .spread = 1.0f}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.min_dist = -0.1f}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.spread = 0.0f}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.n_components = 0}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.n_components = 5000}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.learning_rate = std::numeric_limits<float>::quiet_NaN()}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.set_op_mix_ratio = 1.5f}).fit(x), invalid_argument);
    EXPECT_THROW(umap<>({.a = 1.0f}).fit(x), invalid_argument);  // a without b
    EXPECT_THROW(umap<>({.target_weight = -1.0f}).fit(x), invalid_argument);
    try {
        umap<>({.min_dist = 2.0f}).fit(x);
    } catch (const invalid_argument& e) {
        EXPECT_STREQ(e.what(), "umap::fit: min_dist = 2 (expected 0 <= min_dist <= spread)");
    }
}

}  // namespace
