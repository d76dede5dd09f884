// SPDX-License-Identifier: MIT
// core/scalar.hpp: the traits of the three kinds, their stable on-disk ids, names and
// parsing, the `scalar` concept, and visit_scalar's run-time to compile-time switch.
#include <vspace/core/scalar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <type_traits>

namespace {

using namespace vspace;

static_assert(std::is_same_v<storage_t<float>, float>);
static_assert(std::is_same_v<storage_t<std::int8_t>, std::int8_t>);
static_assert(std::is_same_v<storage_t<bit>, std::uint64_t>);
static_assert(std::is_same_v<scalar_traits<float>::accumulator, float>);
static_assert(std::is_same_v<scalar_traits<std::int8_t>::accumulator, std::int32_t>);
static_assert(std::is_same_v<scalar_traits<bit>::accumulator, std::uint32_t>);
static_assert(std::is_same_v<row<float>, std::span<const float>>);
static_assert(std::is_same_v<row<bit>, std::span<const std::uint64_t>>);

static_assert(scalar<float> && scalar<std::int8_t> && scalar<bit>);
static_assert(!scalar<double> && !scalar<int> && !scalar<std::uint8_t> && !scalar<std::uint64_t>);

// Written into files: these numbers must never change.
static_assert(static_cast<int>(scalar_kind::f32) == 1);
static_assert(static_cast<int>(scalar_kind::i8) == 2);
static_assert(static_cast<int>(scalar_kind::b1) == 3);
static_assert(scalar_traits<float>::kind == scalar_kind::f32);
static_assert(scalar_traits<std::int8_t>::kind == scalar_kind::i8);
static_assert(scalar_traits<bit>::kind == scalar_kind::b1);

TEST(scalar, words_per_row) {
    EXPECT_EQ(scalar_traits<float>::words(0), 0u);
    EXPECT_EQ(scalar_traits<float>::words(784), 784u);
    EXPECT_EQ(scalar_traits<std::int8_t>::words(33), 33u);
    EXPECT_EQ(scalar_traits<bit>::words(0), 0u);
    EXPECT_EQ(scalar_traits<bit>::words(1), 1u);
    EXPECT_EQ(scalar_traits<bit>::words(64), 1u);
    EXPECT_EQ(scalar_traits<bit>::words(65), 2u);
    EXPECT_EQ(scalar_traits<bit>::words(1024), 16u);
    EXPECT_EQ(scalar_traits<bit>::words(1025), 17u);
}

TEST(scalar, names_round_trip) {
    for (scalar_kind k : {scalar_kind::f32, scalar_kind::i8, scalar_kind::b1})
        EXPECT_EQ(parse_scalar_kind(scalar_name(k)), k);
    EXPECT_EQ(scalar_name(scalar_kind::f32), scalar_traits<float>::name);
    EXPECT_EQ(scalar_name(scalar_kind::i8), scalar_traits<std::int8_t>::name);
    EXPECT_EQ(scalar_name(scalar_kind::b1), scalar_traits<bit>::name);
    EXPECT_EQ(scalar_name(static_cast<scalar_kind>(0)), "unknown");
    EXPECT_EQ(scalar_name(static_cast<scalar_kind>(200)), "unknown");
}

TEST(scalar, parse_rejects_unknown_names_with_the_accepted_list) {
    for (const char* bad : {"", "F32", "f64", "float", "i8 ", "b"}) {
        try {
            (void)parse_scalar_kind(bad);
            FAIL() << "accepted '" << bad << "'";
        } catch (const invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()),
                      std::string("parse_scalar_kind: unknown type '") + bad + "' (expected f32, i8 or b1)");
        }
    }
}

TEST(scalar, visit_scalar_passes_the_matching_type) {
    auto name_of = [](scalar_kind k) {
        return visit_scalar(k, []<class T>() { return scalar_traits<T>::name; });
    };
    EXPECT_EQ(name_of(scalar_kind::f32), "f32");
    EXPECT_EQ(name_of(scalar_kind::i8), "i8");
    EXPECT_EQ(name_of(scalar_kind::b1), "b1");
    // The kind maps back to itself, and the storage size follows the type.
    for (scalar_kind k : {scalar_kind::f32, scalar_kind::i8, scalar_kind::b1}) {
        EXPECT_EQ(visit_scalar(k, []<class T>() { return scalar_traits<T>::kind; }), k);
        const std::size_t bytes = visit_scalar(k, []<class T>() { return sizeof(storage_t<T>); });
        EXPECT_EQ(bytes, k == scalar_kind::f32 ? 4u : k == scalar_kind::i8 ? 1u : 8u);
    }
    // A reference result passes through unchanged (decltype(auto)).
    int target = 0;
    int& ref = visit_scalar(scalar_kind::i8, [&]<class T>() -> int& { return target; });
    EXPECT_EQ(&ref, &target);
}

TEST(scalar, visit_scalar_rejects_unknown_kinds) {
    for (int raw : {0, 4, 255}) {
        try {
            (void)visit_scalar(static_cast<scalar_kind>(raw), []<class T>() { return 0; });
            FAIL() << "accepted kind " << raw;
        } catch (const format_error& e) {
            EXPECT_EQ(std::string(e.what()), "visit_scalar: unknown scalar kind " + std::to_string(raw) +
                                                 " (expected 1 = f32, 2 = i8 or 3 = b1)");
        }
    }
}

}  // namespace
