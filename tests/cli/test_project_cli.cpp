// SPDX-License-Identifier: MIT
// `vspace project` run as a program: t-SNE on real images (finite float32 (n, 2) coordinates,
// classes that separate on the map far better than on PCA's), what `--method auto` chooses (UMAP below 50,000 points, t-SNE from there),
// determinism, the other metrics, and the error contract on bad input (exit status, one line on
// stderr naming the problem, no output file left behind, an existing output untouched).
#include "cli_test.hpp"
#include "test_data.hpp"

#include <vspace/analyze/quality.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using vspace::matrix;

/// The first `n` Fashion-MNIST training images (784 pixels, 0..255) and their classes, loaded
/// once for the whole test program.
struct images {
    matrix<float> x;
    std::vector<std::uint8_t> labels;
};

const vspace::fashion_mnist_data& fashion() {
    static const vspace::fashion_mnist_data f = vspace::load_fashion_mnist(VSPACE_FASHION_MNIST, 2);
    return f;
}

images fashion_subset(std::size_t n) {
    const auto& f = fashion();
    return {matrix<float>(f.images.view().subview(0, n)),
            std::vector<std::uint8_t>(f.labels.begin(), f.labels.begin() + static_cast<std::ptrdiff_t>(n))};
}

#define REQUIRE_FASHION() VSPACE_REQUIRE_DATA(vspace::test::fashion_mnist("train-images-idx3-ubyte.gz"))

using vspace::cli_test::random_matrix;
using vspace::cli_test::run_result;
using vspace::cli_test::slurp;

/// The shared tool-running fixture (cli_test.hpp), with `vspace project` as the command.
class project_cli : public vspace::cli_test::cli {
protected:
    run_result project(std::vector<std::string> args) const {
        args.insert(args.begin(), "project");
        return run(args);
    }

    /// The failure contract: exit status `status`, one line on stderr starting "vspace project:"
    /// and holding every needle, and nothing in the folder but `keep`.
    void expect_clean_failure(const run_result& r, int status, const std::vector<std::string>& needles,
                              const std::vector<std::string>& keep) const {
        EXPECT_EQ(r.status, status) << "stderr: " << r.err;
        EXPECT_EQ(r.err_lines(), 1u) << "stderr: " << r.err;
        EXPECT_EQ(r.err.rfind("vspace project: ", 0), 0u) << r.err;
        for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
        for (const auto& e : fs::directory_iterator(dir_)) {
            const std::string name = e.path().filename().string();
            EXPECT_TRUE(std::find(keep.begin(), keep.end(), name) != keep.end()) << "left behind: " << name;
        }
    }

    /// Reads the coordinates a run wrote and checks that they are float32, rows x 2, finite.
    matrix<float> read_map(const fs::path& p, std::size_t rows) const {
        const std::string bytes = slurp(p);
        const auto header = vspace::parse_npy_header(std::as_bytes(std::span(bytes)), p.string());
        EXPECT_EQ(header.type, vspace::element_type::f32);
        EXPECT_EQ(header.shape, (std::vector<std::size_t>{rows, 2}));
        matrix<float> m = vspace::read_npy<float>(p);
        for (std::size_t i = 0; i < m.rows(); ++i)
            for (std::size_t j = 0; j < m.dims(); ++j) EXPECT_TRUE(std::isfinite(m(i, j))) << "row " << i;
        return m;
    }
};

/// 10-NN accuracy on a map: the last `test` rows voted on by the others.
double map_accuracy(const matrix<float>& map, const std::vector<std::uint8_t>& labels, std::size_t test) {
    const std::size_t train = map.rows() - test;
    const std::span<const std::uint8_t> l(labels);
    return vspace::knn_accuracy(map.view().subview(0, train), l.first(train), map.view().subview(train, test),
                                l.subspan(train), 10);
}

