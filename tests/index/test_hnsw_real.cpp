// SPDX-License-Identifier: MIT
// hnsw_index on real data (subsets, to keep the suite fast): Fashion-MNIST pixels (L2) and
// MiniLM sentence embeddings (cosine), float search, int8 and binary codes re-ranked in float
// through rescored_index, a 1 % filter, and compaction after removals. Each skips with a
// message when its data is absent.
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/index/rescored.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/int8.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

namespace {

using namespace vspace;

/// recall@k of `got` against `truth` (fraction of the true k nearest found).
double recall(const search_result& got, const search_result& truth) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < truth.queries(); ++q) {
        const auto t = truth.ids(q);
        for (auto id : got.ids(q)) hits += id >= 0 && std::find(t.begin(), t.end(), id) != t.end();
    }
    return static_cast<double>(hits) / static_cast<double>(truth.queries() * truth.k());
}

/// 12,000 train images as the base, 300 test images as queries (loaded once).
struct fashion {
    matrix<float> base, queries;
    search_result truth;

    static const fashion* get() {
        static const std::optional<fashion> f = []() -> std::optional<fashion> {
            if (!std::filesystem::exists(test::fashion_mnist("train-images-idx3-ubyte.gz"))) return std::nullopt;
            const auto all = load_fashion_mnist(test::fashion_mnist(""));
            fashion f{matrix<float>(all.images.view().subview(0, 12000)),
                      matrix<float>(all.images.view().subview(fashion_mnist_data::n_train, 300)), {}};
            flat_index<l2sq, float> exact(f.base.dims());
            exact.add(f.base);
            f.truth = exact.search(f.queries.view(), 10);
            return f;
        }();
        return f ? &*f : nullptr;
    }
};

#define VSPACE_REQUIRE_FASHION()                                                            \
    const fashion* fm = fashion::get();                                                      \
    if (fm == nullptr) GTEST_SKIP() << "Fashion-MNIST not found (apt-get install dataset-fashion-mnist)"

TEST(hnsw_real, fashion_mnist_float_recall) {
    VSPACE_REQUIRE_FASHION();
    hnsw_index<l2, float> index(784, {.m = 16, .ef_construction = 100});
    index.add(fm->base);
    EXPECT_GE(recall(index.search(fm->queries.view(), 10, {.ef = 20}), fm->truth), 0.95);
    EXPECT_GE(recall(index.search(fm->queries.view(), 10, {.ef = 80}), fm->truth), 0.99);
}

TEST(hnsw_real, fashion_mnist_quantized_codes_rescored_in_float) {
    VSPACE_REQUIRE_FASHION();
    using i8_index = rescored_index<l2, hnsw_index<l2sq, std::int8_t>>;
    i8_index i8(int8_quantizer::fit(fm->base), hnsw_index<l2sq, std::int8_t>(784, {.ef_construction = 100}),
                {.rescore = 3});
    i8.add(fm->base);
    EXPECT_GE(recall(i8.search(fm->queries.view(), 10, {.ef = 40}), fm->truth), 0.97);

    using b1_index = rescored_index<l2, hnsw_index<hamming, bit>>;
    b1_index b1(binary_quantizer::fit(fm->base), hnsw_index<hamming, bit>(784, {.ef_construction = 100}),
                {.rescore = 20});
    b1.add(fm->base);
    const double r10 = recall(b1.search(fm->queries.view(), 10, {.ef = 200}), fm->truth);
    EXPECT_GE(r10, 0.93);
    // re-ranking is what recovers the recall: the codes alone find far fewer
    hnsw_index<hamming, bit> codes_only(784, {.ef_construction = 100});
    codes_only.add(binary_quantizer::fit(fm->base).quantize(fm->base.view()));
    const auto query_codes = binary_quantizer::fit(fm->base).quantize(fm->queries.view());
    EXPECT_LT(recall(codes_only.search(query_codes.view(), 10, {.ef = 100}), fm->truth), r10 - 0.2);
}

TEST(hnsw_real, fashion_mnist_one_percent_filter) {
    VSPACE_REQUIRE_FASHION();
    hnsw_index<l2sq, float> index(784, {.m = 16, .ef_construction = 100});
    index.add(fm->base);
    flat_index<l2sq, float> exact(784);
    exact.add(fm->base);
    const auto one_percent = [](std::int64_t id) { return id % 100 == 42; };
    const auto got = index.search(fm->queries.view(), 10, {.ef = 64, .filter = one_percent});
    const auto want = exact.search(fm->queries.view(), 10, {.filter = one_percent});
    for (std::int64_t id : got.all_ids()) ASSERT_TRUE(one_percent(id)) << id;
    EXPECT_GE(recall(got, want), 0.95);
}

TEST(hnsw_real, fashion_mnist_compaction_keeps_recall) {
    VSPACE_REQUIRE_FASHION();
    hnsw_index<l2sq, float> index(784, {.m = 16, .ef_construction = 100});
    index.add(fm->base);
    std::vector<std::int64_t> kept;
    for (std::int64_t id = 0; id < 12000; ++id) {
        if (id % 4 == 1) index.remove(id);  // a quarter of the rows
        else kept.push_back(id);
    }
    index.compact();
    matrix<float> rest(kept.size(), 784);
    for (std::size_t i = 0; i < kept.size(); ++i)
        std::copy_n(fm->base.row_data(static_cast<std::size_t>(kept[i])), 784, rest.row_data(i));
    flat_index<l2sq, float> exact(784);
    exact.add(rest);
    const auto to_original = [&](search_result r) {  // row numbers of `rest` back to the index's ids
        for (std::size_t q = 0; q < r.queries(); ++q)
            for (auto& id : r.ids(q)) id = kept[static_cast<std::size_t>(id)];
        return r;
    };
    const auto truth = to_original(exact.search(fm->queries.view(), 10));
    // compared with a fresh build over the same rows at the same ef
    hnsw_index<l2sq, float> fresh(784, {.m = 16, .ef_construction = 100});
    fresh.add(rest);
    const auto fresh_result = to_original(fresh.search(fm->queries.view(), 10, {.ef = 40}));
    const double compacted = recall(index.search(fm->queries.view(), 10, {.ef = 40}), truth);
    EXPECT_GE(compacted, 0.97);
    EXPECT_GE(compacted, recall(fresh_result, truth) - 0.01);
}

TEST(hnsw_real, minilm_cosine_float_and_codes) {
    const auto path = test::shared_data("minilm-sap-fiori-778/embeddings.npy");
    VSPACE_REQUIRE_DATA(path);
    const auto x = read_npy<float>(path);
    flat_index<cosine, float> exact(x.dims());
    exact.add(x);
    const auto truth = exact.search(x.view(), 10);
    hnsw_index<cosine, float> f(x.dims());
    f.add(x);
    EXPECT_GE(recall(f.search(x.view(), 10, {.ef = 40}), truth), 0.99);
    rescored_index<cosine, hnsw_index<cosine, std::int8_t>> i8(
        int8_quantizer::fit(x.view()), hnsw_index<cosine, std::int8_t>(x.dims()), {.rescore = 3});
    i8.add(x.view());
    EXPECT_GE(recall(i8.search(x.view(), 10, {.ef = 64}), truth), 0.98);
    rescored_index<cosine, hnsw_index<hamming, bit>> b1(
        binary_quantizer::fit(x.view(), {.threshold = binary_threshold::zero}), hnsw_index<hamming, bit>(x.dims()),
        {.rescore = 10});
    b1.add(x.view());
    EXPECT_GE(recall(b1.search(x.view(), 10, {.ef = 100}), truth), 0.95);
}

}  // namespace
