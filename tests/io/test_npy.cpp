// SPDX-License-Identifier: MIT
// .npy: byte fixtures written by numpy, round trips of every writer, hostile headers, and the
// real MiniLM embeddings file.
#include "io_test_util.hpp"
#include "test_data.hpp"

#include <vspace/core/random.hpp>
#include <vspace/io/npy.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include <signal.h>
#include <sys/resource.h>

namespace {

using namespace vspace;
using namespace vspace::test;

/// A .npy file with the given header dict (padded as numpy does) and raw data bytes.
bytes npy(std::string_view dict, const bytes& data, int version = 1) {
    std::string header(dict);
    const std::size_t prefix = version == 1 ? 10 : 12;
    header.append((prefix + header.size() + 1 + 63) / 64 * 64 - prefix - header.size() - 1, ' ');
    header.push_back('\n');
    bytes out = from_text("\x93NUMPY");
    out.push_back(static_cast<std::byte>(version));
    out.push_back(std::byte{0});
    if (version == 1) append_le<std::uint16_t>(out, static_cast<std::uint16_t>(header.size()));
    else append_le<std::uint32_t>(out, static_cast<std::uint32_t>(header.size()));
    return concat(concat(out, from_text(header)), data);
}

bytes npy_f4(std::string_view shape, std::initializer_list<float> values) {
    bytes data;
    for (float v : values) append_le(data, v);
    return npy(std::string("{'descr': '<f4', 'fortran_order': False, 'shape': ") + std::string(shape) + ", }", data);
}

matrix<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

// ---- fixtures: exact bytes numpy 1.24 wrote ------------------------------------------------

TEST(npy, reads_numpy_fortran_order_by_transposing) {
    // np.save(np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))
    const bytes file = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                           from_hex("00000000000040400000803f00008040000000400000a040"));
    ASSERT_EQ(file.size(), 152u);  // same length as numpy's own file
    const auto m = parse_npy<float>(span_of(file), "f.npy");
    ASSERT_EQ(m.rows(), 2u);
    ASSERT_EQ(m.dims(), 3u);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(m(i, j), static_cast<float>(i * 3 + j));
}

TEST(npy, empty_fortran_order_arrays_with_huge_rows_read_at_once) {
    // found by fuzzing: (0, 10^10) in Fortran order looped over 10^10 empty columns (and
    // passed a null pointer to memcpy); an empty array holds nothing to convert
    for (const char* type : {"<f4", ">f8", "|i1"}) {
        const bytes file = npy(std::string("{'descr': '") + type + "', 'fortran_order': True, 'shape': (0, 10000000000), }", {});
        const auto m = parse_npy<float>(span_of(file), "f.npy");
        EXPECT_EQ(m.rows(), 0u);
        EXPECT_EQ(m.dims(), 10000000000u);
    }
}

TEST(npy, reads_half_floats_exactly) {
    // np.array([1.0, -2.0, 65504.0, 2**-24, 0.5], dtype='<f2'): a 1-D array is one vector
    const bytes file = npy("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", from_hex("003c00c0ff7b01000038"));
    const auto m = parse_npy<float>(span_of(file), "h.npy");
    ASSERT_EQ(m.rows(), 1u);
    ASSERT_EQ(m.dims(), 5u);
    EXPECT_EQ(m(0, 0), 1.0f);
    EXPECT_EQ(m(0, 1), -2.0f);
    EXPECT_EQ(m(0, 2), 65504.0f);
    EXPECT_EQ(m(0, 3), std::ldexp(1.0f, -24));  // smallest subnormal half
    EXPECT_EQ(m(0, 4), 0.5f);
}

