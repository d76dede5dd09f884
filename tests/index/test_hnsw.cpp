// SPDX-License-Identifier: MIT
// hnsw_index against the exact flat index: recall for every built-in metric and kind and for
// custom metrics, filters (with the exact fallback), remove/compact, incremental growth,
// determinism of the parallel build, concurrent search during add, and bad input.
#include <vspace/core/random.hpp>
#include <vspace/index/concept.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/jaccard.hpp>
#include <vspace/metric/l2.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <thread>

namespace {

using namespace vspace;

static_assert(knn_index<hnsw_index<l2sq, float>>);
static_assert(knn_index<hnsw_index<cosine, std::int8_t>>);
static_assert(knn_index<hnsw_index<hamming, bit>>);

/// Gaussian clusters on an 8-dimensional subspace plus a little noise: the shape of real
/// embeddings, whose intrinsic dimension is far below their dims (a full-rank Gaussian cloud
/// is unrealistically hard for every graph index).
matrix<float> clustered(std::size_t rows, std::size_t dims, std::uint64_t seed, std::size_t clusters = 20) {
    constexpr std::size_t latent = 8;
    rng gen(seed), basis_gen(12345);  // one subspace for every seed: base and queries share it
    matrix<float> basis(latent, dims), centres(clusters, latent), m(rows, dims);
    for (std::size_t a = 0; a < latent; ++a)
        for (std::size_t j = 0; j < dims; ++j) basis(a, j) = static_cast<float>(basis_gen.normal());
    rng centre_gen(777);
    for (std::size_t c = 0; c < clusters; ++c)
        for (std::size_t a = 0; a < latent; ++a) centres(c, a) = static_cast<float>(3 * centre_gen.normal());
    for (std::size_t i = 0; i < rows; ++i) {
        const std::size_t c = gen.below(clusters);
        float z[latent];
        for (std::size_t a = 0; a < latent; ++a) z[a] = centres(c, a) + static_cast<float>(gen.normal());
        for (std::size_t j = 0; j < dims; ++j) {
            float v = 0.1f * static_cast<float>(gen.normal());
            for (std::size_t a = 0; a < latent; ++a) v += z[a] * basis(a, j);
            m(i, j) = v / 3;
        }
    }
    return m;
}

template <class T>
matrix<T> convert(const matrix<float>& f) {
    if constexpr (std::same_as<T, float>) {
        return f;
    } else if constexpr (std::same_as<T, std::int8_t>) {
        matrix<std::int8_t> out(f.rows(), f.dims());
        for (std::size_t i = 0; i < f.rows(); ++i)
            for (std::size_t j = 0; j < f.dims(); ++j)
                out(i, j) = static_cast<std::int8_t>(std::clamp(std::lround(f(i, j) * 12), -127l, 127l));
        return out;
    } else {
        matrix<bit> out(f.rows(), f.dims());
        for (std::size_t i = 0; i < f.rows(); ++i)
            for (std::size_t j = 0; j < f.dims(); ++j) out.set_bit(i, j, f(i, j) > 0);
        return out;
    }
}

/// Recall by distance (robust to ties, which are everywhere with Hamming): the fraction of
/// returned neighbours that are no farther than the true k-th nearest, each id counted once.
double recall(const search_result& got, const search_result& truth) {
    std::size_t hits = 0, wanted = 0;
    for (std::size_t q = 0; q < truth.queries(); ++q) {
        std::size_t real = 0;  // a strict filter leaves fewer than k
        while (real < truth.k() && truth.at(q, real).id >= 0) ++real;
        wanted += real;
        if (real == 0) continue;
        const float kth = truth.distances(q)[real - 1];
        std::set<std::int64_t> seen;
        for (std::size_t j = 0; j < got.k(); ++j) {
            const auto n = got.at(q, j);
            if (n.id >= 0 && seen.insert(n.id).second && n.distance <= kth + 1e-4f * (1 + std::abs(kth))) ++hits;
        }
    }
    return wanted == 0 ? 1.0 : static_cast<double>(hits) / static_cast<double>(wanted);
}

template <class M, class T>
void expect_high_recall(double at_least) {
    const auto f = clustered(3000, 64, 11), fq = clustered(100, 64, 12);
    const auto base = convert<T>(f), queries = convert<T>(fq);
    hnsw_index<M, T> index(64, {.m = 12, .ef_construction = 100});
    index.add(base);
    flat_index<M, T> exact(64);
    exact.add(base);
    const auto truth = exact.search(queries.view(), 10);
    const auto got = index.search(queries.view(), 10, {.ef = 80});
    EXPECT_GE(recall(got, truth), at_least) << metric_traits<M>::name << " on " << scalar_traits<T>::name;
    // single-query search returns the same as the batch, with distances in the metric's units
    for (std::size_t q = 0; q < 10; ++q) {
        const auto single = index.search(queries.row(q), 10, {.ef = 80});
        ASSERT_EQ(single.size(), 10u);
        for (std::size_t j = 0; j < 10; ++j) {
            EXPECT_EQ(single[j].id, got.at(q, j).id);
            const float want = M{}(queries.row(q), base.row(static_cast<std::size_t>(single[j].id)));
            EXPECT_NEAR(single[j].distance, want, 1e-3f * (1 + std::abs(want)));
            if (j > 0) {
                EXPECT_LE(single[j - 1].distance, single[j].distance);
            }
        }
    }
}

TEST(hnsw_index, l2sq_f32) { expect_high_recall<l2sq, float>(0.97); }
TEST(hnsw_index, l2_f32) { expect_high_recall<l2, float>(0.97); }
TEST(hnsw_index, cosine_f32) { expect_high_recall<cosine, float>(0.97); }
TEST(hnsw_index, inner_product_f32) { expect_high_recall<inner_product, float>(0.90); }
TEST(hnsw_index, l2sq_i8) { expect_high_recall<l2sq, std::int8_t>(0.97); }
TEST(hnsw_index, cosine_i8) { expect_high_recall<cosine, std::int8_t>(0.97); }
TEST(hnsw_index, hamming_b1) { expect_high_recall<hamming, bit>(0.97); }
TEST(hnsw_index, jaccard_b1) { expect_high_recall<jaccard, bit>(0.95); }

struct chebyshev {
    float operator()(std::span<const float> a, std::span<const float> b) const {
        float d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
        return d;
    }
};
TEST(hnsw_index, custom_metric) { expect_high_recall<chebyshev, float>(0.90); }

/// A similarity (larger is closer): results come largest first, reported unchanged.
struct dot_similarity {
    static constexpr bool smaller_is_closer = false;
    float operator()(std::span<const float> a, std::span<const float> b) const {
        float s = 0;
        for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
        return s;
    }
};

TEST(hnsw_index, similarity_metric_ranks_largest_first) {
    const auto base = clustered(1500, 16, 3);
    hnsw_index<dot_similarity, float> index(16);
    index.add(base);
    flat_index<dot_similarity, float> exact(16);
    exact.add(base);
    const auto got = index.search(base.row(5), 5, {.ef = 100});
    const auto want = exact.search(base.row(5), 5);
    ASSERT_EQ(got.size(), 5u);
    for (std::size_t j = 0; j < 5; ++j) {
        EXPECT_EQ(got[j].id, want[j].id);
        EXPECT_FLOAT_EQ(got[j].distance, want[j].distance);
    }
    EXPECT_GE(got[0].distance, got[4].distance);
}

TEST(hnsw_index, small_and_degenerate_inputs) {
    hnsw_index<l2sq, float> index(4);
    const float q[4] = {1, 2, 3, 4};
    EXPECT_TRUE(index.search(row<float>(q, 4), 3).empty());  // empty index
    EXPECT_EQ(index.size(), 0u);

    matrix<float> one(1, 4);
    index.add(one);
    auto r = index.search(row<float>(q, 4), 3);
    ASSERT_EQ(r.size(), 1u);  // k > n: all there is
    EXPECT_EQ(r[0].id, 0);

    // 500 identical rows: every distance ties; the walk must still end and return k rows
    matrix<float> same(500, 4);
    for (std::size_t i = 0; i < 500; ++i)
        for (std::size_t j = 0; j < 4; ++j) same(i, j) = 1.f;
    index.add(same);
    EXPECT_EQ(index.size(), 501u);
    r = index.search(row<float>(q, 4), 10);
    ASSERT_EQ(r.size(), 10u);
    std::set<std::int64_t> ids;
    for (const auto& n : r) ids.insert(n.id);
    EXPECT_EQ(ids.size(), 10u);
    const auto batch = index.search(same.view().subview(0, 3), 1000);
    EXPECT_EQ(batch.k(), 501u);  // k clamped to the size
}

TEST(hnsw_index, bad_input_throws_and_leaves_the_index_unchanged) {
    EXPECT_THROW((hnsw_index<l2sq, float>(0)), invalid_argument);
    EXPECT_THROW((hnsw_index<l2sq, float>(8, {.m = 1})), invalid_argument);
    EXPECT_THROW((hnsw_index<l2sq, float>(8, {.m = 100000})), invalid_argument);
    EXPECT_THROW((hnsw_index<l2sq, float>(8, {.ef_construction = 0})), invalid_argument);

    hnsw_index<l2sq, float> index(8);
    auto base = clustered(100, 8, 5);
    index.add(base);
    matrix<float> wrong(3, 7);
    EXPECT_THROW(index.add(wrong), shape_error);
    auto bad = clustered(10, 8, 6);
    bad(4, 2) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(index.add(bad), data_error);
    EXPECT_EQ(index.size(), 100u);
    EXPECT_EQ(index.next_id(), 100);

    const float q7[7] = {};
    EXPECT_THROW(index.search(row<float>(q7, 7), 3), shape_error);
    EXPECT_THROW(index.search(base.row(0), 0), invalid_argument);
    float qnan[8] = {};
    qnan[3] = std::numeric_limits<float>::infinity();
    EXPECT_THROW(index.search(row<float>(qnan, 8), 3), data_error);
    EXPECT_THROW(index.search(wrong.view(), 3), shape_error);
    EXPECT_THROW(index.search_by_id(100, 3), invalid_argument);
    EXPECT_THROW(index.search_by_id(-1, 3), invalid_argument);
    EXPECT_THROW(index.remove(100), invalid_argument);
    EXPECT_THROW(index.vector(-5), invalid_argument);
}

TEST(hnsw_index, grows_by_incremental_adds_with_the_recall_of_one_build) {
    const auto base = clustered(3000, 32, 21), queries = clustered(100, 32, 22);
    hnsw_index<l2sq, float> index(32, {.m = 12, .ef_construction = 80});
    for (std::size_t first = 0; first < 3000;) {  // chunks of 1, 7, 100, ... rows
        const std::size_t n = std::min<std::size_t>(first < 10 ? 1 : first < 200 ? 7 : 450, 3000 - first);
        index.add(base.view().subview(first, n));
        first += n;
        EXPECT_EQ(index.size(), first);
    }
    EXPECT_EQ(index.next_id(), 3000);
    flat_index<l2sq, float> exact(32);
    exact.add(base);
    EXPECT_GE(recall(index.search(queries.view(), 10, {.ef = 64}), exact.search(queries.view(), 10)), 0.97);
    // the stored vector of an id is the row added under it
    const auto v = index.vector(1234);
    EXPECT_TRUE(std::equal(v.begin(), v.end(), base.row(1234).begin()));
}

/// Saves an index and returns the file's bytes.
template <class Index>
std::string bytes_of(const Index& index, const std::string& name) {
    const auto path = test::temp_path(name);
    index.save(path);
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(hnsw_index, build_is_deterministic_for_any_thread_count) {
    const auto base = clustered(4000, 24, 31);
    std::string first;
    for (std::size_t threads : {1, 2, 3}) {
        hnsw_index<l2sq, float> index(24, {.m = 8, .ef_construction = 60, .n_threads = threads, .seed = 7});
        index.add(base.view().subview(0, 2500));
        index.add(base.view().subview(2500, 1500));
        const std::string bytes = bytes_of(index, "determinism.vsi");
        if (first.empty()) first = bytes;
        EXPECT_TRUE(bytes == first) << threads << " threads built a different graph";
    }
    hnsw_index<l2sq, float> other(24, {.m = 8, .ef_construction = 60, .seed = 8});
    other.add(base);
    EXPECT_FALSE(bytes_of(other, "determinism.vsi") == first) << "the seed has no effect";
}

TEST(hnsw_index, filter_returns_only_accepted_ids_at_any_selectivity) {
    const auto base = clustered(6000, 32, 41), queries = clustered(60, 32, 42);
    hnsw_index<l2sq, float> index(32, {.m = 12, .ef_construction = 100});
    index.add(base);
    flat_index<l2sq, float> exact(32);
    exact.add(base);
    // 50 %, 20 %, 5 %, 1 % and 0.1 % of the rows; the strict ones take the exact fallback
    for (std::int64_t every : {2, 5, 20, 100, 1000}) {
        const auto keep = [every](std::int64_t id) { return id % every == 3 % every; };
        const auto got = index.search(queries.view(), 10, {.ef = 64, .filter = keep});
        const auto want = exact.search(queries.view(), 10, {.filter = keep});
        for (std::int64_t id : got.all_ids()) {
            if (id >= 0) {
                EXPECT_TRUE(keep(id)) << id;
            }
        }
        EXPECT_GE(recall(got, want), 0.95) << "1 in " << every;
        const auto single = index.search(queries.row(0), 10, {.ef = 64, .filter = keep});
        ASSERT_EQ(single.size(), std::min<std::size_t>(10, 6000 / every));
        for (std::size_t j = 0; j < single.size(); ++j) EXPECT_EQ(single[j].id, got.at(0, j).id);
    }
    const auto none = [](std::int64_t) { return false; };
    EXPECT_TRUE(index.search(queries.row(0), 10, {.filter = none}).empty());
    const auto three = [](std::int64_t id) { return id == 7 || id == 700 || id == 5000; };
    EXPECT_EQ(index.search(queries.row(0), 10, {.filter = three}).size(), 3u);
}

TEST(hnsw_index, remove_hides_rows_and_compact_reclaims_them) {
    const auto base = clustered(4000, 32, 51), queries = clustered(80, 32, 52);
    hnsw_index<l2sq, float> index(32, {.m = 12, .ef_construction = 100});
    index.add(base);
    const std::size_t before = index.memory_bytes();
    // remove a third of the rows, the entry point's neighbourhood included
    std::vector<std::int64_t> kept;
    for (std::int64_t id = 0; id < 4000; ++id) {
        if (id % 3 == 0) index.remove(id);
        else kept.push_back(id);
    }
    EXPECT_THROW(index.remove(0), invalid_argument);  // already removed
    EXPECT_EQ(index.size(), kept.size());
    EXPECT_FALSE(index.contains(3));
    EXPECT_TRUE(index.contains(4));
    matrix<float> rest(kept.size(), 32);
    for (std::size_t i = 0; i < kept.size(); ++i)
        std::copy_n(base.row_data(static_cast<std::size_t>(kept[i])), 32, rest.row_data(i));
    flat_index<l2sq, float> exact(32);
    exact.add(rest);
    auto truth = exact.search(queries.view(), 10);
    for (std::size_t q = 0; q < truth.queries(); ++q)
        for (auto& id : truth.ids(q)) id = kept[static_cast<std::size_t>(id)];  // back to original ids

    const auto removed_only = index.search(queries.view(), 10, {.ef = 64});
    for (std::int64_t id : removed_only.all_ids()) EXPECT_NE(id % 3, 0) << id;
    EXPECT_GE(recall(removed_only, truth), 0.95);

    index.compact();
    EXPECT_EQ(index.size(), kept.size());
    EXPECT_LT(index.memory_bytes(), before * 3 / 4);
    const auto compacted = index.search(queries.view(), 10, {.ef = 64});
    EXPECT_GE(recall(compacted, truth), 0.95);
    for (std::int64_t id : compacted.all_ids()) EXPECT_NE(id % 3, 0) << id;
    const auto v = index.vector(4);  // ids survive compaction
    EXPECT_TRUE(std::equal(v.begin(), v.end(), base.row(4).begin()));
    EXPECT_THROW(index.vector(3), invalid_argument);

    index.add(base.view().subview(0, 10));  // new ids continue after the old ones
    EXPECT_EQ(index.next_id(), 4010);
    EXPECT_EQ(index.search(base.row(0), 1)[0].distance, 0.f);
}

TEST(hnsw_index, removing_everything_leaves_a_usable_empty_index) {
    const auto base = clustered(300, 8, 61);
    hnsw_index<l2sq, float> index(8);
    index.add(base);
    for (std::int64_t id = 0; id < 300; ++id) index.remove(id);
    EXPECT_TRUE(index.search(base.row(0), 5).empty());
    index.compact();
    EXPECT_EQ(index.size(), 0u);
    EXPECT_TRUE(index.search(base.row(0), 5).empty());
    index.add(base.view().subview(0, 50));
    EXPECT_EQ(index.size(), 50u);
    EXPECT_EQ(index.search(base.row(7), 1)[0].id, 307);
}

TEST(hnsw_index, search_by_id_excludes_the_row_itself) {
    const auto base = clustered(2000, 16, 71);
    hnsw_index<l2sq, float> index(16);
    index.add(base);
    flat_index<l2sq, float> exact(16);
    exact.add(base);
    std::size_t hits = 0;
    for (std::int64_t id = 0; id < 2000; id += 40) {
        const auto got = index.search_by_id(id, 5);
        ASSERT_EQ(got.size(), 5u);
        const auto want = exact.search(base.row(static_cast<std::size_t>(id)), 6);
        for (const auto& n : got) {
            EXPECT_NE(n.id, id);
            for (const auto& w : want) hits += n.id == w.id;
        }
    }
    EXPECT_GE(hits, 50u * 5 * 95 / 100);
}

TEST(hnsw_index, searches_run_safely_while_rows_are_added) {
    const auto base = clustered(6000, 16, 81);
    hnsw_index<l2sq, float> index(16, {.m = 8, .ef_construction = 40, .n_threads = 2});
    index.add(base.view().subview(0, 200));
    std::atomic<bool> done{false};
    std::atomic<std::size_t> searches{0}, bad{0}, short_{0};
    auto searcher = [&](std::size_t offset) {
        for (std::size_t q = offset; !done.load(); q = (q + 7) % 6000) {
            const std::size_t n = index.size();
            const auto r = index.search(base.row(q), 5, {.ef = 20});
            for (const auto& x : r) bad += x.id < 0 || x.id >= index.next_id();
            short_ += r.size() < std::min<std::size_t>(5, n);
            ++searches;
        }
    };
    std::thread a(searcher, 0), b(searcher, 3);
    for (std::size_t first = 200; first < 6000; first += 100)  // many small adds: many growths
        index.add(base.view().subview(first, 100));
    done = true;
    a.join();
    b.join();
    EXPECT_EQ(bad.load(), 0u);
    EXPECT_EQ(short_.load(), 0u);
    EXPECT_GT(searches.load(), 0u);
    EXPECT_EQ(index.size(), 6000u);
    EXPECT_EQ(index.search(base.row(4321), 1)[0].id, 4321);
}

}  // namespace
