// SPDX-License-Identifier: MIT
// rescored_index: exact when every row is a candidate, single = batch, filters, bad input, and
// recall against exact float search on real data (Fashion-MNIST and GloVe subsets): int8 codes
// re-ranked must reach recall@10 >= 0.99; binary codes must gain recall with the rescore factor.
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/rescored.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/word_vectors.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

namespace {

using namespace vspace;

using i8_l2 = rescored_index<l2, flat_index<l2sq, std::int8_t>>;
using b1_l2 = rescored_index<l2, flat_index<hamming, bit>>;
static_assert(knn_index<i8_l2>);
static_assert(knn_index<b1_l2>);
static_assert(std::same_as<b1_l2::quantizer_type, binary_quantizer>);

matrix<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

/// recall@k of `got` against `truth` (fraction of the true k nearest found).
double recall(const search_result& got, const search_result& truth) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < truth.queries(); ++q) {
        const auto t = truth.ids(q), g = got.ids(q);
        for (auto id : g) hits += std::find(t.begin(), t.end(), id) != t.end();
    }
    return static_cast<double>(hits) / static_cast<double>(truth.queries() * truth.k());
}

template <class Metric>
search_result exact(const matrix<float>& base, const matrix<float>& queries, std::size_t k) {
    flat_index<Metric, float> index(base.dims());
    index.add(base);
    return index.search(queries.view(), k);
}

TEST(rescored_index, every_row_a_candidate_gives_the_exact_result) {
    const auto base = random_matrix(300, 24, 1), queries = random_matrix(25, 24, 2);
    const auto truth = exact<l2>(base, queries, 7);
    i8_l2 a(int8_quantizer::fit(base), flat_index<l2sq, std::int8_t>(24), {.rescore = 300});
    b1_l2 b(binary_quantizer::fit(base), flat_index<hamming, bit>(24), {.rescore = 50});
    a.add(base);
    b.add(base);
    for (const auto& r : {a.search(queries.view(), 7), b.search(queries.view(), 7)}) {
        EXPECT_EQ(r.all_ids(), truth.all_ids());
        EXPECT_EQ(r.all_distances(), truth.all_distances());  // float distances, same kernel
    }
}

TEST(rescored_index, single_equals_batch_and_distances_are_float) {
    const auto base = random_matrix(500, 32, 3), queries = random_matrix(40, 32, 4);
    i8_l2 index(int8_quantizer::fit(base, {.mode = int8_mode::uniform}), flat_index<l2sq, std::int8_t>(32),
                {.rescore = 3});
    index.add(matrix<float>(base.view().subview(0, 200)));  // taken over
    index.add(base.view().subview(200, 300));               // copied
    ASSERT_EQ(index.size(), 500u);
    const auto batch = index.search(queries.view(), 10);
    const l2 metric;
    for (std::size_t q = 0; q < queries.rows(); ++q) {
        const auto single = index.search(queries.row(q), 10);
        ASSERT_EQ(single.size(), 10u);
        for (std::size_t j = 0; j < 10; ++j) {
            EXPECT_EQ(single[j].id, batch.at(q, j).id);
            EXPECT_EQ(single[j].distance, batch.at(q, j).distance);
            EXPECT_EQ(single[j].distance, metric(base.row(static_cast<std::size_t>(single[j].id)), queries.row(q)));
            if (j > 0) {
                EXPECT_LE(single[j - 1].distance, single[j].distance);
            }
        }
    }
}

TEST(rescored_index, filter_reaches_the_inner_index) {
    const auto base = random_matrix(400, 16, 5), queries = random_matrix(20, 16, 6);
    b1_l2 index(binary_quantizer::fit(base), flat_index<hamming, bit>(16), {.rescore = 8});
    index.add(base);
    auto odd = [](std::int64_t id) { return id % 2 == 1; };
    const auto r = index.search(queries.view(), 5, {.filter = odd});
    for (auto id : r.all_ids()) EXPECT_EQ(id % 2, 1);
    for (const auto& n : index.search(queries.row(0), 5, {.filter = odd})) EXPECT_EQ(n.id % 2, 1);
    auto none = [](std::int64_t) { return false; };
    const auto empty = index.search(queries.view(), 5, {.filter = none});
    for (auto id : empty.all_ids()) EXPECT_EQ(id, no_id);
}

TEST(rescored_index, k_larger_than_n_and_empty_index) {
    const auto base = random_matrix(6, 8, 7), queries = random_matrix(3, 8, 8);
    i8_l2 index(int8_quantizer::fit(base), flat_index<l2sq, std::int8_t>(8));
    EXPECT_TRUE(index.search(queries.row(0), 4).empty());
    EXPECT_EQ(index.search(queries.view(), 4).k(), 0u);
    index.add(base);
    EXPECT_EQ(index.search(queries.row(0), 50).size(), 6u);
    EXPECT_EQ(index.search(queries.view(), 50).k(), 6u);
}

