// SPDX-License-Identifier: MIT
// The analysis commands run as programs: `vspace cluster`, `similar`, `analogy` and `outliers`
// against brute-force references on small files written here (and king : queen on real GloVe
// vectors), and the error contract on bad input (non-zero exit, one line naming the problem,
// no output file left behind, an existing output untouched).
#include "cli_test.hpp"
#include "test_data.hpp"

#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/io/npy.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using vspace::matrix;
using vspace::cli_test::random_matrix;
using vspace::cli_test::run_result;
using vspace::cli_test::slurp;
using vspace::cli_test::write_bytes;

class analyze_cli : public vspace::cli_test::cli {};

/// The lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

/// Splits a tab-separated line.
std::vector<std::string> fields(const std::string& line) {
    std::vector<std::string> out;
    std::string::size_type start = 0;
    while (true) {
        const auto tab = line.find('\t', start);
        out.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) return out;
        start = tab + 1;
    }
}

/// A word2vec text file of `words` (named w0, w1, ...) with the rows of `m`.
std::string word2vec_text(const matrix<float>& m) {
    std::string s = std::to_string(m.rows()) + " " + std::to_string(m.dims()) + "\n";
    char buf[32];
    for (std::size_t i = 0; i < m.rows(); ++i) {
        s += "w" + std::to_string(i);
        for (std::size_t j = 0; j < m.dims(); ++j) {
            std::snprintf(buf, sizeof buf, " %.9g", static_cast<double>(m(i, j)));
            s += buf;
        }
        s += '\n';
    }
    return s;
}

double cosine(const float* a, const float* b, std::size_t d) {
    double dot = 0, na = 0, nb = 0;
    for (std::size_t j = 0; j < d; ++j) dot += double(a[j]) * b[j], na += double(a[j]) * a[j], nb += double(b[j]) * b[j];
    return dot / std::sqrt(na * nb);
}

/// Words and cosines (best first) of the `k` rows nearest to `query`, skipping `excluded`.
std::vector<std::pair<std::string, double>> reference_nearest(const matrix<float>& m, const std::vector<float>& query,
                                                              std::size_t k, const std::set<std::size_t>& excluded) {
    std::vector<std::pair<double, std::size_t>> all;
    for (std::size_t i = 0; i < m.rows(); ++i)
        if (!excluded.count(i)) all.emplace_back(cosine(query.data(), m.row_data(i), m.dims()), i);
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t r = 0; r < k; ++r) out.emplace_back("w" + std::to_string(all[r].second), all[r].first);
    return out;
}

/// `out` is exactly the expected WORD<TAB>COSINE lines, cosines to 1e-5.
void expect_word_lines(const std::string& out, const std::vector<std::pair<std::string, double>>& expected) {
    const auto got = lines_of(out);
    ASSERT_EQ(got.size(), expected.size()) << out;
    for (std::size_t r = 0; r < got.size(); ++r) {
        const auto f = fields(got[r]);
        ASSERT_EQ(f.size(), 2u) << got[r];
        EXPECT_EQ(f[0], expected[r].first) << "rank " << r;
        EXPECT_NEAR(std::stod(f[1]), expected[r].second, 1e-5) << "rank " << r;
    }
}

TEST_F(analyze_cli, similar_prints_the_brute_force_nearest_words_best_first) {
    const auto m = random_matrix(60, 17, 3);
    write_bytes(file("words.txt"), word2vec_text(m));
    const run_result s = run({"similar", file("words.txt").string(), "w5", "-k", "7"});
    ASSERT_EQ(s.status, 0) << s.err;
    const std::vector<float> q(m.row_data(5), m.row_data(5) + m.dims());
    expect_word_lines(s.out, reference_nearest(m, q, 7, {5}));
}

TEST_F(analyze_cli, analogy_answers_b_minus_a_plus_c_without_the_query_words) {
    const auto m = random_matrix(80, 13, 4);
    write_bytes(file("words.txt"), word2vec_text(m));
    const run_result r = run({"analogy", file("words.txt").string(), "w1", "w2", "w3", "-k", "5"});
    ASSERT_EQ(r.status, 0) << r.err;
    // 3CosAdd on unit vectors: nearest to b/|b| - a/|a| + c/|c|
    std::vector<float> q(m.dims());
    auto unit = [&](std::size_t i, std::size_t j) {
        double n = 0;
        for (std::size_t t = 0; t < m.dims(); ++t) n += double(m(i, t)) * m(i, t);
        return static_cast<float>(m(i, j) / std::sqrt(n));
    };
    for (std::size_t j = 0; j < m.dims(); ++j) q[j] = unit(2, j) - unit(1, j) + unit(3, j);
    expect_word_lines(r.out, reference_nearest(m, q, 5, {1, 2, 3}));
}

