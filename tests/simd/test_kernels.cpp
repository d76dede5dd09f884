// SPDX-License-Identifier: MIT
// Every kernel at every level this CPU has, against the scalar reference (simd/reference.hpp):
// dimensions 1-300 and the real embedding sizes, starting offsets 0..63 bytes, int8 extremes,
// float cancellation, NaN. int8 and bit kernels must be exact; float kernels must stay within
// the error bound of their float accumulators, and be exact where every partial sum is.
#include "simd_test_util.hpp"

#include <vspace/simd/reference.hpp>

#include <limits>

namespace {

using namespace vspace;
using namespace vspace::simd_test;

class kernels_at : public ::testing::TestWithParam<level> {
protected:
    const simd::kernel_tables& tables() const { return simd::tables_for(GetParam()); }
};

// Sums the references use to bound float errors.
struct float_sums {
    double abs_ab = 0, aa = 0, bb = 0, diff2 = 0;
    float_sums(const float* a, const float* b, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            abs_ab += std::abs(double(a[i]) * b[i]);
            aa += double(a[i]) * a[i];
            bb += double(b[i]) * b[i];
            diff2 += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
        }
    }
};

// Checks the four float kernels on (a, b) against the reference and the accumulator bound.
void expect_float_kernels(const simd::kernel_table<float>& t, const float* a, const float* b, std::size_t n,
                          const std::string& where) {
    const float_sums s(a, b, n);
    const double dot = simd::reference::dot(a, b, n);
    EXPECT_NEAR(t.dot.one(a, b, n), dot, float_sum_bound(s.abs_ab, n)) << where;
    EXPECT_NEAR(t.inner_product.one(a, b, n), -dot, float_sum_bound(s.abs_ab, n)) << where;
    // l2sq sums the squared differences themselves, so its bound is relative to the result.
    EXPECT_NEAR(t.l2sq.one(a, b, n), simd::reference::l2sq(a, b, n), float_sum_bound(s.diff2, n)) << where;
    const double cos_bound = (2 * float_chain(n) + 4) * float_u;
    EXPECT_NEAR(t.cosine.one(a, b, n), simd::reference::cosine(a, b, n), cos_bound) << where;
}

std::string at(std::size_t n, std::size_t off_a, std::size_t off_b) {
    return "n=" + std::to_string(n) + " offsets=" + std::to_string(off_a) + "," + std::to_string(off_b);
}

TEST_P(kernels_at, float_kernels_match_reference) {
    const auto& t = tables().f32;
    rng gen(7);
    offset_buffer<float> a(1536), b(1536);
    for (std::size_t i = 0; i < 1536 + 64; ++i) {
        a.at(0)[i] = static_cast<float>(gen.normal());
        b.at(0)[i] = static_cast<float>(gen.normal());
    }
    for (std::size_t n : test_dims())
        for (std::size_t oa = 0; oa < offset_buffer<float>::offsets; ++oa) {
            const std::size_t ob = (oa * 5 + n) % offset_buffer<float>::offsets;
            expect_float_kernels(t, a.at(oa), b.at(ob), n, at(n, oa * 4, ob * 4));
        }
}

// Small integers: every partial sum is an exact float, so any summation order gives the exact
// result. A kernel that skips or repeats an element cannot pass.
TEST_P(kernels_at, float_kernels_are_exact_on_small_integers) {
    const auto& t = tables().f32;
    rng gen(8);
    offset_buffer<float> a(1536), b(1536);
    for (std::size_t i = 0; i < 1536 + 64; ++i) {
        a.at(0)[i] = static_cast<float>(static_cast<int>(gen.below(17)) - 8);
        b.at(0)[i] = static_cast<float>(static_cast<int>(gen.below(17)) - 8);
    }
    for (std::size_t n : test_dims()) {
        const std::size_t oa = n % 16, ob = (n * 7 + 3) % 16;
        const float *pa = a.at(oa), *pb = b.at(ob);
        const auto dot = static_cast<float>(simd::reference::dot(pa, pb, n));
        EXPECT_EQ(t.dot.one(pa, pb, n), dot) << at(n, oa, ob);
        EXPECT_EQ(t.inner_product.one(pa, pb, n), -dot) << at(n, oa, ob);
        EXPECT_EQ(t.l2sq.one(pa, pb, n), static_cast<float>(simd::reference::l2sq(pa, pb, n))) << at(n, oa, ob);
        EXPECT_EQ(t.cosine.one(pa, pb, n), static_cast<float>(simd::reference::cosine(pa, pb, n))) << at(n, oa, ob);
    }
}

