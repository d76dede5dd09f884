// SPDX-License-Identifier: MIT
// The one-to-many shapes of every kernel at every level: `many` over a block of rows and
// `gather` over scattered row pointers must give exactly `one`'s value for each row, for any
// number of rows (full passes and remainders), stride and alignment. Rows placed against
// inaccessible pages check that no kernel reads a byte outside its rows.
#include "simd_test_util.hpp"

#include <algorithm>
#include <cstring>

namespace {

using namespace vspace;
using namespace vspace::simd_test;

template <class S>
struct named_kernel {
    const char* name;
    simd::kernel<S> k;
};

std::vector<named_kernel<float>> all_kernels(const simd::kernel_table<float>& t) {
    return {{"dot", t.dot}, {"inner_product", t.inner_product}, {"l2sq", t.l2sq}, {"cosine", t.cosine}};
}
std::vector<named_kernel<std::int8_t>> all_kernels(const simd::kernel_table<std::int8_t>& t) {
    return {{"dot", t.dot}, {"inner_product", t.inner_product}, {"l2sq", t.l2sq}, {"cosine", t.cosine}};
}
std::vector<named_kernel<std::uint64_t>> all_kernels(const simd::kernel_table<bit>& t) {
    return {{"hamming", t.hamming}, {"jaccard", t.jaccard}};
}

template <class S>
S random_value(rng& gen) {
    if constexpr (std::is_same_v<S, float>) return static_cast<float>(gen.normal());
    else if constexpr (std::is_same_v<S, std::int8_t>) return static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
    else return gen() & gen();
}

// Dimensions per kind: around the batch widths of every level, and real sizes.
template <class S>
std::vector<std::size_t> shape_dims() {
    if constexpr (std::is_same_v<S, std::uint64_t>) return {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 24, 31};
    else return {1, 3, 4, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129, 300, 384, 769};
}

class shapes_at : public ::testing::TestWithParam<level> {
protected:
    const simd::kernel_tables& tables() const { return simd::tables_for(GetParam()); }

    template <class S, class Table>
    void check_shapes(const Table& table) {
        rng gen(21);
        for (const auto& [name, k] : all_kernels(table)) {
            ASSERT_NE(k.one, nullptr) << name;
            ASSERT_NE(k.many, nullptr) << name;
            ASSERT_NE(k.gather, nullptr) << name;
            for (std::size_t n : shape_dims<S>())
                for (std::size_t pad : {0, 3}) {
                    const std::size_t stride = n + pad, max_rows = 13;
                    offset_buffer<S> base(stride * max_rows), query(n);
                    const std::size_t off = (n + pad) % offset_buffer<S>::offsets;
                    for (std::size_t i = 0; i < stride * max_rows; ++i) base.at(off)[i] = random_value<S>(gen);
                    for (std::size_t i = 0; i < n; ++i) query.at(1)[i] = random_value<S>(gen);
                    const S* q = query.at(1);
                    const S* rows = base.at(off);
                    std::vector<float> expected(max_rows);
                    for (std::size_t r = 0; r < max_rows; ++r) expected[r] = k.one(q, rows + r * stride, n);
                    for (std::size_t count = 0; count <= max_rows; ++count) {
                        const std::string where = std::string(name) + " n=" + std::to_string(n) +
                                                  " stride=" + std::to_string(stride) + " rows=" + std::to_string(count);
                        std::vector<float> out(count + 1, -7.f);
                        k.many(q, rows, stride, count, n, out.data());
                        for (std::size_t r = 0; r < count; ++r) EXPECT_EQ(out[r], expected[r]) << where << " row " << r;
                        EXPECT_EQ(out[count], -7.f) << where << ": wrote past the output";
                        // gather: a scrambled list with repeats
                        std::vector<const S*> list(count);
                        std::vector<std::size_t> ids(count);
                        for (std::size_t r = 0; r < count; ++r) ids[r] = (r * 5 + count) % max_rows;
                        for (std::size_t r = 0; r < count; ++r) list[r] = rows + ids[r] * stride;
                        std::fill(out.begin(), out.end(), -7.f);
                        k.gather(q, list.data(), count, n, out.data());
                        for (std::size_t r = 0; r < count; ++r) EXPECT_EQ(out[r], expected[ids[r]]) << where << " gather " << r;
                        EXPECT_EQ(out[count], -7.f) << where << ": gather wrote past the output";
                    }
                }
        }
    }

    // Query and rows touch inaccessible pages on both sides: any read outside faults.
    template <class S, class Table>
    void check_bounds(const Table& table) {
        rng gen(22);
        guarded_pages qpage(1), rpage(2);
        for (const auto& [name, k] : all_kernels(table))
            for (std::size_t n = 1; n <= (std::is_same_v<S, std::uint64_t> ? 40u : 200u); ++n) {
                S* q_end = reinterpret_cast<S*>(qpage.end()) - n;          // query ends at the guard
                S* q_begin = reinterpret_cast<S*>(qpage.begin());           // query starts after a guard
                S* first = reinterpret_cast<S*>(rpage.begin());             // a row that starts after a guard
                S* block = reinterpret_cast<S*>(rpage.end()) - 5 * n;       // 5 rows that end at the guard
                for (std::size_t i = 0; i < n; ++i) q_end[i] = q_begin[i] = first[i] = random_value<S>(gen);
                for (std::size_t i = 0; i < 5 * n; ++i) block[i] = random_value<S>(gen);
                const float expected = k.one(q_end, first, n);
                EXPECT_EQ(k.one(q_begin, first, n), expected) << name << " n=" << n;
                float out[5];
                k.many(q_end, block, n, 5, n, out);  // a full pass of 4 rows and one more
                EXPECT_EQ(out[4], k.one(q_begin, block + 4 * n, n)) << name << " n=" << n;
                const S* list[5] = {block + 4 * n, first, block, block + 3 * n, first};
                k.gather(q_begin, list, 5, n, out);
                EXPECT_EQ(out[1], expected) << name << " n=" << n;
                EXPECT_EQ(out[4], expected) << name << " n=" << n;
            }
    }
};

TEST_P(shapes_at, f32_many_and_gather_equal_one) { check_shapes<float>(tables().f32); }
TEST_P(shapes_at, i8_many_and_gather_equal_one) { check_shapes<std::int8_t>(tables().i8); }
TEST_P(shapes_at, b1_many_and_gather_equal_one) { check_shapes<std::uint64_t>(tables().b1); }

TEST_P(shapes_at, f32_reads_stay_inside_rows) { check_bounds<float>(tables().f32); }
TEST_P(shapes_at, i8_reads_stay_inside_rows) { check_bounds<std::int8_t>(tables().i8); }
TEST_P(shapes_at, b1_reads_stay_inside_rows) { check_bounds<std::uint64_t>(tables().b1); }

INSTANTIATE_TEST_SUITE_P(levels, shapes_at, ::testing::ValuesIn(levels_here()), level_test_name);

}  // namespace
