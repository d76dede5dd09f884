// SPDX-License-Identifier: MIT
// int8 and binary quantizers: fitted ranges, round-trip error bounds, the properties each mode
// promises (symmetric codes keep dot products proportional, uniform codes keep L2), clipping,
// determinism, save/load round trips, and corrupt, truncated, hostile and foreign files.
#include <vspace/core/random.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/concept.hpp>
#include <vspace/quantize/int8.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

using namespace vspace;

static_assert(quantizer<int8_quantizer, std::int8_t>);
static_assert(quantizer<binary_quantizer, bit>);
static_assert(!quantizer<int8_quantizer, bit>);

/// Rows x dims values; dimension j ~ N(j - dims / 2, (1 + j % 5)^2), so ranges differ.
matrix<float> sample(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j)
            m(i, j) = static_cast<float>(double(j) - double(dims) / 2 + (1 + j % 5) * gen.normal());
    return m;
}

std::vector<char> read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Recomputes both FNV-1a checksums of a quantizer file (see quantize/file.hpp), so that a
/// test can forge files that pass the checksums and must fail on their contents.
void reseal(std::vector<char>& f) {
    auto fnv = [&](std::size_t begin, std::size_t end) {
        std::uint64_t h = 0xcbf29ce484222325ull;
        for (std::size_t i = begin; i < end; ++i) h = (h ^ static_cast<unsigned char>(f.at(i))) * 0x100000001b3ull;
        return h;
    };
    const std::uint64_t payload = fnv(48, f.size());
    for (int i = 0; i < 8; ++i) f.at(32 + i) = static_cast<char>(payload >> (8 * i));
    const std::uint64_t header = fnv(0, 40);
    for (int i = 0; i < 8; ++i) f.at(40 + i) = static_cast<char>(header >> (8 * i));
}

