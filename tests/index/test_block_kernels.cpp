// SPDX-License-Identifier: MIT
// The block kernels (many queries x many rows with fused threshold selection) at every level
// this CPU has, against exact sums: every value a kernel offers, the order it offers them in,
// and the top-k it leaves, on odd sizes (rows not a multiple of the tile, queries not a
// multiple of the panel, dims 1..300 and 784).
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/detail/top_k.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <vector>

namespace {

using namespace vspace;
using simd::level;

constexpr float inf = std::numeric_limits<float>::infinity();

std::vector<level> levels_here() {
    std::vector<level> out;
    for (level l : simd::all_levels)
        if (l <= simd::cpu_level()) out.push_back(l);
    return out;
}

struct aligned_free {
    void operator()(void* p) const noexcept { ::operator delete(p, std::align_val_t{64}); }
};
using scratch_ptr = std::unique_ptr<void, aligned_free>;

scratch_ptr make_scratch(std::size_t queries, std::size_t n, std::size_t element_size) {
    return scratch_ptr(::operator new(simd::block_scratch_bytes(queries, n, element_size), std::align_val_t{64}));
}

/// A sink that records every offer and keeps per-query top-k selectors (k = 0: keeps each
/// query's threshold at `fixed`, so every entry below it is offered).
struct recording_sink {
    struct offer_record {
        std::size_t query, row;
        float value;
    };
    std::vector<offer_record> offers;
    std::vector<detail::top_k> heaps;
    std::vector<std::int64_t> last_row;  // rows must come in increasing order per query
    std::vector<float> fixed;
    bool out_of_order = false;

    recording_sink(std::size_t queries, std::size_t k) : last_row(queries, -1), fixed(queries, inf) {
        for (std::size_t q = 0; q < queries; ++q) heaps.emplace_back(k);
    }

