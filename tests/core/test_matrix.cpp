// SPDX-License-Identifier: MIT
// matrix<T> and its views for float, int8 and bit: 64-byte padding and alignment of every row,
// bit packing (and zero tail bits after every write), element access, growth that keeps the
// contents, deep copies and moves, subviews, construction from strided views, zero sizes, and
// sizes whose byte count would overflow.
#include <vspace/core/matrix.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace vspace;

constexpr std::size_t size_max = std::numeric_limits<std::size_t>::max();

// A deterministic value for element (i, j): non-zero for most cells, so a copy that drops or
// shifts elements shows.
int pattern(std::size_t i, std::size_t j) { return static_cast<int>((i * 31 + j * 7 + 3) % 97) - 48; }

// Sets / reads element (i, j) whatever the kind (bit: the pattern's parity).
template <class T>
void put(mutable_matrix_view<T> m, std::size_t i, std::size_t j, int v) {
    if constexpr (std::same_as<T, bit>) m.set_bit(i, j, v & 1);
    else m(i, j) = static_cast<storage_t<T>>(v);
}

template <class T>
int get(matrix_view<T> m, std::size_t i, std::size_t j) {
    if constexpr (std::same_as<T, bit>) return m.bit_at(i, j) ? 1 : 0;
    else return static_cast<int>(m(i, j));
}

template <class T>
int expected(std::size_t i, std::size_t j) {
    const int v = pattern(i, j);
    if constexpr (std::same_as<T, bit>) return v & 1;
    else return v;
}

template <class T>
void fill(matrix<T>& m, std::size_t salt = 0) {
    for (std::size_t i = 0; i < m.rows(); ++i)
        for (std::size_t j = 0; j < m.dims(); ++j) put<T>(m.mutable_view(), i, j, pattern(i + salt, j));
}

template <class T>
void expect_pattern(matrix_view<T> m, std::size_t salt = 0, std::size_t rows = size_max) {
    rows = std::min(rows, m.rows());
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < m.dims(); ++j)
            ASSERT_EQ(get<T>(m, i, j), expected<T>(i + salt, j)) << "row " << i << " dim " << j;
}

// Every storage element between `words()` and `stride()` is zero, and for bit so are the bits
// of the last word past `dims`: kernels read whole lines and popcount whole words.
template <class T>
void expect_zero_padding(const matrix<T>& m) {
    for (std::size_t i = 0; i < m.rows(); ++i) {
        const storage_t<T>* r = m.row_data(i);
        for (std::size_t w = m.words(); w < m.stride(); ++w)
            ASSERT_EQ(r[w], storage_t<T>{0}) << "row " << i << " padding word " << w;
        if constexpr (std::same_as<T, bit>) {
            const std::size_t used = m.dims() % 64;
            if (used != 0) {
                ASSERT_EQ(r[m.words() - 1] >> used, 0u) << "row " << i << " tail bits";
            }
        }
    }
}

