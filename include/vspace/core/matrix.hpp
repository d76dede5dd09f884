// SPDX-License-Identifier: MIT
/// @file
/// `matrix<T>`: the owning, row-major container of vectors. Rows are padded to a multiple of
/// 64 bytes and the block is 64-byte aligned, so every row starts on a cache line and SIMD
/// kernels may load whole vectors from any row. Padding is zero (for `bit`, so are the unused
/// tail bits of the last word).
#pragma once

#include <vspace/core/matrix_view.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace vspace {

namespace detail {

/// Asks Linux to back a large block with 2 MiB pages. First-touch page faults dominate the
/// cost of filling a fresh multi-megabyte matrix: 70000 x 784 floats took 0.85 s of CPU in
/// 4 KiB faults on the dev VM, ~0.1 s with huge pages. A hint only; nothing changes elsewhere.
inline void advise_huge_pages([[maybe_unused]] void* p, [[maybe_unused]] std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes < (std::size_t{4} << 20)) return;
    // the whole 4 KiB pages inside [p, p + bytes), by offsets (no integer-to-pointer casts)
    const std::size_t misalign = reinterpret_cast<std::uintptr_t>(p) & 4095;
    const std::size_t skip = misalign == 0 ? 0 : 4096 - misalign;
    ::madvise(static_cast<char*>(p) + skip, (bytes - skip) & ~std::size_t{4095}, MADV_HUGEPAGE);
#endif
}

}  // namespace detail

/// Owning matrix of `rows` vectors with `dims` dimensions of kind T.
///
/// Grows by `push_back` / `resize_rows` with amortized doubling, so incremental indexes need no
/// capacity guess. Copies are deep. Not thread-safe for concurrent mutation.
/// @tparam T float, std::int8_t or vspace::bit
template <class T>
class matrix {
public:
    using value_type = T;
    using storage_type = storage_t<T>;
    static constexpr std::size_t alignment = 64;

    matrix() noexcept = default;

    /// A zero-filled matrix. Throws invalid_argument if the size overflows.
    matrix(std::size_t rows, std::size_t dims) : dims_(dims), stride_(checked_stride(dims)) {
        reserve(rows);
        rows_ = rows;
    }

    /// A deep copy of any view (strided or not). For bit, bits past `dims` are not copied.
    explicit matrix(matrix_view<T> v) : matrix(v.rows(), v.dims()) {
        if (v.words() == 0) return;  // rows of 0 dims: nothing to copy, and the data may be null
        for (std::size_t i = 0; i < v.rows(); ++i) {
            std::memcpy(row_data(i), v.row_data(i), v.words() * sizeof(storage_type));
            clear_tail_bits(i);
        }
    }

    matrix(const matrix& other) : matrix(other.view()) {}
    matrix(matrix&& other) noexcept { swap(other); }
    matrix& operator=(matrix other) noexcept {
        swap(other);
        return *this;
    }
    ~matrix() = default;

    void swap(matrix& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(rows_, other.rows_);
        std::swap(capacity_, other.capacity_);
        std::swap(dims_, other.dims_);
        std::swap(stride_, other.stride_);
    }

    std::size_t rows() const noexcept { return rows_; }
    std::size_t dims() const noexcept { return dims_; }
    std::size_t words() const noexcept { return scalar_traits<T>::words(dims_); }
    std::size_t stride() const noexcept { return stride_; }
    std::size_t capacity() const noexcept { return capacity_; }
    bool empty() const noexcept { return rows_ == 0; }
    /// Bytes held (capacity, including padding).
    std::size_t memory_bytes() const noexcept { return capacity_ * stride_ * sizeof(storage_type); }

    storage_type* data() noexcept { return data_.get(); }
    const storage_type* data() const noexcept { return data_.get(); }
    storage_type* row_data(std::size_t i) noexcept { return data_.get() + i * stride_; }
    const storage_type* row_data(std::size_t i) const noexcept { return data_.get() + i * stride_; }

    vspace::row<T> row(std::size_t i) const noexcept { return {row_data(i), words()}; }
    std::span<storage_type> mutable_row(std::size_t i) noexcept { return {row_data(i), words()}; }

    storage_type& operator()(std::size_t i, std::size_t j) noexcept
        requires(!std::same_as<T, bit>)
    {
        return row_data(i)[j];
    }
    storage_type operator()(std::size_t i, std::size_t j) const noexcept
        requires(!std::same_as<T, bit>)
    {
        return row_data(i)[j];
    }

    bool bit_at(std::size_t i, std::size_t j) const noexcept
        requires std::same_as<T, bit>
    {
        return view().bit_at(i, j);
    }
    void set_bit(std::size_t i, std::size_t j, bool value) noexcept
        requires std::same_as<T, bit>
    {
        mutable_view().set_bit(i, j, value);
    }

    matrix_view<T> view() const noexcept { return {data_.get(), rows_, dims_, stride_}; }
    mutable_matrix_view<T> mutable_view() noexcept { return {data_.get(), rows_, dims_, stride_}; }
    operator matrix_view<T>() const noexcept { return view(); }

    /// Ensures room for `rows` rows without reallocating.
    void reserve(std::size_t rows) {
        if (rows <= capacity_) return;
        if (stride_ != 0 && rows > std::numeric_limits<std::size_t>::max() / sizeof(storage_type) / stride_)
            VSPACE_THROW(invalid_argument, "matrix::reserve: ", rows, " rows of ", dims_,
                         " dims overflow the address space (expected at most ",
                         std::numeric_limits<std::size_t>::max() / sizeof(storage_type) / stride_, " rows)");
        const std::size_t bytes = std::max<std::size_t>(rows * stride_ * sizeof(storage_type), alignment);
        buffer fresh(static_cast<storage_type*>(::operator new(bytes, std::align_val_t{alignment})));
        detail::advise_huge_pages(fresh.get(), bytes);
        std::memset(static_cast<void*>(fresh.get()), 0, bytes);
        if (rows_ != 0)
            std::memcpy(static_cast<void*>(fresh.get()), data_.get(), rows_ * stride_ * sizeof(storage_type));
        data_ = std::move(fresh);
        capacity_ = rows;
    }

    /// Grows or shrinks to `rows` rows; new rows are zero. Growth is amortized (doubling).
    void resize_rows(std::size_t rows) {
        if (rows > capacity_) reserve(std::max(rows, capacity_ + capacity_ / 2 + 8));
        if (rows < rows_)  // keep the "padding and unused rows are zero" invariant
            std::memset(static_cast<void*>(row_data(rows)), 0, (rows_ - rows) * stride_ * sizeof(storage_type));
        rows_ = rows;
    }

    /// Appends one row (its span must hold `words()` elements; for bit, bits past `dims` are
    /// dropped).
    void push_back(std::span<const storage_type> r) {
        if (r.size() != words())
            VSPACE_THROW(shape_error, "matrix::push_back: row has ", r.size(), " words (expected ",
                         words(), ")");
        resize_rows(rows_ + 1);
        if (r.empty()) return;  // 0 dims: r.data() may be null, which memcpy must never get
        std::memcpy(row_data(rows_ - 1), r.data(), r.size() * sizeof(storage_type));
        clear_tail_bits(rows_ - 1);
    }

    /// Storage elements per row after padding to a multiple of 64 bytes.
    static constexpr std::size_t padded_words(std::size_t dims) noexcept {
        constexpr std::size_t per_line = alignment / sizeof(storage_type);
        return (scalar_traits<T>::words(dims) + per_line - 1) / per_line * per_line;
    }

private:
    /// padded_words(dims), or invalid_argument where the padded length would wrap around.
    static std::size_t checked_stride(std::size_t dims) {
        if (dims > std::numeric_limits<std::size_t>::max() / 2)
            VSPACE_THROW(invalid_argument, "matrix: ", dims, " dims overflow the address space",
                         " (expected at most ", std::numeric_limits<std::size_t>::max() / 2, ")");
        return padded_words(dims);
    }

    /// Zeroes the bits of row i past `dims` (bit only): rows copied in from a caller may carry
    /// garbage there, and popcount kernels would count it.
    void clear_tail_bits(std::size_t i) noexcept {
        if constexpr (std::same_as<T, bit>)
            if (dims_ % 64 != 0) row_data(i)[words() - 1] &= (std::uint64_t{1} << (dims_ % 64)) - 1;
    }

    struct aligned_delete {
        void operator()(storage_type* p) const noexcept {
            ::operator delete(static_cast<void*>(p), std::align_val_t{alignment});
        }
    };
    using buffer = std::unique_ptr<storage_type[], aligned_delete>;

    buffer data_;
    std::size_t rows_ = 0;
    std::size_t capacity_ = 0;
    std::size_t dims_ = 0;
    std::size_t stride_ = 0;
};

}  // namespace vspace
