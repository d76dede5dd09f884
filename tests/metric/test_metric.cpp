// SPDX-License-Identifier: MIT
// metric/: every built-in metric against a plain double-precision reference written here (not
// simd/reference.hpp) at odd dimensions and unaligned addresses; exact results where the
// kernels promise them; bound_metric's search distance and to_distance; metric_traits and the
// stable ids; the zero-vector cosine contract; and user-defined metrics end to end through
// flat_index against brute force.
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/bound.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/jaccard.hpp>
#include <vspace/metric/l2.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace vspace;

const std::vector<std::size_t> odd_dims = {1, 3, 17, 33, 100, 257, 784, 1025};

// ---- the reference, in double, element by element ---------------------------------------

template <class S>
double ref_dot(const S* a, const S* b, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += double(a[i]) * double(b[i]);
    return s;
}

template <class S>
double ref_l2sq(const S* a, const S* b, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += (double(a[i]) - double(b[i])) * (double(a[i]) - double(b[i]));
    return s;
}

// 1 - cos, with the header's contract: 1 when either vector is zero.
template <class S>
double ref_cosine(const S* a, const S* b, std::size_t n) {
    const double aa = ref_dot(a, a, n), bb = ref_dot(b, b, n);
    if (aa == 0 || bb == 0) return 1;
    return std::clamp(1 - ref_dot(a, b, n) / std::sqrt(aa * bb), 0.0, 2.0);
}

// Bits as bools, so the packed reference is independent of the word layout under test.
std::vector<std::uint64_t> pack(const std::vector<bool>& bits) {
    std::vector<std::uint64_t> w(scalar_traits<bit>::words(bits.size()), 0);
    for (std::size_t j = 0; j < bits.size(); ++j)
        if (bits[j]) w[j / 64] |= std::uint64_t{1} << (j % 64);
    return w;
}

double ref_hamming(const std::vector<bool>& a, const std::vector<bool>& b) {
    double s = 0;
    for (std::size_t j = 0; j < a.size(); ++j) s += a[j] != b[j];
    return s;
}

double ref_jaccard(const std::vector<bool>& a, const std::vector<bool>& b) {
    double both = 0, either = 0;
    for (std::size_t j = 0; j < a.size(); ++j) {
        both += a[j] && b[j];
        either += a[j] || b[j];
    }
    return either == 0 ? 0 : 1 - both / either;
}

// Worst-case error of a float sum of n terms whose absolute values sum to `abs_sum`
// (gamma_n = n u / (1 - n u), with u = 2^-24, plus the final rounding).
double float_bound(double abs_sum, std::size_t n) {
    const double u = 0x1p-24;
    return (static_cast<double>(n) + 2) * u / (1 - static_cast<double>(n + 2) * u) * abs_sum + 1e-30;
}

// Storage of n elements starting `offset` elements past a 64-byte boundary.
template <class S>
class unaligned {
public:
    unaligned(std::size_t n, std::size_t offset) : buf_(n + 64 + offset) {
        auto p = reinterpret_cast<std::uintptr_t>(buf_.data());
        base_ = reinterpret_cast<S*>((p + 63) & ~std::uintptr_t{63}) + offset;
    }
    S* data() noexcept { return base_; }

private:
    std::vector<S> buf_;
    S* base_;
};

// ---- float ------------------------------------------------------------------------------

