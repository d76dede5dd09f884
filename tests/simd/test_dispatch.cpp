// SPDX-License-Identifier: MIT
// Level selection: what the CPU has, the VSPACE_SIMD_ARCH cap, the tables of each level, and
// that the avx512_vnni level really swaps in its own int8 and bit kernels.
#include "simd_test_util.hpp"

#include <cstdlib>

namespace {

using namespace vspace;
using namespace vspace::simd_test;

TEST(simd_dispatch, active_level_respects_cpu_and_cap) {
    EXPECT_LE(simd::active_level(), simd::cpu_level());
    EXPECT_LE(simd::active_level(), simd::env_cap());
    EXPECT_EQ(simd::active_arch_name(), simd::level_name(simd::active_level()));
    EXPECT_EQ(simd::active_tables().lvl, simd::active_level());
}

TEST(simd_dispatch, level_names_round_trip) {
    for (level l : simd::all_levels) EXPECT_EQ(simd::parse_level(simd::level_name(l)), l);
    EXPECT_THROW(simd::parse_level("avx9000"), vspace::invalid_argument);
    EXPECT_THROW(simd::parse_level(""), vspace::invalid_argument);
    EXPECT_THROW(simd::parse_level("AVX2"), vspace::invalid_argument);
}

TEST(simd_dispatch, env_cap_parses_the_variable) {
    const char* saved = std::getenv("VSPACE_SIMD_ARCH");
    const std::string keep = saved ? saved : "";
    setenv("VSPACE_SIMD_ARCH", "sse4_2", 1);
    EXPECT_EQ(simd::env_cap(), level::sse4_2);
    setenv("VSPACE_SIMD_ARCH", "avx-512", 1);
    EXPECT_THROW(simd::env_cap(), vspace::invalid_argument);
    unsetenv("VSPACE_SIMD_ARCH");
    EXPECT_EQ(simd::env_cap(), level::avx512_vnni);
    if (saved) setenv("VSPACE_SIMD_ARCH", keep.c_str(), 1);
}

TEST(simd_dispatch, levels_above_the_cpu_are_refused) {
    if (simd::cpu_level() == level::avx512_vnni) GTEST_SKIP() << "this CPU has every level";
    const auto above = static_cast<level>(static_cast<int>(simd::cpu_level()) + 1);
    EXPECT_THROW(simd::tables_for(above), vspace::invalid_argument);
}

TEST(simd_dispatch, every_level_here_has_full_tables) {
    for (level l : levels_here()) {
        const auto& t = simd::tables_for(l);
        EXPECT_EQ(t.lvl, l);
        for (const auto* k : {&t.f32.dot, &t.f32.inner_product, &t.f32.l2sq, &t.f32.cosine})
            EXPECT_TRUE(k->one && k->many && k->gather) << simd::level_name(l);
        for (const auto* k : {&t.i8.dot, &t.i8.inner_product, &t.i8.l2sq, &t.i8.cosine})
            EXPECT_TRUE(k->one && k->many && k->gather) << simd::level_name(l);
        for (const auto* k : {&t.b1.hamming, &t.b1.jaccard})
            EXPECT_TRUE(k->one && k->many && k->gather) << simd::level_name(l);
    }
}

TEST(simd_dispatch, vnni_level_uses_its_own_kernels) {
    if (simd::cpu_level() < level::avx512_vnni) GTEST_SKIP() << "no AVX-512 VNNI + VPOPCNTDQ here";
    const auto& plain = simd::tables_for(level::avx512);
    const auto& vnni = simd::tables_for(level::avx512_vnni);
    EXPECT_EQ(vnni.f32.l2sq.one, plain.f32.l2sq.one);  // float kernels are shared
    EXPECT_NE(vnni.i8.dot.one, plain.i8.dot.one);
    EXPECT_NE(vnni.i8.l2sq.many, plain.i8.l2sq.many);
    EXPECT_NE(vnni.i8.cosine.gather, plain.i8.cosine.gather);
    EXPECT_NE(vnni.b1.hamming.one, plain.b1.hamming.one);
    EXPECT_NE(vnni.b1.jaccard.many, plain.b1.jaccard.many);
}

}  // namespace
