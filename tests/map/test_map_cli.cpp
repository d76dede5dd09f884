// SPDX-License-Identifier: MIT
// `vspace map` run as a program: the page it writes holds the input's rows, labels, texts and
// the exact nearest neighbours; queries are placed with theirs; every bad input gives one
// line on stderr, a non-zero status and no output file.
#include "page.hpp"

#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/io/npy.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace fs = std::filesystem;

namespace {

struct run_result {
    int status = -1;
    std::string out, err;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class map_cli : public ::testing::Test {
protected:
    static constexpr std::size_t n = 240, dims = 12;

    void SetUp() override {
        dir_ = fs::path(VSPACE_TEST_TMP) / (std::string("map_cli_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        // Four Gaussian clusters in 12 dimensions; labels name them, texts name an animal.
        vspace::rng r(3);
        x_ = vspace::matrix<float>(n, dims);
        std::ofstream labels(file("labels.txt")), texts(file("texts.txt"));
        const char* animals[] = {"otter", "heron", "lynx"};
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < dims; ++j)
                x_.mutable_view()(i, j) = static_cast<float>(i % 4 == j % 4 ? 4 : 0) + r.uniform() - 0.5f;
            labels << "group " << i % 4 << "\n";
            texts << "row " << i << " " << animals[i % 3] << "\n";
        }
        vspace::save_npy(file("x.npy"), x_);
        vspace::save_npy(file("q.npy"), vspace::matrix<float>(x_.view().subview(0, 2)));
    }

    fs::path file(const std::string& name) const { return dir_ / name; }

    run_result run(std::vector<std::string> args) const {
        args.insert(args.begin(), {VSPACE_CLI, "map"});
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const fs::path out = dir_ / ".stdout", err = dir_ / ".stderr";
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t pid = 0;
        run_result r;
        const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            ADD_FAILURE() << "cannot start " << VSPACE_CLI;
            return r;
        }
        int status = 0;
        waitpid(pid, &status, 0);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = slurp(out), r.err = slurp(err);
        fs::remove(out), fs::remove(err);
        return r;
    }

    /// Exit status 1 or 2, one stderr line holding `needle`, and no file but the inputs.
    void expect_failure(const run_result& r, const std::string& needle) const {
        EXPECT_TRUE(r.status == 1 || r.status == 2) << r.status << ": " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(needle), std::string::npos) << "missing '" << needle << "' in: " << r.err;
        const std::set<std::string> inputs = {"x.npy", "q.npy", "labels.txt", "texts.txt", "short.txt", "bad.txt",
                                              "one.npy", "q5.npy"};
        for (const auto& e : fs::directory_iterator(dir_))
            EXPECT_TRUE(inputs.count(e.path().filename().string())) << "left behind: " << e.path();
    }

    /// The k nearest rows of row `q` of `m` (squared l2), skipping `self`.
    std::vector<std::uint32_t> brute_force(const vspace::matrix<float>& m, std::size_t q, std::size_t k, bool skip_self) const {
        std::vector<std::pair<double, std::uint32_t>> d;
        for (std::size_t i = 0; i < n; ++i) {
            if (skip_self && i == q) continue;
            double s = 0;
            for (std::size_t j = 0; j < dims; ++j) s += std::pow(static_cast<double>(x_(i, j)) - m(q, j), 2);
            d.push_back({s, static_cast<std::uint32_t>(i)});
        }
        std::sort(d.begin(), d.end());
        std::vector<std::uint32_t> out;
        for (std::size_t j = 0; j < k; ++j) out.push_back(d[j].second);
        return out;
    }

    fs::path dir_;
    vspace::matrix<float> x_;
};

/// Neighbour ids of point i from the page's bit-packed list.
std::vector<std::uint32_t> page_neighbors(const nlohmann::json& j, std::size_t i) {
    const std::size_t k = j["knn"]["k"], bits = j["knn"]["bits"];
    const std::vector<std::uint8_t> packed = vspace::test::unbase64(j["knn"]["ids"].get<std::string>());
    std::vector<std::uint32_t> out;
    for (std::size_t e = i * k; e < (i + 1) * k; ++e) {
        std::uint32_t v = 0;
        for (std::size_t t = 0; t < bits; ++t) v |= static_cast<std::uint32_t>(packed[(e * bits + t) / 8] >> ((e * bits + t) % 8) & 1) << t;
        out.push_back(v);
    }
    return out;
}

}  // namespace

