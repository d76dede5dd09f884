// SPDX-License-Identifier: MIT
// idx(.gz): byte fixtures, gzip edge cases (truncated, corrupt, multi-member, size bombs) and
// the real Fashion-MNIST; then load_vectors' format detection over every writer's output.
#include "io_test_util.hpp"
#include "test_data.hpp"

#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/load.hpp>

#include <gtest/gtest.h>

#include <zlib.h>

#include <array>
#include <cmath>

namespace {

using namespace vspace;
using namespace vspace::test;

bytes gzip(const bytes& raw) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    bytes out(deflateBound(&z, raw.size()) + 64);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(raw.data()));
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

void append_be32(bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::byte>((v >> s) & 0xff));
}

bytes idx(unsigned type, std::initializer_list<std::uint32_t> dims, const bytes& data) {
    bytes b{std::byte{0}, std::byte{0}, static_cast<std::byte>(type), static_cast<std::byte>(dims.size())};
    for (auto d : dims) append_be32(b, d);
    return concat(b, data);
}

bytes iota_bytes(std::size_t n) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(i * 37 % 256);
    return b;
}

// ---- idx ------------------------------------------------------------------------------------

TEST(idx, reads_images_and_labels_plain_and_gzipped) {
    const bytes images = idx(0x08, {3, 2, 4}, iota_bytes(24));
    const bytes labels = idx(0x08, {3}, from_hex("090002"));
    for (bool gz : {false, true}) {
        const auto a = parse_idx_images(span_of(gz ? gzip(images) : images), "img");
        ASSERT_EQ(a.rows, 3u);
        ASSERT_EQ(a.cols, 8u);
        for (std::size_t i = 0; i < 24; ++i) ASSERT_EQ(a.values[i], static_cast<std::uint8_t>(i * 37 % 256));
        EXPECT_EQ(parse_idx_labels(span_of(gz ? gzip(labels) : labels), "lab"), (std::vector<std::uint8_t>{9, 0, 2}));
    }
    EXPECT_THROW_MSG(parse_idx_images(span_of(labels), "lab"), format_error, "holds 3 u8 (expected u8 images");
    EXPECT_THROW_MSG(parse_idx_labels(span_of(images), "img"), format_error, "holds 3 x 2 x 4 u8 (expected u8 labels");
}

TEST(idx, converts_every_big_endian_type) {
    bytes i16, i32, f32, f64;
    for (std::uint16_t v : {0xfffeu, 0x0102u}) i16.push_back(std::byte(v >> 8)), i16.push_back(std::byte(v & 0xff));
    append_be32(i32, 0xffffff85u);  // -123
    append_be32(f32, 0x3fc00000u);  // 1.5
    for (std::uint32_t w : {0xc0240000u, 0u}) append_be32(f64, w);  // -10.0
    EXPECT_EQ(parse_idx_matrix(span_of(idx(0x0b, {2, 1}, i16)), "a")(0, 0), -2.0f);
    EXPECT_EQ(parse_idx_matrix(span_of(idx(0x0b, {2, 1}, i16)), "a")(1, 0), 258.0f);
    EXPECT_EQ(parse_idx_array<std::int64_t>(span_of(idx(0x0c, {1}, i32)), "b").values[0], -123);
    EXPECT_EQ(parse_idx_matrix(span_of(idx(0x0d, {1, 1}, f32)), "c")(0, 0), 1.5f);
    EXPECT_EQ(parse_idx_array<double>(span_of(idx(0x0e, {1}, f64)), "d").values[0], -10.0);
    EXPECT_EQ(parse_idx_matrix(span_of(idx(0x09, {1, 2}, from_hex("80ff"))), "e")(0, 0), -128.0f);
    EXPECT_THROW_MSG(parse_idx_array<std::uint8_t>(span_of(idx(0x0b, {2, 1}, i16)), "f"), format_error,
                     "the value at row 0, column 0 does not fit u8");
    EXPECT_THROW_MSG(parse_idx_array<std::int32_t>(span_of(idx(0x0d, {1, 1}, f32)), "g"), format_error,
                     "holds f32 values, which cannot become i32");
}

