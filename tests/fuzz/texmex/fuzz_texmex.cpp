// SPDX-License-Identifier: MIT
// libFuzzer target for the texmex readers (io/texmex.hpp): every input is parsed as .fvecs,
// .ivecs and .bvecs. A vspace::error is a clean rejection; a crash, a sanitizer report, another
// exception type or a hang is a bug, and so is an accepted file whose size is not
// rows x (4 + dims x element size) or whose last value differs from its bytes.
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_texmex
//   build/fuzz/tests/fuzz/fuzz_texmex -max_len=4096 tests/fuzz/texmex/corpus   (or tests/fuzz/run-fuzz.sh)
#include <vspace/io/texmex.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

namespace {

/// Aborts unless a table of rows x dims values of `es` bytes, whose last value is `last`, is
/// exactly what the file holds.
void check(std::span<const std::byte> file, std::size_t rows, std::size_t dims, std::size_t es, const void* last) {
    if (rows == 0 || dims == 0 || file.size() != rows * (4 + dims * es)) std::abort();
    if (std::memcmp(file.data() + file.size() - es, last, es) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vspace;
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
    try {
        const matrix<float> m = parse_fvecs(file, "f");
        check(file, m.rows(), m.dims(), 4, &m.row_data(m.rows() - 1)[m.dims() - 1]);
    } catch (const error&) {
    }
    try {
        const auto a = parse_ivecs(file, "f");
        check(file, a.rows, a.cols, 4, &a.values.back());
    } catch (const error&) {
    }
    try {
        const auto a = parse_bvecs(file, "f");
        check(file, a.rows, a.cols, 1, &a.values.back());
    } catch (const error&) {
    }
    return 0;
}