TEST_F(analyze_cli, man_is_to_king_as_woman_is_to_queen_on_glove) {
    const auto glove = vspace::test::shared_data("glove-6B-100d-top10000/glove.6B.100d.top10000.txt");
    VSPACE_REQUIRE_DATA(glove);
    const run_result r = run({"analogy", glove.string(), "man", "king", "woman", "-k", "3"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto first = fields(lines_of(r.out).at(0));
    EXPECT_EQ(first.at(0), "queen") << r.out;
    const run_result s = run({"similar", glove.string(), "France", "-k", "5"});  // looked up lower-cased
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_NE(s.out.find("french\t"), std::string::npos) << s.out;
}

/// Three tight, far-apart blobs of `per` points each in 8 dimensions; row i belongs to blob i / per.
matrix<float> blobs(std::size_t per) {
    matrix<float> m(3 * per, 8);
    vspace::rng gen(11);
    for (std::size_t i = 0; i < m.rows(); ++i)
        for (std::size_t j = 0; j < m.dims(); ++j)
            m(i, j) = static_cast<float>(0.1 * gen.normal() + (j == i / per ? 10.0 : 0.0));
    return m;
}

TEST_F(analyze_cli, cluster_recovers_separated_blobs_and_names_them_by_label) {
    const auto m = blobs(30);
    vspace::save_npy(file("x.npy"), m.view());
    std::string categories;
    for (std::size_t i = 0; i < m.rows(); ++i) categories += std::string(i / 30 == 0 ? "ant" : i / 30 == 1 ? "bee" : "cat") + "\n";
    write_bytes(file("labels.txt"), categories);
    const run_result r = run({"cluster", file("x.npy").string(), "-k", "3", "-o", file("ids.npy").string(), "--labels",
                              file("labels.txt").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    ASSERT_EQ(ids.rows * ids.cols, m.rows());
    std::map<std::int64_t, std::set<std::size_t>> blob_of;  // cluster -> blobs of its members
    for (std::size_t i = 0; i < m.rows(); ++i) {
        ASSERT_GE(ids.values[i], 0);
        ASSERT_LT(ids.values[i], 3);
        blob_of[ids.values[i]].insert(i / 30);
    }
    ASSERT_EQ(blob_of.size(), 3u);
    for (const auto& [c, b] : blob_of) EXPECT_EQ(b.size(), 1u) << "cluster " << c << " mixes blobs";
    for (const char* name : {"ant", "bee", "cat"}) EXPECT_NE(r.out.find(name), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("100"), std::string::npos) << "purity\n" << r.out;
}

TEST_F(analyze_cli, cluster_is_deterministic_by_seed) {
    const auto m = random_matrix(300, 6, 5);
    vspace::save_npy(file("x.npy"), m.view());
    for (const char* name : {"a.npy", "b.npy"})
        ASSERT_EQ(run({"cluster", file("x.npy").string(), "-k", "7", "-o", file(name).string(), "--seed", "9", "--quiet"}).status, 0);
    EXPECT_EQ(slurp(file("a.npy")), slurp(file("b.npy")));
}

/// `rows` Gaussian points in 5 dimensions with row `planted` moved far away.
matrix<float> with_planted_outlier(std::size_t rows, std::size_t planted) {
    auto m = random_matrix(rows, 5, 8);
    for (std::size_t j = 0; j < m.dims(); ++j) m(planted, j) += 12.f;
    return m;
}

TEST_F(analyze_cli, outliers_ranks_a_planted_outlier_first_on_exact_and_hnsw_graphs) {
    const auto m = with_planted_outlier(400, 123);
    vspace::save_npy(file("x.npy"), m.view());
    for (const char* graph : {"exact", "hnsw", "auto"})
        for (const char* method : {"lof", "knn"}) {
            const run_result r = run({"outliers", file("x.npy").string(), "-n", "3", "--graph", graph, "--method", method});
            ASSERT_EQ(r.status, 0) << r.err;
            const auto lines = lines_of(r.out);
            ASSERT_EQ(lines.size(), 3u) << r.out;
            const auto f = fields(lines[0]);
            ASSERT_EQ(f.size(), 3u) << lines[0];
            EXPECT_EQ(f[0], "1");
            EXPECT_EQ(f[1], "123") << graph << " " << method << "\n" << r.out;
            EXPECT_GT(std::stod(f[2]), std::stod(fields(lines[1])[2])) << r.out;  // scores fall with rank
        }
}

TEST_F(analyze_cli, outliers_prints_the_text_of_each_row) {
    const auto m = with_planted_outlier(50, 7);
    vspace::save_npy(file("x.npy"), m.view());
    std::string text;
    for (std::size_t i = 0; i < m.rows(); ++i) text += "row number " + std::to_string(i) + "\n";
    write_bytes(file("text.txt"), text);
    const run_result r = run({"outliers", file("x.npy").string(), "-n", "1", "--text", file("text.txt").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(fields(lines_of(r.out).at(0)).back(), "row number 7") << r.out;
}

// --- the error contract ---

TEST_F(analyze_cli, a_word_not_in_the_vocabulary_is_named) {
    write_bytes(file("words.txt"), word2vec_text(random_matrix(20, 4, 1)));
    expect_clean_failure(run({"similar", file("words.txt").string(), "zebra"}), {"zebra"}, {"words.txt"});
    expect_clean_failure(run({"analogy", file("words.txt").string(), "w1", "w2", "quokka"}), {"quokka"}, {"words.txt"});
}

TEST_F(analyze_cli, similar_on_vectors_without_words_says_so) {
    vspace::save_npy(file("x.npy"), random_matrix(20, 4, 1).view());
    expect_clean_failure(run({"similar", file("x.npy").string(), "w1"}), {"x.npy", "without words"}, {"x.npy"});
}

TEST_F(analyze_cli, cluster_with_more_clusters_than_rows_fails_and_keeps_the_old_output) {
    vspace::save_npy(file("x.npy"), random_matrix(5, 4, 1).view());
    write_bytes(file("ids.npy"), "precious");
    expect_clean_failure(run({"cluster", file("x.npy").string(), "-k", "6", "-o", file("ids.npy").string()}),
                         {"x.npy", "k = 6"}, {"x.npy", "ids.npy"});
    EXPECT_EQ(slurp(file("ids.npy")), "precious");
}

TEST_F(analyze_cli, per_row_files_with_the_wrong_line_count_are_named) {
    vspace::save_npy(file("x.npy"), random_matrix(10, 4, 1).view());
    write_bytes(file("short.txt"), "a\nb\nc\n");
    expect_clean_failure(run({"cluster", file("x.npy").string(), "-k", "2", "-o", file("ids.npy").string(), "--text",
                              file("short.txt").string()}),
                         {"short.txt", "3"}, {"x.npy", "short.txt"});
    expect_clean_failure(run({"cluster", file("x.npy").string(), "-k", "2", "-o", file("ids.npy").string(), "--labels",
                              file("short.txt").string()}),
                         {"short.txt", "3"}, {"x.npy", "short.txt"});
    expect_clean_failure(run({"outliers", file("x.npy").string(), "--text", file("short.txt").string()}),
                         {"short.txt", "3"}, {"x.npy", "short.txt"});
}

TEST_F(analyze_cli, outliers_needs_more_rows_than_neighbours) {
    vspace::save_npy(file("x.npy"), random_matrix(5, 4, 1).view());
    expect_clean_failure(run({"outliers", file("x.npy").string(), "-k", "5"}), {"x.npy", "5 rows"}, {"x.npy"});
}

TEST_F(analyze_cli, nan_input_is_refused) {
    auto m = random_matrix(10, 4, 1);
    m(3, 2) = std::nanf("");
    vspace::save_npy(file("x.npy"), m.view());
    expect_clean_failure(run({"cluster", file("x.npy").string(), "-k", "2", "-o", file("ids.npy").string()}), {"x.npy"},
                         {"x.npy"});
    expect_clean_failure(run({"outliers", file("x.npy").string()}), {"x.npy"}, {"x.npy"});
}

}  // namespace