template <class T>
bool aligned64(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

template <class T>
class matrix_test : public ::testing::Test {};
using kinds = ::testing::Types<float, std::int8_t, bit>;
TYPED_TEST_SUITE(matrix_test, kinds);

// Dimensions around the 64-byte line for each kind (16 floats, 64 int8s, 512 bits).
const std::vector<std::size_t> dims_list = {1, 3, 15, 16, 17, 63, 64, 65, 100, 511, 512, 513, 784, 1025};

TYPED_TEST(matrix_test, rows_are_padded_to_64_bytes_and_aligned) {
    using T = TypeParam;
    using S = storage_t<T>;
    for (std::size_t d : dims_list) {
        matrix<T> m(5, d);
        const std::size_t words = scalar_traits<T>::words(d);
        EXPECT_EQ(m.rows(), 5u);
        EXPECT_EQ(m.dims(), d);
        EXPECT_EQ(m.words(), words);
        EXPECT_GE(m.stride(), words);
        EXPECT_EQ(m.stride() * sizeof(S) % 64, 0u) << "d=" << d;
        EXPECT_LT(m.stride() - words, 64 / sizeof(S)) << "no more than one line of padding, d=" << d;
        EXPECT_EQ(m.stride(), matrix<T>::padded_words(d));
        EXPECT_EQ(m.memory_bytes(), m.capacity() * m.stride() * sizeof(S));
        for (std::size_t i = 0; i < m.rows(); ++i) {
            EXPECT_TRUE(aligned64<T>(m.row_data(i))) << "d=" << d << " row " << i;
            EXPECT_EQ(m.row(i).data(), m.row_data(i));
            EXPECT_EQ(m.row(i).size(), words);
            EXPECT_EQ(m.mutable_row(i).size(), words);
        }
        // A fresh matrix is all zero, padding included.
        for (std::size_t i = 0; i < m.rows(); ++i)
            for (std::size_t w = 0; w < m.stride(); ++w) ASSERT_EQ(m.row_data(i)[w], S{0});
    }
}

TEST(matrix, padded_words_by_kind) {
    EXPECT_EQ(matrix<float>::padded_words(1), 16u);
    EXPECT_EQ(matrix<float>::padded_words(16), 16u);
    EXPECT_EQ(matrix<float>::padded_words(17), 32u);
    EXPECT_EQ(matrix<float>::padded_words(784), 784u);
    EXPECT_EQ(matrix<std::int8_t>::padded_words(1), 64u);
    EXPECT_EQ(matrix<std::int8_t>::padded_words(65), 128u);
    EXPECT_EQ(matrix<bit>::padded_words(1), 8u);  // one word, padded to a line of 8 words
    EXPECT_EQ(matrix<bit>::padded_words(512), 8u);
    EXPECT_EQ(matrix<bit>::padded_words(513), 16u);
    EXPECT_EQ(matrix<float>::padded_words(0), 0u);
}

TYPED_TEST(matrix_test, element_access_through_matrix_and_views) {
    using T = TypeParam;
    for (std::size_t d : {1, 17, 65, 513}) {
        matrix<T> m(7, d);
        fill(m);
        expect_pattern<T>(m.view());
        expect_pattern<T>(matrix_view<T>(m.mutable_view()));
        expect_zero_padding(m);
        // The matrix's own accessors agree with the view's.
        for (std::size_t i = 0; i < m.rows(); ++i)
            for (std::size_t j = 0; j < d; ++j) {
                if constexpr (std::same_as<T, bit>) {
                    EXPECT_EQ(m.bit_at(i, j), m.view().bit_at(i, j));
                } else {
                    EXPECT_EQ(m(i, j), m.view()(i, j));
                    EXPECT_EQ(&m(i, j), m.row_data(i) + j);
                }
            }
    }
}

TEST(matrix, bits_are_packed_64_per_word_low_bit_first) {
    matrix<bit> m(2, 130);  // three words: 64 + 64 + 2 bits
    ASSERT_EQ(m.words(), 3u);
    m.set_bit(0, 0, true);
    m.set_bit(0, 63, true);
    m.set_bit(0, 64, true);
    m.set_bit(0, 129, true);
    m.set_bit(1, 5, true);
    EXPECT_EQ(m.row_data(0)[0], (std::uint64_t{1} << 63) | 1u);
    EXPECT_EQ(m.row_data(0)[1], 1u);
    EXPECT_EQ(m.row_data(0)[2], 2u);
    EXPECT_EQ(m.row_data(1)[0], std::uint64_t{1} << 5);
    EXPECT_TRUE(m.bit_at(0, 129));
    EXPECT_FALSE(m.bit_at(0, 128));
    // Clearing a bit clears only that bit.
    m.set_bit(0, 63, false);
    EXPECT_EQ(m.row_data(0)[0], 1u);
    m.set_bit(0, 0, false);
    m.set_bit(0, 0, false);  // idempotent
    EXPECT_EQ(m.row_data(0)[0], 0u);
    EXPECT_EQ(m.row_data(0)[1], 1u);
}

TYPED_TEST(matrix_test, push_back_grows_and_keeps_contents) {
    using T = TypeParam;
    for (std::size_t d : {1, 17, 65, 513}) {
        matrix<T> src(300, d);
        fill(src);
        matrix<T> m(0, d);
        std::size_t reallocations = 0;
        const void* last = m.data();
        for (std::size_t i = 0; i < src.rows(); ++i) {
            m.push_back(src.row(i));
            if (m.data() != last) ++reallocations, last = m.data();
            ASSERT_EQ(m.rows(), i + 1);
            ASSERT_GE(m.capacity(), m.rows());
        }
        EXPECT_LE(reallocations, 20u) << "growth must be geometric, not one row at a time";
        expect_pattern<T>(m.view());
        expect_zero_padding(m);
        for (std::size_t i = 0; i < m.rows(); ++i) ASSERT_TRUE(aligned64<T>(m.row_data(i)));
    }
}

TYPED_TEST(matrix_test, push_back_of_wrong_length_throws_shape_error) {
    using T = TypeParam;
    matrix<T> m(2, 70);
    fill(m);
    std::vector<storage_t<T>> shorter(m.words() - 1), longer(m.words() + 1);
    try {
        m.push_back(shorter);
        FAIL() << "expected shape_error";
    } catch (const shape_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("matrix::push_back"), std::string::npos) << what;
        EXPECT_NE(what.find("has " + std::to_string(shorter.size()) + " words"), std::string::npos) << what;
        EXPECT_NE(what.find("expected " + std::to_string(m.words())), std::string::npos) << what;
    }
    EXPECT_THROW(m.push_back(longer), shape_error);
    EXPECT_EQ(m.rows(), 2u) << "a failed push_back leaves the matrix unchanged";
    expect_pattern<T>(m.view());
}