void write_bytes(const std::filesystem::path& p, const std::vector<char>& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// ---- int8 --------------------------------------------------------------------------------

TEST(int8_quantizer, per_dimension_round_trip_within_half_a_step) {
    const auto data = sample(500, 37, 1);
    const auto q = int8_quantizer::fit(data);
    ASSERT_EQ(q.dims(), 37u);
    const auto codes = q.quantize(data);
    const auto back = q.dequantize(codes);
    for (std::size_t j = 0; j < 37; ++j) {
        float lo = data(0, j), hi = data(0, j);
        for (std::size_t i = 0; i < 500; ++i) {
            lo = std::min(lo, data(i, j));
            hi = std::max(hi, data(i, j));
        }
        EXPECT_NEAR(q.scales()[j], (hi - lo) / 255, 1e-6 * (hi - lo));  // the range fills 256 levels
        bool low_end = false, high_end = false;
        for (std::size_t i = 0; i < 500; ++i) {
            EXPECT_LE(std::abs(back(i, j) - data(i, j)), q.scales()[j] * 0.5f * 1.0001f + 1e-6f);
            low_end |= codes(i, j) == -128;
            high_end |= codes(i, j) == 127;
        }
        EXPECT_TRUE(low_end && high_end) << "dimension " << j << " does not use the full code range";
    }
}

TEST(int8_quantizer, symmetric_codes_keep_dot_products_proportional) {
    auto data = sample(300, 64, 2);
    const auto q = int8_quantizer::fit(data, {.mode = int8_mode::symmetric});
    for (std::size_t j = 0; j < 64; ++j) {
        EXPECT_EQ(q.offsets()[j], 0.f);
        EXPECT_EQ(q.scales()[j], q.scales()[0]);
    }
    const auto codes = q.quantize(data);
    float max_abs = 0;
    for (std::size_t i = 0; i < 300; ++i)
        for (std::size_t j = 0; j < 64; ++j) {
            max_abs = std::max(max_abs, std::abs(data(i, j)));
            EXPECT_GE(codes(i, j), -127);  // symmetric: -128 is never used
        }
    EXPECT_FLOAT_EQ(q.scales()[0], max_abs / 127);
    const double s = q.scales()[0];
    for (std::size_t a = 0; a < 20; ++a) {  // <x, y> ~ s^2 <cx, cy>, error from rounding only
        double dot = 0, code_dot = 0, bound = 0;
        for (std::size_t j = 0; j < 64; ++j) {
            dot += double(data(a, j)) * data(a + 1, j);
            code_dot += double(codes(a, j)) * codes(a + 1, j);
            bound += (std::abs(data(a, j)) + std::abs(data(a + 1, j))) * s / 2 + s * s / 4;
        }
        EXPECT_NEAR(s * s * code_dot, dot, bound);
    }
}

TEST(int8_quantizer, uniform_codes_keep_l2_distances) {
    const auto data = sample(200, 40, 3);
    const auto q = int8_quantizer::fit(data, {.mode = int8_mode::uniform});
    for (std::size_t j = 1; j < 40; ++j) {
        EXPECT_EQ(q.scales()[j], q.scales()[0]);
        EXPECT_EQ(q.offsets()[j], q.offsets()[0]);
    }
    const auto codes = q.quantize(data);
    const double s = q.scales()[0];
    for (std::size_t a = 0; a < 30; ++a) {  // |x - y| ~ s |cx - cy|, within s sqrt(d)
        double d = 0, cd = 0;
        for (std::size_t j = 0; j < 40; ++j) {
            d += std::pow(double(data(a, j)) - data(a + 7, j), 2);
            cd += std::pow(double(codes(a, j)) - codes(a + 7, j), 2);
        }
        EXPECT_NEAR(s * std::sqrt(cd), std::sqrt(d), s * std::sqrt(40.0) * 1.0001);
    }
}

TEST(int8_quantizer, integer_data_in_byte_range_is_lossless_in_uniform_mode) {
    matrix<float> data(50, 10);
    for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t j = 0; j < 10; ++j) data(i, j) = static_cast<float>((i * 37 + j * 11) % 256);
    data(0, 0) = 0;
    data(1, 1) = 255;
    const auto q = int8_quantizer::fit(data, {.mode = int8_mode::uniform});
    const auto back = q.dequantize(q.quantize(data));
    for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t j = 0; j < 10; ++j) EXPECT_EQ(back(i, j), data(i, j));
}

TEST(int8_quantizer, clipping_narrows_the_range_and_saturates_outliers) {
    auto data = sample(1000, 8, 4);
    data(17, 3) = 1e6f;  // one outlier would waste all 256 levels of dimension 3
    const auto wide = int8_quantizer::fit(data);
    const auto clipped = int8_quantizer::fit(data, {.clip = 0.01});
    EXPECT_GT(wide.scales()[3], 1000.f);
    EXPECT_LT(clipped.scales()[3], 1.f);
    const auto codes = clipped.quantize(data);
    EXPECT_EQ(codes(17, 3), 127);  // saturated, not wrapped
    std::size_t saturated = 0;
    for (std::size_t i = 0; i < 1000; ++i) saturated += codes(i, 3) == 127 || codes(i, 3) == -128;
    EXPECT_GE(saturated, 20u);  // about 1 % at each end
    EXPECT_LE(saturated, 40u);
    matrix<float> far(1, 8);
    for (std::size_t j = 0; j < 8; ++j) far(0, j) = -1e30f;  // beyond any range: clamped
    const auto far_codes = clipped.quantize(far);
    for (auto c : far_codes.row(0)) EXPECT_EQ(c, -128);
    const auto sym = int8_quantizer::fit(data, {.mode = int8_mode::symmetric, .clip = 0.01});
    EXPECT_LT(sym.scales()[0], 1.f);
}

