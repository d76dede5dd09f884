// SPDX-License-Identifier: MIT
// flat_index against a brute-force reference: single queries and batches (which take the
// block-kernel path), every built-in metric and kind, near-duplicates that defeat the norm
// trick, ties, filters, k = 1 and k = n, custom metrics, bad input, and a Fashion-MNIST subset.
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/jaccard.hpp>
#include <vspace/metric/l2.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace {

using namespace vspace;

matrix<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

matrix<std::int8_t> random_i8(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<std::int8_t> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
    return m;
}

matrix<bit> random_bits(std::size_t rows, std::size_t dims, std::uint64_t seed, unsigned density = 2) {
    matrix<bit> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m.set_bit(i, j, gen.below(density) == 0);
    return m;
}

/// All rows ranked by the metric's own value (the pair kernel), ties by id; the first k.
template <class M, class T>
std::vector<neighbor> brute_force(const matrix<T>& base, row<T> q, std::size_t k, M m = M{},
                                  const id_filter& filter = {}) {
    std::vector<neighbor> all;
    for (std::size_t i = 0; i < base.rows(); ++i)
        if (!filter || filter(static_cast<std::int64_t>(i)))
            all.push_back({static_cast<std::int64_t>(i), static_cast<float>(m(base.row(i), q))});
    std::sort(all.begin(), all.end());
    all.resize(std::min(k, all.size()));
    return all;
}

/// Index results (single and batch) equal the brute force: same ids in the same order, and
/// distances equal to the pair kernel's (the block path recomputes them with it).
template <class M, class T>
void expect_exact(const matrix<T>& base, const matrix<T>& queries, std::size_t k, const search_options& options = {}) {
    flat_index<M, T> index(base.dims());
    index.add(base);
    const auto batch = index.search(queries.view(), k, options);
    ASSERT_EQ(batch.queries(), queries.rows());
    ASSERT_EQ(batch.k(), std::min(k, base.rows()));
    for (std::size_t q = 0; q < queries.rows(); ++q) {
        const auto want = brute_force<M>(base, queries.row(q), k, M{}, options.filter);
        const auto single = index.search(queries.row(q), k, options);
        ASSERT_EQ(single.size(), want.size());
        for (std::size_t j = 0; j < want.size(); ++j) {
            ASSERT_EQ(single[j].id, want[j].id) << "query " << q << " rank " << j;
            ASSERT_EQ(single[j].distance, want[j].distance);
            ASSERT_EQ(batch.at(q, j).id, want[j].id) << "query " << q << " rank " << j;
            ASSERT_EQ(batch.at(q, j).distance, want[j].distance) << "query " << q << " rank " << j;
        }
        for (std::size_t j = want.size(); j < batch.k(); ++j) EXPECT_EQ(batch.at(q, j).id, no_id);
    }
}

// ---- float -------------------------------------------------------------------------------

TEST(flat_index, float_metrics_match_brute_force) {
    for (std::size_t dims : {1, 3, 37, 64, 129}) {
        const auto base = random_matrix(700, dims, dims), queries = random_matrix(45, dims, dims + 1);
        expect_exact<l2sq>(base, queries, 10);
        expect_exact<l2>(base, queries, 10);
        expect_exact<inner_product>(base, queries, 10);
        expect_exact<cosine>(base, queries, 10);
    }
}

TEST(flat_index, batch_sizes_around_the_block_threshold) {
    const auto base = random_matrix(300, 20, 1);
    for (std::size_t nq : {1, 2, 3, 4, 5, 31, 32, 33, 64, 65, 129}) {
        const auto queries = random_matrix(nq, 20, nq);
        expect_exact<l2>(base, queries, 7);
    }
}

TEST(flat_index, k_one_and_k_all) {
    const auto base = random_matrix(150, 30, 2), queries = random_matrix(40, 30, 3);
    expect_exact<l2sq>(base, queries, 1);
    expect_exact<l2sq>(base, queries, 150);
    expect_exact<cosine>(base, queries, 150);
    expect_exact<inner_product>(base, queries, 400);  // clamped to n
}

