// SPDX-License-Identifier: MIT
// .fvecs / .ivecs / .bvecs: round trips, corrupt records, and the BIGANN sample against a naive
// stdio reader.
#include "io_test_util.hpp"
#include "test_data.hpp"

#include <vspace/io/texmex.hpp>

#include <gtest/gtest.h>

#include <cstdio>

namespace {

using namespace vspace;
using namespace vspace::test;

bytes fvecs(std::initializer_list<std::initializer_list<float>> rows) {
    bytes b;
    for (auto r : rows) {
        append_le<std::int32_t>(b, static_cast<std::int32_t>(r.size()));
        for (float v : r) append_le(b, v);
    }
    return b;
}

TEST(texmex, parses_fvecs_bytes) {
    const auto m = parse_fvecs(span_of(fvecs({{1, 2, 3}, {-4, 5.5f, 6}})), "a.fvecs");
    ASSERT_EQ(m.rows(), 2u);
    ASSERT_EQ(m.dims(), 3u);
    EXPECT_EQ(m(1, 0), -4.0f);
    EXPECT_EQ(m(1, 1), 5.5f);
}

TEST(texmex, round_trips_all_three_kinds) {
    matrix<float> f(40, 33);
    array2d<std::int32_t> iv(40, 100);
    array2d<std::uint8_t> bv(40, 128);
    for (std::size_t i = 0; i < 40; ++i) {
        for (std::size_t j = 0; j < 33; ++j) f(i, j) = static_cast<float>(i) - 0.25f * static_cast<float>(j);
        for (std::size_t j = 0; j < 100; ++j) iv(i, j) = static_cast<std::int32_t>(i * 1000000 + j) - 7;
        for (std::size_t j = 0; j < 128; ++j) bv(i, j) = static_cast<std::uint8_t>(i * 7 + j);
    }
    save_fvecs(temp_path("rt.fvecs"), f.view());
    save_ivecs(temp_path("rt.ivecs"), iv);
    save_bvecs(temp_path("rt.bvecs"), bv);
    EXPECT_EQ(read_all(temp_path("rt.fvecs")).size(), 40u * (4 + 33 * 4));
    const auto f2 = read_fvecs(temp_path("rt.fvecs"));
    ASSERT_EQ(f2.rows(), 40u);
    ASSERT_EQ(f2.dims(), 33u);
    for (std::size_t i = 0; i < 40; ++i)
        for (std::size_t j = 0; j < 33; ++j) ASSERT_EQ(f2(i, j), f(i, j));
    EXPECT_EQ(read_ivecs(temp_path("rt.ivecs")), iv);
    EXPECT_EQ(read_bvecs(temp_path("rt.bvecs")), bv);
}

TEST(texmex, rejects_corrupt_records) {
    EXPECT_THROW_MSG(parse_fvecs({}, "e.fvecs"), format_error, "read_fvecs: 'e.fvecs': the file is empty");
    EXPECT_THROW_MSG(parse_fvecs(span_of(from_hex("0300")), "x"), format_error, "expected at least a 4-byte dimension count");
    EXPECT_THROW_MSG(parse_fvecs(span_of(fvecs({{}})), "x"), format_error, "the first vector has 0 dims");
    bytes negative;
    append_le<std::int32_t>(negative, -5);
    append_le<float>(negative, 1);
    EXPECT_THROW_MSG(parse_fvecs(span_of(negative), "x"), format_error, "has -5 dims (expected at least 1)");
    bytes huge;
    append_le<std::int32_t>(huge, 2147483647);
    append_le<float>(huge, 1);
    EXPECT_THROW_MSG(parse_fvecs(span_of(huge), "x"), format_error,
                     "the first vector claims 2147483647 dims (8589934592 bytes) but the file holds 8 bytes");
    EXPECT_THROW_MSG(parse_fvecs(span_of(fvecs({{1, 2}, {3, 4}, {5, 6, 7}})), "m.fvecs"), format_error,
                     "vector 2 has 3 dims (expected 2, like vector 0)");
    bytes cut = fvecs({{1, 2}, {3, 4}});
    cut.resize(cut.size() - 3);
    EXPECT_THROW_MSG(parse_fvecs(span_of(cut), "x"), format_error, "vector 1 is truncated: 9 bytes left (expected 12)");
    bytes tail = fvecs({{1, 2}});
    tail.push_back(std::byte{2});
    EXPECT_THROW_MSG(parse_fvecs(span_of(tail), "x"), format_error, "ends inside the dimension count of vector 1");
    // an .fvecs read as .bvecs: the record size no longer matches
    EXPECT_THROW_MSG(parse_bvecs(span_of(fvecs({{1, 2}, {3, 4}})), "x.bvecs"), format_error, "read_bvecs: 'x.bvecs'");
}

TEST(texmex, writers_reject_what_the_format_cannot_hold) {
    EXPECT_THROW_MSG(save_fvecs(temp_path("z.fvecs"), matrix<float>(0, 4).view()), invalid_argument, "no vectors to save");
    EXPECT_THROW_MSG(save_fvecs(temp_path("z.fvecs"), matrix<float>(2, 0).view()), invalid_argument, "0 dims");
    array2d<std::uint8_t> bad(2, 3);
    bad.values.pop_back();
    EXPECT_THROW_MSG(save_bvecs(temp_path("z.bvecs"), bad), shape_error, "table holds 5 values (expected 2 x 3)");
    EXPECT_FALSE(std::filesystem::exists(temp_path("z.fvecs")));
}

TEST(texmex, reads_bigann_sample_like_a_naive_reader) {
    const auto path = shared_data("bigann-10k/bigann10k_base.bvecs");
    VSPACE_REQUIRE_DATA(path);
    const auto a = read_bvecs(path);
    ASSERT_EQ(a.rows, 10000u);
    ASSERT_EQ(a.cols, 128u);
    FILE* f = std::fopen(path.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    std::int32_t d = 0;
    unsigned char row[128];
    for (std::size_t i = 0; i < a.rows; ++i) {
        ASSERT_EQ(std::fread(&d, 4, 1, f), 1u);
        ASSERT_EQ(d, 128);
        ASSERT_EQ(std::fread(row, 1, 128, f), 128u);
        for (std::size_t j = 0; j < 128; ++j) ASSERT_EQ(a(i, j), row[j]) << i << "," << j;
    }
    EXPECT_EQ(std::fgetc(f), EOF);
    std::fclose(f);
}

}  // namespace