TYPED_TEST(matrix_test, resize_rows_keeps_contents_and_zeroes_new_rows) {
    using T = TypeParam;
    using S = storage_t<T>;
    matrix<T> m(10, 77);
    fill(m);
    m.resize_rows(1000);  // reallocates
    EXPECT_EQ(m.rows(), 1000u);
    expect_pattern<T>(m.view(), 0, 10);
    for (std::size_t i = 10; i < m.rows(); ++i)
        for (std::size_t w = 0; w < m.stride(); ++w) ASSERT_EQ(m.row_data(i)[w], S{0});
    // Shrinking and growing back within capacity must not resurrect the dropped rows.
    fill(m);
    const std::size_t capacity = m.capacity();
    m.resize_rows(3);
    EXPECT_EQ(m.rows(), 3u);
    EXPECT_EQ(m.capacity(), capacity);
    m.resize_rows(1000);
    EXPECT_EQ(m.capacity(), capacity);
    expect_pattern<T>(m.view(), 0, 3);
    for (std::size_t i = 3; i < m.rows(); ++i)
        for (std::size_t w = 0; w < m.stride(); ++w) ASSERT_EQ(m.row_data(i)[w], S{0}) << "row " << i;
    m.resize_rows(0);
    EXPECT_TRUE(m.empty());
}

TYPED_TEST(matrix_test, reserve_keeps_contents_and_never_shrinks) {
    using T = TypeParam;
    matrix<T> m(4, 33);
    fill(m);
    m.reserve(500);
    EXPECT_GE(m.capacity(), 500u);
    EXPECT_EQ(m.rows(), 4u);
    expect_pattern<T>(m.view());
    const auto* p = m.data();
    m.reserve(10);
    EXPECT_EQ(m.data(), p);
    EXPECT_GE(m.capacity(), 500u);
}

