// SPDX-License-Identifier: MIT
// core/error.hpp: the exception hierarchy (what catches what), VSPACE_THROW's message builder
// (numbers through to_chars, int8 as a number, bools as words) and the exact type it throws.
#include <vspace/core/error.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

namespace {

using namespace vspace;

static_assert(std::is_base_of_v<std::runtime_error, error>);
static_assert(std::is_base_of_v<error, invalid_argument>);
static_assert(std::is_base_of_v<error, shape_error>);
static_assert(std::is_base_of_v<error, io_error>);
static_assert(std::is_base_of_v<io_error, format_error>);
static_assert(std::is_base_of_v<error, data_error>);
// Siblings stay apart: a shape problem is not an argument problem, a bad value not a bad file.
static_assert(!std::is_base_of_v<invalid_argument, shape_error>);
static_assert(!std::is_base_of_v<io_error, data_error>);
static_assert(!std::is_base_of_v<format_error, io_error>);
static_assert(!std::is_base_of_v<std::invalid_argument, invalid_argument>);

// Which handlers of a try block see an exception of type E.
template <class E>
std::string caught_by() {
    std::string out;
    try { throw E("x"); } catch (const format_error&) { out += "format "; } catch (const std::exception&) {}
    try { throw E("x"); } catch (const io_error&) { out += "io "; } catch (const std::exception&) {}
    try { throw E("x"); } catch (const error&) { out += "error "; } catch (const std::exception&) {}
    try { throw E("x"); } catch (const std::runtime_error&) { out += "runtime"; } catch (...) {}
    return out;
}

TEST(error, hierarchy_decides_which_handler_catches) {
    EXPECT_EQ(caught_by<format_error>(), "format io error runtime");
    EXPECT_EQ(caught_by<io_error>(), "io error runtime");
    EXPECT_EQ(caught_by<data_error>(), "error runtime");
    EXPECT_EQ(caught_by<shape_error>(), "error runtime");
    EXPECT_EQ(caught_by<invalid_argument>(), "error runtime");
}

TEST(error, vspace_throw_throws_exactly_the_named_type) {
    auto throw_format = [] { VSPACE_THROW(format_error, "f: bad"); };
    try {
        throw_format();
        FAIL() << "expected a throw";
    } catch (const error& e) {
        EXPECT_EQ(typeid(e), typeid(format_error));
        EXPECT_STREQ(e.what(), "f: bad");
    }
    EXPECT_THROW([] { VSPACE_THROW(shape_error, "s"); }(), shape_error);
    EXPECT_THROW([] { VSPACE_THROW(data_error, "d"); }(), data_error);
    EXPECT_THROW([] { VSPACE_THROW(invalid_argument, "i"); }(), invalid_argument);
}

std::string what_of(auto&& fn) {
    try {
        fn();
    } catch (const error& e) {
        return e.what();
    }
    return "<no throw>";
}

TEST(error, vspace_throw_formats_its_parts) {
    const std::size_t k = 12, n = 5;
    EXPECT_EQ(what_of([&] { VSPACE_THROW(invalid_argument, "knn: k = ", k, " > n = ", n, " (expected k <= n)"); }),
              "knn: k = 12 > n = 5 (expected k <= n)");
    const std::string file = "a.npy";
    const std::string_view kind = "f32";
    EXPECT_EQ(what_of([&] { VSPACE_THROW(io_error, "load: cannot open '", file, "' as ", kind, ' ', '!'); }),
              "load: cannot open 'a.npy' as f32 !");
    EXPECT_EQ(what_of([] { VSPACE_THROW(data_error, -3, " ", 0.5, " ", 1.25f, " ", -1e300, " ", 0.1f); }),
              "-3 0.5 1.25 -1e+300 0.1");  // shortest round-trip forms
    EXPECT_EQ(what_of([] { VSPACE_THROW(data_error, std::numeric_limits<std::uint64_t>::max(), " ",
                                        std::numeric_limits<std::int64_t>::min()); }),
              "18446744073709551615 -9223372036854775808");
    // int8 and uint8 values print as numbers, not as characters; bools as words.
    EXPECT_EQ(what_of([] { VSPACE_THROW(data_error, std::int8_t{-128}, " ", std::uint8_t{65}, " ", true, " ", false); }),
              "-128 65 true false");
    EXPECT_EQ(what_of([] { VSPACE_THROW(data_error, "nan ", std::numeric_limits<float>::quiet_NaN(), " inf ",
                                        -std::numeric_limits<double>::infinity()); }),
              "nan nan inf -inf");
    EXPECT_EQ(what_of([] { VSPACE_THROW(data_error, ""); }), "");
}

TEST(error, message_builder_directly) {
    const std::string c = "c";
    EXPECT_EQ(detail::message("a", 1, 'b', c, std::string_view("d"), 3.0), "a1bcd3");
    EXPECT_EQ(detail::message(), "");
}

}  // namespace