// Near-duplicates far from the origin: |q|^2 + |x|^2 - 2<q, x> cancels almost all digits, so
// the tile's ranking is noise at the scale of the true distances. The results must still be
// the exact ones (re-ranked by the pair kernel, proven or rescanned).
TEST(flat_index, near_duplicates_far_from_origin_are_exact) {
    const std::size_t dims = 96;
    matrix<float> base(600, dims), queries(40, dims);
    rng gen(17);
    std::vector<float> center(dims);
    for (auto& c : center) c = 1000.f + static_cast<float>(gen.normal());
    for (std::size_t i = 0; i < base.rows(); ++i)
        for (std::size_t j = 0; j < dims; ++j)  // clusters of near-identical rows
            base(i, j) = center[j] + static_cast<float>(i % 30) * 1e-2f + static_cast<float>(gen.normal()) * 1e-3f;
    for (std::size_t i = 0; i < queries.rows(); ++i)
        for (std::size_t j = 0; j < dims; ++j) queries(i, j) = base(i * 13, j) + static_cast<float>(gen.normal()) * 1e-4f;
    expect_exact<l2sq>(base, queries, 10);
    expect_exact<l2>(base, queries, 25);
    expect_exact<cosine>(base, queries, 10);
    expect_exact<inner_product>(base, queries, 10);
}

TEST(flat_index, exact_duplicates_tie_by_id_in_every_path) {
    auto base = random_matrix(200, 16, 4);
    for (std::size_t i = 0; i < 200; i += 2)  // every row twice
        std::copy(base.row(i).begin(), base.row(i).end(), base.mutable_row(i + 1).begin());
    const auto queries = random_matrix(30, 16, 5);
    expect_exact<l2sq>(base, queries, 9);
    expect_exact<cosine>(base, queries, 9);
    flat_index<l2, float> index(16);
    index.add(base);
    const auto r = index.search(base.view().subview(10, 8), 2);
    for (std::size_t q = 0; q < 8; ++q) {  // a row finds itself and its twin, lower id first
        const auto self = static_cast<std::int64_t>(10 + q);
        EXPECT_EQ(r.at(q, 0).id, self - self % 2);
        EXPECT_EQ(r.at(q, 1).id, self - self % 2 + 1);
        EXPECT_EQ(r.at(q, 0).distance, 0.f);
    }
}

TEST(flat_index, zero_vectors_under_cosine) {
    auto base = random_matrix(100, 12, 6);
    for (std::size_t j = 0; j < 12; ++j) base(5, j) = base(50, j) = 0.f;
    auto queries = random_matrix(10, 12, 7);
    for (std::size_t j = 0; j < 12; ++j) queries(3, j) = 0.f;  // all rows at distance 1: ties by id
    expect_exact<cosine>(base, queries, 100);
}

TEST(flat_index, filter_in_batch_equals_filter_in_single_search) {
    const auto base = random_matrix(500, 24, 3), queries = random_matrix(50, 24, 9);
    auto even = [](std::int64_t id) { return id % 2 == 0; };
    auto rare = [](std::int64_t id) { return id % 97 == 5; };  // fewer accepted rows than k
    expect_exact<l2sq>(base, queries, 5, {.filter = even});
    expect_exact<l2sq>(base, queries, 10, {.filter = rare});
    expect_exact<cosine>(base, queries, 10, {.filter = rare});
}

TEST(flat_index, filter_keeps_only_accepted_ids) {
    const auto base = random_matrix(500, 8, 3);
    flat_index<l2sq, float> index(8);
    index.add(base);
    auto even = [](std::int64_t id) { return id % 2 == 0; };
    const auto got = index.search(base.row(3), 5, {.filter = even});
    ASSERT_EQ(got.size(), 5u);
    for (const auto& n : got) EXPECT_EQ(n.id % 2, 0);
}

TEST(flat_index, throwing_filter_propagates_from_batches) {
    const auto base = random_matrix(300, 8, 3), queries = random_matrix(40, 8, 4);
    flat_index<l2sq, float> index(8);
    index.add(base);
    auto bad = [](std::int64_t id) -> bool {
        if (id == 250) throw std::runtime_error("filter failed");
        return true;
    };
    EXPECT_THROW(index.search(queries.view(), 5, {.filter = bad}), std::runtime_error);
    EXPECT_THROW(index.search(queries.view(), 5, {.filter = bad, .n_threads = 1}), std::runtime_error);
}

TEST(flat_index, thread_counts_give_identical_results) {
    const auto base = random_matrix(2000, 50, 8), queries = random_matrix(300, 50, 9);
    flat_index<l2, float> index(50);
    index.add(base);
    const auto one = index.search(queries.view(), 10, {.n_threads = 1});
    for (std::size_t threads : {2, 3, 7}) {
        const auto many = index.search(queries.view(), 10, {.n_threads = threads});
        EXPECT_EQ(many.all_ids(), one.all_ids());
        EXPECT_EQ(many.all_distances(), one.all_distances());
    }
}

