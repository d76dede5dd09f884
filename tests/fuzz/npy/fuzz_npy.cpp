// SPDX-License-Identifier: MIT
// libFuzzer target for the .npy reader (io/npy.hpp): every input is parsed as float and int8
// vectors, an int64 table, a uint8 list and packed bits. A vspace::error is a clean rejection;
// a crash, a sanitizer report, another exception type or a hang is a bug, and so is a result
// whose shape disagrees with the header (or a reader accepting a header parse_npy_header rejects).
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_npy
//   build/fuzz/tests/fuzz/fuzz_npy -max_len=4096 tests/fuzz/npy/corpus   (or tests/fuzz/run-fuzz.sh)
#include <vspace/io/npy.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

namespace {

/// Runs one reader; `fits(result, header)` must hold for whatever it accepts.
template <class Parse, class Fits>
void attempt(const std::optional<vspace::npy_header>& h, Parse&& parse, Fits&& fits) {
    try {
        const auto out = parse();
        if (!h || !fits(out, *h)) std::abort();
    } catch (const vspace::error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vspace;
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
    std::optional<npy_header> h;
    try {
        h = parse_npy_header(file, "f");
    } catch (const error&) {
    }
    auto matrix_fits = [](const auto& m, const npy_header& hd) { return m.rows() == hd.rows() && m.dims() == hd.cols(); };
    auto table_fits = [](const auto& a, const npy_header& hd) { return a.rows == hd.rows() && a.cols == hd.cols(); };
    attempt(h, [&] { return parse_npy<float>(file, "f"); }, matrix_fits);
    attempt(h, [&] { return parse_npy<std::int8_t>(file, "f"); }, matrix_fits);
    attempt(h, [&] { return parse_npy_array<std::int64_t>(file, "f"); }, table_fits);
    attempt(h, [&] { return parse_npy_vector<std::uint8_t>(file, "f"); },
            [](const auto& v, const npy_header& hd) { return v.size() == hd.count(); });
    // packed bits: 8 x the row bytes, or the dims the last byte asks for (0 = all)
    const std::size_t dims = size ? data[size - 1] % 32 : 0;
    attempt(h, [&] { return parse_npy_bits(file, "f", dims); },
            [&](const auto& m, const npy_header& hd) { return m.rows() == hd.rows() && (dims == 0 || m.dims() == dims); });
    return 0;
}
