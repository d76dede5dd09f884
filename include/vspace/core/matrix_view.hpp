// SPDX-License-Identifier: MIT
/// @file
/// Non-owning views of a row-major block of vectors: `matrix_view<T>` (read-only) and
/// `mutable_matrix_view<T>`. They let every algorithm work on the caller's memory (a matrix,
/// a memory-mapped file, an Eigen matrix) without copying. Rows may be strided.
#pragma once

#include <vspace/core/scalar.hpp>

#include <cstddef>
#include <span>

namespace vspace {

namespace detail {

/// Shared shape and row arithmetic of the two view types; Ptr is `const S*` or `S*`.
template <class T, class Ptr>
class view_base {
public:
    using value_type = T;
    using storage_type = storage_t<T>;

    constexpr view_base() noexcept = default;
    /// `stride` is the distance between rows in storage elements; it defaults to a dense layout
    /// and must be at least `scalar_traits<T>::words(dims)`.
    constexpr view_base(Ptr data, std::size_t rows, std::size_t dims, std::size_t stride) noexcept
        : data_(data), rows_(rows), dims_(dims), stride_(stride) {}

    constexpr std::size_t rows() const noexcept { return rows_; }
    /// Dimensions of each vector (bits, for `bit`).
    constexpr std::size_t dims() const noexcept { return dims_; }
    /// Storage elements per row actually used (`dims` for float/int8, 64-bit words for bit).
    constexpr std::size_t words() const noexcept { return scalar_traits<T>::words(dims_); }
    /// Distance between consecutive rows, in storage elements.
    constexpr std::size_t stride() const noexcept { return stride_; }
    constexpr bool empty() const noexcept { return rows_ == 0; }
    constexpr Ptr data() const noexcept { return data_; }
    constexpr Ptr row_data(std::size_t i) const noexcept { return data_ + i * stride_; }

    /// Row i as a read-only span of its storage words (no bounds check: see `checked_row`).
    constexpr vspace::row<T> row(std::size_t i) const noexcept { return {row_data(i), words()}; }

    /// Row i, throwing invalid_argument when i is out of range.
    vspace::row<T> checked_row(std::size_t i) const {
        if (i >= rows_)
            VSPACE_THROW(invalid_argument, "matrix_view::row: index ", i, " out of range (expected < ",
                         rows_, ")");
        return row(i);
    }

    /// Bit j of row i (only for `bit`).
    constexpr bool bit_at(std::size_t i, std::size_t j) const noexcept
        requires std::same_as<T, bit>
    {
        return (row_data(i)[j / 64] >> (j % 64)) & 1u;
    }

protected:
    Ptr data_ = nullptr;
    std::size_t rows_ = 0;
    std::size_t dims_ = 0;
    std::size_t stride_ = 0;
};

}  // namespace detail

/// A read-only view of `rows` vectors of `dims` dimensions of kind T.
/// @tparam T float, std::int8_t or vspace::bit
template <class T>
class matrix_view : public detail::view_base<T, const storage_t<T>*> {
    using base = detail::view_base<T, const storage_t<T>*>;

public:
    constexpr matrix_view() noexcept = default;
    constexpr matrix_view(const storage_t<T>* data, std::size_t rows, std::size_t dims,
                          std::size_t stride) noexcept
        : base(data, rows, dims, stride) {}
    /// A dense view (stride = words per row).
    constexpr matrix_view(const storage_t<T>* data, std::size_t rows, std::size_t dims) noexcept
        : base(data, rows, dims, scalar_traits<T>::words(dims)) {}

    /// Rows [first, first + count) as a view of their own.
    constexpr matrix_view subview(std::size_t first, std::size_t count) const noexcept {
        return {this->row_data(first), count, this->dims_, this->stride_};
    }

    /// Element (i, j) for float and int8.
    constexpr storage_t<T> operator()(std::size_t i, std::size_t j) const noexcept
        requires(!std::same_as<T, bit>)
    {
        return this->row_data(i)[j];
    }
};

/// A writable view; converts to `matrix_view<T>`. Batch APIs that must not allocate write
/// into one of these.
template <class T>
class mutable_matrix_view : public detail::view_base<T, storage_t<T>*> {
    using base = detail::view_base<T, storage_t<T>*>;

public:
    constexpr mutable_matrix_view() noexcept = default;
    constexpr mutable_matrix_view(storage_t<T>* data, std::size_t rows, std::size_t dims,
                                  std::size_t stride) noexcept
        : base(data, rows, dims, stride) {}
    constexpr mutable_matrix_view(storage_t<T>* data, std::size_t rows, std::size_t dims) noexcept
        : base(data, rows, dims, scalar_traits<T>::words(dims)) {}

    constexpr operator matrix_view<T>() const noexcept {
        return {this->data_, this->rows_, this->dims_, this->stride_};
    }

    /// Row i as a writable span.
    constexpr std::span<storage_t<T>> mutable_row(std::size_t i) const noexcept {
        return {this->row_data(i), this->words()};
    }

    constexpr mutable_matrix_view subview(std::size_t first, std::size_t count) const noexcept {
        return {this->row_data(first), count, this->dims_, this->stride_};
    }

    constexpr storage_t<T>& operator()(std::size_t i, std::size_t j) const noexcept
        requires(!std::same_as<T, bit>)
    {
        return this->row_data(i)[j];
    }

    /// Sets bit j of row i (only for `bit`).
    constexpr void set_bit(std::size_t i, std::size_t j, bool value) const noexcept
        requires std::same_as<T, bit>
    {
        auto& word = this->row_data(i)[j / 64];
        const std::uint64_t mask = std::uint64_t{1} << (j % 64);
        word = value ? (word | mask) : (word & ~mask);
    }
};

}  // namespace vspace
