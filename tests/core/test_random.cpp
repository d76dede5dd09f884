// SPDX-License-Identifier: MIT
// core/random.hpp: SplitMix64 against its published test vector, determinism per (seed,
// stream), independence of streams, and the distributions: uniform in [0, 1), below(n) in
// range and free of modulo or multiply bias (chi-square), normal mean and variance, and
// shuffle as a deterministic, uniform permutation.
#include <vspace/core/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <vector>

namespace {

using namespace vspace;

static_assert(std::uniform_random_bit_generator<rng>);
// Usable at compile time, and a copy continues the same sequence.
static_assert([] {
    rng a(5, 2);
    rng b = a;
    return a() == b() && a() == b();
}());

// Pearson's chi-square of observed counts against equal expected counts.
double chi_square(const std::vector<std::size_t>& counts) {
    const double total = static_cast<double>(std::accumulate(counts.begin(), counts.end(), std::size_t{0}));
    const double expected = total / static_cast<double>(counts.size());
    double x2 = 0;
    for (std::size_t c : counts) x2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
    return x2;
}

// A generous bound: the chi-square quantile with `dof` degrees of freedom at p ~ 1e-6
// (mean dof, variance 2 dof; 5 standard deviations plus a margin for small dof).
double chi_square_bound(std::size_t dof) { return static_cast<double>(dof) + 5 * std::sqrt(2.0 * dof) + 10; }

TEST(random, splitmix64_matches_the_published_sequence) {
    // The reference sequence for seed 1234567 (Vigna's splitmix64.c).
    std::uint64_t state = 1234567;
    const std::array<std::uint64_t, 5> expected = {6457827717110365317ull, 3203168211198807973ull,
                                                   9817491932198370423ull, 4593380528125082431ull,
                                                   16408922859458223821ull};
    for (std::uint64_t e : expected) EXPECT_EQ(splitmix64(state), e);
}

TEST(random, same_seed_and_stream_give_the_same_sequence) {
    rng a(123, 7), b(123, 7);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(a(), b());
    rng c(123, 7), d(123, 7);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(c.uniform(), d.uniform());
        ASSERT_EQ(c.below(1000), d.below(1000));
        ASSERT_EQ(c.normal(), d.normal());
    }
    EXPECT_EQ(rng()(), rng(42, 0)()) << "the defaults are seed 42, stream 0";
}

TEST(random, streams_and_seeds_differ) {
    // The first outputs of 1000 streams of one seed and of 1000 other seeds are all distinct, and
    // two neighbouring streams share no value among their first 1000.
    std::set<std::uint64_t> firsts;
    for (std::uint64_t s = 0; s < 1000; ++s) firsts.insert(rng(9, s)());
    for (std::uint64_t seed = 1000; seed < 2000; ++seed) firsts.insert(rng(seed, 0)());
    EXPECT_EQ(firsts.size(), 2000u);

    rng a(9, 0), b(9, 1);
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(a());
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen.count(b()), 0u);

    // Streams are not shifted copies of each other: the bit-wise agreement of streams 0 and 1
    // at equal positions is that of independent bits (1/2, 64000 bits, 6 sigma = 0.012).
    rng x(1, 0), y(1, 1);
    std::size_t same = 0;
    for (int i = 0; i < 1000; ++i) same += 64 - static_cast<std::size_t>(std::popcount(x() ^ y()));
    EXPECT_NEAR(static_cast<double>(same) / 64000.0, 0.5, 0.012);
}

TEST(random, uniform_lies_in_the_unit_interval) {
    rng g(1);
    const int n = 200000;
    double sum = 0, sum_d = 0;
    std::vector<std::size_t> buckets(20);
    for (int i = 0; i < n; ++i) {
        const float u = g.uniform();
        const double v = g.uniform_double();
        ASSERT_GE(u, 0.f);
        ASSERT_LT(u, 1.f);
        ASSERT_GE(v, 0.0);
        ASSERT_LT(v, 1.0);
        sum += u;
        sum_d += v;
        ++buckets[static_cast<std::size_t>(v * 20)];
    }
    const double sigma = std::sqrt(1.0 / 12 / n);
    EXPECT_NEAR(sum / n, 0.5, 6 * sigma);
    EXPECT_NEAR(sum_d / n, 0.5, 6 * sigma);
    EXPECT_LT(chi_square(buckets), chi_square_bound(19));
}