// Near-identical vectors: l2sq must stay accurate relative to the (tiny) distance itself,
// which rules out |a|^2 + |b|^2 - 2<a,b>. Dot products whose large terms cancel stay within
// the bound relative to the sum of absolute terms.
TEST_P(kernels_at, float_cancellation) {
    const auto& t = tables().f32;
    rng gen(9);
    for (std::size_t n : {3, 16, 17, 100, 300, 768, 1536}) {
        std::vector<float> a(n), b(n), c(n), d(n);
        for (std::size_t i = 0; i < n; ++i) {
            a[i] = static_cast<float>(1000 + gen.normal());
            b[i] = a[i] + static_cast<float>(1e-3 * gen.normal());
            // c . d: pairs of equal large terms of opposite sign plus small residues
            const float big = static_cast<float>(1e4 * (1 + gen.uniform()));
            c[i] = big;
            d[i] = (i % 2 ? 1.f : -1.f) + static_cast<float>(1e-3 * gen.normal());
        }
        const double exact = simd::reference::l2sq(a.data(), b.data(), n);
        EXPECT_NEAR(t.l2sq.one(a.data(), b.data(), n), exact, float_sum_bound(exact, n)) << "n=" << n;
        EXPECT_GT(t.l2sq.one(a.data(), b.data(), n), 0.f);
        expect_float_kernels(t, c.data(), d.data(), n, "cancelling dot, n=" + std::to_string(n));
        // identical and opposite directions, and a zero vector
        EXPECT_NEAR(t.cosine.one(a.data(), a.data(), n), 0.0, 1e-6);
        EXPECT_EQ(t.l2sq.one(a.data(), a.data(), n), 0.f);
        std::vector<float> zero(n, 0.f), neg(a);
        for (auto& x : neg) x = -x;
        EXPECT_NEAR(t.cosine.one(a.data(), neg.data(), n), 2.0, 1e-6);
        EXPECT_EQ(t.cosine.one(a.data(), zero.data(), n), 1.f);
        EXPECT_EQ(t.cosine.one(zero.data(), zero.data(), n), 1.f);
    }
}

// A NaN anywhere in either vector makes every float kernel return NaN: kernels never hide it.
TEST_P(kernels_at, float_kernels_propagate_nan) {
    const auto& t = tables().f32;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t n : {1, 7, 16, 33, 100, 768}) {
        for (std::size_t j = 0; j < n; j += (n > 40 ? 13 : 1)) {
            std::vector<float> a(n, 0.5f), b(n, -0.25f);
            (j % 2 ? a : b)[j] = nan;
            EXPECT_TRUE(std::isnan(t.dot.one(a.data(), b.data(), n))) << "n=" << n << " j=" << j;
            EXPECT_TRUE(std::isnan(t.inner_product.one(a.data(), b.data(), n))) << "n=" << n << " j=" << j;
            EXPECT_TRUE(std::isnan(t.l2sq.one(a.data(), b.data(), n))) << "n=" << n << " j=" << j;
            EXPECT_TRUE(std::isnan(t.cosine.one(a.data(), b.data(), n))) << "n=" << n << " j=" << j;
        }
    }
}

// int8 inputs: random, and the extremes (-128 * -128 summed, 127 - (-128) differences).
enum class i8_fill { random, all_min, min_vs_max, alternating };

void fill(std::int8_t* a, std::int8_t* b, std::size_t count, i8_fill how, rng& gen) {
    for (std::size_t i = 0; i < count; ++i) {
        switch (how) {
            case i8_fill::random:
                a[i] = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
                b[i] = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
                break;
            case i8_fill::all_min: a[i] = b[i] = -128; break;
            case i8_fill::min_vs_max:
                a[i] = -128;
                b[i] = 127;
                break;
            case i8_fill::alternating:
                a[i] = static_cast<std::int8_t>(i % 3 ? 127 : -128);
                b[i] = static_cast<std::int8_t>(i % 2 ? -128 : 127);
                break;
        }
    }
}

void expect_i8_exact(const simd::kernel_table<std::int8_t>& t, const std::int8_t* a, const std::int8_t* b,
                     std::size_t n, const std::string& where) {
    const auto dot = static_cast<float>(simd::reference::dot(a, b, n));
    EXPECT_EQ(t.dot.one(a, b, n), dot) << where;
    EXPECT_EQ(t.inner_product.one(a, b, n), -dot) << where;
    EXPECT_EQ(t.l2sq.one(a, b, n), static_cast<float>(simd::reference::l2sq(a, b, n))) << where;
    EXPECT_EQ(t.cosine.one(a, b, n), static_cast<float>(simd::reference::cosine(a, b, n))) << where;
}

