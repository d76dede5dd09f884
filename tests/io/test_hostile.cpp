// SPDX-License-Identifier: MIT
// The library readers against the hostile-file corpus (tests/data/hostile/, see
// tests/data/make_hostile.py): every file must be refused with exactly the exception class its
// manifest row names, and the message must name the file; the valid controls must load. Each
// reader kind is tried through its own reader and through `load_vectors` where it applies.
#include "io/hostile_manifest.hpp"
#include "test_data.hpp"

#include <vspace/index/hnsw.hpp>
#include <vspace/io/idx.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/load.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/io/texmex.hpp>
#include <vspace/io/word_vectors.hpp>
#include <vspace/metric/l2.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace {

using namespace vspace;
using test::hostile_file;
namespace fs = std::filesystem;

/// The most derived vspace class of `e`, as the manifest spells it.
std::string class_name(const vspace::error& e) {
    if (typeid(e) == typeid(format_error)) return "format_error";
    if (typeid(e) == typeid(io_error)) return "io_error";
    if (typeid(e) == typeid(invalid_argument)) return "invalid_argument";
    if (typeid(e) == typeid(shape_error)) return "shape_error";
    if (typeid(e) == typeid(data_error)) return "data_error";
    return typeid(e).name();
}

using reader = std::pair<const char*, std::function<void(const fs::path&)>>;

/// Runs every reader on every file of `kind` and checks the outcome against the manifest.
void check_kind(const std::string& kind, const std::vector<reader>& readers) {
    const auto files = test::hostile_files(kind);
    ASSERT_FALSE(files.empty()) << "no " << kind << " files in the manifest";
    for (const hostile_file& f : files) {
        for (const auto& [what, read] : readers) {
            SCOPED_TRACE(f.name + " (" + f.reason + ") read by " + what);
            try {
                read(f.path());
            } catch (const vspace::error& e) {
                EXPECT_EQ(class_name(e), f.expected) << e.what();
                EXPECT_NE(std::string(e.what()).find(f.name), std::string::npos)
                    << "the message does not name the file: " << e.what();
                continue;
            } catch (const std::exception& e) {
                ADD_FAILURE() << "threw " << typeid(e).name() << " (not a vspace::error): " << e.what();
                continue;
            }
            EXPECT_EQ(f.expected, "none") << "read without an error";
        }
    }
}

const reader by_load_vectors{"load_vectors", [](const fs::path& p) { (void)load_vectors(p, {.n_threads = 2}); }};

TEST(hostile_files, the_manifest_lists_every_file_and_covers_every_reader) {
    const auto rows = test::hostile_manifest();
    std::set<std::string> listed, kinds, controls;
    for (const auto& f : rows) {
        EXPECT_TRUE(listed.insert(f.name).second) << f.name << " is listed twice";
        EXPECT_TRUE(f.expected == "format_error" || f.expected == "io_error" || f.expected == "none") << f.name;
        EXPECT_FALSE(f.reason.empty()) << f.name;
        kinds.insert(f.kind);
        if (f.expected == "none") controls.insert(f.kind);
    }
    std::set<std::string> present;
    for (const auto& e : fs::directory_iterator(VSPACE_HOSTILE_DIR))
        if (e.path().filename() != "MANIFEST.tsv") present.insert(e.path().filename().string());
    EXPECT_EQ(present, listed) << "run tests/data/make_hostile.py: the folder and its manifest disagree";
    const std::set<std::string> readers{"npy", "fvecs", "ivecs", "bvecs", "word2vec_text", "glove",
                                        "word2vec_binary", "idx", "idx_gz", "hnsw", "folder"};
    EXPECT_EQ(kinds, readers);
    for (const auto& k : readers) {
        if (k != "folder") {
            EXPECT_TRUE(controls.count(k)) << "no valid control file for " << k;
        }
    }
}

TEST(hostile_files, npy_files_are_refused_naming_the_file) {
    check_kind("npy", {{"read_npy<float>", [](const fs::path& p) { (void)read_npy<float>(p); }},
                       {"read_npy_array<double>", [](const fs::path& p) { (void)read_npy_array<double>(p); }},
                       by_load_vectors});
}