TEST(npy, half_float_special_values) {
    bytes data;
    for (std::uint16_t h : {0x7c00, 0xfc00, 0x7e00, 0x8000, 0x03ff}) append_le(data, h);
    const auto m = parse_npy<float>(span_of(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", data)), "h");
    EXPECT_EQ(m(0, 0), std::numeric_limits<float>::infinity());
    EXPECT_EQ(m(0, 1), -std::numeric_limits<float>::infinity());
    EXPECT_TRUE(std::isnan(m(0, 2)));
    EXPECT_TRUE(std::signbit(m(0, 3)));
    EXPECT_EQ(m(0, 4), 1023.0f * std::ldexp(1.0f, -24));  // largest subnormal
}

TEST(npy, reads_big_endian_by_swapping) {
    bytes data;
    for (double v : {0.25, -1.5, 1e300}) {
        unsigned char raw[8];
        std::memcpy(raw, &v, 8);
        for (int k = 7; k >= 0; --k) data.push_back(static_cast<std::byte>(raw[k]));
    }
    const bytes file = npy("{'descr': '>f8', 'fortran_order': False, 'shape': (3, 1), }", data);
    const auto a = parse_npy_array<double>(span_of(file), "be.npy");
    ASSERT_EQ(a.rows, 3u);
    EXPECT_EQ(a(0, 0), 0.25);
    EXPECT_EQ(a(1, 0), -1.5);
    EXPECT_EQ(a(2, 0), 1e300);
    const auto f = parse_npy<float>(span_of(file), "be.npy");
    EXPECT_EQ(f(1, 0), -1.5f);
    EXPECT_EQ(f(2, 0), std::numeric_limits<float>::infinity());  // 1e300 does not fit a float
}

TEST(npy, reads_ids_bools_bytes_and_flattens_images) {
    const bytes ids = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }",
                          from_hex("0300000000000000ffffffffffffffff07000000000000000200000000000000"));
    const auto a = parse_npy_array<std::int64_t>(span_of(ids), "ids.npy");
    EXPECT_EQ(a.values, (std::vector<std::int64_t>{3, -1, 7, 2}));

    const bytes b1 = npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }", from_hex("01000001"));
    EXPECT_EQ(parse_npy_array<std::uint8_t>(span_of(b1), "b").values, (std::vector<std::uint8_t>{1, 0, 0, 1}));
    EXPECT_EQ(parse_npy<float>(span_of(b1), "b")(1, 1), 1.0f);

    const bytes cube = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }", from_hex("0001020304050607"));
    const auto m = parse_npy<float>(span_of(cube), "cube.npy");
    ASSERT_EQ(m.rows(), 2u);
    ASSERT_EQ(m.dims(), 4u);
    EXPECT_EQ(m(1, 3), 7.0f);
}

TEST(npy, accepts_header_variants) {
    bytes data;
    for (std::int16_t v : {1, -2, 3}) append_le(data, v);
    // version 2.0 (4-byte header length), as np.lib.format.write_array(version=(2, 0)) writes it
    const auto v2 = parse_npy_vector<std::int32_t>(
        span_of(npy("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", data, 2)), "v2");
    EXPECT_EQ(v2, (std::vector<std::int32_t>{1, -2, 3}));
    // Python 2 long suffix, double quotes, other key order, no trailing comma, extra spaces
    const auto old = parse_npy_array<std::int16_t>(
        span_of(npy("{ \"shape\" : ( 1L , 3L ) , \"fortran_order\": False, \"descr\": \"<i2\"}", data, 3)), "old");
    EXPECT_EQ(old.cols, 3u);
    EXPECT_EQ(old(0, 1), -2);
}

// ---- round trips of every writer -----------------------------------------------------------

TEST(npy, float_round_trip_keeps_every_bit) {
    for (std::size_t dims : {1u, 3u, 16u, 100u, 784u}) {
        const auto m = random_matrix(37, dims, dims);
        const auto path = temp_path("rt_f32.npy");
        save_npy(path, m.view());
        const auto back = read_npy<float>(path);
        ASSERT_EQ(back.rows(), m.rows());
        ASSERT_EQ(back.dims(), dims);
        for (std::size_t i = 0; i < m.rows(); ++i)
            ASSERT_EQ(std::memcmp(back.row_data(i), m.row_data(i), dims * sizeof(float)), 0) << "row " << i;
        EXPECT_EQ(read_all(path).size() % 64, (dims * 37 * 4) % 64) << "header must be padded to 64 bytes";
    }
}

