// SPDX-License-Identifier: MIT
// The zero-copy bridges of core/eigen.hpp: as_eigen maps a matrix or view in place (writes
// through either side are seen by the other, the row stride is honoured), as_view maps Eigen
// memory in place (row- and column-major, blocks), and a GEMM through the maps equals loops.
#include <vspace/core/eigen.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

using namespace vspace;

TEST(eigen, as_eigen_of_a_matrix_shares_memory_both_ways) {
    matrix<float> m(4, 19);  // stride 32: the map must skip 13 padding floats per row
    ASSERT_NE(m.stride(), m.dims());
    eigen_map<float> e = as_eigen(m);
    EXPECT_EQ(e.rows(), 4);
    EXPECT_EQ(e.cols(), 19);
    EXPECT_EQ(e.outerStride(), static_cast<Eigen::Index>(m.stride()));
    EXPECT_EQ(e.data(), m.data());

    e(3, 18) = 2.5f;  // through Eigen ...
    EXPECT_EQ(m(3, 18), 2.5f);
    m(2, 7) = -4.f;   // ... and through vspace
    EXPECT_EQ(e(2, 7), -4.f);
    EXPECT_EQ(&e(1, 0), m.row_data(1));

    e.setConstant(1.f);  // a whole-map write stays inside the rows: padding remains zero
    for (std::size_t i = 0; i < m.rows(); ++i) {
        for (std::size_t j = 0; j < m.dims(); ++j) ASSERT_EQ(m(i, j), 1.f);
        for (std::size_t w = m.dims(); w < m.stride(); ++w) ASSERT_EQ(m.row_data(i)[w], 0.f);
    }

    const matrix<float>& cm = m;
    eigen_const_map<float> ce = as_eigen(cm);
    EXPECT_EQ(ce.data(), m.data());
    m(0, 0) = 9.f;
    EXPECT_EQ(ce(0, 0), 9.f);
}

TEST(eigen, as_eigen_of_strided_int8_views) {
    const std::size_t rows = 5, dims = 6, stride = 11;
    std::vector<std::int8_t> buf(rows * stride, 0);
    for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<std::int8_t>(i);
    const matrix_view<std::int8_t> v(buf.data(), rows, dims, stride);
    const auto e = as_eigen(v);
    EXPECT_EQ(e.outerStride(), 11);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j)
            EXPECT_EQ(e(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)),
                      static_cast<std::int8_t>(i * stride + j));

    const mutable_matrix_view<std::int8_t> mv(buf.data(), rows, dims, stride);
    auto me = as_eigen(mv);
    me(4, 5) = -7;
    EXPECT_EQ(buf[4 * stride + 5], -7);
    // A subview maps from its own first row.
    const auto sub = as_eigen(v.subview(2, 2));
    EXPECT_EQ(sub.rows(), 2);
    EXPECT_EQ(sub(0, 0), static_cast<std::int8_t>(2 * stride));
}

TEST(eigen, as_view_of_row_major_eigen_is_one_vector_per_row) {
    eigen_row_major<float> a(3, 4);
    for (Eigen::Index i = 0; i < 3; ++i)
        for (Eigen::Index j = 0; j < 4; ++j) a(i, j) = static_cast<float>(10 * i + j);
    const matrix_view<float> v = as_view(a);
    EXPECT_EQ(v.rows(), 3u);
    EXPECT_EQ(v.dims(), 4u);
    EXPECT_EQ(v.stride(), 4u);
    EXPECT_EQ(v.data(), a.data());
    EXPECT_EQ(v(2, 3), 23.f);
    a(1, 2) = -1.f;  // no copy: later writes show through the view
    EXPECT_EQ(v(1, 2), -1.f);
}

TEST(eigen, as_view_of_column_major_eigen_is_one_vector_per_column) {
    Eigen::MatrixXf a(4, 3);  // 3 vectors of 4 dims
    for (Eigen::Index i = 0; i < 4; ++i)
        for (Eigen::Index j = 0; j < 3; ++j) a(i, j) = static_cast<float>(10 * i + j);
    const matrix_view<float> v = as_view(a);
    EXPECT_EQ(v.rows(), 3u);
    EXPECT_EQ(v.dims(), 4u);
    EXPECT_EQ(v.stride(), 4u);
    for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t d = 0; d < 4; ++d)
            EXPECT_EQ(v(r, d), a(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(r)));
    EXPECT_EQ(v.data(), a.data());
}

