// SPDX-License-Identifier: MIT
// libFuzzer target for every file parser in include/vspace/io. The first byte picks the parser
// (and, for load_vectors, the file name whose extension guides detection); the rest is the file.
// Any exception derived from vspace::error is a correct rejection; a crash, a sanitizer report,
// another exception type, or a hang is a bug.
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
//       tests/fuzz/io/fuzz_io.cpp -o fuzz_io -lz
//   ./fuzz_io -max_len=4096 -rss_limit_mb=1024 tests/fuzz/io/seeds
#include <vspace/io/idx.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/load.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/io/texmex.hpp>
#include <vspace/io/word_vectors.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data + 1), size - 1);
    static constexpr const char* names[] = {"x.npy", "x.fvecs", "x.ivecs", "x.bvecs", "x.txt", "x.vec",
                                            "x.bin", "x-ubyte", "x.gz",   "x"};
    try {
        switch (data[0] % 16) {
            case 0: (void)vspace::parse_npy<float>(file, "f"); break;
            case 1: (void)vspace::parse_npy<std::int8_t>(file, "f"); break;
            case 2: (void)vspace::parse_npy_array<std::int64_t>(file, "f"); break;
            case 3: (void)vspace::parse_npy_vector<std::uint8_t>(file, "f"); break;
            case 4: (void)vspace::parse_npy_bits(file, "f", static_cast<std::size_t>(data[0] / 16)); break;
            case 5: (void)vspace::parse_fvecs(file, "f"); break;
            case 6: (void)vspace::parse_ivecs(file, "f"); break;
            case 7: (void)vspace::parse_bvecs(file, "f"); break;
            case 8: (void)vspace::parse_word_vectors_text(file, "f", {.n_threads = 1}); break;
            case 9: (void)vspace::parse_word2vec_binary(file, "f", {.max_words = static_cast<std::size_t>(data[0] / 16)}); break;
            case 10: (void)vspace::parse_word_vectors(file, "f", {.n_threads = 2}); break;
            case 11: (void)vspace::parse_idx_matrix(file, "f"); break;
            case 12: (void)vspace::parse_idx_labels(file, "f"); break;
            case 13: (void)vspace::parse_lines(file, "f", {.max_line_bytes = 64}); break;
            case 14: (void)vspace::parse_idx_header(file, "f"); break;
            default: (void)vspace::parse_vectors(file, names[(data[0] / 16) % 10], {.n_threads = 1}); break;
        }
    } catch (const vspace::error&) {
        // a clean rejection
    }
    return 0;
}
