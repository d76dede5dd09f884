// SPDX-License-Identifier: MIT
// libFuzzer target for the hnsw_index file reader (index/hnsw/persist.hpp). Each input is an
// index file; it is loaded from memory twice: as it is (the checksums reject almost every
// mutation), and with both checksums recomputed, as an attacker would, so that mutations reach
// the structural checks. The checksum-fixed bytes are also written to a file (one path per
// process) and opened with `view`, which maps the file and borrows its pages instead of copying
// them. Whatever opens is searched. A vspace::error is a clean rejection; a crash, a sanitizer
// report, another exception type, a result id out of range or a hang is a bug.
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_hnsw
//   build/fuzz/tests/fuzz/fuzz_hnsw -max_len=16384 tests/fuzz/hnsw/corpus   (or tests/fuzz/run-fuzz.sh)
//
// The corpus holds small valid files of the three kinds, written by this program when run as
// `fuzz_hnsw -runs=0 ...` with VSPACE_FUZZ_WRITE_SEEDS=<folder> in the environment
// (tests/fuzz/make_corpus.sh does this).
#include <vspace/core/random.hpp>
#include <vspace/index/format.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/l2.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace vspace;

/// Searches an opened index with a few queries; every id found must exist.
template <class Index>
void search(const Index& index) {
    using S = typename Index::storage_type;
    std::vector<S> query(scalar_traits<typename Index::value_type>::words(index.dims()));
    rng gen(1);
    for (int q = 0; q < 3; ++q) {
        for (auto& v : query) v = static_cast<S>(gen.below(7));
        const auto found = index.search(row<typename Index::value_type>(query.data(), query.size()), 5, {.ef = 8});
        for (const auto& n : found)
            if (n.id < 0 || n.id >= index.next_id()) std::abort();
    }
    if (index.size() > 0) (void)index.search_by_id(index.next_id() - 1, 3);  // may be removed: invalid_argument
}

/// Opens the image (in memory, or the file at `path` when given) as each kind of index.
template <class Index>
void open_and_search(std::span<const std::byte> image, const std::filesystem::path* path) {
    try {
        search(path ? Index::view(*path) : Index::load(image));
    } catch (const error&) {
    }
}

void open_all(std::span<const std::byte> image, const std::filesystem::path* path = nullptr) {
    open_and_search<hnsw_index<l2sq, float>>(image, path);
    open_and_search<hnsw_index<cosine, std::int8_t>>(image, path);
    open_and_search<hnsw_index<hamming, bit>>(image, path);
}

/// Writes valid seed files of every kind into `folder`.
void write_seeds(const std::filesystem::path& folder) {
    std::filesystem::create_directories(folder);
    rng gen(7);
    matrix<float> f(40, 6);
    matrix<std::int8_t> c(40, 5);
    matrix<bit> b(40, 70);
    for (std::size_t i = 0; i < 40; ++i) {
        for (std::size_t j = 0; j < 6; ++j) f(i, j) = static_cast<float>(gen.normal());
        for (std::size_t j = 0; j < 5; ++j) c(i, j) = static_cast<std::int8_t>(gen.below(200)) - 100;
        for (std::size_t j = 0; j < 70; ++j) b.set_bit(i, j, gen.below(2) == 1);
    }
    hnsw_index<l2sq, float> a(6, {.m = 2, .ef_construction = 8});
    a.add(f);
    a.save(folder / "f32_l2sq");
    a.remove(3);
    a.remove(0);
    a.save(folder / "f32_l2sq_removed");
    a.compact();
    a.save(folder / "f32_l2sq_compacted");
    hnsw_index<cosine, std::int8_t> i8(5, {.m = 3, .ef_construction = 8});
    i8.add(c);
    i8.save(folder / "i8_cosine");
    hnsw_index<hamming, bit> b1(70, {.m = 4, .ef_construction = 8});
    b1.add(b);
    b1.save(folder / "b1_hamming");
    hnsw_index<l2sq, float>(6).save(folder / "f32_empty");
}

/// The file `view` opens: one per process, removed at exit.
const std::filesystem::path& view_path() {
    static const std::filesystem::path p =
        std::filesystem::temp_directory_path() / ("vspace-fuzz-hnsw-" + std::to_string(::getpid()) + ".idx");
    static const bool cleanup = std::atexit([] { std::remove(view_path().c_str()); }) == 0;  // runs before p dies
    (void)cleanup;
    return p;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* folder = std::getenv("VSPACE_FUZZ_WRITE_SEEDS")) write_seeds(folder);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // 64-byte aligned copy, as load(span) requires (a mapped file is page-aligned)
    std::vector<std::max_align_t> storage(size / sizeof(std::max_align_t) + 128);
    auto* base = reinterpret_cast<std::byte*>(storage.data());
    auto* aligned = base + (64 - reinterpret_cast<std::uintptr_t>(base) % 64) % 64;
    std::memcpy(aligned, data, size);
    open_all({aligned, size});
    if (size >= sizeof(file_header)) {  // the same bytes with valid checksums
        file_header h;
        std::memcpy(&h, aligned, sizeof h);
        h.payload_checksum = checksum::of(aligned + sizeof h, size - sizeof h);
        h.header_checksum = checksum::of(&h, offsetof(file_header, header_checksum));
        std::memcpy(aligned, &h, sizeof h);
        open_all({aligned, size});
    }
    std::FILE* out = std::fopen(view_path().c_str(), "wb");
    if (out == nullptr || std::fwrite(aligned, 1, size, out) != size || std::fclose(out) != 0) std::abort();
    open_all({aligned, size}, &view_path());
    return 0;
}
