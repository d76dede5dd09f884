// SPDX-License-Identifier: MIT
// libFuzzer target for the idx reader (io/idx.hpp), plain and gzip: every input is parsed as
// an idx header, a float matrix, an int64 table, images and labels; a plain input is also
// gzip-compressed here and parsed again, so that valid deflate data reaches the reader. A
// vspace::error is a clean rejection; a crash, a sanitizer report, another exception type or
// a hang is a bug, and so is a reader that accepts what parse_idx_header rejects, a shape that
// differs from the header's, or a gzip'd file read differently from its plain bytes.
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_idx
//   build/fuzz/tests/fuzz/fuzz_idx -max_len=4096 tests/fuzz/idx/corpus   (or tests/fuzz/run-fuzz.sh)
#include <vspace/io/idx.hpp>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace {

using namespace vspace;

/// Everything the readers give for one file (nullopt: rejected).
struct reading {
    std::optional<idx_header> header;
    std::optional<matrix<float>> floats;
    std::optional<array2d<std::int64_t>> ints;
    std::optional<array2d<std::uint8_t>> images;
    std::optional<std::vector<std::uint8_t>> labels;
};

template <class F>
auto attempt(F&& parse) -> std::optional<decltype(parse())> {
    try {
        return parse();
    } catch (const error&) {
        return std::nullopt;
    }
}

reading read_all(std::span<const std::byte> file) {
    reading r;
    r.header = attempt([&] { return parse_idx_header(file, "f"); });
    r.floats = attempt([&] { return parse_idx_matrix(file, "f"); });
    r.ints = attempt([&] { return parse_idx_array<std::int64_t>(file, "f"); });
    r.images = attempt([&] { return parse_idx_images(file, "f"); });
    r.labels = attempt([&] { return parse_idx_labels(file, "f"); });
    const idx_header* h = r.header ? &*r.header : nullptr;
    // floats read every type; the others only what they say they read
    if (r.floats.has_value() != (h != nullptr)) std::abort();
    if (h && (r.floats->rows() != h->rows() || r.floats->dims() != h->cols())) std::abort();
    if (r.ints && (!h || r.ints->rows != h->rows() || r.ints->cols != h->cols())) std::abort();
    if (r.images && (!h || h->shape.size() != 3 || r.images->rows != h->shape[0])) std::abort();
    if (r.labels && (!h || h->shape.size() != 1 || r.labels->size() != h->shape[0])) std::abort();
    return r;
}

std::vector<std::byte> gzip(std::span<const std::byte> in) {
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
    std::vector<std::byte> out(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

bool same_bits(const matrix<float>& a, const matrix<float>& b) {
    if (a.rows() != b.rows() || a.dims() != b.dims()) return false;
    for (std::size_t i = 0; i < a.rows(); ++i)
        if (std::memcmp(a.row_data(i), b.row_data(i), a.dims() * sizeof(float)) != 0) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
    const reading plain = read_all(file);
    if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) {  // the same bytes through gzip
        const std::vector<std::byte> packed = gzip(file);
        const reading z = read_all(packed);
        if (plain.header.has_value() != z.header.has_value() || plain.ints != z.ints || plain.images != z.images ||
            plain.labels != z.labels || (plain.floats && !same_bits(*plain.floats, *z.floats)))
            std::abort();
    }
    return 0;
}