TEST(idx, rejects_corrupt_headers_and_sizes) {
    struct bad {
        bytes file;
        std::string_view needle;
    };
    bytes cut_header = idx(0x08, {3, 2, 4}, {});
    cut_header.resize(9);
    bytes wrong_magic = idx(0x08, {2}, iota_bytes(2));
    wrong_magic[0] = std::byte{1};
    const bad cases[] = {
        {{}, "read_idx: 'x': the file is empty"},
        {from_hex("0000"), "holds 2 bytes (expected an idx header)"},
        {wrong_magic, "not an idx file"},
        {idx(0x0a, {2}, iota_bytes(2)), "not an idx file"},
        {idx(0x08, {}, {}), "claims 0 dimensions"},
        {idx(0x08, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, iota_bytes(1)), "claims 17 dimensions"},
        {cut_header, "the file ends inside the header"},
        {idx(0x08, {3, 0}, {}), "dimension 1 is 0"},
        {idx(0x08, {60000, 28, 28}, iota_bytes(1204)), "header claims 60000 x 28 x 28 u8 (47040000 bytes) but the file holds 1204 bytes of data"},
        {idx(0x08, {2}, iota_bytes(3)), "(2 bytes) but the file holds 3 bytes"},
        {idx(0x0e, {0xffffffffu, 0xffffffffu, 0xffffffffu}, {}), "overflows the address space"},
    };
    for (const bad& c : cases) EXPECT_THROW_MSG(parse_idx_matrix(span_of(c.file), "x"), format_error, c.needle);
}

TEST(idx, rejects_broken_gzip_before_allocating) {
    const bytes images = idx(0x08, {50, 28, 28}, iota_bytes(50 * 784));
    const bytes gz = gzip(images);
    bytes truncated = gz;
    truncated.resize(gz.size() / 2);
    EXPECT_THROW_MSG(parse_idx_images(span_of(truncated), "t.gz"), format_error, "read_idx: 't.gz': the gzip stream is truncated");
    bytes corrupt = gz;
    corrupt[gz.size() - 6] ^= std::byte{0xff};  // inside the CRC-32 trailer
    EXPECT_THROW_MSG(parse_idx_images(span_of(corrupt), "c.gz"), format_error, "corrupt gzip data (incorrect data check; expected a valid gzip stream)");
    bytes garbage = gz;
    for (std::size_t i = 10; i < 40; ++i) garbage[i] = std::byte{0xff};
    EXPECT_THROW_MSG(parse_idx_images(span_of(garbage), "g.gz"), format_error, "corrupt gzip data");
    // a tiny stream whose header claims 3 GB: refused from the header alone
    const bytes bomb = gzip(idx(0x08, {1000000, 3000}, iota_bytes(10)));
    EXPECT_THROW_MSG(parse_idx_matrix(span_of(bomb), "bomb.gz"), format_error,
                     "(3000000000 bytes), more than " + std::to_string(bomb.size()) + " bytes of gzip data can hold");
    // a plausible claim, but the stream ends early
    EXPECT_THROW_MSG(parse_idx_matrix(span_of(gzip(idx(0x08, {100, 10}, iota_bytes(999)))), "short.gz"), format_error,
                     "(1000 bytes) but the file holds 999 bytes of data");
    EXPECT_THROW_MSG(parse_idx_matrix(span_of(gzip(idx(0x08, {100, 10}, iota_bytes(1001)))), "long.gz"), format_error,
                     "more data follows the 1000 bytes the header claims");
    EXPECT_THROW_MSG(parse_idx_matrix(span_of(gzip(from_text("hello, not idx"))), "text.gz"), format_error, "not an idx file");
    // two gzip members are one stream (as gunzip treats them)
    const bytes whole = idx(0x08, {4, 2}, iota_bytes(8));
    const bytes two = concat(gzip(bytes(whole.begin(), whole.begin() + 10)), gzip(bytes(whole.begin() + 10, whole.end())));
    EXPECT_EQ(parse_idx_array<std::uint8_t>(span_of(two), "two.gz").values, parse_idx_array<std::uint8_t>(span_of(whole), "w").values);
}