TEST(int8_quantizer, fit_is_deterministic_across_threads) {
    const auto data = sample(700, 33, 5);
    for (auto mode : {int8_mode::per_dimension, int8_mode::symmetric, int8_mode::uniform}) {
        const auto a = int8_quantizer::fit(data, {.mode = mode, .clip = 0.02, .n_threads = 1});
        const auto b = int8_quantizer::fit(data, {.mode = mode, .clip = 0.02, .n_threads = 3});
        EXPECT_TRUE(std::equal(a.scales().begin(), a.scales().end(), b.scales().begin()));
        EXPECT_TRUE(std::equal(a.offsets().begin(), a.offsets().end(), b.offsets().begin()));
        const auto ca = a.quantize(data, 1), cb = a.quantize(data, 4);
        for (std::size_t i = 0; i < data.rows(); ++i)
            EXPECT_TRUE(std::equal(ca.row(i).begin(), ca.row(i).end(), cb.row(i).begin()));
    }
}

TEST(int8_quantizer, constant_dimension_decodes_exactly) {
    matrix<float> data(10, 3);
    for (std::size_t i = 0; i < 10; ++i) {
        data(i, 0) = 4.5f;
        data(i, 1) = static_cast<float>(i);
    }
    for (auto mode : {int8_mode::per_dimension, int8_mode::uniform}) {
        const auto q = int8_quantizer::fit(data, {.mode = mode});
        const auto back = q.dequantize(q.quantize(data));
        for (std::size_t i = 0; i < 10; ++i) EXPECT_NEAR(back(i, 0), 4.5f, q.scales()[0] / 2);
    }
    matrix<float> zeros(4, 5);
    const auto q = int8_quantizer::fit(zeros, {.mode = int8_mode::symmetric});
    const auto codes = q.quantize(zeros);
    for (auto c : codes.row(2)) EXPECT_EQ(c, 0);
}

TEST(int8_quantizer, rejects_bad_input) {
    const auto data = sample(20, 6, 6);
    EXPECT_THROW(int8_quantizer::fit(data.view().subview(0, 0)), invalid_argument);
    EXPECT_THROW(int8_quantizer::fit(data, {.clip = 0.5}), invalid_argument);
    EXPECT_THROW(int8_quantizer::fit(data, {.clip = -0.1}), invalid_argument);
    EXPECT_THROW(int8_quantizer::fit(data, {.clip = std::numeric_limits<double>::quiet_NaN()}), invalid_argument);
    EXPECT_THROW(int8_quantizer::fit(data, {.mode = static_cast<int8_mode>(9)}), invalid_argument);
    auto bad = data;
    bad(3, 2) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(int8_quantizer::fit(bad), data_error);
    const auto q = int8_quantizer::fit(data);
    EXPECT_THROW(q.quantize(bad), data_error);
    EXPECT_THROW(q.quantize(sample(3, 7, 1)), shape_error);
    std::vector<std::int8_t> out(5);
    EXPECT_THROW(q.quantize(data.row(0), out), shape_error);
    EXPECT_THROW(int8_quantizer{}.quantize(data), invalid_argument);
    try {
        q.quantize(bad);
        FAIL();
    } catch (const data_error& e) {
        EXPECT_NE(std::string(e.what()).find("row 3, column 2"), std::string::npos) << e.what();
    }
}

// ---- binary ------------------------------------------------------------------------------

TEST(binary_quantizer, bits_follow_the_thresholds) {
    const auto data = sample(400, 70, 7);
    for (auto kind : {binary_threshold::mean, binary_threshold::zero, binary_threshold::median}) {
        const auto q = binary_quantizer::fit(data, {.threshold = kind});
        const auto codes = q.quantize(data);
        ASSERT_EQ(codes.dims(), 70u);
        for (std::size_t j = 0; j < 70; ++j) {
            double mean = 0;
            std::size_t set = 0;
            for (std::size_t i = 0; i < 400; ++i) {
                mean += data(i, j);
                set += codes.bit_at(i, j);
                ASSERT_EQ(codes.bit_at(i, j), data(i, j) > q.thresholds()[j]);
            }
            mean /= 400;
            if (kind == binary_threshold::mean) {
                EXPECT_NEAR(q.thresholds()[j], mean, 1e-4 * (1 + std::abs(mean)));
            } else if (kind == binary_threshold::zero) {
                EXPECT_EQ(q.thresholds()[j], 0.f);
            } else {
                EXPECT_GE(set, 199u);
                EXPECT_LE(set, 201u);
            }
        }
        for (std::size_t i = 0; i < 400; ++i) EXPECT_EQ(codes.row(i)[1] >> 6, 0u);  // bits past 70 stay zero
    }
}