TEST(npy, int8_bits_ids_distances_and_lists_round_trip) {
    matrix<std::int8_t> q(5, 70);
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = 0; j < 70; ++j) q(i, j) = static_cast<std::int8_t>(static_cast<int>(i * 70 + j) % 256 - 128);
    const auto qpath = temp_path("rt_i8.npy");
    save_npy(qpath, q.view());
    const auto qback = read_npy<std::int8_t>(qpath);
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = 0; j < 70; ++j) ASSERT_EQ(qback(i, j), q(i, j));

    search_result r(3, 4);
    for (std::size_t qi = 0; qi < 3; ++qi)
        for (std::size_t j = 0; j < 4; ++j) {
            r.ids(qi)[j] = static_cast<std::int64_t>(qi * 100 + j) - 1;
            r.distances(qi)[j] = 0.5f * static_cast<float>(j);
        }
    save_npy_ids(temp_path("ids.npy"), r);
    save_npy_distances(temp_path("dist.npy"), r);
    const auto ids = read_npy_array<std::int64_t>(temp_path("ids.npy"));
    EXPECT_EQ(ids.rows, 3u);
    EXPECT_EQ(ids.cols, 4u);
    EXPECT_EQ(ids.values, r.all_ids());
    EXPECT_EQ(read_npy_array<float>(temp_path("dist.npy")).values, r.all_distances());

    const std::vector<std::int32_t> labels{4, 0, -7};
    save_npy(temp_path("labels.npy"), labels);
    EXPECT_EQ(read_npy_vector<std::int64_t>(temp_path("labels.npy")), (std::vector<std::int64_t>{4, 0, -7}));
    const auto as_row = read_npy<float>(temp_path("labels.npy"));  // a 1-D array is one vector
    EXPECT_EQ(as_row.rows(), 1u);
    EXPECT_EQ(as_row.dims(), 3u);
}

TEST(npy, packed_bits_match_numpy_packbits) {
    // np.packbits([[1,0,0,0,0,0,0,1,1], [0,1,1,0,1,0,1,1,0]], axis=1) == [[0x81, 0x80], [0x6b, 0x00]]
    const int rows[2][9] = {{1, 0, 0, 0, 0, 0, 0, 1, 1}, {0, 1, 1, 0, 1, 0, 1, 1, 0}};
    matrix<bit> b(2, 9);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 9; ++j) b.set_bit(i, j, rows[i][j] != 0);
    const auto path = temp_path("bits.npy");
    save_npy(path, b.view());
    const std::string raw = read_all(path);
    EXPECT_EQ(raw.substr(raw.size() - 4), std::string("\x81\x80\x6b\x00", 4));
    EXPECT_NE(raw.find("'descr': '|u1'"), std::string::npos);
    EXPECT_NE(raw.find("'shape': (2, 2)"), std::string::npos);

    const auto back = read_npy_bits(path, 9);
    ASSERT_EQ(back.dims(), 9u);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 9; ++j) EXPECT_EQ(back.bit_at(i, j), rows[i][j] != 0) << i << "," << j;
    EXPECT_EQ(read_npy_bits(path).dims(), 16u);  // without a width: 8 x the row bytes
    // dims 10 would leave bit 9 as padding, but bit 8 of row 0 is set: a width mismatch
    EXPECT_THROW_MSG(read_npy_bits(path, 8), invalid_argument, "need 1 bytes per row");
    EXPECT_THROW_MSG(read_npy_bits(path, 17), invalid_argument, "need 3 bytes per row");
}

TEST(npy, pack_unpack_round_trip_random_widths) {
    rng gen(5);
    for (std::size_t dims : {1u, 7u, 8u, 9u, 63u, 64u, 65u, 200u}) {
        matrix<bit> b(11, dims);
        for (std::size_t i = 0; i < 11; ++i)
            for (std::size_t j = 0; j < dims; ++j) b.set_bit(i, j, gen() & 1);
        const auto packed = pack_bits(b.view());
        EXPECT_EQ(packed.cols, (dims + 7) / 8);
        const auto back = unpack_bits(packed, dims);
        for (std::size_t i = 0; i < 11; ++i)
            for (std::size_t w = 0; w < b.words(); ++w) ASSERT_EQ(back.row_data(i)[w], b.row_data(i)[w]) << dims;
    }
    array2d<std::uint8_t> dirty(1, 2);
    dirty(0, 1) = 0x01;  // lowest bit = dimension 15
    EXPECT_THROW_MSG(unpack_bits(dirty, 12), invalid_argument, "bits set past dimension 12");
}

TEST(npy, failed_write_leaves_the_old_file_intact) {
    const auto path = temp_path("keep.npy");
    const auto small = random_matrix(2, 3, 1);
    save_npy(path, small.view());
    const std::string before = read_all(path);

    // Limit file size so that the next write fails half-way (EFBIG instead of SIGXFSZ).
    struct rlimit old {};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    auto* previous = signal(SIGXFSZ, SIG_IGN);
    struct rlimit tight = old;
    tight.rlim_cur = 100000;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tight), 0);
    const auto big = random_matrix(1000, 100, 2);  // 400 kB
    EXPECT_THROW_MSG(save_npy(path, big.view()), io_error, "write failed");
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, previous);

    EXPECT_EQ(read_all(path), before);
    for (const auto& e : std::filesystem::directory_iterator(path.parent_path()))
        EXPECT_EQ(e.path().filename().string().find("keep.npy.tmp"), std::string::npos) << e.path();
    EXPECT_THROW_MSG(save_npy(temp_path("no/such/folder/x.npy"), small.view()), io_error, "cannot create");
}