    static float offer(void* self, std::size_t q, std::size_t r, float v) noexcept {
        auto& s = *static_cast<recording_sink*>(self);
        s.offers.push_back({q, r, v});
        if (static_cast<std::int64_t>(r) <= s.last_row[q]) s.out_of_order = true;
        s.last_row[q] = static_cast<std::int64_t>(r);
        if (s.heaps[q].k() == 0) return s.fixed[q];
        s.heaps[q].push(v, static_cast<std::int64_t>(r));
        return s.heaps[q].threshold();
    }
    simd::block_sink sink() { return {&offer, this}; }
};

struct shape {
    std::size_t rows, queries, dims;
};

std::vector<shape> shapes() {
    std::vector<shape> s;
    for (std::size_t d : {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 129, 255, 300, 784})
        s.push_back({29, 35, d});  // 29 rows: 2 full AVX-512 tiles + a tail; 35 queries: a panel + 3
    for (std::size_t r : {1, 5, 6, 13, 14, 15, 28, 43, 200}) s.push_back({r, 33, 19});
    for (std::size_t q : {1, 2, 8, 16, 31, 32, 64, 65, 130}) s.push_back({37, q, 23});
    s.push_back({300, 70, 784});  // several cache blocks of rows (about 120 rows of 784 floats each)
    return s;
}

class block_kernels_at : public ::testing::TestWithParam<level> {
protected:
    const simd::block_kernels& blocks() const { return simd::tables_for(GetParam()).blocks; }
};

// ---- float -------------------------------------------------------------------------------

struct f32_case {
    matrix<float> rows, queries;
    std::vector<float> bias, scale;
    f32_case(shape s, std::uint64_t seed) : rows(s.rows, s.dims), queries(s.queries, s.dims) {
        rng gen(seed);
        for (std::size_t i = 0; i < s.rows; ++i)
            for (std::size_t j = 0; j < s.dims; ++j) rows(i, j) = static_cast<float>(gen.normal());
        for (std::size_t i = 0; i < s.queries; ++i)
            for (std::size_t j = 0; j < s.dims; ++j) queries(i, j) = static_cast<float>(gen.normal());
        for (std::size_t i = 0; i < s.rows; ++i) {
            bias.push_back(static_cast<float>(gen.normal()) * 10);
            scale.push_back(static_cast<float>(gen.normal()));
        }
    }
    simd::block_f32_problem problem(const float* thresholds, void* scratch) const {
        simd::block_f32_problem p;
        p.queries = queries.data();
        p.query_stride = queries.stride();
        p.n_queries = queries.rows();
        p.rows = rows.data();
        p.row_stride = rows.stride();
        p.n_rows = rows.rows();
        p.n = rows.dims();
        p.thresholds = thresholds;
        p.scratch = scratch;
        p.bias = bias.data();
        p.scale = scale.data();
        return p;
    }
    /// The exact value and the bound of a float computation's rounding error.
    std::pair<double, double> exact(std::size_t q, std::size_t r) const {
        double dot = 0, abs = 0;
        for (std::size_t j = 0; j < rows.dims(); ++j) {
            dot += double(queries(q, j)) * rows(r, j);
            abs += std::abs(double(queries(q, j)) * rows(r, j));
        }
        const double v = bias[r] + double(scale[r]) * dot;
        // one FMA chain, or a multiply and an add per term where there is no FMA (sse2)
        const double gamma = (2 * rows.dims() + 4) * 0x1p-24 * 1.01;
        return {v, gamma * std::abs(double(scale[r])) * abs + 0x1p-23 * (std::abs(v) + std::abs(double(bias[r])))};
    }
};

TEST_P(block_kernels_at, f32_offers_every_entry_with_its_value) {
    if (blocks().f32 == nullptr) GTEST_SKIP() << "no float block kernel at this level";
    for (const shape& s : shapes()) {
        const f32_case c(s, s.rows * 1000 + s.queries * 10 + s.dims);
        const std::vector<float> start(s.queries, inf);
        auto scratch = make_scratch(s.queries, s.dims, sizeof(float));
        recording_sink sink(s.queries, 0);
        blocks().f32(c.problem(start.data(), scratch.get()), sink.sink());
        ASSERT_EQ(sink.offers.size(), s.rows * s.queries) << s.rows << "x" << s.queries << "x" << s.dims;
        EXPECT_FALSE(sink.out_of_order);
        std::vector<int> seen(s.rows * s.queries, 0);
        for (const auto& o : sink.offers) {
            ++seen[o.query * s.rows + o.row];
            const auto [v, tolerance] = c.exact(o.query, o.row);
            ASSERT_NEAR(o.value, v, tolerance) << "dims " << s.dims << " q " << o.query << " r " << o.row;
        }
        EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
    }
}

TEST_P(block_kernels_at, f32_top_k_matches_reference_level) {
    if (blocks().f32 == nullptr) GTEST_SKIP() << "no float block kernel at this level";
    const auto& reference = simd::tables_for(level::serial).blocks;
    for (const shape& s : shapes()) {
        const f32_case c(s, s.dims * 7 + s.rows);
        for (std::size_t k : {std::size_t{3}, s.rows}) {
            const std::vector<float> start(s.queries, inf);
            auto scratch = make_scratch(s.queries, s.dims, sizeof(float));
            recording_sink got(s.queries, k), want(s.queries, k);
            blocks().f32(c.problem(start.data(), scratch.get()), got.sink());
            reference.f32(c.problem(start.data(), scratch.get()), want.sink());
            EXPECT_FALSE(got.out_of_order);
            for (std::size_t q = 0; q < s.queries; ++q) {
                const auto a = got.heaps[q].take_sorted(), b = want.heaps[q].take_sorted();
                ASSERT_EQ(a.size(), b.size());
                for (std::size_t j = 0; j < a.size(); ++j) {
                    // values agree to rounding; ids agree unless two values are that close
                    const auto [v, tolerance] = c.exact(q, static_cast<std::size_t>(b[j].id));
                    EXPECT_NEAR(a[j].distance, v, 2 * tolerance);
                    if (a[j].id != b[j].id) {
                        EXPECT_NEAR(a[j].distance, b[j].distance, 4 * tolerance) << "k " << k << " q " << q;
                    }
                }
            }
        }
    }
}

TEST_P(block_kernels_at, f32_initial_thresholds_filter_offers) {
    if (blocks().f32 == nullptr) GTEST_SKIP() << "no float block kernel at this level";
    const shape s{100, 40, 24};
    const f32_case c(s, 99);
    std::vector<float> start(s.queries);
    for (std::size_t q = 0; q < s.queries; ++q) start[q] = q % 3 == 0 ? -inf : static_cast<float>(q) - 20;
    auto scratch = make_scratch(s.queries, s.dims, sizeof(float));
    recording_sink sink(s.queries, 0);
    sink.fixed = start;
    blocks().f32(c.problem(start.data(), scratch.get()), sink.sink());
    std::size_t expected = 0;
    for (std::size_t q = 0; q < s.queries; ++q)
        for (std::size_t r = 0; r < s.rows; ++r) {
            const auto [v, tolerance] = c.exact(q, r);
            if (v < start[q] - tolerance) ++expected;
        }
    for (const auto& o : sink.offers) EXPECT_LT(o.value, start[o.query]);
    EXPECT_GE(sink.offers.size(), expected);
}

// ---- int8 --------------------------------------------------------------------------------

struct i8_case {
    matrix<std::int8_t> rows, queries;
    std::vector<std::int32_t> bias;
    std::vector<float> scale;
    std::int32_t mult;
    i8_case(shape s, std::uint64_t seed, bool extremes, std::int32_t m)
        : rows(s.rows, s.dims), queries(s.queries, s.dims), mult(m) {
        rng gen(seed);
        auto value = [&] {  // extremes stress the +128 offset and the int32 range
            if (extremes) return static_cast<std::int8_t>(gen.below(2) ? 127 : -128);
            return static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
        };
        for (std::size_t i = 0; i < s.rows; ++i)
            for (std::size_t j = 0; j < s.dims; ++j) rows(i, j) = value();
        for (std::size_t i = 0; i < s.queries; ++i)
            for (std::size_t j = 0; j < s.dims; ++j) queries(i, j) = value();
        for (std::size_t i = 0; i < s.rows; ++i) {
            bias.push_back(static_cast<std::int32_t>(gen.below(1000000)) - 500000);
            scale.push_back(i % 4 == 0 ? 1.f : static_cast<float>(gen.uniform()) + 0.5f);
        }
    }
    simd::block_i8_problem problem(const float* thresholds, void* scratch) const {
        simd::block_i8_problem p;
        p.queries = queries.data();
        p.query_stride = queries.stride();
        p.n_queries = queries.rows();
        p.rows = rows.data();
        p.row_stride = rows.stride();
        p.n_rows = rows.rows();
        p.n = rows.dims();
        p.thresholds = thresholds;
        p.scratch = scratch;
        p.bias = bias.data();
        p.scale = scale.data();
        p.mult = mult;
        return p;
    }
    float exact(std::size_t q, std::size_t r) const {
        std::int64_t sum = 0;
        for (std::size_t j = 0; j < rows.dims(); ++j) sum += (std::int64_t{queries(q, j)} + 128) * rows(r, j);
        return scale[r] * static_cast<float>(bias[r] - mult * sum);
    }
};

TEST_P(block_kernels_at, i8_offers_every_entry_exactly) {
    if (blocks().i8 == nullptr) GTEST_SKIP() << "no int8 block kernel at this level";
    for (bool extremes : {false, true})
        for (std::int32_t mult : {1, 2})
            for (const shape& s : shapes()) {
                const i8_case c(s, s.rows + s.dims * 3 + mult, extremes, mult);
                const std::vector<float> start(s.queries, inf);
                auto scratch = make_scratch(s.queries, s.dims, 1);
                recording_sink sink(s.queries, 0);
                blocks().i8(c.problem(start.data(), scratch.get()), sink.sink());
                ASSERT_EQ(sink.offers.size(), s.rows * s.queries);
                EXPECT_FALSE(sink.out_of_order);
                for (const auto& o : sink.offers)
                    ASSERT_EQ(o.value, c.exact(o.query, o.row)) << "dims " << s.dims << " q " << o.query;
            }
}

TEST_P(block_kernels_at, i8_top_k_matches_reference_level) {
    if (blocks().i8 == nullptr) GTEST_SKIP() << "no int8 block kernel at this level";
    const auto& reference = simd::tables_for(level::serial).blocks;
    for (const shape& s : shapes()) {
        const i8_case c(s, s.dims + 5, false, 2);
        for (std::size_t k : {std::size_t{1}, std::size_t{4}, s.rows}) {
            const std::vector<float> start(s.queries, inf);
            auto scratch = make_scratch(s.queries, s.dims, 1);
            recording_sink got(s.queries, k), want(s.queries, k);
            blocks().i8(c.problem(start.data(), scratch.get()), got.sink());
            reference.i8(c.problem(start.data(), scratch.get()), want.sink());
            for (std::size_t q = 0; q < s.queries; ++q) EXPECT_EQ(got.heaps[q].take_sorted(), want.heaps[q].take_sorted());
        }
    }
}

// ---- bit ---------------------------------------------------------------------------------

struct b1_case {
    matrix<bit> rows, queries;
    b1_case(shape s, std::uint64_t seed, bool clustered) : rows(s.rows, s.dims), queries(s.queries, s.dims) {
        rng gen(seed);
        // clustered: few distinct values, so ties are everywhere
        auto fill = [&](matrix<bit>& m) {
            for (std::size_t i = 0; i < m.rows(); ++i)
                for (std::size_t j = 0; j < s.dims; ++j) m.set_bit(i, j, clustered ? (j % 7 == 0 && gen.below(4) == 0) : gen.below(2) == 1);
        };
        fill(rows);
        fill(queries);
    }
    simd::block_b1_problem problem(const float* thresholds, void* scratch) const {
        simd::block_b1_problem p;
        p.queries = queries.data();
        p.query_stride = queries.stride();
        p.n_queries = queries.rows();
        p.rows = rows.data();
        p.row_stride = rows.stride();
        p.n_rows = rows.rows();
        p.n = rows.words();
        p.thresholds = thresholds;
        p.scratch = scratch;
        return p;
    }
    float exact(std::size_t q, std::size_t r) const {
        int bits = 0;
        for (std::size_t w = 0; w < rows.words(); ++w) bits += std::popcount(rows.row(r)[w] ^ queries.row(q)[w]);
        return static_cast<float>(bits);
    }
};

std::vector<shape> bit_shapes() {
    std::vector<shape> s;
    for (std::size_t d : {1, 63, 64, 65, 127, 128, 500, 784, 1024, 4096}) s.push_back({31, 37, d});
    for (std::size_t r : {1, 5, 6, 7, 12, 13, 200}) s.push_back({r, 33, 200});
    for (std::size_t q : {1, 7, 31, 32, 33, 64, 100}) s.push_back({41, q, 130});
    s.push_back({1600, 33, 2048});  // two cache blocks of rows (1536 rows of 32 words each)
    return s;
}

TEST_P(block_kernels_at, b1_offers_every_entry_exactly) {
    if (blocks().b1 == nullptr) GTEST_SKIP() << "no bit block kernel at this level";
    for (const shape& s : bit_shapes()) {
        const b1_case c(s, s.dims + s.rows, false);
        const std::vector<float> start(s.queries, inf);
        auto scratch = make_scratch(s.queries, c.rows.words(), 8);
        recording_sink sink(s.queries, 0);
        blocks().b1(c.problem(start.data(), scratch.get()), sink.sink());
        ASSERT_EQ(sink.offers.size(), s.rows * s.queries);
        EXPECT_FALSE(sink.out_of_order);
        for (const auto& o : sink.offers) ASSERT_EQ(o.value, c.exact(o.query, o.row)) << "dims " << s.dims;
    }
}

TEST_P(block_kernels_at, b1_top_k_with_ties_matches_reference_level) {
    if (blocks().b1 == nullptr) GTEST_SKIP() << "no bit block kernel at this level";
    const auto& reference = simd::tables_for(level::serial).blocks;
    for (bool clustered : {false, true})
        for (const shape& s : bit_shapes()) {
            const b1_case c(s, s.dims * 3 + 1, clustered);
            for (std::size_t k : {std::size_t{1}, std::size_t{10}, s.rows}) {
                const std::vector<float> start(s.queries, inf);
                auto scratch = make_scratch(s.queries, c.rows.words(), 8);
                recording_sink got(s.queries, k), want(s.queries, k);
                blocks().b1(c.problem(start.data(), scratch.get()), got.sink());
                reference.b1(c.problem(start.data(), scratch.get()), want.sink());
                for (std::size_t q = 0; q < s.queries; ++q)
                    ASSERT_EQ(got.heaps[q].take_sorted(), want.heaps[q].take_sorted()) << "k " << k << " dims " << s.dims;
            }
        }
}

TEST_P(block_kernels_at, b1_initial_thresholds_are_strict) {
    if (blocks().b1 == nullptr) GTEST_SKIP() << "no bit block kernel at this level";
    const shape s{60, 40, 100};
    const b1_case c(s, 3, false);
    std::vector<float> start(s.queries);
    for (std::size_t q = 0; q < s.queries; ++q) start[q] = q == 0 ? -inf : (q == 1 ? 0.f : 40.f + static_cast<float>(q % 9));
    auto scratch = make_scratch(s.queries, c.rows.words(), 8);
    recording_sink sink(s.queries, 0);
    sink.fixed = start;
    blocks().b1(c.problem(start.data(), scratch.get()), sink.sink());
    std::size_t expected = 0;
    for (std::size_t q = 0; q < s.queries; ++q)
        for (std::size_t r = 0; r < s.rows; ++r) expected += c.exact(q, r) < start[q];
    EXPECT_EQ(sink.offers.size(), expected);
    for (const auto& o : sink.offers) EXPECT_LT(o.value, start[o.query]);
}

INSTANTIATE_TEST_SUITE_P(levels, block_kernels_at, ::testing::ValuesIn(levels_here()),
                         [](const ::testing::TestParamInfo<level>& info) {
                             return std::string(simd::level_name(info.param));
                         });

}  // namespace