TEST(binary_quantizer, dequantize_gives_the_conditional_means) {
    const auto data = sample(300, 9, 8);
    const auto q = binary_quantizer::fit(data);
    const auto back = q.dequantize(q.quantize(data));
    for (std::size_t j = 0; j < 9; ++j) {
        double above = 0, below = 0;
        std::size_t n_above = 0;
        for (std::size_t i = 0; i < 300; ++i) {
            if (data(i, j) > q.thresholds()[j]) {
                above += data(i, j);
                ++n_above;
            } else {
                below += data(i, j);
            }
        }
        EXPECT_NEAR(q.high()[j], above / double(n_above), 1e-4);
        EXPECT_NEAR(q.low()[j], below / double(300 - n_above), 1e-4);
        // the reconstruction beats decoding every value to the threshold
        double err = 0, naive = 0;
        for (std::size_t i = 0; i < 300; ++i) {
            err += std::pow(back(i, j) - data(i, j), 2);
            naive += std::pow(q.thresholds()[j] - data(i, j), 2);
        }
        EXPECT_LT(err, naive);
    }
}

TEST(binary_quantizer, sign_codes_estimate_the_angle) {
    // Charikar 2002: for random (isotropic) data, P(bit differs) = angle / pi.
    const std::size_t dims = 4096;
    matrix<float> data(2, dims);
    rng gen(9);
    for (std::size_t j = 0; j < dims; ++j) {
        const double x = gen.normal(), y = gen.normal();
        data(0, j) = static_cast<float>(x);
        data(1, j) = static_cast<float>(0.6 * x + 0.8 * y);  // cos = 0.6
    }
    const auto q = binary_quantizer::fit(data, {.threshold = binary_threshold::zero});
    const auto codes = q.quantize(data);
    std::size_t differ = 0;
    for (std::size_t j = 0; j < dims; ++j) differ += codes.bit_at(0, j) != codes.bit_at(1, j);
    EXPECT_NEAR(double(differ) / dims, std::acos(0.6) / std::acos(-1.0), 0.03);
}

TEST(binary_quantizer, rejects_bad_input) {
    const auto data = sample(20, 6, 6);
    EXPECT_THROW(binary_quantizer::fit(data.view().subview(0, 0)), invalid_argument);
    EXPECT_THROW(binary_quantizer::fit(data, {.threshold = static_cast<binary_threshold>(7)}), invalid_argument);
    auto bad = data;
    bad(1, 1) = std::numeric_limits<float>::infinity();
    EXPECT_THROW(binary_quantizer::fit(bad), data_error);
    const auto q = binary_quantizer::fit(data);
    EXPECT_THROW(q.quantize(bad), data_error);
    EXPECT_THROW(q.quantize(sample(2, 5, 1)), shape_error);
    std::vector<std::uint64_t> out(2);
    EXPECT_THROW(q.quantize(data.row(0), out), shape_error);
}

// ---- files -------------------------------------------------------------------------------

/// A path in the test's scratch folder (created on first use).
std::filesystem::path scratch(const std::string& name) {
    const auto path = test::temp_path(name);
    std::filesystem::create_directories(path.parent_path());
    return path;
}

