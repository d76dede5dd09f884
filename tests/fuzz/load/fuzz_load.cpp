// SPDX-License-Identifier: MIT
// libFuzzer target for parse_vectors (io/load.hpp), the entry point the vspace tool reads every
// vector file through: each input is parsed under eight file names, so that both detection by
// content ("vectors") and by extension (.npy .fvecs .ivecs .bvecs .gz -ubyte .bin) reach every
// reader. A vspace::error is a clean rejection; a crash, a sanitizer report, another exception
// type or a hang is a bug, and so is a result that disagrees with itself (format other than
// detected, native copies or vocabulary of another shape than the float vectors).
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_load
//   build/fuzz/tests/fuzz/fuzz_load -max_len=4096 tests/fuzz/load/corpus   (or tests/fuzz/run-fuzz.sh)
#include <vspace/io/load.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vspace;
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
    static constexpr const char* names[] = {"vectors", "x.npy", "x.fvecs", "x.ivecs",
                                            "x.bvecs", "x.gz",  "t10k-images-idx3-ubyte", "x.bin"};
    for (const char* name : names) {
        try {
            const vector_file_format detected = detect_vector_format(file, name);
            const loaded_vectors v = parse_vectors(file, name, {.n_threads = 1});
            const bool text = detected == vector_file_format::word2vec_text;  // or GloVe, told apart by parsing
            if (v.format != detected && !(text && v.format == vector_file_format::glove_text)) std::abort();
            const std::size_t n = v.rows(), d = v.dims();
            if (v.i8 && (v.i8->rows() != n || v.i8->dims() != d)) std::abort();
            if (v.u8 && (v.u8->rows != n || v.u8->cols != d)) std::abort();
            if (v.bits && (v.bits->rows() != n || v.bits->dims() != d)) std::abort();
            if (!v.vocab.empty() && v.vocab.size() != n) std::abort();
        } catch (const error&) {
        }
    }
    return 0;
}