TEST(random, below_stays_in_range) {
    rng g(2);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(g.below(1), 0u);
    for (std::uint64_t n : {2ull, 3ull, 7ull, 10ull, 1000ull, (1ull << 63) + 1, ~0ull})
        for (int i = 0; i < 2000; ++i) ASSERT_LT(g.below(n), n) << "n=" << n;
}

TEST(random, below_is_uniform) {
    rng g(3);
    for (std::uint64_t n : {2ull, 3ull, 10ull, 37ull}) {
        std::vector<std::size_t> counts(n);
        for (int i = 0; i < 100000; ++i) ++counts[g.below(n)];
        EXPECT_LT(chi_square(counts), chi_square_bound(n - 1)) << "n=" << n;
    }
}

TEST(random, below_has_no_bias_for_large_n) {
    // n = 3 * 2^62. `x % n` would make the values below 2^62 twice as likely as the rest
    // (P = 1/2 instead of 1/3); the multiply-shift method without rejection would hit the
    // multiples of 3 twice as often (P(v % 3 == 0) = 1/2 instead of 1/3).
    rng g(4);
    const std::uint64_t n = 3ull << 62;
    std::vector<std::size_t> thirds(3), residues(3);
    for (int i = 0; i < 60000; ++i) {
        const std::uint64_t v = g.below(n);
        ++thirds[v >> 62];
        ++residues[v % 3];
    }
    EXPECT_LT(chi_square(thirds), chi_square_bound(2));
    EXPECT_LT(chi_square(residues), chi_square_bound(2));
}

TEST(random, normal_has_mean_zero_and_unit_variance) {
    rng g(5);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    std::size_t within_one = 0;
    for (int i = 0; i < n; ++i) {
        const double x = g.normal();
        ASSERT_TRUE(std::isfinite(x));
        sum += x;
        sum2 += x * x;
        within_one += std::abs(x) < 1;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, 0.0, 6 / std::sqrt(double(n)));
    EXPECT_NEAR(var, 1.0, 6 * std::sqrt(2.0 / n));
    // P(|X| < 1) = erf(1 / sqrt 2) = 0.682689...
    EXPECT_NEAR(double(within_one) / n, std::erf(1 / std::sqrt(2.0)), 6 * std::sqrt(0.2166 / n));
}

TEST(random, shuffle_is_a_deterministic_permutation) {
    for (std::size_t n : {0u, 1u, 2u, 1000u}) {
        std::vector<int> a(n), b(n);
        std::iota(a.begin(), a.end(), 0);
        std::iota(b.begin(), b.end(), 0);
        rng(8).shuffle(a.begin(), a.end());
        rng(8).shuffle(b.begin(), b.end());
        EXPECT_EQ(a, b);
        std::vector<int> sorted = a;
        std::sort(sorted.begin(), sorted.end());
        std::vector<int> iota(n);
        std::iota(iota.begin(), iota.end(), 0);
        EXPECT_EQ(sorted, iota);
    }
    std::vector<int> a(1000), b(1000);
    std::iota(a.begin(), a.end(), 0);
    std::iota(b.begin(), b.end(), 0);
    rng(8).shuffle(a.begin(), a.end());
    rng(9).shuffle(b.begin(), b.end());
    EXPECT_NE(a, b);
    std::size_t fixed = 0;
    for (int i = 0; i < 1000; ++i) fixed += a[static_cast<std::size_t>(i)] == i;
    EXPECT_LT(fixed, 10u) << "a random permutation has ~1 fixed point";
}

TEST(random, shuffle_gives_every_permutation_equally_often) {
    rng g(10);
    std::vector<std::size_t> counts(24);  // permutations of 4 items
    for (int t = 0; t < 48000; ++t) {
        std::array<int, 4> p = {0, 1, 2, 3};
        g.shuffle(p.begin(), p.end());
        // Rank of the permutation (Lehmer code).
        std::size_t rank = 0;
        for (int i = 0; i < 4; ++i) {
            std::size_t smaller = 0;
            for (int j = i + 1; j < 4; ++j) smaller += p[static_cast<std::size_t>(j)] < p[static_cast<std::size_t>(i)];
            rank = rank * static_cast<std::size_t>(4 - i) + smaller;
        }
        ++counts[rank];
    }
    EXPECT_LT(chi_square(counts), chi_square_bound(23));
}

}  // namespace