/// The number after `key` on the stdout line that holds it (NaN when absent).
double reported(const std::string& out, const std::string& key) {
    const std::size_t at = out.find(key);
    if (at == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    return std::strtod(out.c_str() + at + key.size(), nullptr);
}

// --- t-SNE on real data ---------------------------------------------------------------------

TEST_F(project_cli, tsne_separates_fashion_mnist_classes_far_better_than_pca) {
    REQUIRE_FASHION();
    constexpr std::size_t n = 1000, test = 200;  // the CLI's --labels split: the last n / 5 rows
    const images data = fashion_subset(n);
    vspace::save_npy(file("x.npy"), data.x.view());
    // Class codes as text: the CLI numbers labels in sorted order, so "0".."9" keep their codes
    // and ties in the vote go the same way as in our own count below.
    std::vector<std::string> codes;
    for (std::uint8_t c : data.labels) codes.push_back(std::to_string(c));
    vspace::save_lines(file("labels.txt"), codes);

    const auto r = project({file("x.npy"), "-o", file("tsne.npy"), "--method", "tsne", "--report", "--labels",
                            file("labels.txt"), "--threads", "2"});
    ASSERT_EQ(r.status, 0) << r.err;
    const matrix<float> map = read_map(file("tsne.npy"), n);
    const auto p = project({file("x.npy"), "-o", file("pca.npy"), "--method", "pca", "--threads", "2"});
    ASSERT_EQ(p.status, 0) << p.err;
    const matrix<float> pca_map = read_map(file("pca.npy"), n);

    // Ten classes (chance 0.1). On these 1,000 images t-SNE's map gets about 0.72, PCA's 0.50.
    const double acc = map_accuracy(map, data.labels, test), pca_acc = map_accuracy(pca_map, data.labels, test);
    EXPECT_GT(acc, 0.62);
    EXPECT_GT(acc, pca_acc + 0.1) << "PCA " << pca_acc;
    // The report computes the same accuracy from the same split, and a trustworthiness near
    // ours (it ranks the sample of all 1,000 points the same way).
    EXPECT_NEAR(reported(r.out, "train / 200 test rows: "), acc, 1e-4) << r.out;
    const double trust = vspace::trustworthiness(data.x.view(), map.view(), 10, 2);
    EXPECT_GT(trust, 0.9);
    EXPECT_NEAR(reported(r.out, "trustworthiness "), trust, 1e-4) << r.out;
    // KL(P || Q) of a converged map at perplexity 30 lies well inside (0, log n).
    const double kl = reported(r.out, "KL divergence ");
    EXPECT_GT(kl, 0.1) << r.out;
    EXPECT_LT(kl, std::log(static_cast<double>(n))) << r.out;
    EXPECT_NE(r.out.find("method tsne"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("after 750 iterations, perplexity 30"), std::string::npos) << r.out;
}

TEST_F(project_cli, tsne_same_seed_same_bytes_and_the_options_reach_the_model) {
    REQUIRE_FASHION();
    vspace::save_npy(file("x.npy"), fashion_subset(300).x.view());
    const std::vector<std::string> common{"--method", "tsne", "--perplexity", "10", "--iterations", "300",
                                          "--seed", "3", "--threads", "2", "--report"};
    auto args = [&](const std::string& out) {
        std::vector<std::string> a{file("x.npy"), "-o", file(out)};
        a.insert(a.end(), common.begin(), common.end());
        return a;
    };
    const auto a = project(args("a.npy")), b = project(args("b.npy"));
    ASSERT_EQ(a.status, 0) << a.err;
    ASSERT_EQ(b.status, 0) << b.err;
    EXPECT_EQ(slurp(file("a.npy")), slurp(file("b.npy")));
    read_map(file("a.npy"), 300);
    // The report reads iterations and perplexity back from the model.
    EXPECT_NE(a.out.find("after 300 iterations, perplexity 10,"), std::string::npos) << a.out;
    EXPECT_EQ(a.err.find("chose"), std::string::npos) << "an explicit method prints no choice: " << a.err;
}

TEST_F(project_cli, tsne_under_cosine_and_hamming) {
    REQUIRE_FASHION();
    const images data = fashion_subset(400);
    vspace::save_npy(file("x.npy"), data.x.view());
    for (const std::string metric : {"cosine", "hamming"}) {
        const auto r = project({file("x.npy"), "-o", file(metric + ".npy"), "--method", "tsne", "--metric", metric,
                                "--iterations", "400", "--threads", "2"});
        ASSERT_EQ(r.status, 0) << metric << ": " << r.err;
        const matrix<float> map = read_map(file(metric + ".npy"), 400);
        EXPECT_GT(map_accuracy(map, data.labels, 100), 0.5) << metric;
    }
}

// --- --method auto ----------------------------------------------------------------------------

TEST_F(project_cli, auto_picks_umap_below_50000_points_and_tsne_from_there) {
    REQUIRE_FASHION();
    vspace::save_npy(file("x.npy"), fashion_subset(500).x.view());
    const auto r = project({file("x.npy"), "-o", file("y.npy"), "--epochs", "50", "--report", "--threads", "2"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("vspace project: --method auto chose umap (500 points, fewer than 50000)\n"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("method umap, 500 points"), std::string::npos) << r.out;
    read_map(file("y.npy"), 500);

    // --quiet silences the choice.
    const auto q = project({file("x.npy"), "-o", file("q.npy"), "--epochs", "20", "--quiet"});
    ASSERT_EQ(q.status, 0) << q.err;
    EXPECT_EQ(q.err, "");

    // From 50,000 points on, t-SNE (here on cheap 3-d points and a few iterations); --dims
    // other than 2 rules it out.
    vspace::save_npy(file("big.npy"), random_matrix(50000, 3, 7).view());
    const auto big = project({file("big.npy"), "-o", file("big_map.npy"), "--iterations", "20", "--threads", "2"});
    ASSERT_EQ(big.status, 0) << big.err;
    EXPECT_NE(big.err.find("chose tsne (50000 points, 50000 or more)"), std::string::npos) << big.err;
    read_map(file("big_map.npy"), 50000);
    const auto d3 = project({file("big.npy"), "-o", file("d3.npy"), "--dims", "3", "--epochs", "5", "--threads", "2"});
    ASSERT_EQ(d3.status, 0) << d3.err;
    EXPECT_NE(d3.err.find("chose umap (--dims 3; t-SNE makes 2-D maps only)"), std::string::npos) << d3.err;
}

TEST_F(project_cli, auto_falls_back_to_pca_when_too_few_points) {
    vspace::save_npy(file("x12.npy"), random_matrix(12, 8, 2).view());
    vspace::save_npy(file("x16.npy"), random_matrix(16, 8, 3).view());
    const auto pca = project({file("x12.npy"), "-o", file("p.npy")});
    ASSERT_EQ(pca.status, 0) << pca.err;
    EXPECT_NE(pca.err.find("chose pca (12 points: UMAP with 15 neighbours needs at least 16)"), std::string::npos)
        << pca.err;
    read_map(file("p.npy"), 12);
    // The boundary: 15 neighbours need 16 points.
    const auto at = project({file("x16.npy"), "-o", file("a.npy"), "--epochs", "20"});
    ASSERT_EQ(at.status, 0) << at.err;
    EXPECT_NE(at.err.find("chose umap (16 points"), std::string::npos) << at.err;
    // t-SNE by name takes small inputs when the perplexity allows.
    const auto small = project({file("x12.npy"), "-o", file("s.npy"), "--method", "tsne", "--perplexity", "3",
                                "--iterations", "50"});
    ASSERT_EQ(small.status, 0) << small.err;
    read_map(file("s.npy"), 12);
}

TEST_F(project_cli, tsne_options_with_another_method_warn) {
    vspace::save_npy(file("x.npy"), random_matrix(40, 5, 1).view());
    const auto r = project({file("x.npy"), "-o", file("y.npy"), "--method", "pca", "--perplexity", "5"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err_lines(), 2u) << r.err;  // the warning, then "wrote ..."
    EXPECT_EQ(r.err.rfind("vspace: warning: --perplexity and --iterations are t-SNE options; pca ignores them", 0), 0u)
        << r.err;
}

// --- bad input --------------------------------------------------------------------------------

TEST_F(project_cli, tsne_perplexity_too_large_fails_cleanly_and_keeps_the_old_output) {
    vspace::save_npy(file("x.npy"), random_matrix(50, 6, 1).view());
    std::ofstream(file("y.npy")) << "old";
    const auto r = project({file("x.npy"), "-o", file("y.npy"), "--method", "tsne"});
    expect_clean_failure(r, 1, {"x.npy' has 50 rows", "--perplexity 30", "(rows - 1) / 3 = 16.3333", "at least 92 rows"},
                         {"x.npy", "y.npy"});
    EXPECT_EQ(slurp(file("y.npy")), "old");
    // Exactly at the limit: perplexity 16 < 49 / 3 is fine, 49 / 3 itself is not.
    const auto fits = project({file("x.npy"), "-o", file("y.npy"), "--method", "tsne", "--perplexity", "16",
                               "--iterations", "50"});
    ASSERT_EQ(fits.status, 0) << fits.err;
    read_map(file("y.npy"), 50);
    fs::remove(file("y.npy"));
    const auto edge = project({file("x.npy"), "-o", file("y.npy"), "--method", "tsne", "--perplexity", "16.3334"});
    expect_clean_failure(edge, 1, {"too few for t-SNE"}, {"x.npy"});
}

TEST_F(project_cli, tsne_needs_four_points) {
    vspace::save_npy(file("x.npy"), random_matrix(3, 4, 1).view());
    const auto r = project({file("x.npy"), "-o", file("y.npy"), "--method", "tsne", "--perplexity", "1"});
    expect_clean_failure(r, 1, {"x.npy' has 3 rows", "at least 4 for t-SNE"}, {"x.npy"});
}

TEST_F(project_cli, tsne_rejects_nan_and_inf) {
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
        matrix<float> x = random_matrix(200, 6, 1);
        x(123, 4) = bad;
        vspace::save_npy(file("x.npy"), x.view());
        const auto r = project({file("x.npy"), "-o", file("y.npy"), "--method", "tsne"});
        expect_clean_failure(r, 1, {"x.npy", "row 123, column 4", "expected finite"}, {"x.npy"});
    }
}

TEST_F(project_cli, bad_tsne_options_are_usage_errors) {
    vspace::save_npy(file("x.npy"), random_matrix(200, 6, 1).view());
    const std::vector<std::vector<std::string>> cases = {
        {"--perplexity", "0.5"}, {"--perplexity", "nan"},  {"--perplexity", "inf"}, {"--perplexity", "-3"},
        {"--iterations", "0"},   {"--iterations", "many"}, {"--dims", "3"},        {"--method", "t-sne"},
    };
    for (const auto& extra : cases) {
        std::vector<std::string> args{file("x.npy"), "-o", file("y.npy"), "--method", "tsne"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = project(args);
        SCOPED_TRACE(extra[0] + " " + extra[1]);
        expect_clean_failure(r, 2, {extra[0]}, {"x.npy"});
    }
}

TEST_F(project_cli, empty_and_truncated_inputs_fail_cleanly) {
    vspace::save_npy(file("x.npy"), random_matrix(100, 6, 1).view());
    const std::string bytes = slurp(file("x.npy"));
    std::ofstream(file("cut.npy"), std::ios::binary) << bytes.substr(0, bytes.size() - 7);
    const auto cut = project({file("cut.npy"), "-o", file("y.npy"), "--method", "tsne"});
    expect_clean_failure(cut, 1, {"cut.npy"}, {"x.npy", "cut.npy"});
    vspace::save_npy(file("none.npy"), matrix<float>(0, 6).view());
    const auto none = project({file("none.npy"), "-o", file("y.npy")});
    expect_clean_failure(none, 1, {"none.npy"}, {"x.npy", "cut.npy", "none.npy"});
}

}  // namespace
