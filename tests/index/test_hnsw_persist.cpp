// SPDX-License-Identifier: MIT
// hnsw_index save / load / view: round trips give identical results; truncated, corrupt and
// hostile files (checksums made valid, so the structural checks must catch them) give a
// format_error and never a crash or an unchecked allocation.
#include <vspace/core/random.hpp>
#include <vspace/index/format.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/l2.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace {

using namespace vspace;
using index_f32 = hnsw_index<l2sq, float>;

matrix<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

std::vector<std::byte> read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> c{std::istreambuf_iterator<char>(in), {}};
    std::vector<std::byte> b(c.size());
    std::memcpy(b.data(), c.data(), c.size());
    return b;
}

/// A 64-byte aligned copy of a file image (what `load(span)` requires).
struct image {
    explicit image(const std::vector<std::byte>& b) : storage((b.size() + 127) / 64 + 1) {
        if (!b.empty()) std::memcpy(storage.data(), b.data(), b.size());  // memcpy from null is UB
        size = b.size();
    }
    std::span<const std::byte> bytes() const { return {reinterpret_cast<const std::byte*>(storage.data()), size}; }
    struct alignas(64) line {
        std::byte b[64];
    };
    std::vector<line> storage;
    std::size_t size;
};

/// Recomputes both checksums, as a deliberate attacker would.
void fix_checksums(std::vector<std::byte>& b) {
    file_header h;
    std::memcpy(&h, b.data(), sizeof h);
    h.payload_checksum = checksum::of(b.data() + sizeof h, b.size() - sizeof h);
    h.header_checksum = checksum::of(&h, offsetof(file_header, header_checksum));
    std::memcpy(b.data(), &h, sizeof h);
}

template <class W>
void poke(std::vector<std::byte>& b, std::size_t offset, W value) {
    std::memcpy(b.data() + offset, &value, sizeof value);
}

class hnsw_persist : public ::testing::Test {
protected:
    void SetUp() override {
        base = random_matrix(200, 16, 1);
        index.add(base);
        for (std::int64_t id = 0; id < 200; id += 17) index.remove(id);  // tombstones are saved too
        // one file per test: CTest runs each test as its own process, in parallel
        path = test::temp_path(std::string("persist_") + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                               ".vsi");
        index.save(path);
        file = read_file(path);
    }

    /// Offsets of the sections of the 200 x 16 float file (see index/hnsw/persist.hpp).
    static constexpr std::size_t params = 64, vectors = 128, links0 = vectors + 200 * 16 * 4,
                                 levels = links0 + (200 * 33 * 4 + 63) / 64 * 64, flags = levels + 256;

    matrix<float> base;
    index_f32 index{16, {.m = 16, .ef_construction = 50}};
    std::filesystem::path path;
    std::vector<std::byte> file;
};

TEST_F(hnsw_persist, load_and_view_give_identical_results) {
    const auto loaded = index_f32::load(path);
    const auto viewed = index_f32::view(path);
    EXPECT_FALSE(loaded.is_view());
    EXPECT_TRUE(viewed.is_view());
    EXPECT_EQ(loaded.size(), index.size());
    EXPECT_EQ(viewed.next_id(), 200);
    EXPECT_EQ(loaded.options().m, 16u);
    EXPECT_EQ(loaded.options().ef_construction, 50u);
    const auto queries = random_matrix(30, 16, 2);
    const auto want = index.search(queries.view(), 7);
    EXPECT_EQ(loaded.search(queries.view(), 7).all_ids(), want.all_ids());
    EXPECT_EQ(viewed.search(queries.view(), 7).all_ids(), want.all_ids());
    EXPECT_EQ(viewed.search(queries.view(), 7).all_distances(), want.all_distances());
    EXPECT_FALSE(viewed.contains(17));
    EXPECT_LT(viewed.memory_bytes(), loaded.memory_bytes() / 2);  // the mapped parts are not copied
    const image img(file);
    EXPECT_EQ(index_f32::load(img.bytes()).search(queries.view(), 7).all_ids(), want.all_ids());
}