TEST_F(map_cli, html_holds_rows_labels_texts_and_exact_neighbours) {
    const auto r = run({file("x.npy"), "-o", file("m.html"), "--labels", file("labels.txt"), "--text", file("texts.txt"),
                        "--neighbors", "5", "--query", file("q.npy"), "--clusters", "4", "--title", "four groups",
                        "--threads", "2"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("wrote "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("240 points, umap"), std::string::npos) << r.out;
    const nlohmann::json j = vspace::test::page_json(slurp(file("m.html")));
    EXPECT_EQ(j["n"], n);
    EXPECT_EQ(j["title"], "four groups");
    ASSERT_EQ(j["fields"].size(), 2u);
    EXPECT_EQ(j["fields"][0]["name"], "label");
    EXPECT_EQ(j["fields"][0]["categories"].size(), 4u);
    EXPECT_EQ(j["fields"][1]["name"], "cluster");
    EXPECT_EQ(j["labels"].size(), 4u);  // cluster names, from the texts' distinctive words
    ASSERT_EQ(j["knn"]["k"], 5u);
    for (std::size_t i = 0; i < n; i += 7) EXPECT_EQ(page_neighbors(j, i), brute_force(x_, i, 5, true)) << i;
    // Queries (rows 0 and 1): placed, with their nearest rows (themselves first).
    ASSERT_EQ(j["queries"].size(), 2u);
    for (std::size_t q = 0; q < 2; ++q) {
        const auto got = j["queries"][q]["neighbors"].get<std::vector<std::uint32_t>>();
        EXPECT_EQ(got, brute_force(x_, q, 5, false)) << q;
    }
    // Every group forms its own cluster on the map: each of the 4 k-means clusters is pure.
    const std::vector<std::uint8_t> labels = vspace::test::unbase64(j["fields"][0]["codes"].get<std::string>());
    const std::vector<std::uint8_t> clusters = vspace::test::unbase64(j["fields"][1]["codes"].get<std::string>());
    std::set<std::pair<int, int>> pairs;
    for (std::size_t i = 0; i < n; ++i) pairs.insert({labels[i], clusters[i]});
    EXPECT_EQ(pairs.size(), 4u);
}

TEST_F(map_cli, png_svg_and_every_method) {
    for (const std::string method : {"pca", "tsne", "umap"}) {
        const auto r = run({file("x.npy"), "-o", file("m.png"), "--method", method, "--labels", file("labels.txt"),
                            "--report", "--quiet"});
        ASSERT_EQ(r.status, 0) << method << ": " << r.err;
        EXPECT_EQ(slurp(file("m.png")).substr(1, 3), "PNG") << method;
        EXPECT_NE(r.out.find(", k = 10: trustworthiness "), std::string::npos) << r.out;
        EXPECT_EQ(r.out.find("wrote "), std::string::npos) << "--quiet prints no summary\n" << r.out;
    }
    const auto r = run({file("x.npy"), "-o", file("m.svg"), "--method", "pca", "--density"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(slurp(file("m.svg")).find("<svg"), std::string::npos);
}

TEST_F(map_cli, cosine_metric_and_replaced_utf8) {
    std::ofstream(file("bad.txt"), std::ios::binary) << std::string(n - 1, '\n') << "caf\xe9 \xff\n";
    const auto r = run({file("x.npy"), "-o", file("m.html"), "--text", file("bad.txt"), "--metric", "cosine", "--method", "pca"});
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json j = vspace::test::page_json(slurp(file("m.html")));
    const std::vector<std::uint8_t> t = vspace::test::unbase64(j["texts"].get<std::string>());
    const std::string texts(t.begin(), t.end());
    EXPECT_NE(texts.find("caf\xef\xbf\xbd \xef\xbf\xbd"), std::string::npos);
}

TEST_F(map_cli, bad_input_fails_cleanly) {
    std::ofstream(file("short.txt")) << "a\nb\n";
    expect_failure(run({file("x.npy"), "-o", file("m.html"), "--labels", file("short.txt")}),
                   "has 2 lines (expected one per row: 240)");
    expect_failure(run({file("x.npy"), "-o", file("m.html"), "--text", file("short.txt")}),
                   "has 2 lines (expected one per row: 240)");
    expect_failure(run({file("x.npy"), "-o", file("m.jpg")}), "(expected .html, .png or .svg)");
    vspace::save_npy(file("one.npy"), vspace::matrix<float>(x_.view().subview(0, 1)));
    expect_failure(run({file("one.npy"), "-o", file("m.html")}), "expected at least 2");
    vspace::save_npy(file("q5.npy"), vspace::matrix<float>(1, 5));
    expect_failure(run({file("x.npy"), "-o", file("m.html"), "--query", file("q5.npy")}), "(expected the same)");
    expect_failure(run({file("x.npy"), "-o", file("m.html"), "--demo"}), "--demo takes no INPUT");
    expect_failure(run({"-o", file("m.html")}), "INPUT is required");
    expect_failure(run({file("x.npy"), "-o", file("m.html"), "--query-text", file("labels.txt")}), "--query-text needs --query");
    expect_failure(run({file("x.npy"), "-o", file("m.html"), "--method", "magic"}), "--method");
    expect_failure(run({file("x.npy"), "-o", file("nowhere/m.html")}), "does not exist");
    expect_failure(run({file("missing.npy"), "-o", file("m.html")}), "missing.npy");
}