TEST(eigen, as_view_honours_the_outer_stride_of_blocks) {
    Eigen::MatrixXf a(10, 6);  // column-major: columns are vectors, outer stride 10
    for (Eigen::Index i = 0; i < 10; ++i)
        for (Eigen::Index j = 0; j < 6; ++j) a(i, j) = static_cast<float>(100 * i + j);
    const auto block = a.block(2, 1, 5, 3);  // dims 2..6 of vectors 1..3
    const matrix_view<float> v = as_view(block);
    EXPECT_EQ(v.rows(), 3u);
    EXPECT_EQ(v.dims(), 5u);
    EXPECT_EQ(v.stride(), 10u);
    EXPECT_EQ(v.data(), &a(2, 1));
    for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t d = 0; d < 5; ++d)
            EXPECT_EQ(v(r, d), a(static_cast<Eigen::Index>(d + 2), static_cast<Eigen::Index>(r + 1)));

    // int8 row-major with a strided Map.
    std::vector<std::int8_t> buf(4 * 9);
    for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<std::int8_t>(i);
    Eigen::Map<eigen_row_major<std::int8_t>, Eigen::Unaligned, Eigen::OuterStride<>> m(
        buf.data(), 4, 5, Eigen::OuterStride<>(9));
    const matrix_view<std::int8_t> iv = as_view(m);
    EXPECT_EQ(iv.stride(), 9u);
    EXPECT_EQ(iv(3, 4), static_cast<std::int8_t>(3 * 9 + 4));
}

TEST(eigen, as_view_rejects_a_non_unit_inner_stride) {
    std::vector<float> buf(40);
    Eigen::Map<Eigen::MatrixXf, Eigen::Unaligned, Eigen::Stride<20, 2>> every_other(buf.data(), 5, 2);
    try {
        (void)as_view(every_other);
        FAIL() << "expected shape_error";
    } catch (const shape_error& e) {
        EXPECT_STREQ(e.what(), "as_view: Eigen object has inner stride 2 (expected 1; copy it into a plain "
                               "matrix first)");
    }
    // A row of a column-major matrix is strided too.
    Eigen::MatrixXf a = Eigen::MatrixXf::Zero(3, 3);
    EXPECT_THROW((void)as_view(a.row(1)), shape_error);
}

TEST(eigen, round_trip_matrix_to_eigen_to_view) {
    matrix<float> m(6, 21);
    for (std::size_t i = 0; i < m.rows(); ++i)
        for (std::size_t j = 0; j < m.dims(); ++j) m(i, j) = static_cast<float>(i) - 0.5f * static_cast<float>(j);
    const auto e = as_eigen(m.view());
    const matrix_view<float> back = as_view(e);
    EXPECT_EQ(back.data(), m.data());
    EXPECT_EQ(back.rows(), m.rows());
    EXPECT_EQ(back.dims(), m.dims());
    EXPECT_EQ(back.stride(), m.stride());
}

TEST(eigen, gemm_through_the_maps_equals_loops) {
    // C = A * B^T with A (7 x 19) and B (5 x 19) stored as padded vspace matrices; C written
    // in place into a third one.
    matrix<float> a(7, 19), b(5, 19), c(7, 5);
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < a.dims(); ++j) a(i, j) = static_cast<float>((i * 7 + j * 3) % 11) - 5.f;
    for (std::size_t i = 0; i < b.rows(); ++i)
        for (std::size_t j = 0; j < b.dims(); ++j) b(i, j) = static_cast<float>((i * 5 + j) % 9) * 0.25f;
    as_eigen(c).noalias() = as_eigen(a.view()) * as_eigen(b.view()).transpose();
    for (std::size_t i = 0; i < c.rows(); ++i) {
        for (std::size_t j = 0; j < c.dims(); ++j) {
            double s = 0;
            for (std::size_t k = 0; k < a.dims(); ++k) s += double(a(i, k)) * b(j, k);
            EXPECT_EQ(c(i, j), static_cast<float>(s)) << i << "," << j;  // small exact values
        }
        for (std::size_t w = c.dims(); w < c.stride(); ++w) ASSERT_EQ(c.row_data(i)[w], 0.f);
    }

    // Random values: within float rounding of the double loop.
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < a.dims(); ++j) a(i, j) = 1.f / static_cast<float>(1 + i + 2 * j);
    const eigen_row_major<float> d = as_eigen(a.view()) * as_eigen(a.view()).transpose();
    for (Eigen::Index i = 0; i < d.rows(); ++i)
        for (Eigen::Index j = 0; j < d.cols(); ++j) {
            double s = 0;
            for (std::size_t k = 0; k < a.dims(); ++k)
                s += double(a(static_cast<std::size_t>(i), k)) * a(static_cast<std::size_t>(j), k);
            EXPECT_NEAR(d(i, j), s, 1e-5 * s);
        }
}

}  // namespace
