// SPDX-License-Identifier: MIT
// Every kernel at every level this CPU has, against the scalar reference: dimensions 1-300 and
// the real embedding sizes, unaligned starting offsets, and int8 extremes.
#include <vspace/core/random.hpp>
#include <vspace/simd/kernel_table.hpp>
#include <vspace/simd/reference.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using namespace vspace;
using simd::level;

std::vector<std::size_t> test_dims() {
    std::vector<std::size_t> d;
    for (std::size_t i = 1; i <= 300; ++i) d.push_back(i);
    for (std::size_t i : {384, 768, 784, 1024, 1536}) d.push_back(i);
    return d;
}

std::vector<level> levels_here() {
    std::vector<level> out;
    for (level l : simd::all_levels)
        if (l <= simd::cpu_level()) out.push_back(l);
    return out;
}

class kernels_at : public ::testing::TestWithParam<level> {
protected:
    const simd::kernel_tables& tables() const { return simd::tables_for(GetParam()); }
};

// Float error bound: a few ulps of the sum of absolute terms.
double f32_tolerance(double abs_sum, std::size_t n) { return 1e-6 * (abs_sum + 1.0) * std::sqrt(double(n) + 1); }

TEST_P(kernels_at, float_kernels_match_reference) {
    const auto& t = tables().f32;
    rng gen(7);
    std::vector<float> a(1536 + 16), b(1536 + 16);
    for (auto& x : a) x = static_cast<float>(gen.normal());
    for (auto& x : b) x = static_cast<float>(gen.normal());
    for (std::size_t n : test_dims()) {
        for (std::size_t off : {0u, 1u, 3u, 7u}) {
            const float* pa = a.data() + off;
            const float* pb = b.data() + (off * 5) % 11;
            double abs_ab = 0, aa = 0, bb = 0;
            for (std::size_t i = 0; i < n; ++i) {
                abs_ab += std::abs(double(pa[i]) * pb[i]);
                aa += double(pa[i]) * pa[i];
                bb += double(pb[i]) * pb[i];
            }
            const double dot = simd::reference::dot(pa, pb, n);
            EXPECT_NEAR(t.dot.one(pa, pb, n), dot, f32_tolerance(abs_ab, n)) << "n=" << n << " off=" << off;
            EXPECT_NEAR(t.inner_product.one(pa, pb, n), -dot, f32_tolerance(abs_ab, n));
            const double l2 = simd::reference::l2sq(pa, pb, n);
            EXPECT_NEAR(t.l2sq.one(pa, pb, n), l2, f32_tolerance(2 * (aa + bb), n)) << "n=" << n;
            EXPECT_NEAR(t.cosine.one(pa, pb, n), simd::reference::cosine(pa, pb, n), 1e-5) << "n=" << n;
        }
    }
}

TEST_P(kernels_at, int8_kernels_are_exact) {
    const auto& t = tables().i8;
    rng gen(11);
    std::vector<std::int8_t> a(1536 + 16), b(1536 + 16);
    for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (round == 0) {  // random
                a[i] = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
                b[i] = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
            } else if (round == 1) {  // extremes: -128 * -128 and 127 - (-128)
                a[i] = -128;
                b[i] = static_cast<std::int8_t>(i % 2 ? -128 : 127);
            } else {
                a[i] = 127;
                b[i] = -128;
            }
        }
        for (std::size_t n : test_dims()) {
            for (std::size_t off : {0u, 1u, 5u}) {
                const std::int8_t* pa = a.data() + off;
                const std::int8_t* pb = b.data() + (off * 3) % 7;
                const auto dot = static_cast<float>(simd::reference::dot(pa, pb, n));
                EXPECT_EQ(t.dot.one(pa, pb, n), dot) << "n=" << n << " round=" << round;
                EXPECT_EQ(t.inner_product.one(pa, pb, n), -dot);
                EXPECT_EQ(t.l2sq.one(pa, pb, n), static_cast<float>(simd::reference::l2sq(pa, pb, n)))
                    << "n=" << n << " round=" << round;
                EXPECT_NEAR(t.cosine.one(pa, pb, n), simd::reference::cosine(pa, pb, n), 1e-5);
            }
        }
    }
}

TEST_P(kernels_at, bit_kernels_are_exact) {
    const auto& t = tables().b1;
    rng gen(13);
    std::vector<std::uint64_t> a(40), b(40);
    for (auto& x : a) x = gen();
    for (auto& x : b) x = gen() & gen();
    for (std::size_t words = 1; words <= 32; ++words) {
        for (std::size_t off : {0u, 1u, 3u}) {
            const auto* pa = a.data() + off;
            const auto* pb = b.data() + off * 2;
            EXPECT_EQ(t.hamming.one(pa, pb, words), static_cast<float>(simd::reference::hamming(pa, pb, words)));
            EXPECT_FLOAT_EQ(t.jaccard.one(pa, pb, words),
                            static_cast<float>(simd::reference::jaccard(pa, pb, words)));
        }
    }
}

TEST_P(kernels_at, one_to_many_matches_pairs) {
    const auto& t = tables().f32;
    rng gen(3);
    const std::size_t dims = 97, stride = 112, rows = 37;
    std::vector<float> base(stride * rows), q(dims), out(rows);
    for (auto& x : base) x = gen.uniform();
    for (auto& x : q) x = gen.uniform();
    t.l2sq.many(q.data(), base.data(), stride, rows, dims, out.data());
    for (std::size_t i = 0; i < rows; ++i) EXPECT_EQ(out[i], t.l2sq.one(q.data(), base.data() + i * stride, dims));
}

TEST(simd_dispatch, active_level_respects_cpu) {
    EXPECT_LE(simd::active_level(), simd::cpu_level());
    EXPECT_FALSE(simd::active_arch_name().empty());
}

TEST(simd_dispatch, unknown_level_name_throws) {
    EXPECT_THROW(simd::parse_level("avx9000"), vspace::invalid_argument);
    EXPECT_EQ(simd::parse_level("avx2"), level::avx2);
}

INSTANTIATE_TEST_SUITE_P(levels, kernels_at, ::testing::ValuesIn(levels_here()),
                         [](const auto& info) { return std::string(simd::level_name(info.param)); });

}  // namespace