TEST(flat_index, strided_queries) {
    const auto base = random_matrix(200, 10, 1);
    const auto wide = random_matrix(40, 30, 2);  // queries = columns 5..14 of each row
    const matrix_view<float> queries(wide.data() + 5, 40, 10, wide.stride());
    flat_index<l2sq, float> index(10);
    index.add(base);
    const auto batch = index.search(queries, 4);
    for (std::size_t q = 0; q < 40; ++q) {
        const auto single = index.search(queries.row(q), 4);
        for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(batch.at(q, j).id, single[j].id);
    }
}

TEST(flat_index, incremental_adds_equal_one_add) {
    const auto base = random_matrix(300, 16, 10), queries = random_matrix(20, 16, 11);
    flat_index<cosine, float> once(16), parts(16);
    once.add(base);
    parts.add(base.view().subview(0, 100));
    parts.add(base.view().subview(100, 1));
    parts.add(base.view().subview(101, 199));
    EXPECT_EQ(once.search(queries.view(), 8).all_ids(), parts.search(queries.view(), 8).all_ids());
    flat_index<cosine, float> moved(16);  // takes the matrix over, then appends a copy
    moved.add(matrix<float>(base.view().subview(0, 150)));
    moved.add(matrix<float>(base.view().subview(150, 150)));
    EXPECT_EQ(moved.size(), 300u);
    EXPECT_EQ(once.search(queries.view(), 8).all_ids(), moved.search(queries.view(), 8).all_ids());
    EXPECT_THROW(moved.add(random_matrix(3, 15, 1)), shape_error);
    auto nan = random_matrix(3, 16, 1);
    nan(2, 2) = std::numeric_limits<float>::quiet_NaN();
    flat_index<l2, float> fresh(16);
    EXPECT_THROW(fresh.add(std::move(nan)), data_error);
    EXPECT_EQ(fresh.size(), 0u);
}

// ---- int8 and bit ------------------------------------------------------------------------

TEST(flat_index, int8_metrics_match_brute_force) {
    for (std::size_t dims : {1, 5, 64, 100, 300}) {
        const auto base = random_i8(600, dims, dims), queries = random_i8(40, dims, dims + 1);
        expect_exact<l2sq>(base, queries, 10);
        expect_exact<l2>(base, queries, 10);
        expect_exact<inner_product>(base, queries, 10);
        expect_exact<cosine>(base, queries, 10);
    }
}

TEST(flat_index, int8_extremes_and_duplicates) {
    matrix<std::int8_t> base(120, 40), queries(20, 40);
    for (std::size_t i = 0; i < base.rows(); ++i)
        for (std::size_t j = 0; j < 40; ++j) base(i, j) = static_cast<std::int8_t>((i / 3 + j) % 2 ? 127 : -128);
    for (std::size_t i = 0; i < queries.rows(); ++i)
        for (std::size_t j = 0; j < 40; ++j) queries(i, j) = static_cast<std::int8_t>((i + j) % 3 ? -128 : 127);
    expect_exact<l2sq>(base, queries, 12);
    expect_exact<inner_product>(base, queries, 12);
    expect_exact<cosine>(base, queries, 12);
}

TEST(flat_index, int8_past_the_block_kernel_range_scans) {
    // above 16384 dims int32 sums could overflow in the tile: batches take the scan path
    const auto base = random_i8(40, 20000, 1), queries = random_i8(6, 20000, 2);
    expect_exact<l2sq>(base, queries, 5);
    expect_exact<cosine>(base, queries, 5);
}

TEST(flat_index, hamming_matches_brute_force_with_ties) {
    for (std::size_t dims : {1, 64, 130, 784}) {
        const auto base = random_bits(900, dims, dims), queries = random_bits(50, dims, dims + 3);
        expect_exact<hamming>(base, queries, 10);
        expect_exact<hamming>(base, queries, 1);
        const auto sparse = random_bits(900, dims, dims + 5, 16);  // few distinct distances
        expect_exact<hamming>(sparse, queries, 30);
    }
    const auto base = random_bits(300, 200, 1), queries = random_bits(40, 200, 2);
    expect_exact<jaccard>(base, queries, 10);  // no block kernel: the scan path
    auto odd = [](std::int64_t id) { return id % 2 == 1; };
    expect_exact<hamming>(base, queries, 10, {.filter = odd});
}

