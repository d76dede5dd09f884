// SPDX-License-Identifier: MIT
// flat_index against a brute-force reference, with filters, custom metrics and bad input.
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

using namespace vspace;

matrix<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

template <class M>
std::vector<neighbor> brute_force(const matrix<float>& base, row<float> q, std::size_t k, M m) {
    std::vector<neighbor> all;
    for (std::size_t i = 0; i < base.rows(); ++i)
        all.push_back({static_cast<std::int64_t>(i), m(base.row(i), q)});
    std::sort(all.begin(), all.end());
    all.resize(std::min(k, all.size()));
    return all;
}

template <class M>
void expect_matches_brute_force() {
    const auto base = random_matrix(1000, 37, 1), queries = random_matrix(20, 37, 2);
    flat_index<M, float> index(37);
    index.add(base);
    const auto batch = index.search(queries.view(), 10);
    for (std::size_t q = 0; q < queries.rows(); ++q) {
        const auto want = brute_force(base, queries.row(q), 10, M{});
        const auto got = index.search(queries.row(q), 10);
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t j = 0; j < want.size(); ++j) {
            EXPECT_EQ(got[j].id, want[j].id);
            EXPECT_NEAR(got[j].distance, want[j].distance, 1e-3f * (1 + std::abs(want[j].distance)));
            EXPECT_EQ(batch.at(q, j).id, want[j].id);
        }
    }
}

TEST(flat_index, l2sq_matches_brute_force) { expect_matches_brute_force<l2sq>(); }
TEST(flat_index, l2_matches_brute_force) { expect_matches_brute_force<l2>(); }
TEST(flat_index, inner_product_matches_brute_force) { expect_matches_brute_force<inner_product>(); }
TEST(flat_index, cosine_matches_brute_force) { expect_matches_brute_force<cosine>(); }

struct chebyshev {
    float operator()(std::span<const float> a, std::span<const float> b) const {
        float d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
        return d;
    }
};
static_assert(metric<chebyshev, float>);
static_assert(!metric<chebyshev, bit>);

TEST(flat_index, custom_metric_works_like_builtin) { expect_matches_brute_force<chebyshev>(); }

TEST(flat_index, filter_keeps_only_accepted_ids) {
    const auto base = random_matrix(500, 8, 3);
    flat_index<l2sq, float> index(8);
    index.add(base);
    auto even = [](std::int64_t id) { return id % 2 == 0; };
    const auto got = index.search(base.row(3), 5, {.filter = even});
    ASSERT_EQ(got.size(), 5u);
    for (const auto& n : got) EXPECT_EQ(n.id % 2, 0);
}

TEST(flat_index, k_larger_than_n_is_clamped) {
    const auto base = random_matrix(4, 8, 3);
    flat_index<l2sq, float> index(8);
    index.add(base);
    EXPECT_EQ(index.search(base.row(0), 10).size(), 4u);
    EXPECT_EQ(index.search(base.view(), 10).k(), 4u);
}

TEST(flat_index, bad_input_throws_clear_errors) {
    flat_index<l2sq, float> index(8);
    index.add(random_matrix(10, 8, 1));
    const auto wrong = random_matrix(2, 9, 1);
    EXPECT_THROW(index.search(wrong.row(0), 3), shape_error);
    EXPECT_THROW(index.add(wrong), shape_error);
    auto q = random_matrix(1, 8, 2);
    EXPECT_THROW(index.search(q.row(0), 0), invalid_argument);
    q(0, 3) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(index.search(q.row(0), 3), data_error);
    EXPECT_THROW(index.add(q), data_error);
    EXPECT_EQ(index.size(), 10u);  // failed adds leave the index unchanged
    try {
        index.search(wrong.row(0), 3);
    } catch (const shape_error& e) {
        EXPECT_STREQ(e.what(), "flat_index::search: query has 9 dims (expected 8)");
    }
}

TEST(flat_index, hamming_on_bits) {
    matrix<bit> base(100, 130);
    rng gen(5);
    for (std::size_t i = 0; i < base.rows(); ++i)
        for (std::size_t j = 0; j < 130; ++j) base.set_bit(i, j, gen.below(2) == 1);
    flat_index<hamming, bit> index(130);
    index.add(base);
    const auto got = index.search(base.row(42), 3);
    EXPECT_EQ(got[0].id, 42);
    EXPECT_EQ(got[0].distance, 0.f);
    EXPECT_GT(got[1].distance, 0.f);
}

}  // namespace