TEST(idx, loads_fashion_mnist) {
    VSPACE_REQUIRE_DATA(test::fashion_mnist("train-images-idx3-ubyte.gz"));
    const auto fm = load_fashion_mnist(VSPACE_FASHION_MNIST);
    ASSERT_EQ(fm.images.rows(), 70000u);
    ASSERT_EQ(fm.images.dims(), 784u);
    ASSERT_EQ(fm.labels.size(), 70000u);
    std::array<std::size_t, 10> per_class{};
    for (auto l : fm.labels) ++per_class[l];
    for (std::size_t c = 0; c < 10; ++c) EXPECT_EQ(per_class[c], 7000u) << fashion_mnist_data::class_names[c];  // balanced
    EXPECT_EQ(fm.labels[0], 9);  // the first training image is an ankle boot
    double sum = 0;
    float lo = 255, hi = 0;
    for (std::size_t i = 0; i < fashion_mnist_data::n_train; ++i) {  // raw pointers: cheap in Debug too
        const float* r = fm.images.row_data(i);
        float row_sum = 0;  // exact: at most 784 x 255
        for (std::size_t j = 0; j < 784; ++j) {
            row_sum += r[j];
            lo = r[j] < lo ? r[j] : lo;
            hi = r[j] > hi ? r[j] : hi;
        }
        sum += row_sum;
    }
    EXPECT_EQ(lo, 0.0f);
    EXPECT_EQ(hi, 255.0f);
    EXPECT_NEAR(sum / (60000.0 * 784 * 255), 0.2860, 0.0005);  // the published training-set mean
    // the test half is the t10k file, in order
    const auto test_images = read_idx_images(test::fashion_mnist("t10k-images-idx3-ubyte.gz"));
    for (std::size_t j = 0; j < 784; ++j) ASSERT_EQ(fm.images(60000 + 9999, j), test_images(9999, j));
    EXPECT_THROW_MSG(load_fashion_mnist(temp_path("nowhere")), io_error, "train-images-idx3-ubyte(.gz)' not found");
}

// ---- load_vectors ---------------------------------------------------------------------------

TEST(load_vectors, detects_every_format_and_keeps_native_data) {
    matrix<float> f(4, 9);
    matrix<std::int8_t> q(4, 9);
    array2d<std::uint8_t> u(4, 9);
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 9; ++j) {
            f(i, j) = static_cast<float>(i) - 0.5f * static_cast<float>(j);
            q(i, j) = static_cast<std::int8_t>(static_cast<int>(i * 9 + j) - 20);
            u(i, j) = static_cast<std::uint8_t>(i * 60 + j);
        }
    const std::vector<std::string> words{"a", "b", "c", "d"};
    save_npy(temp_path("lv_f32.npy"), f.view());
    save_npy(temp_path("lv_i8.npy"), q.view());
    save_npy(temp_path("lv_u8.npy"), u);
    save_fvecs(temp_path("lv.fvecs"), f.view());
    save_bvecs(temp_path("lv.bvecs"), u);
    save_word_vectors_text(temp_path("lv.vec"), words, f.view());
    save_word_vectors_text(temp_path("lv.txt"), words, f.view(), false);
    save_word2vec_binary(temp_path("lv.bin"), words, f.view());
    save_word2vec_binary(temp_path("lv_binary_no_extension"), words, f.view());
    write_temp("lv-images-idx3-ubyte.gz", gzip(idx(0x08, {4, 3, 3}, [&] {
                   bytes b;
                   for (auto v : u.values) b.push_back(std::byte{v});
                   return b;
               }())));
    const struct {
        const char* file;
        vector_file_format format;
        element_type stored;
        bool words;
    } cases[] = {
        {"lv_f32.npy", vector_file_format::npy, element_type::f32, false},
        {"lv_i8.npy", vector_file_format::npy, element_type::i8, false},
        {"lv_u8.npy", vector_file_format::npy, element_type::u8, false},
        {"lv.fvecs", vector_file_format::fvecs, element_type::f32, false},
        {"lv.bvecs", vector_file_format::bvecs, element_type::u8, false},
        {"lv.vec", vector_file_format::word2vec_text, element_type::f32, true},
        {"lv.txt", vector_file_format::glove_text, element_type::f32, true},
        {"lv.bin", vector_file_format::word2vec_binary, element_type::f32, true},
        {"lv_binary_no_extension", vector_file_format::word2vec_binary, element_type::f32, true},
        {"lv-images-idx3-ubyte.gz", vector_file_format::idx, element_type::u8, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        const auto v = load_vectors(temp_path(c.file), {.n_threads = 2});
        EXPECT_EQ(v.format, c.format);
        EXPECT_EQ(v.stored, c.stored);
        ASSERT_EQ(v.rows(), 4u);
        ASSERT_EQ(v.dims(), 9u);
        EXPECT_EQ(v.vocab.size(), c.words ? 4u : 0u);
        EXPECT_EQ(v.i8.has_value(), c.stored == element_type::i8);
        EXPECT_EQ(v.u8.has_value(), c.stored == element_type::u8);
        for (std::size_t i = 0; i < 4; ++i)
            for (std::size_t j = 0; j < 9; ++j) {
                const float want = c.stored == element_type::f32 ? f(i, j) : c.stored == element_type::i8 ? q(i, j) : u(i, j);
                ASSERT_EQ(v.vectors(i, j), want) << i << "," << j;
                if (v.i8) {
                    ASSERT_EQ((*v.i8)(i, j), q(i, j));
                }
                if (v.u8) {
                    ASSERT_EQ((*v.u8)(i, j), u(i, j));
                }
            }
    }
}