TEST_P(kernels_at, int8_kernels_are_exact) {
    const auto& t = tables().i8;
    rng gen(11);
    offset_buffer<std::int8_t> a(1536), b(1536);
    for (i8_fill how : {i8_fill::random, i8_fill::all_min, i8_fill::min_vs_max, i8_fill::alternating}) {
        fill(a.at(0), b.at(0), 1536 + 64, how, gen);
        for (std::size_t n : test_dims())
            for (std::size_t oa = 0; oa < 64; oa += (n <= 64 || n >= 300 ? 1 : 7)) {
                const std::size_t ob = (oa * 7 + n) % 64;
                expect_i8_exact(t, a.at(oa), b.at(ob), n, at(n, oa, ob) + " fill=" + std::to_string(int(how)));
            }
    }
}

// Sums past the int32 range: the kernels flush their int32 accumulators into int64 in chunks.
TEST_P(kernels_at, int8_kernels_are_exact_past_int32) {
    const auto& t = tables().i8;
    rng gen(12);
    const std::size_t n = 140'000;  // 128^2 n > 2^31 and 255^2 n > 2^32
    std::vector<std::int8_t> a(n), b(n);
    for (i8_fill how : {i8_fill::all_min, i8_fill::min_vs_max, i8_fill::random}) {
        fill(a.data(), b.data(), n, how, gen);
        for (std::size_t m : {n, std::size_t{16384}, std::size_t{16385}, std::size_t{33'000}})
            expect_i8_exact(t, a.data(), b.data(), m, "n=" + std::to_string(m));
    }
    fill(a.data(), b.data(), n, i8_fill::min_vs_max, gen);
    EXPECT_EQ(t.l2sq.one(a.data(), b.data(), n), static_cast<float>(255.0 * 255.0 * n));
    EXPECT_EQ(t.dot.one(a.data(), a.data(), n), static_cast<float>(128.0 * 128.0 * n));
}

TEST_P(kernels_at, bit_kernels_are_exact) {
    const auto& t = tables().b1;
    rng gen(13);
    offset_buffer<std::uint64_t> a(300), b(300);
    for (int round = 0; round < 4; ++round) {
        for (std::size_t i = 0; i < 300 + 8; ++i) {
            const std::uint64_t x = gen(), y = gen();
            a.at(0)[i] = round == 1 ? ~std::uint64_t{0} : (round == 2 ? 0 : x);
            b.at(0)[i] = round == 1 ? ~std::uint64_t{0} : (round == 2 ? 0 : (round == 3 ? ~x : x & y));
        }
        for (std::size_t words = 1; words <= 300; words += (words < 80 ? 1 : 37))
            for (std::size_t oa = 0; oa < 8; ++oa) {
                const std::size_t ob = (oa * 3 + words) % 8;
                const std::uint64_t *pa = a.at(oa), *pb = b.at(ob);
                const std::string where = at(words, oa * 8, ob * 8) + " round=" + std::to_string(round);
                EXPECT_EQ(t.hamming.one(pa, pb, words), static_cast<float>(simd::reference::hamming(pa, pb, words)))
                    << where;
                EXPECT_EQ(t.jaccard.one(pa, pb, words), static_cast<float>(simd::reference::jaccard(pa, pb, words)))
                    << where;
            }
    }
    // both empty: identical sets; disjoint: distance 1
    std::vector<std::uint64_t> zero(5, 0), ones(5, ~std::uint64_t{0});
    EXPECT_EQ(t.jaccard.one(zero.data(), zero.data(), 5), 0.f);
    EXPECT_EQ(t.jaccard.one(zero.data(), ones.data(), 5), 1.f);
    EXPECT_EQ(t.hamming.one(zero.data(), ones.data(), 5), 320.f);
}

// Empty vectors: the sums are empty, cosine of a zero vector is 1, two empty sets are identical.
TEST_P(kernels_at, empty_vectors) {
    const auto& t = tables();
    const float f = 1.f;
    const std::int8_t i = 1;
    const std::uint64_t b = 1;
    EXPECT_EQ(t.f32.dot.one(&f, &f, 0), 0.f);
    EXPECT_EQ(t.f32.l2sq.one(&f, &f, 0), 0.f);
    EXPECT_EQ(t.f32.cosine.one(&f, &f, 0), 1.f);
    EXPECT_EQ(t.i8.dot.one(&i, &i, 0), 0.f);
    EXPECT_EQ(t.i8.l2sq.one(&i, &i, 0), 0.f);
    EXPECT_EQ(t.i8.cosine.one(&i, &i, 0), 1.f);
    EXPECT_EQ(t.b1.hamming.one(&b, &b, 0), 0.f);
    EXPECT_EQ(t.b1.jaccard.one(&b, &b, 0), 0.f);
    float out[5] = {-1, -1, -1, -1, -1};
    t.f32.l2sq.many(&f, &f, 0, 5, 0, out);
    for (float x : out) EXPECT_EQ(x, 0.f);
}

INSTANTIATE_TEST_SUITE_P(levels, kernels_at, ::testing::ValuesIn(levels_here()), level_test_name);

}  // namespace
