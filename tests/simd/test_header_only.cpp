// SPDX-License-Identifier: MIT
// Header-only mode (no vspace::simd library): the kernels compiled for this unit's own flags
// and the serial reference. Built twice (tests/simd/CMakeLists.txt): with the baseline flags,
// and with the AVX-512 VNNI flags, where the tables must carry the VNNI/VPOPCNTDQ kernels.
#include "simd_test_util.hpp"

#include <vspace/simd/reference.hpp>

namespace {

using namespace vspace;
using namespace vspace::simd_test;

TEST(simd_header_only, compiled_level_is_active) {
    if (simd::env_cap() < simd::compiled_level()) GTEST_SKIP() << "VSPACE_SIMD_ARCH caps the level";
    EXPECT_EQ(simd::active_level(), simd::compiled_level());
    EXPECT_THROW(simd::tables_for(simd::compiled_level() == level::sse2 ? level::avx2 : level::sse2),
                 vspace::invalid_argument);
}

TEST(simd_header_only, kernels_match_reference) {
    if (simd::cpu_level() < simd::compiled_level()) GTEST_SKIP() << "this CPU lacks the compiled level";
    const auto& t = simd::tables_for(simd::compiled_level());
    rng gen(31);
    std::vector<float> fa(1536), fb(1536);
    std::vector<std::int8_t> ia(1536), ib(1536);
    std::vector<std::uint64_t> ba(24), bb(24);
    for (std::size_t i = 0; i < 1536; ++i) {
        fa[i] = static_cast<float>(static_cast<int>(gen.below(17)) - 8);  // exact float sums
        fb[i] = static_cast<float>(static_cast<int>(gen.below(17)) - 8);
        ia[i] = static_cast<std::int8_t>(static_cast<int>(gen.below(256)) - 128);
        ib[i] = static_cast<std::int8_t>(i % 3 ? -128 : 127);
    }
    for (std::size_t i = 0; i < 24; ++i) {
        ba[i] = gen();
        bb[i] = gen() & gen();
    }
    for (std::size_t n : test_dims()) {
        EXPECT_EQ(t.f32.dot.one(fa.data(), fb.data(), n), static_cast<float>(simd::reference::dot(fa.data(), fb.data(), n)));
        EXPECT_EQ(t.f32.l2sq.one(fa.data(), fb.data(), n), static_cast<float>(simd::reference::l2sq(fa.data(), fb.data(), n)));
        EXPECT_EQ(t.f32.cosine.one(fa.data(), fb.data(), n),
                  static_cast<float>(simd::reference::cosine(fa.data(), fb.data(), n)));
        EXPECT_EQ(t.i8.dot.one(ia.data(), ib.data(), n), static_cast<float>(simd::reference::dot(ia.data(), ib.data(), n)));
        EXPECT_EQ(t.i8.l2sq.one(ia.data(), ib.data(), n), static_cast<float>(simd::reference::l2sq(ia.data(), ib.data(), n)));
        EXPECT_EQ(t.i8.cosine.one(ia.data(), ib.data(), n),
                  static_cast<float>(simd::reference::cosine(ia.data(), ib.data(), n)));
        const std::size_t words = 1 + n % 24;
        EXPECT_EQ(t.b1.hamming.one(ba.data(), bb.data(), words),
                  static_cast<float>(simd::reference::hamming(ba.data(), bb.data(), words)));
        EXPECT_EQ(t.b1.jaccard.one(ba.data(), bb.data(), words),
                  static_cast<float>(simd::reference::jaccard(ba.data(), bb.data(), words)));
        float out[3];
        t.i8.l2sq.many(ia.data(), ib.data(), 0, 3, n, out);  // stride 0: the same row three times
        EXPECT_EQ(out[2], t.i8.l2sq.one(ia.data(), ib.data(), n));
    }
}

TEST(simd_header_only, vnni_kernels_when_compiled_for_them) {
    if (simd::compiled_level() != level::avx512_vnni) GTEST_SKIP() << "not compiled for AVX-512 VNNI";
    const auto& t = simd::tables_for(level::avx512_vnni);
    EXPECT_NE(t.i8.dot.one, simd::tables_for(level::serial).i8.dot.one);
    EXPECT_EQ(t.lvl, level::avx512_vnni);
}

}  // namespace