TEST(load_vectors, bool_and_packed_bits_become_binary_vectors) {
    matrix<bit> b(3, 12);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 12; ++j) b.set_bit(i, j, (i + j) % 3 == 0);
    save_npy(temp_path("lv_bits.npy"), b.view());
    const auto packed = load_vectors(temp_path("lv_bits.npy"));
    ASSERT_TRUE(packed.u8);
    EXPECT_EQ(packed.dims(), 2u);  // bytes per row until told to unpack
    const auto unpacked = unpack_bits(*packed.u8, 12);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(unpacked.row_data(i)[0], b.row_data(i)[0]);

    array2d<std::uint8_t> flags(2, 3);
    flags(0, 2) = flags(1, 0) = 1;
    // write the same bytes with a bool dtype, as np.save(np.array(..., dtype=bool)) does
    save_npy(temp_path("lv_flags.npy"), flags);
    std::string raw = read_all(temp_path("lv_flags.npy"));
    raw.replace(raw.find("|u1"), 3, "|b1");
    write_temp("lv_bool.npy", from_text(raw));
    const auto v = load_vectors(temp_path("lv_bool.npy"));
    EXPECT_EQ(v.stored, element_type::boolean);
    ASSERT_TRUE(v.bits);
    EXPECT_FALSE(v.u8);
    EXPECT_TRUE(v.bits->bit_at(0, 2));
    EXPECT_TRUE(v.bits->bit_at(1, 0));
    EXPECT_FALSE(v.bits->bit_at(1, 2));
    EXPECT_EQ(v.vectors(0, 2), 1.0f);
}

TEST(load_vectors, errors_name_the_file_and_the_problem) {
    EXPECT_THROW_MSG(load_vectors(temp_path("missing.npy")), io_error, "load_vectors: cannot open");
    write_temp("lv_empty.txt", {});
    EXPECT_THROW_MSG(load_vectors(temp_path("lv_empty.txt")), format_error, "lv_empty.txt': the file is empty");
    write_temp("lv_fake.npy", from_text("a 1 2\n"));
    EXPECT_THROW_MSG(load_vectors(temp_path("lv_fake.npy")), format_error, "lv_fake.npy': not a .npy file");
    write_temp("lv_empty.fvecs", {});
    EXPECT_THROW_MSG(load_vectors(temp_path("lv_empty.fvecs")), format_error, "read_fvecs");
    write_temp("lv_text.bin", from_text("the 1 2\n"));
    EXPECT_THROW_MSG(load_vectors(temp_path("lv_text.bin")), format_error, "no \"count dims\" header line");
}

TEST(load_vectors, reads_the_shared_data) {
    const auto dir = shared_data("");
    VSPACE_REQUIRE_DATA(dir / "bigann-10k");
    EXPECT_EQ(load_vectors(dir / "bigann-10k/bigann10k_base.bvecs").dims(), 128u);
    EXPECT_EQ(load_vectors(dir / "minilm-sap-fiori-778/embeddings.npy").rows(), 778u);
    const auto glove = load_vectors(dir / "format-fixtures/test_glove.txt");
    EXPECT_EQ(glove.format, vector_file_format::glove_text);
    EXPECT_TRUE(glove.vocab.contains("the"));
    EXPECT_EQ(load_vectors(dir / "format-fixtures/euclidean_vectors.bin").format, vector_file_format::word2vec_binary);
    VSPACE_REQUIRE_DATA(test::fashion_mnist("t10k-labels-idx1-ubyte.gz"));
    const auto labels = load_vectors(test::fashion_mnist("t10k-labels-idx1-ubyte.gz"));  // a 1-D idx is one row
    EXPECT_EQ(labels.rows(), 1u);
    EXPECT_EQ(labels.dims(), 10000u);
}

}  // namespace