TEST(hostile_files, texmex_files_are_refused_naming_the_file) {
    check_kind("fvecs", {{"read_fvecs", [](const fs::path& p) { (void)read_fvecs(p); }}, by_load_vectors});
    check_kind("ivecs", {{"read_ivecs", [](const fs::path& p) { (void)read_ivecs(p); }}, by_load_vectors});
    check_kind("bvecs", {{"read_bvecs", [](const fs::path& p) { (void)read_bvecs(p); }}, by_load_vectors});
}

TEST(hostile_files, word_vector_text_files_are_refused_naming_the_file) {
    const std::vector<reader> readers{
        {"read_word_vectors (1 thread)", [](const fs::path& p) { (void)read_word_vectors(p, {.n_threads = 1}); }},
        {"read_word_vectors (2 threads)", [](const fs::path& p) { (void)read_word_vectors(p, {.n_threads = 2}); }},
        by_load_vectors};
    check_kind("word2vec_text", readers);
    check_kind("glove", readers);
}

TEST(hostile_files, word2vec_binary_files_are_refused_naming_the_file) {
    check_kind("word2vec_binary",
               {{"read_word_vectors", [](const fs::path& p) { (void)read_word_vectors(p); }},
                {"parse_word2vec_binary",
                 [](const fs::path& p) {
                     const mapped_file f(p, "test");
                     (void)parse_word2vec_binary(f.bytes(), f.name());
                 }},
                by_load_vectors});
}

TEST(hostile_files, idx_files_plain_and_gzip_are_refused_naming_the_file) {
    const std::vector<reader> readers{{"read_idx_matrix", [](const fs::path& p) { (void)read_idx_matrix(p); }},
                                      {"read_idx_array<float>", [](const fs::path& p) { (void)read_idx_array<float>(p); }},
                                      by_load_vectors};
    check_kind("idx", readers);
    check_kind("idx_gz", readers);
}

TEST(hostile_files, index_files_are_refused_naming_the_file) {
    using index = hnsw_index<l2, float>;
    check_kind("hnsw", {{"hnsw_index::load", [](const fs::path& p) { (void)index::load(p); }},
                        {"hnsw_index::view", [](const fs::path& p) { (void)index::view(p); }}});
}

TEST(hostile_files, a_folder_is_an_io_error_for_every_reader) {
    check_kind("folder", {{"read_npy<float>", [](const fs::path& p) { (void)read_npy<float>(p); }},
                          {"read_fvecs", [](const fs::path& p) { (void)read_fvecs(p); }},
                          {"read_word_vectors", [](const fs::path& p) { (void)read_word_vectors(p); }},
                          {"read_idx_matrix", [](const fs::path& p) { (void)read_idx_matrix(p); }},
                          {"read_lines", [](const fs::path& p) { (void)read_lines(p); }},
                          {"hnsw_index::load", [](const fs::path& p) { (void)hnsw_index<l2, float>::load(p); }},
                          by_load_vectors});
}

// Not in the corpus (it would be 1 MiB): a text line one byte over read_lines' limit, and one
// exactly at it.
TEST(hostile_files, a_text_line_over_the_limit_is_a_format_error_naming_the_file) {
    const std::size_t limit = lines_options{}.max_line_bytes;
    const auto path = test::temp_path("hostile_long_line.txt");
    std::ofstream(path, std::ios::binary) << "first\n" << std::string(limit + 1, 'x') << "\nlast\n";
    try {
        (void)read_lines(path);
        ADD_FAILURE() << "a line of " << limit + 1 << " bytes was read";
    } catch (const format_error& e) {
        EXPECT_EQ(class_name(e), "format_error");
        EXPECT_NE(std::string(e.what()).find("hostile_long_line.txt"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string(limit, 'x') << "\r\n";
    EXPECT_EQ(read_lines(path).at(0).size(), limit);  // the limit itself is allowed, without the "\r\n"
    fs::remove(path);
}

}  // namespace