TYPED_TEST(matrix_test, copies_are_deep_and_moves_transfer) {
    using T = TypeParam;
    matrix<T> a(9, 130);
    fill(a);
    matrix<T> b(a);
    EXPECT_NE(b.data(), a.data());
    EXPECT_EQ(b.rows(), a.rows());
    EXPECT_EQ(b.stride(), a.stride());
    expect_pattern<T>(b.view());
    for (std::size_t i = 0; i < b.rows(); ++i) ASSERT_TRUE(aligned64<T>(b.row_data(i)));
    // Writing the copy leaves the original alone.
    fill(b, 5);
    expect_pattern<T>(a.view());
    expect_pattern<T>(b.view(), 5);

    matrix<T> c;
    c = a;  // copy assignment
    expect_pattern<T>(c.view());
    EXPECT_NE(c.data(), a.data());

    const auto* p = a.data();
    matrix<T> d(std::move(a));
    EXPECT_EQ(d.data(), p) << "a move takes the buffer";
    expect_pattern<T>(d.view());
    EXPECT_EQ(a.rows(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(a.data(), nullptr);

    matrix<T> e(1, 1);
    e = std::move(d);
    EXPECT_EQ(e.data(), p);
    EXPECT_EQ(e.dims(), 130u);
    expect_pattern<T>(e.view());

    // Self-assignment through the copy-and-swap operator keeps the contents.
    auto& alias = e;
    e = alias;
    expect_pattern<T>(e.view());
    EXPECT_EQ(e.rows(), 9u);
}

TYPED_TEST(matrix_test, construction_from_a_strided_view) {
    using T = TypeParam;
    using S = storage_t<T>;
    const std::size_t d = 70, words = scalar_traits<T>::words(d), stride = words + 3, rows = 6;
    // Caller memory with gaps between rows, filled with a marker the copy must not take.
    std::vector<S> buf(rows * stride, static_cast<S>(0x5A));
    mutable_matrix_view<T> v(buf.data(), rows, d, stride);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t w = 0; w < words; ++w) v.mutable_row(i)[w] = S{0};
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < d; ++j) put<T>(v, i, j, pattern(i, j));
    EXPECT_EQ(v.stride(), stride);
    EXPECT_EQ(v.row_data(2), buf.data() + 2 * stride);

    matrix<T> m{matrix_view<T>(v)};
    EXPECT_EQ(m.rows(), rows);
    EXPECT_EQ(m.dims(), d);
    EXPECT_EQ(m.stride(), matrix<T>::padded_words(d));
    expect_pattern<T>(m.view());
    expect_zero_padding(m);
}

TEST(matrix, bit_tail_bits_stay_zero_after_rows_are_copied_in) {
    // Caller rows whose unused tail bits are set (a sloppy packer): the matrix must not take
    // them, or every popcount kernel would count them.
    const std::size_t d = 70;  // 2 words, 58 unused bits in the second
    std::vector<std::uint64_t> rows = {~0ull, ~0ull, 0x0123456789ABCDEFull, ~0ull};
    const matrix_view<bit> v(rows.data(), 2, d);

    const matrix<bit> from_view(v);
    expect_zero_padding(from_view);
    EXPECT_EQ(from_view.row_data(0)[1], 0x3Fu);  // bits 64..69 kept
    EXPECT_EQ(from_view.row_data(1)[0], 0x0123456789ABCDEFull);

    matrix<bit> pushed(0, d);
    pushed.push_back(v.row(0));
    pushed.push_back(v.row(1));
    expect_zero_padding(pushed);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < d; ++j) EXPECT_EQ(pushed.bit_at(i, j), v.bit_at(i, j));

    // Copies, growth and shrinking keep them zero too.
    pushed.resize_rows(50);
    expect_zero_padding(pushed);
    const matrix<bit> copy(pushed);
    expect_zero_padding(copy);
}

TYPED_TEST(matrix_test, subview_and_checked_row) {
    using T = TypeParam;
    matrix<T> m(10, 40);
    fill(m);
    const matrix_view<T> v = m.view();
    const matrix_view<T> s = v.subview(3, 4);
    EXPECT_EQ(s.rows(), 4u);
    EXPECT_EQ(s.dims(), 40u);
    EXPECT_EQ(s.stride(), m.stride());
    EXPECT_EQ(s.row_data(0), m.row_data(3));
    expect_pattern<T>(s, 3);
    EXPECT_TRUE(v.subview(10, 0).empty());  // an empty subview at the end is valid

    const auto ms = m.mutable_view().subview(8, 2);
    EXPECT_EQ(ms.row_data(1), m.row_data(9));
    EXPECT_EQ(ms.mutable_row(1).data(), m.row_data(9));

    EXPECT_EQ(v.checked_row(9).data(), m.row_data(9));
    EXPECT_EQ(s.checked_row(3).data(), m.row_data(6));
    try {
        (void)s.checked_row(4);
        FAIL() << "expected invalid_argument";
    } catch (const invalid_argument& e) {
        EXPECT_STREQ(e.what(), "matrix_view::row: index 4 out of range (expected < 4)");
    }
    EXPECT_THROW((void)v.checked_row(10), invalid_argument);
    EXPECT_THROW((void)v.checked_row(size_max), invalid_argument);
    EXPECT_THROW((void)matrix_view<T>().checked_row(0), invalid_argument);
}