TEST(metric, float_metrics_match_the_double_reference) {
    rng g(1);
    for (std::size_t n : odd_dims)
        for (std::size_t off : {0u, 1u, 3u, 7u}) {
            unaligned<float> a(n, off), b(n, (off * 5 + 2) % 16);
            for (std::size_t i = 0; i < n; ++i) {
                a.data()[i] = static_cast<float>(g.normal());
                b.data()[i] = static_cast<float>(g.normal() * 3 + 0.5);
            }
            const row<float> ra(a.data(), n), rb(b.data(), n);
            double abs_ab = 0, diff2 = 0;
            for (std::size_t i = 0; i < n; ++i) {
                abs_ab += std::abs(double(ra[i]) * rb[i]);
                diff2 += (double(ra[i]) - rb[i]) * (double(ra[i]) - rb[i]);
            }
            const std::string where = "n=" + std::to_string(n) + " offset=" + std::to_string(off);
            const double l2sq_ref = ref_l2sq(ra.data(), rb.data(), n);
            EXPECT_NEAR(l2sq{}(ra, rb), l2sq_ref, float_bound(diff2, n)) << where;
            EXPECT_NEAR(l2{}(ra, rb), std::sqrt(l2sq_ref), float_bound(diff2, n) / std::sqrt(l2sq_ref) + 1e-7)
                << where;
            EXPECT_NEAR(inner_product{}(ra, rb), -ref_dot(ra.data(), rb.data(), n), float_bound(abs_ab, n))
                << where;
            // Each of the three sums has relative error gamma_n: about 3 gamma_n on 1 - cos.
            EXPECT_NEAR(cosine{}(ra, rb), ref_cosine(ra.data(), rb.data(), n), 3 * float_bound(1, n) + 1e-7)
                << where;
        }
}

// Small integers in float: every partial sum is exact, so any order of summation gives the
// reference exactly; a kernel that drops or repeats an element cannot pass.
TEST(metric, float_metrics_are_exact_on_small_integers) {
    rng g(2);
    for (std::size_t n : odd_dims) {
        unaligned<float> a(n, n % 16), b(n, (n + 5) % 16);
        for (std::size_t i = 0; i < n; ++i) {
            a.data()[i] = static_cast<float>(static_cast<int>(g.below(21)) - 10);
            b.data()[i] = static_cast<float>(static_cast<int>(g.below(21)) - 10);
        }
        const row<float> ra(a.data(), n), rb(b.data(), n);
        EXPECT_EQ(l2sq{}(ra, rb), static_cast<float>(ref_l2sq(a.data(), b.data(), n))) << n;
        EXPECT_EQ(inner_product{}(ra, rb), static_cast<float>(-ref_dot(a.data(), b.data(), n))) << n;
        EXPECT_EQ(l2{}(ra, rb), std::sqrt(static_cast<float>(ref_l2sq(a.data(), b.data(), n)))) << n;
    }
}

// ---- int8 -------------------------------------------------------------------------------

TEST(metric, int8_metrics_are_exact) {
    rng g(3);
    for (std::size_t n : odd_dims)
        for (std::size_t off : {0u, 1u, 13u, 63u}) {
            unaligned<std::int8_t> a(n, off), b(n, (off + 31) % 64);
            for (std::size_t i = 0; i < n; ++i) {
                a.data()[i] = static_cast<std::int8_t>(static_cast<int>(g.below(256)) - 128);
                b.data()[i] = static_cast<std::int8_t>(static_cast<int>(g.below(256)) - 128);
            }
            if (n > 3) a.data()[1] = -128, b.data()[1] = -128, a.data()[2] = 127, b.data()[2] = -128;  // extremes
            const row<std::int8_t> ra(a.data(), n), rb(b.data(), n);
            const std::string where = "n=" + std::to_string(n) + " offset=" + std::to_string(off);
            const double sq = ref_l2sq(a.data(), b.data(), n), dot = ref_dot(a.data(), b.data(), n);
            EXPECT_EQ(l2sq{}(ra, rb), static_cast<float>(sq)) << where;
            EXPECT_EQ(l2{}(ra, rb), std::sqrt(static_cast<float>(sq))) << where;
            EXPECT_EQ(inner_product{}(ra, rb), static_cast<float>(-dot)) << where;
            // Documented: the double formula on the exact integers, rounded once to float.
            EXPECT_EQ(cosine{}(ra, rb), static_cast<float>(ref_cosine(a.data(), b.data(), n))) << where;
        }
}

