// SPDX-License-Identifier: MIT
// The alternatives at the avx512 and avx512_vnni levels (compiled with the AVX-512 unit's flags).
#include "alternatives_impl.hpp"

namespace vspace_bench {

const alternative* alternatives_avx512(std::size_t& count) {
    using A = xsimd::avx512bw;
    using L = simd::level;
    using i8 = std::int8_t;
    using u64 = std::uint64_t;
    using vnni = simd::x86::i8_vnni_sums;
    using vpopcnt = simd::popcount_split<simd::x86::vpopcntq_counts>;
    static const alternative list[] = {
        {"i8_dot_vpdpwssd", L::avx512_vnni, {}, shapes<simd::dot_i8_with<i8_vpdpwssd_sums>, A, i8>(), {}},
        {"i8_l2sq_vpdpwssd", L::avx512_vnni, {}, shapes<simd::l2sq_i8_with<i8_vpdpwssd_sums>, A, i8>(), {}},
        {"i8_dot_1row", L::avx512_vnni, {}, shapes<with_rows<simd::dot_i8_with<vnni>, 1>, A, i8>(), {}},
        {"i8_l2sq_noprefetch", L::avx512_vnni, {}, shapes_without_prefetch<simd::l2sq_i8_with<vnni>, A, i8>(), {}},
        {"b1_hamming_pshufb", L::avx512, {}, {},
         shapes<simd::hamming_b1_with<simd::popcount_lanes<simd::x86::pshufb_lane_count>>, A, u64>()},
        {"b1_hamming_popcnt", L::avx512, {}, {}, shapes<simd::hamming_b1_with<simd::popcount_words>, A, u64>()},
        {"b1_hamming_vpopcntq", L::avx512_vnni, {}, {},
         shapes<simd::hamming_b1_with<simd::x86::vpopcntq_counts>, A, u64>()},
        {"b1_hamming_1row", L::avx512_vnni, {}, {}, shapes<with_rows<simd::hamming_b1_with<vpopcnt>, 1>, A, u64>()},
        {"b1_hamming_noprefetch", L::avx512_vnni, {}, {},
         shapes_without_prefetch<simd::hamming_b1_with<vpopcnt>, A, u64>()},
        {"f32_dot_1row", L::avx512, shapes<with_rows<simd::dot_f32, 1>, A, float>(), {}, {}},
        {"f32_l2sq_1row", L::avx512, shapes<with_rows<simd::l2sq_f32, 1>, A, float>(), {}, {}},
        {"f32_l2sq_2rows", L::avx512, shapes<with_rows<simd::l2sq_f32, 2>, A, float>(), {}, {}},
        {"f32_l2sq_noprefetch", L::avx512, shapes_without_prefetch<simd::l2sq_f32, A, float>(), {}, {}},
    };
    count = sizeof(list) / sizeof(list[0]);
    return list;
}

}  // namespace vspace_bench
