// SPDX-License-Identifier: MIT
// Running the `vspace` tool from tests: a fixture that spawns the built binary with a fresh
// folder per test and captures stdout and stderr, small file writers, brute-force references,
// and the machinery of the bad-input cases (the error contract: non-zero exit, exactly one line
// on stderr naming the file or the problem, no output file left behind, an existing output
// untouched). Shared by the test files of tests/cli/.
#pragma once

#include "test_data.hpp"

#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/io/npy.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vspace::cli_test {


namespace fs = std::filesystem;

struct run_result {
    int status = -1;  ///< exit status, or 128 + signal
    std::string out, err;
    /// Lines on stderr (a final line without '\n' counts too).
    std::size_t err_lines() const {
        return static_cast<std::size_t>(std::count(err.begin(), err.end(), '\n')) +
               (!err.empty() && err.back() != '\n');
    }
};

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A .npy file by hand, for headers no writer would produce: `header_dict` is the Python dict,
/// `data` the payload.
inline std::string npy_bytes(const std::string& header_dict, const std::string& data) {
    std::string h = header_dict;
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(h.size() & 0xff);
    out += static_cast<char>(h.size() >> 8);
    return out + h + data;
}

inline matrix<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    matrix<float> m(rows, dims);
    vspace::rng gen(seed);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = static_cast<float>(gen.normal());
    return m;
}

/// Brute-force distance in double precision, as the CLI reports it.
inline double reference_distance(const matrix<float>& a, std::size_t i, const matrix<float>& b, std::size_t j,
                          const std::string& metric) {
    double dot = 0, na = 0, nb = 0, l2 = 0;
    for (std::size_t d = 0; d < a.dims(); ++d) {
        const double x = a(i, d), y = b(j, d);
        dot += x * y, na += x * x, nb += y * y, l2 += (x - y) * (x - y);
    }
    if (metric == "l2") return std::sqrt(l2);
    if (metric == "cosine") return 1 - dot / std::sqrt(na * nb);
    return -dot;  // ip
}

class cli : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string("cli_") + info->test_suite_name() + "_" + info->name();
        std::replace(name.begin(), name.end(), '/', '_');  // parameterized names hold slashes
        dir_ = vspace::test::temp_path(name);
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }

    fs::path file(const std::string& name) const { return dir_ / name; }

    /// Runs the tool with `args`; stdout and stderr are captured (stderr is not a terminal, so
    /// no progress is drawn).
    run_result run(const std::vector<std::string>& args) const {
        std::vector<std::string> all{VSPACE_CLI};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        const fs::path out = file("stdout.txt"), err = file("stderr.txt");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t pid = 0;
        run_result r;
        if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
            posix_spawn_file_actions_destroy(&actions);
            ADD_FAILURE() << "cannot start " << VSPACE_CLI;
            return r;
        }
        posix_spawn_file_actions_destroy(&actions);
        int status = 0;
        waitpid(pid, &status, 0);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = slurp(out);
        r.err = slurp(err);
        fs::remove(out);
        fs::remove(err);
        return r;
    }

    /// Checks the failure contract: exit status 1 or 2 (not a crash), one line on stderr that
    /// contains every `needles` string, and no file in the folder besides `keep`.
    void expect_clean_failure(const run_result& r, const std::vector<std::string>& needles,
                              const std::vector<std::string>& keep) const {
        EXPECT_TRUE(r.status == 1 || r.status == 2) << "exit status " << r.status << "\nstderr: " << r.err;
        EXPECT_EQ(r.err_lines(), 1u) << "stderr: " << r.err;
        EXPECT_EQ(r.err.rfind("vspace", 0), 0u) << r.err;
        for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
        for (const auto& e : fs::directory_iterator(dir_)) {
            const std::string name = e.path().filename().string();
            EXPECT_TRUE(std::find(keep.begin(), keep.end(), name) != keep.end()) << "left behind: " << name;
        }
    }

    fs::path dir_;
};

/// Mean fraction of the exact neighbours (by double-precision brute force) among the ids.
inline double recall(const vspace::array2d<std::int64_t>& ids, const matrix<float>& queries, const matrix<float>& base,
              const std::string& metric) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < queries.rows(); ++q) {
        std::vector<std::pair<double, std::int64_t>> all;
        for (std::size_t i = 0; i < base.rows(); ++i)
            all.emplace_back(reference_distance(queries, q, base, i, metric), static_cast<std::int64_t>(i));
        std::sort(all.begin(), all.end());
        for (std::size_t j = 0; j < ids.cols; ++j)
            for (std::size_t t = 0; t < ids.cols; ++t) hits += ids(q, j) == all[t].second;
    }
    return static_cast<double>(hits) / static_cast<double>(ids.rows * ids.cols);
}

/// One bad-input case: files to create (name -> bytes), arguments (with "@name" replaced by
/// the path of that file) and substrings the error line must contain.
struct bad_case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> files;
    std::vector<std::string> args;
    std::vector<std::string> needles;
};

inline std::string good_npy(std::size_t rows, std::size_t dims, std::uint64_t seed) {
    const auto m = random_matrix(rows, dims, seed);
    std::string data;
    for (std::size_t i = 0; i < rows; ++i)
        data.append(reinterpret_cast<const char*>(m.row_data(i)), dims * sizeof(float));
    return npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                         std::to_string(dims) + "), }",
                     data);
}

/// A valid float .npy with element `at` (row-major) replaced by `value`.
inline std::string with_value(std::size_t rows, std::size_t dims, std::size_t at, float value) {
    std::string bytes = good_npy(rows, dims, 9);
    const std::size_t data = bytes.size() - rows * dims * sizeof(float);
    std::memcpy(bytes.data() + data + at * sizeof(float), &value, sizeof value);
    return bytes;
}

class bad_input : public cli, public ::testing::WithParamInterface<bad_case> {
protected:
    std::vector<std::string> expand(const std::vector<std::string>& args) const {
        std::vector<std::string> out;
        for (const auto& a : args) out.push_back(a.rfind('@', 0) == 0 ? (dir_ / a.substr(1)).string() : a);
        return out;
    }
    std::vector<std::string> inputs() const {
        std::vector<std::string> names;
        for (const auto& [name, bytes] : GetParam().files) {
            write_bytes(file(name), bytes);
            names.push_back(name);
        }
        return names;
    }

    /// The case fails cleanly and writes nothing.
    void expect_fails_with_one_line_and_no_output() const {
        const auto names = inputs();
        const auto r = run(expand(GetParam().args));
        expect_clean_failure(r, GetParam().needles, names);
    }

    /// The case fails cleanly and leaves an existing "ids.npy" as it was.
    void expect_existing_output_intact() const {
        auto names = inputs();
        write_bytes(file("ids.npy"), "precious");
        names.push_back("ids.npy");
        const auto r = run(expand(GetParam().args));
        expect_clean_failure(r, GetParam().needles, names);
        EXPECT_EQ(slurp(file("ids.npy")), "precious");
    }
};

}  // namespace vspace::cli_test