TEST(quantizer_files, round_trip_is_exact) {
    const auto data = sample(100, 130, 10);
    const auto path = scratch("q_round_trip.vsq");
    for (auto mode : {int8_mode::per_dimension, int8_mode::symmetric, int8_mode::uniform}) {
        const auto q = int8_quantizer::fit(data, {.mode = mode});
        q.save(path);
        const auto r = int8_quantizer::load(path);
        EXPECT_EQ(r.mode(), mode);
        EXPECT_TRUE(std::equal(q.scales().begin(), q.scales().end(), r.scales().begin(), r.scales().end()));
        EXPECT_TRUE(std::equal(q.offsets().begin(), q.offsets().end(), r.offsets().begin(), r.offsets().end()));
    }
    for (auto kind : {binary_threshold::mean, binary_threshold::zero, binary_threshold::median}) {
        const auto q = binary_quantizer::fit(data, {.threshold = kind});
        q.save(path);
        const auto r = binary_quantizer::load(path);
        EXPECT_EQ(r.threshold_kind(), kind);
        EXPECT_TRUE(std::equal(q.thresholds().begin(), q.thresholds().end(), r.thresholds().begin(), r.thresholds().end()));
        EXPECT_TRUE(std::equal(q.low().begin(), q.low().end(), r.low().begin(), r.low().end()));
        EXPECT_TRUE(std::equal(q.high().begin(), q.high().end(), r.high().begin(), r.high().end()));
    }
    std::filesystem::remove(path);
}

TEST(quantizer_files, corrupt_truncated_and_foreign_files_are_format_errors) {
    const auto data = sample(50, 20, 11);
    const auto good = scratch("q_good.vsq"), bad = scratch("q_bad.vsq");
    int8_quantizer::fit(data).save(good);
    const auto bytes = read_bytes(good);
    ASSERT_EQ(bytes.size(), 48u + 2 * 20 * 4);

    auto expect_format_error = [&](const std::vector<char>& b, const char* what) {
        write_bytes(bad, b);
        try {
            int8_quantizer::load(bad);
            ADD_FAILURE() << what << ": loaded";
        } catch (const format_error& e) {
            EXPECT_NE(std::string(e.what()).find("int8_quantizer::load"), std::string::npos) << e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << what << ": " << e.what();
        }
    };
    expect_format_error({}, "empty");
    expect_format_error({bytes.begin(), bytes.begin() + 30}, "truncated header");
    expect_format_error({bytes.begin(), bytes.end() - 1}, "truncated payload");
    auto longer = bytes;
    longer.push_back(0);
    expect_format_error(longer, "trailing byte");
    for (std::size_t at : {0, 9, 13, 20, 30, 45, 60, 100}) {  // one flipped bit anywhere
        auto flipped = bytes;
        flipped[at] ^= 4;
        expect_format_error(flipped, "flipped bit");
    }
    // A hostile header with consistent checksums: dims = 2^61 must fail on the size check,
    // not try to allocate.
    auto hostile = bytes;
    for (int i = 0; i < 8; ++i) hostile.at(16 + i) = i == 7 ? 0x20 : 0;
    reseal(hostile);
    expect_format_error(hostile, "hostile dims");
    auto zero_scale = bytes;  // a scale of 0, checksums valid
    for (int i = 0; i < 4; ++i) zero_scale.at(48 + i) = 0;
    reseal(zero_scale);
    expect_format_error(zero_scale, "zero scale");

    // the other kind's file, a missing file
    binary_quantizer::fit(data).save(bad);
    EXPECT_THROW(int8_quantizer::load(bad), format_error);
    EXPECT_THROW(binary_quantizer::load(good), format_error);
    EXPECT_THROW(int8_quantizer::load(test::temp_path("does_not_exist.vsq")), io_error);
    EXPECT_THROW(int8_quantizer{}.save(bad), invalid_argument);
    std::filesystem::remove(good);
    std::filesystem::remove(bad);
}

TEST(quantizer_files, failed_save_leaves_the_old_file) {
    const auto path = scratch("q_keep.vsq");
    const auto q = int8_quantizer::fit(sample(10, 4, 1));
    q.save(path);
    const auto before = read_bytes(path);
    EXPECT_THROW(q.save(test::temp_path("no_such_folder/q.vsq")), io_error);
    EXPECT_EQ(read_bytes(path), before);
    std::filesystem::remove(path);
}

}  // namespace