TEST(metric, int8_extremes_do_not_overflow) {
    // 1025 dims of -128 against 127: |d|^2 = 1025 * 255^2 > 2^26; -<a,b> = 1025 * 16256.
    const std::size_t n = 1025;
    std::vector<std::int8_t> a(n, -128), b(n, 127);
    const row<std::int8_t> ra(a), rb(b);
    EXPECT_EQ(l2sq{}(ra, rb), static_cast<float>(1025.0 * 255 * 255));
    EXPECT_EQ(inner_product{}(ra, rb), static_cast<float>(1025.0 * 128 * 127));
    EXPECT_EQ(inner_product{}(ra, ra), static_cast<float>(-1025.0 * 128 * 128));
    EXPECT_FLOAT_EQ(cosine{}(ra, rb), 2.f);
    EXPECT_EQ(cosine{}(ra, ra), 0.f);
}

// ---- bit --------------------------------------------------------------------------------

TEST(metric, bit_metrics_are_exact) {
    rng g(4);
    for (std::size_t n : odd_dims)
        for (double density : {0.02, 0.5, 0.97}) {
            std::vector<bool> a(n), b(n);
            for (std::size_t j = 0; j < n; ++j) {
                a[j] = g.uniform_double() < density;
                b[j] = g.uniform_double() < density;
            }
            const auto pa = pack(a), pb = pack(b);
            // One word past a 64-byte boundary, so rows are 8-byte but not line aligned.
            unaligned<std::uint64_t> ua(pa.size(), 1), ub(pb.size(), 3);
            std::copy(pa.begin(), pa.end(), ua.data());
            std::copy(pb.begin(), pb.end(), ub.data());
            const row<bit> ra(ua.data(), pa.size()), rb(ub.data(), pb.size());
            const std::string where = "n=" + std::to_string(n) + " density=" + std::to_string(density);
            EXPECT_EQ(hamming{}(ra, rb), static_cast<float>(ref_hamming(a, b))) << where;
            EXPECT_EQ(jaccard{}(ra, rb), static_cast<float>(ref_jaccard(a, b))) << where;
            EXPECT_EQ(hamming{}(ra, ra), 0.f) << where;
            EXPECT_EQ(jaccard{}(ra, ra), 0.f) << where;
        }
}

TEST(metric, jaccard_of_empty_sets_is_zero_and_disjoint_sets_one) {
    std::vector<std::uint64_t> zero(3, 0), some = pack(std::vector<bool>(150, true)), none(3, 0);
    EXPECT_EQ(jaccard{}(row<bit>(zero), row<bit>(none)), 0.f);
    EXPECT_EQ(jaccard{}(row<bit>(zero), row<bit>(some)), 1.f);
    EXPECT_EQ(hamming{}(row<bit>(zero), row<bit>(some)), 150.f);
}

// ---- cosine of zero vectors -------------------------------------------------------------

TEST(metric, cosine_with_a_zero_vector_is_one_not_nan) {
    // cosine.hpp: "A zero vector is at distance 1 from everything", itself included.
    rng g(5);
    for (std::size_t n : odd_dims) {
        std::vector<float> zero(n, 0.f), x(n);
        for (auto& v : x) v = static_cast<float>(g.normal());
        EXPECT_EQ(cosine{}(row<float>(zero), row<float>(x)), 1.f) << n;
        EXPECT_EQ(cosine{}(row<float>(x), row<float>(zero)), 1.f) << n;
        EXPECT_EQ(cosine{}(row<float>(zero), row<float>(zero)), 1.f) << n;
        std::vector<std::int8_t> zi(n, 0), xi(n, 5);
        EXPECT_EQ(cosine{}(row<std::int8_t>(zi), row<std::int8_t>(xi)), 1.f) << n;
        EXPECT_EQ(cosine{}(row<std::int8_t>(zi), row<std::int8_t>(zi)), 1.f) << n;
        const bound_metric<cosine, float> bm;
        EXPECT_EQ(bm(zero.data(), x.data(), n), 1.f) << n;
        EXPECT_EQ(bm.to_distance(bm(zero.data(), zero.data(), n)), 1.f) << n;
    }
    // Denormal and tiny vectors: their squared norms underflow in float, so they behave as zero
    // vectors (1), or as true directions; never NaN or outside [0, 2].
    std::vector<float> tiny(17, 1e-30f), other(17, 1.f);
    const float d = cosine{}(row<float>(tiny), row<float>(other));
    EXPECT_FALSE(std::isnan(d));
    EXPECT_GE(d, 0.f);
    EXPECT_LE(d, 2.f);
}