TEST_F(hnsw_persist, a_view_is_read_only_and_a_loaded_index_grows) {
    auto viewed = index_f32::view(path);
    EXPECT_THROW(viewed.add(base), invalid_argument);
    EXPECT_THROW(viewed.remove(1), invalid_argument);
    EXPECT_THROW(viewed.compact(), invalid_argument);
    auto loaded = index_f32::load(path);
    loaded.add(base);
    EXPECT_EQ(loaded.next_id(), 400);
    EXPECT_EQ(loaded.search(base.row(17), 1)[0].id, 217);  // id 17 was removed, its copy is 217
    loaded.compact();
    loaded.save(path);  // atomic overwrite of the file it was loaded from
    EXPECT_EQ(index_f32::load(path).size(), loaded.size());
}

TEST_F(hnsw_persist, every_kind_round_trips) {
    matrix<bit> codes(300, 100);
    matrix<std::int8_t> small(300, 24);
    rng gen(3);
    for (std::size_t i = 0; i < 300; ++i) {
        for (std::size_t j = 0; j < 100; ++j) codes.set_bit(i, j, gen.below(2) == 1);
        for (std::size_t j = 0; j < 24; ++j) small(i, j) = static_cast<std::int8_t>(gen.below(255)) - 127;
    }
    hnsw_index<hamming, bit> b(100);
    b.add(codes);
    b.save(test::temp_path("b1.vsi"));
    using b1 = hnsw_index<hamming, bit>;
    using i8 = hnsw_index<cosine, std::int8_t>;
    EXPECT_EQ(b1::view(test::temp_path("b1.vsi")).search(codes.view(), 3).all_ids(), b.search(codes.view(), 3).all_ids());
    hnsw_index<cosine, std::int8_t> c(24);
    c.add(small);
    c.save(test::temp_path("i8.vsi"));
    EXPECT_EQ(i8::load(test::temp_path("i8.vsi")).search(small.view(), 3).all_ids(), c.search(small.view(), 3).all_ids());
    // the file says what it holds: another metric or kind is refused
    EXPECT_THROW((hnsw_index<l2sq, std::int8_t>::load(test::temp_path("i8.vsi"))), format_error);
    EXPECT_THROW((hnsw_index<cosine, float>::load(test::temp_path("i8.vsi"))), format_error);
    EXPECT_THROW((hnsw_index<hamming, bit>::load(path)), format_error);
}

// Regression (found by tests/fuzz/hnsw): saving an index with no rows passed the null data of
// its empty sections to memcpy inside checksum::update, which UBSan reports.
TEST(hnsw_persist_empty, an_empty_index_saves_loads_and_views) {
    const auto path = test::temp_path("empty_index.vsi");
    index_f32(6).save(path);
    const float q[6] = {};
    auto check = [&](const index_f32& back) {
        EXPECT_EQ(back.size(), 0u);
        EXPECT_EQ(back.dims(), 6u);
        EXPECT_TRUE(back.search(row<float>(q, 6), 3).empty());
    };
    check(index_f32::load(path));
    check(index_f32::view(path));
    const unsigned char byte = 7;
    EXPECT_EQ(checksum::of(nullptr, 0), checksum::of(&byte, 0));
}

TEST_F(hnsw_persist, missing_and_non_index_files) {
    EXPECT_THROW(index_f32::load(test::temp_path("does-not-exist.vsi")), io_error);
    EXPECT_THROW(index_f32::view(test::temp_path("does-not-exist.vsi")), io_error);
    std::ofstream(test::temp_path("empty.vsi")).close();
    EXPECT_THROW(index_f32::load(test::temp_path("empty.vsi")), format_error);
    EXPECT_THROW(index_f32::view(test::temp_path("empty.vsi")), format_error);
    std::ofstream(test::temp_path("text.vsi")) << "this is not an index, but it is long enough to hold a header......";
    EXPECT_THROW(index_f32::load(test::temp_path("text.vsi")), format_error);
}