// ---- hostile and corrupt input -------------------------------------------------------------

TEST(npy, rejects_size_mismatches_before_allocating) {
    bytes data(1204);
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 784), }", data)), "x.npy"),
                     format_error,
                     "read_npy: 'x.npy': header claims 1000 x 784 f32 (3136000 bytes) but the file holds 1204 bytes of data");
    // 2^40 x 2^40 floats overflow size_t: must fail cleanly, not allocate
    EXPECT_THROW_MSG(
        parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", data)), "x"),
        format_error, "overflows");
    // product fits, times the element size does not
    EXPECT_THROW_MSG(
        parse_npy<float>(span_of(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }", data)), "x"),
        format_error, "overflows");
    // zero rows make the product 0, but the trailing dimensions alone still overflow
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }", {})), "x"),
                     format_error, "overflows");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", {})), "x"),
                     format_error, "too large");
    // more data than claimed is corruption too
    EXPECT_THROW_MSG(parse_npy<float>(span_of(concat(npy_f4("(1, 2)", {1, 2}), bytes(4))), "x"), format_error,
                     "(8 bytes) but the file holds 12 bytes");
    // truncated data
    bytes cut = npy_f4("(2, 2)", {1, 2, 3, 4});
    cut.resize(cut.size() - 1);
    EXPECT_THROW_MSG(parse_npy<float>(span_of(cut), "x"), format_error, "holds 15 bytes");
}

TEST(npy, rejects_bad_magic_versions_and_header_lengths) {
    EXPECT_THROW_MSG(parse_npy<float>({}, "empty.npy"), format_error, "read_npy: 'empty.npy': the file is empty");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(from_text("PK\x03\x04 not numpy at all")), "z.npy"), format_error,
                     "not a .npy file");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(from_text("\x93NUMP")), "x"), format_error, "not a .npy file");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(from_text("\x93NUMPY\x01")), "x"), format_error, "ends inside the header");
    bytes v4 = npy_f4("(1,)", {1});
    v4[6] = std::byte{4};
    EXPECT_THROW_MSG(parse_npy<float>(span_of(v4), "x"), format_error, "format version 4.0 is not supported");
    bytes long_header = npy_f4("(1,)", {1});
    long_header[8] = std::byte{0xff};
    long_header[9] = std::byte{0x7f};
    EXPECT_THROW_MSG(parse_npy<float>(span_of(long_header), "x"), format_error, "header claims 32767 bytes");
    bytes huge = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", bytes(4), 2);
    huge[8] = huge[9] = huge[10] = huge[11] = std::byte{0xff};
    EXPECT_THROW_MSG(parse_npy<float>(span_of(huge), "x"), format_error, "the header claims 4294967295 bytes (expected at most 65536)");
    bytes v2cut = from_text("\x93NUMPY\x02");
    v2cut.resize(11);
    EXPECT_THROW_MSG(parse_npy<float>(span_of(v2cut), "x"), format_error, "ends inside the header");
}

TEST(npy, rejects_malformed_header_dicts) {
    struct bad {
        std::string_view dict, needle;
    };
    const bad cases[] = {
        {"'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "expected '{'"},
        {"{'descr': '<f4', 'fortran_order': False}", "no 'shape'"},
        {"{'shape': (1,), 'fortran_order': False}", "no 'descr'"},
        {"{'descr': '<f4', 'shape': (1,)}", "no 'fortran_order'"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "appears twice"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "unexpected key 'extra'"},
        {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", "structured dtypes"},
        {"{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype '<c8'"},
        {"{'descr': '<U10', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype '<U10'"},
        {"{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype '|f4'"},
        {"{'descr': 'O', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype 'O'"},
        {"{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "expected True or False for 'fortran_order'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "expected a dimension size"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", "is not a tuple"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}", "expected a dimension size"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "expected '('"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", "after the header dict"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected ',' or '}'"},
        {"{'descr': '<f4\\x', 'fortran_order': False, 'shape': (1,)}", "unsupported character"},
        {"{descr: '<f4'}", "expected a quoted key"},
        {"{'descr", "unterminated string"},
    };
    for (const bad& c : cases)
        EXPECT_THROW_MSG(parse_npy<float>(span_of(npy(c.dict, bytes(4))), "h.npy"), format_error, c.needle);
    std::string deep = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (int k = 0; k < 33; ++k) deep += "1,";
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy(deep + ")}", bytes(4))), "x"), format_error, "more than 32 dimensions");
}

