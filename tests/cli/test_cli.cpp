// SPDX-License-Identifier: MIT
// The `vspace` tool, run as a program on small generated files: results against a brute-force
// reference, and the error contract on bad input: non-zero exit, exactly one line on stderr
// naming the file or the problem, no output file left behind, an existing output untouched.
#include "cli_test.hpp"

#include <vspace/io/texmex.hpp>
#include <vspace/quantize/int8.hpp>

#include <limits>

namespace {

using namespace vspace::cli_test;
using vspace::matrix;

// --- happy paths -------------------------------------------------------------------------

class knn_metric : public cli, public ::testing::WithParamInterface<std::string> {};

TEST_P(knn_metric, ids_and_distances_match_brute_force) {
    const std::string metric = GetParam();
    const auto base = random_matrix(300, 24, 1), queries = random_matrix(40, 24, 2);
    vspace::save_npy(file("base.npy"), base.view());
    vspace::save_npy(file("queries.npy"), queries.view());
    const auto r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "7", "--metric", metric, "-o",
                        file("ids.npy"), "--distances", file("dist.npy"), "--threads", "2"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");

    const std::string ids_bytes = slurp(file("ids.npy"));
    const auto header = vspace::parse_npy_header(std::as_bytes(std::span(ids_bytes)), "ids.npy");
    EXPECT_EQ(header.type, vspace::element_type::i64);
    EXPECT_EQ(header.shape, (std::vector<std::size_t>{40, 7}));
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    const auto dist = vspace::read_npy_array<float>(file("dist.npy"));
    ASSERT_EQ(dist.rows, 40u);
    ASSERT_EQ(dist.cols, 7u);

    for (std::size_t q = 0; q < queries.rows(); ++q) {
        std::vector<double> all(base.rows());
        for (std::size_t i = 0; i < base.rows(); ++i) all[i] = reference_distance(queries, q, base, i, metric);
        std::vector<double> sorted = all;
        std::sort(sorted.begin(), sorted.end());
        std::vector<std::int64_t> seen;
        for (std::size_t j = 0; j < 7; ++j) {
            const std::int64_t id = ids(q, j);
            ASSERT_GE(id, 0);
            ASSERT_LT(id, 300);
            seen.push_back(id);
            // The j-th id is at the j-th smallest distance (near-ties may swap ids, not distances).
            const double tolerance = 1e-4 * (1 + std::abs(sorted[j]));
            EXPECT_NEAR(all[static_cast<std::size_t>(id)], sorted[j], tolerance) << "query " << q << " rank " << j;
            EXPECT_NEAR(dist(q, j), sorted[j], tolerance) << "query " << q << " rank " << j;
        }
        std::sort(seen.begin(), seen.end());
        EXPECT_TRUE(std::adjacent_find(seen.begin(), seen.end()) == seen.end()) << "duplicate ids for query " << q;
    }
}

INSTANTIATE_TEST_SUITE_P(metrics, knn_metric, ::testing::Values("l2", "cosine", "ip"));


class knn_codes : public cli, public ::testing::WithParamInterface<std::tuple<std::string, std::string>> {};

TEST_P(knn_codes, enough_candidates_give_the_exact_answer_and_defaults_most_of_it) {
    const auto [type, metric] = GetParam();
    const auto base = random_matrix(300, 24, 7), queries = random_matrix(40, 24, 8);
    vspace::save_npy(file("base.npy"), base.view());
    vspace::save_npy(file("queries.npy"), queries.view());
    // k x R >= rows: every row is a candidate, so the float re-ranking is exact search.
    auto r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "5", "--metric", metric, "--type", type,
                  "--rescore", "60", "-o", file("ids.npy"), "--distances", file("dist.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    const auto dist = vspace::read_npy_array<float>(file("dist.npy"));
    ASSERT_EQ(ids.rows, 40u);
    ASSERT_EQ(ids.cols, 5u);
    for (std::size_t q = 0; q < 40; ++q)
        for (std::size_t j = 0; j < 5; ++j) {  // reported distances are float distances
            const double want = reference_distance(queries, q, base, static_cast<std::size_t>(ids(q, j)), metric);
            EXPECT_NEAR(dist(q, j), want, 1e-4 * (1 + std::abs(want)));
        }
    EXPECT_GT(recall(ids, queries, base, metric), 0.999);

    // Default R: int8 codes keep nearly the whole order; bits of 24 Gaussian dimensions much less.
    r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "5", "--metric", metric, "--type", type, "-o",
             file("ids.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const double got = recall(vspace::read_npy_array<std::int64_t>(file("ids.npy")), queries, base, metric);
    EXPECT_GT(got, type == "i8" ? 0.97 : 0.6) << type << " " << metric;
}

INSTANTIATE_TEST_SUITE_P(types, knn_codes,
                         ::testing::Combine(::testing::Values("i8", "b1"), ::testing::Values("l2", "cosine", "ip")));

TEST_F(cli, knn_hamming_on_bool_vectors_matches_brute_force) {
    // Bool .npy: one dimension per element; hamming distances are exact bit counts.
    vspace::rng gen(12);
    const std::size_t n = 120, nq = 15, d = 70;
    std::vector<std::vector<char>> bits(n + nq, std::vector<char>(d));
    std::string base_bytes, query_bytes;
    for (std::size_t i = 0; i < n + nq; ++i)
        for (std::size_t j = 0; j < d; ++j) {
            bits[i][j] = static_cast<char>(gen() & 1);
            (i < n ? base_bytes : query_bytes) += bits[i][j];
        }
    auto header = [&](std::size_t rows) {
        return "{'descr': '|b1', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", 70), }";
    };
    write_bytes(file("base.npy"), npy_bytes(header(n), base_bytes));
    write_bytes(file("queries.npy"), npy_bytes(header(nq), query_bytes));
    const auto r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "6", "--metric", "hamming", "-o",
                        file("ids.npy"), "--distances", file("dist.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    const auto dist = vspace::read_npy_array<float>(file("dist.npy"));
    for (std::size_t q = 0; q < nq; ++q) {
        std::vector<std::pair<int, std::int64_t>> all;  // (distance, id): ties broken by id
        for (std::size_t i = 0; i < n; ++i) {
            int h = 0;
            for (std::size_t j = 0; j < d; ++j) h += bits[n + q][j] != bits[i][j];
            all.emplace_back(h, static_cast<std::int64_t>(i));
        }
        std::sort(all.begin(), all.end());
        for (std::size_t j = 0; j < 6; ++j) {
            EXPECT_EQ(ids(q, j), all[j].second) << "query " << q << " rank " << j;
            EXPECT_EQ(dist(q, j), static_cast<float>(all[j].first));
        }
    }
}

TEST_F(cli, quantize_int8_writes_the_library_codes) {
    const auto x = random_matrix(60, 12, 13);
    vspace::save_npy(file("x.npy"), x.view());
    for (const std::string mode : {"per_dimension", "symmetric", "uniform"}) {
        const auto r = run({"quantize", file("x.npy"), "--type", "i8", "--mode", mode, "-o", file("codes.npy")});
        ASSERT_EQ(r.status, 0) << r.err;
        const auto codes = vspace::read_npy_array<std::int8_t>(file("codes.npy"));
        ASSERT_EQ(codes.rows, 60u);
        ASSERT_EQ(codes.cols, 12u);
        const auto q = vspace::int8_quantizer::fit(
            x, {.mode = mode == "symmetric" ? vspace::int8_mode::symmetric
                        : mode == "uniform" ? vspace::int8_mode::uniform
                                            : vspace::int8_mode::per_dimension});
        const auto want = q.quantize(x.view(), 1);
        for (std::size_t i = 0; i < 60; ++i)
            for (std::size_t j = 0; j < 12; ++j) ASSERT_EQ(codes(i, j), want(i, j)) << mode;
        if (mode == "per_dimension")  // each dimension's range spans all 256 codes
            for (std::size_t j = 0; j < 12; ++j) {
                int lo = 127, hi = -128;
                for (std::size_t i = 0; i < 60; ++i) lo = std::min<int>(lo, codes(i, j)), hi = std::max<int>(hi, codes(i, j));
                EXPECT_EQ(lo, -128);
                EXPECT_EQ(hi, 127);
            }
    }
}

TEST_F(cli, quantize_binary_writes_packbits_of_values_above_the_mean) {
    const auto x = random_matrix(30, 19, 14);
    vspace::save_npy(file("x.npy"), x.view());
    const auto r = run({"quantize", file("x.npy"), "--type", "b1", "-o", file("bits.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto packed = vspace::read_npy_array<std::uint8_t>(file("bits.npy"));
    ASSERT_EQ(packed.rows, 30u);
    ASSERT_EQ(packed.cols, 3u);  // ceil(19 / 8)
    for (std::size_t j = 0; j < 19; ++j) {
        double mean = 0;
        for (std::size_t i = 0; i < 30; ++i) mean += x(i, j);
        mean /= 30;
        for (std::size_t i = 0; i < 30; ++i) {
            const bool bit = (packed(i, j / 8) >> (7 - j % 8)) & 1;  // numpy.packbits: big bit order
            EXPECT_EQ(bit, x(i, j) > mean) << "row " << i << " dim " << j;
        }
    }
    for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(packed(i, 2) & 0x1f, 0) << "padding bits must be zero";
}

TEST_F(cli, knn_reads_other_formats_and_finds_each_row_itself) {
    // A base searched with itself: row i's nearest neighbour is row i. fvecs and GloVe text in.
    const auto base = random_matrix(50, 5, 3);
    vspace::save_fvecs(file("base.fvecs"), base.view());
    std::ofstream text(file("words.txt"));
    text.precision(9);
    for (std::size_t i = 0; i < base.rows(); ++i) {
        text << "w" << i;
        for (std::size_t j = 0; j < base.dims(); ++j) text << ' ' << base(i, j);
        text << '\n';
    }
    text.close();
    const auto r = run({"knn", file("base.fvecs"), file("words.txt"), "-k", "1", "-o", file("ids.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    ASSERT_EQ(ids.rows, 50u);
    for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(ids(i, 0), static_cast<std::int64_t>(i));
}

TEST_F(cli, knn_clamps_k_to_the_base_size_with_a_warning) {
    vspace::save_npy(file("base.npy"), random_matrix(6, 4, 4).view());
    vspace::save_npy(file("queries.npy"), random_matrix(3, 4, 5).view());
    const auto r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "-o", file("ids.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err_lines(), 1u) << r.err;
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    ASSERT_EQ(ids.rows, 3u);
    ASSERT_EQ(ids.cols, 6u);
    for (std::size_t q = 0; q < 3; ++q) {  // every base row exactly once
        std::vector<std::int64_t> row(ids.row(q).begin(), ids.row(q).end());
        std::sort(row.begin(), row.end());
        for (std::int64_t i = 0; i < 6; ++i) EXPECT_EQ(row[static_cast<std::size_t>(i)], i);
    }
    // --quiet silences the warning.
    const auto quiet = run({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "-o", file("ids.npy"), "--quiet"});
    EXPECT_EQ(quiet.status, 0);
    EXPECT_EQ(quiet.err, "");
}

TEST_F(cli, info_describes_a_file) {
    auto m = random_matrix(20, 8, 6);
    m(3, 2) = std::numeric_limits<float>::quiet_NaN();
    m(5, 1) = std::numeric_limits<float>::infinity();
    vspace::save_npy(file("v.npy"), m.view());
    const auto r = run({"info", file("v.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("format: npy\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dtype: f32\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("shape: 20 x 8\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("non-finite: 1 NaN, 1 Inf\n"), std::string::npos) << r.out;
}

TEST_F(cli, info_without_a_file_prints_the_simd_levels) {
    const auto r = run({"info"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("simd active: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("simd cpu levels: serial"), std::string::npos) << r.out;
    const auto simd = run({"info", "--simd"});
    EXPECT_EQ(simd.out, r.out);
}

TEST_F(cli, help_and_version_succeed) {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"knn", "--help"}, {"--version"}}) {
        const auto r = run(args);
        EXPECT_EQ(r.status, 0) << args[0];
        EXPECT_FALSE(r.out.empty()) << args[0];
    }
}

// --- bad input -----------------------------------------------------------------------------

std::vector<bad_case> bad_cases() {
    const std::string base = good_npy(20, 8, 1), queries = good_npy(5, 8, 2);
    const std::vector<std::pair<std::string, std::string>> ok{{"base.npy", base}, {"queries.npy", queries}};
    auto with = [&](std::string name, std::string bytes) {
        auto f = ok;
        f.emplace_back(std::move(name), std::move(bytes));
        return f;
    };
    const std::vector<std::string> knn{"knn", "@base.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"};
    auto knn_with = [&](std::vector<std::string> extra) {
        auto a = knn;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    return {
        {"truncated_base", with("cut.npy", base.substr(0, base.size() - 100)),
         {"knn", "@cut.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"cut.npy"}},
        {"header_claims_more_data", with("big.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 8), }", std::string(64, '\0'))),
         {"knn", "@big.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"big.npy"}},
        {"hostile_shape_overflow", with("huge.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", "")),
         {"knn", "@huge.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"huge.npy"}},
        {"corrupt_magic", with("junk.npy", "this is not a numpy file at all\n"),
         {"knn", "@junk.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"junk.npy"}},
        {"empty_file", with("empty.npy", ""), {"knn", "@base.npy", "@empty.npy", "-k", "3", "-o", "@ids.npy"}, {"empty.npy"}},
        {"zero_rows", with("none.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 8), }", "")),
         {"knn", "@none.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"none.npy"}},
        {"unknown_dtype", with("complex.npy", npy_bytes("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }", std::string(32, '\0'))),
         {"knn", "@complex.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"complex.npy"}},
        {"missing_file", ok, {"knn", "@base.npy", "@absent.npy", "-k", "3", "-o", "@ids.npy"}, {"absent.npy"}},
        {"dims_mismatch", with("q4.npy", good_npy(5, 4, 3)), {"knn", "@base.npy", "@q4.npy", "-k", "3", "-o", "@ids.npy"},
         {"q4.npy", "4 dims"}},
        {"nan_in_base", with("nan.npy", with_value(20, 8, 13, nan)),
         {"knn", "@nan.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"nan.npy", "row 1, column 5"}},
        {"inf_in_queries", with("inf.npy", with_value(5, 8, 0, -inf)),
         {"knn", "@base.npy", "@inf.npy", "-k", "3", "-o", "@ids.npy"}, {"inf.npy", "row 0, column 0"}},
        {"k_zero", ok, {"knn", "@base.npy", "@queries.npy", "-k", "0", "-o", "@ids.npy"}, {"-k 0"}},
        {"k_negative", ok, {"knn", "@base.npy", "@queries.npy", "-k", "-3", "-o", "@ids.npy"}, {"-k"}},
        {"k_not_a_number", ok, {"knn", "@base.npy", "@queries.npy", "-k", "ten", "-o", "@ids.npy"}, {"-k"}},
        {"unknown_type", ok, knn_with({"--type", "f16"}), {"--type", "f16"}},
        {"unknown_metric", ok, knn_with({"--metric", "manhattan"}), {"--metric", "manhattan"}},
        {"unknown_index", ok, knn_with({"--index", "annoy"}), {"--index", "annoy"}},
        {"unknown_option", ok, knn_with({"--frobnicate"}), {"--frobnicate"}},
        {"negative_threads", ok, knn_with({"--threads", "-1"}), {"--threads"}},
        {"missing_output", ok, {"knn", "@base.npy", "@queries.npy", "-k", "3"}, {"-o"}},
        {"output_folder_missing", ok, {"knn", "@base.npy", "@queries.npy", "-k", "3", "-o", "@nowhere/ids.npy"},
         {"nowhere", "does not exist"}},
        {"output_is_a_folder", ok, {"knn", "@base.npy", "@queries.npy", "-k", "3", "-o", "@"}, {"folder"}},
        {"same_output_twice", ok, knn_with({"--distances", "@ids.npy"}), {"same file"}},
        {"unknown_command", ok, {"frobnicate"}, {"unknown command 'frobnicate'"}},
        {"no_command", ok, {}, {"command is required"}},
        {"info_truncated", with("cut.npy", base.substr(0, 140)), {"info", "@cut.npy"}, {"cut.npy"}},
        {"hamming_with_i8", ok, knn_with({"--metric", "hamming", "--type", "i8"}), {"hamming", "b1"}},
        {"rescore_with_f32", ok, knn_with({"--rescore", "4"}), {"--rescore"}},
        {"rescore_zero", ok, knn_with({"--type", "i8", "--rescore", "0"}), {"--rescore"}},
        {"demo_with_files", ok, {"knn", "--demo", "@base.npy", "@queries.npy", "-o", "@ids.npy"}, {"--demo"}},
        {"quantize_missing_type", ok, {"quantize", "@base.npy", "-o", "@ids.npy"}, {"--type"}},
        {"quantize_unknown_type", ok, {"quantize", "@base.npy", "--type", "f32", "-o", "@ids.npy"}, {"--type", "f32"}},
        {"quantize_mode_with_b1", ok, {"quantize", "@base.npy", "--type", "b1", "--mode", "symmetric", "-o", "@ids.npy"},
         {"--mode"}},
        {"quantize_unknown_mode", ok, {"quantize", "@base.npy", "--type", "i8", "--mode", "log", "-o", "@ids.npy"},
         {"--mode", "log"}},
        {"quantize_nan", with("nan.npy", with_value(20, 8, 9, nan)), {"quantize", "@nan.npy", "--type", "i8", "-o", "@ids.npy"},
         {"nan.npy", "row 1, column 1"}},
        {"quantize_truncated", with("cut.npy", base.substr(0, base.size() - 1)),
         {"quantize", "@cut.npy", "--type", "b1", "-o", "@ids.npy"}, {"cut.npy"}},
    };
}

TEST_P(bad_input, fails_with_one_line_and_no_output) { expect_fails_with_one_line_and_no_output(); }

TEST_P(bad_input, leaves_an_existing_output_intact) { expect_existing_output_intact(); }

INSTANTIATE_TEST_SUITE_P(cases, bad_input, ::testing::ValuesIn(bad_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