TEST(flat_index, hamming_on_bits) {
    matrix<bit> base = random_bits(100, 130, 5);
    flat_index<hamming, bit> index(130);
    index.add(base);
    const auto got = index.search(base.row(42), 3);
    EXPECT_EQ(got[0].id, 42);
    EXPECT_EQ(got[0].distance, 0.f);
    EXPECT_GT(got[1].distance, 0.f);
}

// ---- custom metrics, edge cases, bad input -----------------------------------------------

struct chebyshev {
    float operator()(std::span<const float> a, std::span<const float> b) const {
        float d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
        return d;
    }
};
static_assert(metric<chebyshev, float>);
static_assert(!metric<chebyshev, bit>);

TEST(flat_index, custom_metric_works_like_builtin) {
    const auto base = random_matrix(400, 9, 1), queries = random_matrix(30, 9, 2);
    expect_exact<chebyshev>(base, queries, 10);
}

TEST(flat_index, k_larger_than_n_is_clamped) {
    const auto base = random_matrix(4, 8, 3);
    flat_index<l2sq, float> index(8);
    index.add(base);
    EXPECT_EQ(index.search(base.row(0), 10).size(), 4u);
    EXPECT_EQ(index.search(base.view(), 10).k(), 4u);
}

TEST(flat_index, empty_index_and_empty_batch) {
    flat_index<l2, float> index(8);
    const auto queries = random_matrix(10, 8, 1);
    EXPECT_TRUE(index.search(queries.row(0), 3).empty());
    const auto r = index.search(queries.view(), 3);
    EXPECT_EQ(r.queries(), 10u);
    EXPECT_EQ(r.k(), 0u);
    index.add(random_matrix(5, 8, 2));
    EXPECT_EQ(index.search(queries.view().subview(0, 0), 3).queries(), 0u);
}

TEST(flat_index, bad_input_throws_clear_errors) {
    flat_index<l2sq, float> index(8);
    index.add(random_matrix(10, 8, 1));
    const auto wrong = random_matrix(2, 9, 1);
    EXPECT_THROW(index.search(wrong.row(0), 3), shape_error);
    EXPECT_THROW(index.search(wrong.view(), 3), shape_error);
    EXPECT_THROW(index.add(wrong), shape_error);
    auto q = random_matrix(6, 8, 2);
    EXPECT_THROW(index.search(q.row(0), 0), invalid_argument);
    EXPECT_THROW(index.search(q.view(), 0), invalid_argument);
    q(4, 3) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(index.search(q.row(4), 3), data_error);
    EXPECT_THROW(index.search(q.view(), 3), data_error);
    EXPECT_THROW(index.add(q), data_error);
    q(4, 3) = std::numeric_limits<float>::infinity();
    EXPECT_THROW(index.search(q.view(), 3), data_error);
    EXPECT_EQ(index.size(), 10u);  // failed adds leave the index unchanged
    EXPECT_THROW((flat_index<l2sq, float>(0)), invalid_argument);
    try {
        index.search(wrong.row(0), 3);
        FAIL() << "expected shape_error";
    } catch (const shape_error& e) {
        EXPECT_STREQ(e.what(), "flat_index::search: query has 9 dims (expected 8)");
    }
}

// ---- real data ---------------------------------------------------------------------------

// Fashion-MNIST pixels are 0..255: norms near 7000 and nearest-neighbour distances a few
// percent of them, so the norm trick is under real cancellation. A subset keeps it fast.
TEST(flat_index, fashion_mnist_subset_is_exact) {
    VSPACE_REQUIRE_DATA(test::fashion_mnist("train-images-idx3-ubyte.gz"));
    const auto data = load_fashion_mnist(VSPACE_FASHION_MNIST);
    const auto base = matrix<float>(data.images.view().subview(0, 3000));
    const auto queries = matrix<float>(data.images.view().subview(60000, 120));
    expect_exact<l2>(base, queries, 10);
    expect_exact<inner_product>(base, queries, 10);
    auto half = matrix<float>(data.images.view().subview(0, 3000));
    for (std::size_t i = 0; i < half.rows(); i += 2) {  // near-duplicates: one pixel changed by 1
        std::copy(base.row(i).begin(), base.row(i).end(), half.mutable_row(i + 1).begin());
        half(i + 1, 400) += 1;
    }
    expect_exact<l2>(half, queries, 10);
}

}  // namespace
