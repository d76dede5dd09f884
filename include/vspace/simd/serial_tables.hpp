// SPDX-License-Identifier: MIT
/// @file
/// The `serial` level: kernel tables built from the scalar reference (no xsimd), for CPUs with
/// no usable vector unit, for `VSPACE_SIMD_ARCH=serial`, and as the tests' oracle in place.
#pragma once

#include <vspace/simd/block_kernels.hpp>
#include <vspace/simd/kernel_types.hpp>
#include <vspace/simd/one_to_many.hpp>
#include <vspace/simd/reference.hpp>

namespace vspace::simd {

/// Arch tag of the serial level (a plain type; xsimd is not involved).
struct serial_arch {};

namespace detail {

// Each adapter gives a reference function the kernel shape (static run<Arch>) and float result.
#define VSPACE_DETAIL_REFERENCE_KERNEL(name, S, expr)                                        \
    struct name {                                                                            \
        template <class Arch>                                                                \
        static float run(const S* a, const S* b, std::size_t n) noexcept {                  \
            return static_cast<float>(expr);                                                 \
        }                                                                                    \
    };
VSPACE_DETAIL_REFERENCE_KERNEL(ref_dot_f32, float, reference::dot(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_ip_f32, float, -reference::dot(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_l2sq_f32, float, reference::l2sq(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_cosine_f32, float, reference::cosine(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_dot_i8, std::int8_t, reference::dot(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_ip_i8, std::int8_t, -reference::dot(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_l2sq_i8, std::int8_t, reference::l2sq(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_cosine_i8, std::int8_t, reference::cosine(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_hamming_b1, std::uint64_t, reference::hamming(a, b, n))
VSPACE_DETAIL_REFERENCE_KERNEL(ref_jaccard_b1, std::uint64_t, reference::jaccard(a, b, n))
#undef VSPACE_DETAIL_REFERENCE_KERNEL

}  // namespace detail

inline kernel_tables make_serial_tables() noexcept {
    using A = serial_arch;
    kernel_tables t;
    t.f32 = {bind_kernel<detail::ref_dot_f32, A, float>(), bind_kernel<detail::ref_ip_f32, A, float>(),
             bind_kernel<detail::ref_l2sq_f32, A, float>(), bind_kernel<detail::ref_cosine_f32, A, float>()};
    t.i8 = {bind_kernel<detail::ref_dot_i8, A, std::int8_t>(), bind_kernel<detail::ref_ip_i8, A, std::int8_t>(),
            bind_kernel<detail::ref_l2sq_i8, A, std::int8_t>(),
            bind_kernel<detail::ref_cosine_i8, A, std::int8_t>()};
    t.b1 = {bind_kernel<detail::ref_hamming_b1, A, std::uint64_t>(),
            bind_kernel<detail::ref_jaccard_b1, A, std::uint64_t>()};
    t.blocks = make_serial_block_kernels();
    t.lvl = level::serial;
    return t;
}

}  // namespace vspace::simd
