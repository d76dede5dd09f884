// SPDX-License-Identifier: MIT
// The `vspace` tool against the hostile-file corpus (tests/data/hostile/, see
// tests/data/make_hostile.py): on every refused file it exits with status 1, prints exactly one
// line on stderr naming the file, and leaves no output behind; on the valid controls it succeeds.
// Vector files go through `vspace info` and `vspace cluster -o`, index files through
// `vspace search -o`.
#include "cli/cli_test.hpp"
#include "io/hostile_manifest.hpp"

#include <set>
#include <string>
#include <vector>

namespace {

using namespace vspace::cli_test;
using vspace::test::hostile_file;

class hostile_cli : public cli {
protected:
    /// Runs `args` (with "@FILE" replaced by the corpus file) and checks the outcome: the
    /// failure contract for a refused file, exit 0 and the `made` outputs for a control.
    void check(const hostile_file& f, std::vector<std::string> args, const std::vector<std::string>& keep,
               const std::vector<std::string>& made = {}) {
        for (auto& a : args)
            if (a == "@FILE") a = f.path().string();
        SCOPED_TRACE(f.name + " (" + f.reason + "): vspace " + args[0]);
        const run_result r = run(args);
        if (f.expected == "none") {
            EXPECT_EQ(r.status, 0) << r.err;
            for (const auto& m : made) EXPECT_TRUE(fs::exists(file(m))) << m << " was not written";
            for (const auto& m : made) fs::remove(file(m));
            return;
        }
        EXPECT_EQ(r.status, 1) << r.err;  // 1: the data or a file (2 would be the command line)
        expect_clean_failure(r, {f.name}, keep);
    }

    void check_vector_files(const std::string& kind) {
        const auto files = vspace::test::hostile_files(kind);
        ASSERT_FALSE(files.empty());
        for (const auto& f : files) {
            check(f, {"info", "@FILE"}, {});
            check(f, {"cluster", "@FILE", "-k", "1", "-o", file("labels.npy").string(), "--quiet"}, {}, {"labels.npy"});
        }
    }
};

TEST_F(hostile_cli, npy_files_fail_with_one_line_naming_the_file) { check_vector_files("npy"); }

TEST_F(hostile_cli, texmex_files_fail_with_one_line_naming_the_file) {
    for (const char* kind : {"fvecs", "ivecs", "bvecs"}) check_vector_files(kind);
}

TEST_F(hostile_cli, word_vector_files_fail_with_one_line_naming_the_file) {
    for (const char* kind : {"word2vec_text", "glove", "word2vec_binary"}) check_vector_files(kind);
}

TEST_F(hostile_cli, idx_files_fail_with_one_line_naming_the_file) {
    for (const char* kind : {"idx", "idx_gz"}) check_vector_files(kind);
}

TEST_F(hostile_cli, a_folder_as_input_fails_with_one_line_naming_it) { check_vector_files("folder"); }

TEST_F(hostile_cli, index_files_fail_search_with_one_line_naming_the_file) {
    write_bytes(file("queries.npy"), good_npy(3, 4, 1));  // the corpus indexes hold 4-dim vectors
    auto files = vspace::test::hostile_files("hnsw");
    for (auto folder : vspace::test::hostile_files("folder")) files.push_back(folder);
    for (const auto& f : files)
        check(f, {"search", "@FILE", file("queries.npy").string(), "-k", "1", "-o", file("ids.npy").string()},
              {"queries.npy"}, {"ids.npy"});
}

// Not in the corpus (it would be 1 MiB): a label file with a line one byte over read_lines'
// limit, given to `cluster --labels`.
TEST_F(hostile_cli, a_label_line_over_the_limit_fails_cluster_with_one_line_naming_it) {
    write_bytes(file("vectors.npy"), good_npy(2, 3, 1));
    write_bytes(file("long_labels.txt"), "a\n" + std::string((std::size_t{1} << 20) + 1, 'x') + "\n");
    const auto r = run({"cluster", file("vectors.npy").string(), "-k", "1", "-o", file("labels.npy").string(),
                        "--labels", file("long_labels.txt").string()});
    EXPECT_EQ(r.status, 1);
    expect_clean_failure(r, {"long_labels.txt", "line 2"}, {"vectors.npy", "long_labels.txt"});
}

}  // namespace