TEST(metric, nan_propagates) {
    std::vector<float> a(33, 1.f), b(33, 2.f);
    a[20] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_TRUE(std::isnan(l2sq{}(row<float>(a), row<float>(b))));
    EXPECT_TRUE(std::isnan(inner_product{}(row<float>(a), row<float>(b))));
    EXPECT_TRUE(std::isnan(cosine{}(row<float>(a), row<float>(b))));
}

// ---- concept, traits, ids ---------------------------------------------------------------

static_assert(metric<l2sq, float> && metric<l2sq, std::int8_t> && !metric<l2sq, bit>);
static_assert(metric<l2, float> && metric<l2, std::int8_t> && !metric<l2, bit>);
static_assert(metric<inner_product, float> && metric<inner_product, std::int8_t>);
static_assert(metric<cosine, float> && metric<cosine, std::int8_t> && !metric<cosine, bit>);
static_assert(metric<hamming, bit> && !metric<hamming, float> && !metric<hamming, std::int8_t>);
static_assert(metric<jaccard, bit> && !metric<jaccard, float>);

// The ids are written into index files: never renumbered.
static_assert(static_cast<int>(metric_traits<l2sq>::id) == 1);
static_assert(static_cast<int>(metric_traits<l2>::id) == 2);
static_assert(static_cast<int>(metric_traits<inner_product>::id) == 3);
static_assert(static_cast<int>(metric_traits<cosine>::id) == 4);
static_assert(static_cast<int>(metric_traits<hamming>::id) == 5);
static_assert(static_cast<int>(metric_traits<jaccard>::id) == 6);

