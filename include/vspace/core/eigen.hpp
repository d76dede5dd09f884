// SPDX-License-Identifier: MIT
/// @file
/// Zero-copy bridges between vspace views and Eigen. The only core header that includes Eigen,
/// so that code which never touches Eigen does not pay its parse time.
///
/// A vspace view is a set of vectors stored one after another. In Eigen that is either a
/// row-major n x d matrix (one vector per row) or a column-major d x n matrix (one vector per
/// column, Eigen's default layout). Both map without copying.
#pragma once

#include <vspace/core/matrix.hpp>

#include <Eigen/Core>

#include <cstdint>

namespace vspace {

template <class S>
using eigen_row_major = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Read-only Eigen map of a view: n x d, row-major, with the view's row stride.
template <class S>
using eigen_const_map = Eigen::Map<const eigen_row_major<S>, Eigen::Unaligned, Eigen::OuterStride<>>;

/// Writable Eigen map of a view.
template <class S>
using eigen_map = Eigen::Map<eigen_row_major<S>, Eigen::Unaligned, Eigen::OuterStride<>>;

/// The view as an n x d Eigen expression (no copy). Only for float and int8 views.
template <class T>
    requires(!std::same_as<T, bit>)
eigen_const_map<T> as_eigen(matrix_view<T> v) {
    return {v.data(), static_cast<Eigen::Index>(v.rows()), static_cast<Eigen::Index>(v.dims()),
            Eigen::OuterStride<>(static_cast<Eigen::Index>(v.stride()))};
}

template <class T>
    requires(!std::same_as<T, bit>)
eigen_map<T> as_eigen(mutable_matrix_view<T> v) {
    return {v.data(), static_cast<Eigen::Index>(v.rows()), static_cast<Eigen::Index>(v.dims()),
            Eigen::OuterStride<>(static_cast<Eigen::Index>(v.stride()))};
}

template <class T>
    requires(!std::same_as<T, bit>)
eigen_const_map<T> as_eigen(const matrix<T>& m) { return as_eigen(m.view()); }

template <class T>
    requires(!std::same_as<T, bit>)
eigen_map<T> as_eigen(matrix<T>& m) { return as_eigen(m.mutable_view()); }

namespace detail {
template <class Derived>
void require_unit_inner_stride(const Eigen::DenseBase<Derived>& m) {
    if (m.innerStride() != 1)
        VSPACE_THROW(shape_error, "as_view: Eigen object has inner stride ", m.innerStride(),
                     " (expected 1; copy it into a plain matrix first)");
}
}  // namespace detail

/// A vspace view of Eigen memory, without copying. Row-major objects give one vector per row;
/// column-major objects (Eigen's default) give one vector per column. The Eigen object must
/// outlive the view and have contiguous vectors (inner stride 1).
template <class Derived>
    requires(std::same_as<typename Derived::Scalar, float> ||
             std::same_as<typename Derived::Scalar, std::int8_t>)
auto as_view(const Eigen::DenseBase<Derived>& m) {
    using S = typename Derived::Scalar;
    detail::require_unit_inner_stride(m);
    const auto& d = m.derived();
    if constexpr (Derived::IsRowMajor)
        return matrix_view<S>(d.data(), static_cast<std::size_t>(d.rows()),
                              static_cast<std::size_t>(d.cols()), static_cast<std::size_t>(d.outerStride()));
    else
        return matrix_view<S>(d.data(), static_cast<std::size_t>(d.cols()),
                              static_cast<std::size_t>(d.rows()), static_cast<std::size_t>(d.outerStride()));
}

}  // namespace vspace