TEST(rescored_index, bad_input_throws_clear_errors) {
    const auto base = random_matrix(50, 8, 9);
    const auto q = int8_quantizer::fit(base);
    EXPECT_THROW(i8_l2(int8_quantizer{}, flat_index<l2sq, std::int8_t>(8)), invalid_argument);
    EXPECT_THROW(i8_l2(q, flat_index<l2sq, std::int8_t>(9)), invalid_argument);
    EXPECT_THROW(i8_l2(q, flat_index<l2sq, std::int8_t>(8), {.rescore = 0}), invalid_argument);
    flat_index<l2sq, std::int8_t> used(8);
    used.add(q.quantize(base));
    EXPECT_THROW(i8_l2(q, used), invalid_argument);

    i8_l2 index(q, flat_index<l2sq, std::int8_t>(8));
    index.add(base);
    const auto wrong = random_matrix(2, 9, 1);
    EXPECT_THROW(index.add(wrong), shape_error);
    EXPECT_THROW(index.search(wrong.row(0), 3), shape_error);
    EXPECT_THROW(index.search(wrong.view(), 3), shape_error);
    EXPECT_THROW(index.search(base.row(0), 0), invalid_argument);
    auto nan = random_matrix(3, 8, 2);
    nan(1, 1) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(index.add(nan), data_error);
    EXPECT_THROW(index.search(nan.view(), 3), data_error);
    EXPECT_THROW(index.search(nan.row(1), 3), data_error);
    EXPECT_EQ(index.size(), 50u);
    EXPECT_EQ(index.inner().size(), 50u);
}

// ---- real data ---------------------------------------------------------------------------

class fashion : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!std::filesystem::exists(test::fashion_mnist("train-images-idx3-ubyte.gz"))) return;
        const auto data = load_fashion_mnist(VSPACE_FASHION_MNIST);
        base_ = new matrix<float>(data.images.view().subview(0, 20000));
        queries_ = new matrix<float>(data.images.view().subview(60000, 400));
        truth_ = new search_result(exact<l2>(*base_, *queries_, 10));
    }
    static void TearDownTestSuite() {
        delete base_;
        delete queries_;
        delete truth_;
    }
    void SetUp() override { VSPACE_REQUIRE_DATA(test::fashion_mnist("train-images-idx3-ubyte.gz")); }
    static inline matrix<float>* base_ = nullptr;
    static inline matrix<float>* queries_ = nullptr;
    static inline search_result* truth_ = nullptr;
};

TEST_F(fashion, int8_rescored_reaches_recall_099) {
    for (auto mode : {int8_mode::uniform, int8_mode::symmetric, int8_mode::per_dimension}) {
        i8_l2 index(int8_quantizer::fit(*base_, {.mode = mode}), flat_index<l2sq, std::int8_t>(784), {.rescore = 4});
        index.add(*base_);
        const double r = recall(index.search(queries_->view(), 10), *truth_);
        EXPECT_GE(r, 0.99) << "mode " << static_cast<int>(mode);
        RecordProperty("recall_mode_" + std::to_string(static_cast<int>(mode)), std::to_string(r));
    }
}

TEST_F(fashion, binary_recall_grows_with_the_rescore_factor) {
    flat_index<hamming, bit> codes_only(784);
    const auto q = binary_quantizer::fit(*base_);
    codes_only.add(q.quantize(*base_));
    const double plain = recall(codes_only.search(q.quantize(*queries_).view(), 10), *truth_);
    double previous = plain;
    for (std::size_t rescore : {2, 10, 50}) {
        b1_l2 index(q, flat_index<hamming, bit>(784), {.rescore = rescore});
        index.add(*base_);
        const double r = recall(index.search(queries_->view(), 10), *truth_);
        EXPECT_GT(r, previous) << "rescore " << rescore;
        previous = r;
    }
    EXPECT_LT(plain, 0.6);      // bits alone lose most of the order...
    EXPECT_GT(previous, 0.95);  // ...which re-ranking 500 candidates recovers
}

TEST(rescored_index, glove_cosine_with_symmetric_int8_and_sign_bits) {
    const auto path = test::shared_data("glove-6B-100d-top10000/glove.6B.100d.top10000.txt");
    VSPACE_REQUIRE_DATA(path);
    const auto words = read_word_vectors(path);
    const matrix<float> base(words.vectors.view().subview(0, 8000));
    const matrix<float> queries(words.vectors.view().subview(8000, 300));
    const auto truth = exact<cosine>(base, queries, 10);

    rescored_index<cosine, flat_index<cosine, std::int8_t>> i8(
        int8_quantizer::fit(base, {.mode = int8_mode::symmetric}), flat_index<cosine, std::int8_t>(100),
        {.rescore = 3});
    i8.add(base);
    EXPECT_GE(recall(i8.search(queries.view(), 10), truth), 0.99);

    rescored_index<cosine, flat_index<hamming, bit>> b1(
        binary_quantizer::fit(base, {.threshold = binary_threshold::zero}), flat_index<hamming, bit>(100),
        {.rescore = 20});
    b1.add(base);
    EXPECT_GE(recall(b1.search(queries.view(), 10), truth), 0.9);
}

}  // namespace