TEST(npy, rejects_shapes_and_values_that_are_not_vectors) {
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", bytes(4))), "s"),
                     format_error, "0-d array");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 0), }", {})), "z"),
                     format_error, "vectors of 0 dims");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1, 1), }", bytes(4))), "f"),
                     format_error, "Fortran-order arrays of 3 dimensions");
    // zero rows of d dims is a valid, empty set of vectors
    const auto none = parse_npy<float>(span_of(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 7), }", {})), "n");
    EXPECT_EQ(none.rows(), 0u);
    EXPECT_EQ(none.dims(), 7u);

    EXPECT_THROW_MSG(parse_npy<std::int8_t>(span_of(npy_f4("(1, 2)", {1, 2})), "f.npy"), format_error,
                     "holds f32 values, which cannot become i8");
    bytes i16;
    for (std::int16_t v : {5, -128, 300}) append_le(i16, v);
    const bytes wide = npy("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 3), }", i16);
    EXPECT_THROW_MSG(parse_npy<std::int8_t>(span_of(wide), "w.npy"), format_error, "value 300 at row 0, column 2 does not fit i8");
    EXPECT_THROW_MSG(parse_npy_array<std::uint32_t>(span_of(wide), "w.npy"), format_error, "value -128 at row 0, column 1");
    EXPECT_THROW_MSG(parse_npy_vector<float>(span_of(npy_f4("(2, 2)", {1, 2, 3, 4})), "v"), format_error,
                     "is not a list of values");
    EXPECT_THROW_MSG(parse_npy<float>(span_of(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", from_hex("0102"))), "b"),
                     format_error, "value 2 at row 0, column 1");
}

TEST(npy, file_errors_are_io_errors) {
    try {
        read_npy<float>(temp_path("does-not-exist.npy"));
        FAIL() << "no throw";
    } catch (const format_error& e) {
        FAIL() << "a missing file is not a format error: " << e.what();
    } catch (const io_error& e) {
        EXPECT_NE(std::string(e.what()).find("read_npy: cannot open"), std::string::npos) << e.what();
    }
    EXPECT_THROW_MSG(read_npy<float>(temp_path("")), io_error, "is a folder");
}

// ---- real data -------------------------------------------------------------------------------

TEST(npy, reads_minilm_embeddings) {
    const auto path = shared_data("minilm-sap-fiori-778/embeddings.npy");
    VSPACE_REQUIRE_DATA(path);
    const auto m = read_npy<float>(path);
    ASSERT_EQ(m.rows(), 778u);
    ASSERT_EQ(m.dims(), 384u);
    for (std::size_t i = 0; i < m.rows(); ++i) {  // the README says: unit norm
        double norm = 0;
        for (std::size_t j = 0; j < m.dims(); ++j) norm += double(m(i, j)) * m(i, j);
        ASSERT_NEAR(std::sqrt(norm), 1.0, 1e-4) << "row " << i;
    }
}

TEST(npy, numpy_reads_what_we_write) {
    if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 with numpy not found";
    matrix<float> m(2, 3);
    for (std::size_t j = 0; j < 3; ++j) m(0, j) = 0.5f * static_cast<float>(j), m(1, j) = -1.0f - static_cast<float>(j);
    save_npy(temp_path("py_f32.npy"), m.view());
    matrix<bit> b(2, 9);
    b.set_bit(0, 0, true), b.set_bit(0, 8, true), b.set_bit(1, 4, true);
    save_npy(temp_path("py_bits.npy"), b.view());
    const std::string script =
        "import numpy as np, sys; d = sys.argv[1]; "
        "a = np.load(d + '/py_f32.npy'); "
        "assert a.dtype == np.float32 and a.shape == (2, 3) and a.tolist() == [[0, 0.5, 1], [-1, -2, -3]], a; "
        "u = np.unpackbits(np.load(d + '/py_bits.npy'), axis=1)[:, :9]; "
        "assert u.tolist() == [[1,0,0,0,0,0,0,0,1], [0,0,0,0,1,0,0,0,0]], u";
    const std::string cmd = "/usr/bin/python3 -c \"" + script + "\" " + temp_path("").string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace
