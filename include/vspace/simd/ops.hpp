// SPDX-License-Identifier: MIT
/// @file
/// Arch-templated building blocks every kernel shares: fused multiply-add, zero-filled loads of
/// the last partial block of a row, and how many rows one pass can keep in registers. Kernel
/// bodies use only these, xsimd batches and the escape hatches under `x86/`.
///
/// Kernels keep one accumulator per row of a pass in small arrays (`batch s[R][4] = {}`). Every
/// loop over those arrays carries `#pragma GCC unroll`: GCC scalarizes an array into registers
/// only if all its indices are constants by then, and its own complete unrolling of top-level
/// loops comes too late for that; without the pragma the accumulators round-trip the stack.
#pragma once

#include <vspace/simd/reduce.hpp>
#include <vspace/simd/x86/avx512.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace vspace::simd {

/// Vector registers of Arch: rows per pass and unrolling are sized to fit without spills.
template <class Arch>
inline constexpr std::size_t register_count = x86::is_avx512<Arch> ? 32 : 16;

/// x * y + z, fused where the CPU has FMA.
template <class Arch>
inline xsimd::batch<float, Arch> fmadd(const xsimd::batch<float, Arch>& x, const xsimd::batch<float, Arch>& y,
                                       const xsimd::batch<float, Arch>& z) noexcept {
#if XSIMD_WITH_AVX512BW
    if constexpr (x86::is_avx512<Arch>)
        return x86::fmadd<Arch>(x, y, z);
    else
#endif
        return xsimd::fma(x, y, z);
}

/// Copies bytes < 64 with two overlapping fixed-size moves, which compile to a few
/// instructions where a variable-size copy would call the library's memcpy.
template <class Arch>
inline void copy_short(unsigned char* dst, const unsigned char* src, std::size_t bytes) noexcept {
    auto two_moves = [&](auto size_constant) {
        constexpr std::size_t size = decltype(size_constant)::value;
        __builtin_memcpy(dst, src, size);
        __builtin_memcpy(dst + bytes - size, src + bytes - size, size);
    };
    if (bytes >= 32) two_moves(std::integral_constant<std::size_t, 32>{});
    else if (bytes >= 16) two_moves(std::integral_constant<std::size_t, 16>{});
    else if (bytes >= 8) two_moves(std::integral_constant<std::size_t, 8>{});
    else if (bytes >= 4) two_moves(std::integral_constant<std::size_t, 4>{});
    else if (bytes >= 2) two_moves(std::integral_constant<std::size_t, 2>{});
    else if (bytes == 1) *dst = *src;
}

namespace detail {
template <class Arch>
struct lane_number {
    static constexpr int get(std::size_t i, std::size_t) noexcept { return static_cast<int>(i); }
};
}  // namespace detail

/// Loads elements [i, n) of a row (fewer than one batch) as a batch with zeros in the other
/// lanes, so the main loop's arithmetic can finish the row without a scalar tail. It never
/// reads outside [row, row + n): AVX-512 uses masked loads; other archs load the last full
/// batch of the row and clear the lanes already counted, or, for rows shorter than a batch,
/// copy into a zeroed buffer. Built once per call and used for the query and every row.
template <class T, class Arch>
class tail_loader {
public:
    using batch = xsimd::batch<T, Arch>;
    static constexpr std::size_t width = batch::size;

    /// Requires i < n and n - i < width.
    tail_loader(std::size_t i, std::size_t n) noexcept : i_(i), n_(n) {
        if constexpr (!x86::is_avx512<Arch>) {
            if (n >= width) {
                const lanes index = xsimd::make_batch_constant<lanes, detail::lane_number<Arch>>();
                keep_ = index >= lanes(static_cast<lane_int>(width - (n - i)));
            }
        }
    }

    batch operator()(const T* row) const noexcept {
#if XSIMD_WITH_AVX512BW
        if constexpr (x86::is_avx512<Arch>) {
            return x86::load_first<Arch>(row + i_, n_ - i_);
        } else
#endif
        {
            if (n_ >= width) {
                const lanes all = xsimd::bitwise_cast<lanes>(batch::load_unaligned(row + n_ - width));
                return xsimd::bitwise_cast<batch>(xsimd::select(keep_, all, lanes(0)));
            }
            alignas(64) T buffer[width] = {};
            copy_short<Arch>(reinterpret_cast<unsigned char*>(buffer), reinterpret_cast<const unsigned char*>(row),
                             n_ * sizeof(T));  // here i == 0: the row is shorter than a batch
            return batch::load_aligned(buffer);
        }
    }

private:
    // Signed integers as wide as T: lane masks are built by comparing lane numbers.
    using lane_int = std::conditional_t<sizeof(T) == 1, std::int8_t,
                                        std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>>;
    using lanes = xsimd::batch<lane_int, Arch>;

    std::size_t i_, n_;
    typename lanes::batch_bool_type keep_{};
};

}  // namespace vspace::simd
