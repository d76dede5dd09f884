// SPDX-License-Identifier: MIT
// The alternatives at the avx2 level (compiled with the AVX2 unit's flags).
#include "alternatives_impl.hpp"

namespace vspace_bench {

const alternative* alternatives_avx2(std::size_t& count) {
    using A = xsimd::fma3<xsimd::avx2>;
    using L = simd::level;
    static const alternative list[] = {
        {"b1_hamming_pshufb", L::avx2, {}, {},
         shapes<simd::hamming_b1_with<simd::popcount_lanes<simd::x86::pshufb_lane_count>>, A, std::uint64_t>()},
        {"b1_hamming_popcnt", L::avx2, {}, {}, shapes<simd::hamming_b1_with<simd::popcount_words>, A, std::uint64_t>()},
        {"i8_dot_2rows", L::avx2, {}, shapes<with_rows<simd::dot_i8, 2>, A, std::int8_t>(), {}},
        {"f32_l2sq_1row", L::avx2, shapes<with_rows<simd::l2sq_f32, 1>, A, float>(), {}, {}},
        {"f32_l2sq_4rows", L::avx2, shapes<with_rows<simd::l2sq_f32, 4>, A, float>(), {}, {}},
    };
    count = sizeof(list) / sizeof(list[0]);
    return list;
}

}  // namespace vspace_bench