// User metrics: L1, a weighted one carrying state, a similarity, and things that are not metrics.
struct manhattan {
    float operator()(row<float> a, row<float> b) const noexcept {
        float s = 0;
        for (std::size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
        return s;
    }
};

struct weighted_l1 {
    std::vector<float> w;
    double operator()(row<float> a, row<float> b) const {  // any float-convertible result
        double s = 0;
        for (std::size_t i = 0; i < a.size(); ++i) s += w[i] * std::abs(double(a[i]) - b[i]);
        return s;
    }
};

struct cosine_similarity {  // larger is closer
    static constexpr bool smaller_is_closer = false;
    float operator()(row<float> a, row<float> b) const noexcept {
        return static_cast<float>(1 - ref_cosine(a.data(), b.data(), a.size()));
    }
};

struct popcount_and {  // a bit metric of the user's own
    static constexpr bool smaller_is_closer = false;
    float operator()(row<bit> a, row<bit> b) const noexcept {
        float s = 0;
        for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<float>(std::popcount(a[i] & b[i]));
        return s;
    }
};

struct not_callable {};
struct wrong_argument {
    float operator()(int, int) const { return 0; }
};
struct returns_string {
    std::string operator()(row<float>, row<float>) const { return {}; }
};

static_assert(metric<manhattan, float> && !metric<manhattan, std::int8_t> && !metric<manhattan, bit>);
static_assert(metric<weighted_l1, float>);
static_assert(metric<cosine_similarity, float>);
static_assert(metric<popcount_and, bit>);
static_assert(!metric<not_callable, float> && !metric<wrong_argument, float> && !metric<returns_string, float>);
static_assert(!metric<manhattan, double>, "only the three scalar kinds");

static_assert(metric_traits<manhattan>::id == metric_id::custom);
static_assert(metric_traits<manhattan>::smaller_is_closer);
static_assert(!metric_traits<cosine_similarity>::smaller_is_closer);
static_assert(metric_traits<l2sq>::smaller_is_closer && metric_traits<inner_product>::smaller_is_closer &&
              metric_traits<cosine>::smaller_is_closer);

static_assert(bound_metric<l2sq, float>::has_kernel && bound_metric<l2, std::int8_t>::has_kernel &&
              bound_metric<cosine, std::int8_t>::has_kernel && bound_metric<hamming, bit>::has_kernel &&
              bound_metric<jaccard, bit>::has_kernel && bound_metric<inner_product, float>::has_kernel);
static_assert(!bound_metric<manhattan, float>::has_kernel && !bound_metric<cosine_similarity, float>::has_kernel);

TEST(metric, names_and_ids_agree) {
    EXPECT_EQ(metric_traits<manhattan>::name, "custom");
    EXPECT_EQ(metric_name(metric_id::custom), "custom");
    auto check = [](auto m) {
        using M = decltype(m);
        EXPECT_EQ(metric_traits<M>::name, M::name);
        EXPECT_EQ(metric_name(metric_traits<M>::id), M::name);
    };
    check(l2sq{});
    check(l2{});
    check(inner_product{});
    check(cosine{});
    check(hamming{});
    check(jaccard{});
    EXPECT_EQ(metric_name(metric_id::inner_product), "ip");
    EXPECT_EQ(metric_name(static_cast<metric_id>(99)), "unknown");
}

// ---- bound_metric -----------------------------------------------------------------------

// bound_metric(a, b) is the search distance (smaller is closer); to_distance maps it to the
// reported one; `many` gives `one`'s value for every row.
template <class M, class T>
void expect_bound(const matrix<T>& data, std::size_t q, auto reported) {
    const bound_metric<M, T> bm;
    const std::size_t words = data.words();
    std::vector<float> many(data.rows());
    bm.many(data.row_data(q), data.data(), data.stride(), data.rows(), words, many.data());
    for (std::size_t i = 0; i < data.rows(); ++i) {
        const float search = bm(data.row_data(q), data.row_data(i), words);
        EXPECT_EQ(many[i], search) << "row " << i;
        EXPECT_FLOAT_EQ(bm.to_distance(search), reported(data.row(q), data.row(i))) << "row " << i;
    }
}

TEST(metric, bound_metric_search_and_reported_distances) {
    rng g(6);
    matrix<float> f(40, 37);
    for (std::size_t i = 0; i < f.rows(); ++i)
        for (std::size_t j = 0; j < f.dims(); ++j) f(i, j) = static_cast<float>(g.normal());
    matrix<std::int8_t> c(40, 37);
    for (std::size_t i = 0; i < c.rows(); ++i)
        for (std::size_t j = 0; j < c.dims(); ++j) c(i, j) = static_cast<std::int8_t>(static_cast<int>(g.below(200)) - 100);
    matrix<bit> b(40, 130);
    for (std::size_t i = 0; i < b.rows(); ++i)
        for (std::size_t j = 0; j < b.dims(); ++j) b.set_bit(i, j, g.below(2) != 0);

    expect_bound<l2sq>(f, 3, [](auto x, auto y) { return l2sq{}(x, y); });
    expect_bound<l2>(f, 3, [](auto x, auto y) { return l2{}(x, y); });  // searches by l2sq, reports sqrt
    expect_bound<inner_product>(f, 3, [](auto x, auto y) { return inner_product{}(x, y); });
    expect_bound<cosine>(f, 3, [](auto x, auto y) { return cosine{}(x, y); });
    expect_bound<manhattan>(f, 3, [](auto x, auto y) { return manhattan{}(x, y); });
    expect_bound<cosine_similarity>(f, 3, [](auto x, auto y) { return cosine_similarity{}(x, y); });
    expect_bound<l2>(c, 5, [](auto x, auto y) { return l2{}(x, y); });
    expect_bound<cosine>(c, 5, [](auto x, auto y) { return cosine{}(x, y); });
    expect_bound<hamming>(b, 7, [](auto x, auto y) { return hamming{}(x, y); });
    expect_bound<jaccard>(b, 7, [](auto x, auto y) { return jaccard{}(x, y); });
    expect_bound<popcount_and>(b, 7, [](auto x, auto y) { return popcount_and{}(x, y); });
}

TEST(metric, search_distances_order_like_the_reported_ones) {
    const bound_metric<l2, float> by_l2;
    const bound_metric<cosine_similarity, float> by_similarity;
    std::vector<float> q = {1, 0, 0}, near = {0.9f, 0.1f, 0}, far = {0, 1, 0}, opposite = {-1, 0, 0};
    // l2 searches with the square: the search distance is l2sq, to_distance takes the root.
    EXPECT_EQ(by_l2(q.data(), near.data(), 3), l2sq{}(row<float>(q), row<float>(near)));
    EXPECT_EQ(by_l2.to_distance(4.f), 2.f);
    EXPECT_LT(by_l2(q.data(), near.data(), 3), by_l2(q.data(), far.data(), 3));
    EXPECT_LT(by_l2(q.data(), far.data(), 3), by_l2(q.data(), opposite.data(), 3));
    // A similarity is negated for the search (larger similarity = smaller search distance) and
    // reported with its own sign.
    const float s_near = by_similarity(q.data(), near.data(), 3);
    EXPECT_FLOAT_EQ(s_near, -cosine_similarity{}(row<float>(q), row<float>(near)));
    EXPECT_LT(s_near, by_similarity(q.data(), far.data(), 3));
    EXPECT_LT(by_similarity(q.data(), far.data(), 3), by_similarity(q.data(), opposite.data(), 3));
    EXPECT_FLOAT_EQ(by_similarity.to_distance(by_similarity(q.data(), opposite.data(), 3)), -1.f);
    // The built-in cosine is a distance: 1 - similarity, reported unchanged.
    const bound_metric<cosine, float> by_cosine;
    EXPECT_FLOAT_EQ(by_cosine(q.data(), far.data(), 3), 1.f);
    EXPECT_FLOAT_EQ(by_cosine.to_distance(0.25f), 0.25f);
    EXPECT_FLOAT_EQ(by_cosine(q.data(), opposite.data(), 3), 2.f);
    // inner_product is -<a, b>: a distance already, reported as is.
    const bound_metric<inner_product, float> by_ip;
    EXPECT_FLOAT_EQ(by_ip(q.data(), opposite.data(), 3), 1.f);
    EXPECT_FLOAT_EQ(by_ip.to_distance(-3.f), -3.f);
}

TEST(metric, stateful_metric_is_stored_by_bound_metric) {
    const weighted_l1 w{{1.f, 10.f, 100.f}};
    const bound_metric<weighted_l1, float> bm(w);
    std::vector<float> a = {0, 0, 0}, b = {1, 1, 1};
    EXPECT_FLOAT_EQ(bm(a.data(), b.data(), 3), 111.f);
    EXPECT_EQ(bm.get().w, w.w);
}

// ---- user metrics through flat_index ----------------------------------------------------

// Brute force: ids of the k best rows under a (larger-is-closer if `similarity`) metric,
// ties by id.
template <class T, class F>
std::vector<std::int64_t> brute_force(const matrix<T>& data, row<T> q, std::size_t k, F dist, bool similarity) {
    std::vector<std::pair<double, std::int64_t>> all;
    for (std::size_t i = 0; i < data.rows(); ++i) {
        const double d = dist(q, data.row(i));
        all.emplace_back(similarity ? -d : d, static_cast<std::int64_t>(i));
    }
    std::sort(all.begin(), all.end());
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < std::min(k, all.size()); ++i) ids.push_back(all[i].second);
    return ids;
}