TEST_F(hnsw_persist, every_truncation_is_a_format_error) {
    for (std::size_t len = 0; len < file.size(); len += len < 256 ? 1 : 61) {
        const image img({file.begin(), file.begin() + static_cast<std::ptrdiff_t>(len)});
        EXPECT_THROW(index_f32::load(img.bytes()), format_error) << len;
    }
    auto longer = file;
    longer.resize(file.size() + 64);
    EXPECT_THROW(index_f32::load(image(longer).bytes()), format_error);
}

TEST_F(hnsw_persist, any_flipped_byte_is_a_format_error) {
    rng gen(4);
    for (int trial = 0; trial < 300; ++trial) {
        auto b = file;
        b[gen.below(b.size())] ^= std::byte{static_cast<unsigned char>(1 + gen.below(255))};
        EXPECT_THROW(index_f32::load(image(b).bytes()), format_error);
    }
}

TEST_F(hnsw_persist, hostile_files_with_valid_checksums_are_refused) {
    const auto refused = [&](auto edit, const char* what) {
        auto b = file;
        edit(b);
        fix_checksums(b);
        EXPECT_THROW(index_f32::load(image(b).bytes()), format_error) << what;
        const auto p = test::temp_path("hostile.vsi");
        std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
        EXPECT_THROW(index_f32::view(p), format_error) << what;
    };
    refused([](auto& b) { poke(b, links0 + 4, std::uint32_t{999999}); }, "link out of range");
    refused([](auto& b) { poke(b, links0 + 4, std::uint32_t{0}); }, "self link");
    refused([](auto& b) { poke(b, links0, std::uint32_t{33}); }, "list longer than its capacity");
    refused([](auto& b) { poke(b, params + 24, std::uint64_t{2000000000}); }, "huge count");
    refused([](auto& b) { poke(b, 24, std::uint64_t{2000000000}); }, "huge header count");
    refused([](auto& b) { poke(b, params + 32, std::uint64_t{1} << 40); }, "huge next id");
    refused([](auto& b) { poke(b, params + 0, std::uint64_t{1}); }, "m = 1");
    refused([](auto& b) { poke(b, params + 0, std::uint64_t{8}); }, "m disagrees with the lists");
    refused([](auto& b) { poke(b, params + 48, std::uint64_t{17}); }, "wrong stride");
    refused([](auto& b) { poke(b, params + 56, std::uint64_t{200}); }, "entry out of range");
    refused([](auto& b) { poke(b, params + 40, std::uint64_t{1} << 33); }, "huge upper lists");
    refused([](auto& b) { poke(b, levels + 5, std::uint8_t{200}); }, "level too high");
    refused([](auto& b) { poke(b, levels + 5, std::uint8_t{9}); }, "level without lists");
    refused([](auto& b) { poke(b, flags + 5, std::uint8_t{6}); }, "unknown flags");
    refused([](auto& b) { poke(b, 16, std::uint64_t{0}); }, "zero dims");
    refused([](auto& b) { poke(b, vectors + 8, std::numeric_limits<float>::quiet_NaN()); }, "NaN vector");
    refused([](auto& b) { poke(b, 8, std::uint32_t{99}); }, "unknown version");
}

TEST_F(hnsw_persist, random_edits_with_valid_checksums_never_crash) {
    // A small in-test fuzzer: whatever loads must also search without crashing (run it under
    // ASan to make that strict); the libFuzzer target in tests/fuzz/hnsw goes further.
    rng gen(5);
    const auto queries = random_matrix(4, 16, 6);
    std::size_t loaded = 0;
    for (int trial = 0; trial < 400; ++trial) {
        auto b = file;
        for (int e = 0, edits = 1 + static_cast<int>(gen.below(4)); e < edits; ++e)
            b[64 + gen.below(b.size() - 64)] = std::byte{static_cast<unsigned char>(gen.below(256))};
        fix_checksums(b);
        try {
            const auto idx = index_f32::load(image(b).bytes());
            const auto r = idx.search(queries.view(), 5, {.ef = 16});
            for (std::int64_t id : r.all_ids()) {
                EXPECT_LT(id, idx.next_id());
            }
            ++loaded;
        } catch (const format_error&) {
        }
    }
    EXPECT_GT(loaded, 0u);  // edits of vector values are harmless and must still load
}

}  // namespace