TYPED_TEST(matrix_test, dense_view_constructor_uses_words_as_stride) {
    using T = TypeParam;
    std::vector<storage_t<T>> buf(3 * scalar_traits<T>::words(100));
    const matrix_view<T> v(buf.data(), 3, 100);
    EXPECT_EQ(v.stride(), scalar_traits<T>::words(100));
    EXPECT_EQ(v.words(), scalar_traits<T>::words(100));
    EXPECT_EQ(v.row_data(2), buf.data() + 2 * v.words());
    const mutable_matrix_view<T> mv(buf.data(), 3, 100);
    EXPECT_EQ(mv.stride(), v.stride());
}

TYPED_TEST(matrix_test, zero_sizes) {
    using T = TypeParam;
    const matrix<T> none;
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.rows(), 0u);
    EXPECT_EQ(none.dims(), 0u);
    EXPECT_EQ(none.memory_bytes(), 0u);
    EXPECT_TRUE(none.view().empty());

    const matrix<T> no_rows(0, 50);
    EXPECT_TRUE(no_rows.empty());
    EXPECT_EQ(no_rows.dims(), 50u);
    const matrix<T> copy(no_rows);
    EXPECT_TRUE(copy.empty());
    EXPECT_EQ(copy.dims(), 50u);

    matrix<T> no_dims(5, 0);
    EXPECT_EQ(no_dims.rows(), 5u);
    EXPECT_EQ(no_dims.words(), 0u);
    EXPECT_EQ(no_dims.row(4).size(), 0u);
    no_dims.push_back(std::span<const storage_t<T>>{});
    EXPECT_EQ(no_dims.rows(), 6u);
    EXPECT_THROW(no_dims.push_back(std::vector<storage_t<T>>(1)), shape_error);
    const matrix<T> no_dims_copy(no_dims);
    EXPECT_EQ(no_dims_copy.rows(), 6u);

    matrix<T> grown;  // default-constructed, then grown
    grown.push_back(std::span<const storage_t<T>>{});
    EXPECT_EQ(grown.rows(), 1u);
}

TYPED_TEST(matrix_test, sizes_that_overflow_throw_instead_of_wrapping) {
    using T = TypeParam;
    using S = storage_t<T>;
    // rows * stride * sizeof(S) past SIZE_MAX: the byte count would wrap to a small number.
    const std::size_t stride = matrix<T>::padded_words(100);
    const std::size_t too_many = size_max / sizeof(S) / stride + 1;
    try {
        matrix<T> m(too_many, 100);
        FAIL() << "expected invalid_argument";
    } catch (const invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("matrix::reserve"), std::string::npos) << what;
        EXPECT_NE(what.find("overflow"), std::string::npos) << what;
    }
    EXPECT_THROW(matrix<T>(size_max, 100), invalid_argument);

    // Growth past the limit throws and leaves the matrix intact.
    matrix<T> m(3, 100);
    fill(m);
    EXPECT_THROW(m.reserve(too_many), invalid_argument);
    EXPECT_THROW(m.resize_rows(size_max), invalid_argument);
    EXPECT_EQ(m.rows(), 3u);
    expect_pattern<T>(m.view());

    // So many dims that the padded row length itself wraps around.
    for (std::size_t d : {size_max, size_max - 1, size_max - 62, size_max / 2 + 1}) {
        EXPECT_THROW(matrix<T>(1, d), invalid_argument) << "dims " << d;
        EXPECT_THROW(matrix<T>(0, d), invalid_argument) << "dims " << d;
    }
}

TEST(matrix, overflowing_dims_message) {
    try {
        matrix<float> m(2, size_max);
        FAIL() << "expected invalid_argument";
    } catch (const invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("matrix: ", 0), 0u) << what;
        EXPECT_NE(what.find(std::to_string(size_max)), std::string::npos) << what;
    }
}

TEST(matrix, view_conversions_share_memory) {
    matrix<float> m(3, 5);
    const matrix_view<float> v = m;  // implicit conversion
    mutable_matrix_view<float> mv = m.mutable_view();
    mv(2, 4) = 7.5f;
    EXPECT_EQ(v(2, 4), 7.5f);
    EXPECT_EQ(m(2, 4), 7.5f);
    mv.mutable_row(1)[0] = -1.f;
    EXPECT_EQ(m.row(1)[0], -1.f);
    const matrix_view<float> back = mv;
    EXPECT_EQ(back.data(), m.data());
    EXPECT_EQ(back.stride(), m.stride());
}

}  // namespace