template <class M, class T>
void expect_flat_matches_brute_force(const matrix<T>& data, const matrix<T>& queries, M m, std::size_t k,
                                     bool similarity) {
    flat_index<M, T> index(data.dims(), m);
    index.add(data.view());
    ASSERT_EQ(index.size(), data.rows());
    const search_result batch = index.search(queries.view(), k, {.n_threads = 2});
    for (std::size_t q = 0; q < queries.rows(); ++q) {
        const auto expected = brute_force(data, queries.row(q), k, m, similarity);
        const auto hits = index.search(queries.row(q), k);
        ASSERT_EQ(hits.size(), expected.size());
        for (std::size_t j = 0; j < hits.size(); ++j) {
            EXPECT_EQ(hits[j].id, expected[j]) << "query " << q << " rank " << j;
            // Reported in the metric's own units and sign.
            EXPECT_FLOAT_EQ(hits[j].distance, static_cast<float>(m(queries.row(q), data.row(static_cast<std::size_t>(hits[j].id)))));
            EXPECT_EQ(batch.at(q, j).id, hits[j].id);
            EXPECT_EQ(batch.at(q, j).distance, hits[j].distance);
        }
    }
}

TEST(metric, user_metrics_work_through_flat_index) {
    rng g(7);
    matrix<float> data(300, 17), queries(12, 17);
    for (auto* m : {&data, &queries})
        for (std::size_t i = 0; i < m->rows(); ++i)
            for (std::size_t j = 0; j < m->dims(); ++j) (*m)(i, j) = static_cast<float>(g.normal());
    expect_flat_matches_brute_force(data, queries, manhattan{}, 7, false);
    std::vector<float> w(17);
    for (std::size_t j = 0; j < w.size(); ++j) w[j] = static_cast<float>(j % 4) + 0.25f;
    expect_flat_matches_brute_force(data, queries, weighted_l1{w}, 7, false);
    expect_flat_matches_brute_force(data, queries, cosine_similarity{}, 7, true);
    // k beyond the size is clamped.
    expect_flat_matches_brute_force(data, queries, manhattan{}, 1000, false);

    matrix<bit> bits(200, 100), bit_queries(5, 100);
    for (auto* m : {&bits, &bit_queries})
        for (std::size_t i = 0; i < m->rows(); ++i)
            for (std::size_t j = 0; j < m->dims(); ++j) m->set_bit(i, j, g.below(3) == 0);
    expect_flat_matches_brute_force(bits, bit_queries, popcount_and{}, 5, true);
}

TEST(metric, similarity_ranks_like_the_builtin_cosine) {
    rng g(8);
    matrix<float> data(200, 33);
    for (std::size_t i = 0; i < data.rows(); ++i)
        for (std::size_t j = 0; j < data.dims(); ++j) data(i, j) = static_cast<float>(g.normal());
    flat_index<cosine, float> by_distance(33);
    flat_index<cosine_similarity, float> by_similarity(33);
    by_distance.add(data.view());
    by_similarity.add(data.view());
    for (std::size_t q = 0; q < 10; ++q) {
        const auto d = by_distance.search(data.row(q), 10);
        const auto s = by_similarity.search(data.row(q), 10);
        ASSERT_EQ(d.size(), s.size());
        EXPECT_EQ(d[0].id, static_cast<std::int64_t>(q));
        for (std::size_t j = 0; j < d.size(); ++j) {
            EXPECT_EQ(d[j].id, s[j].id);
            EXPECT_NEAR(d[j].distance, 1 - s[j].distance, 1e-5);  // distance = 1 - similarity
        }
    }
}

}  // namespace
