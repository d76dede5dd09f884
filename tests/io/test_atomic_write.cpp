// SPDX-License-Identifier: MIT
// "Never lose data": a writer killed in the middle of overwriting a file must leave the old file
// byte for byte (io/atomic_file.hpp writes a temporary `<name>.tmp-<pid>-<n>` beside the target
// and renames it only once complete). A forked child overwrites a valid file with a large new
// one (save_npy of a 200 MB matrix, hnsw_index::save of a 128 MB index); the parent waits until
// the child's temporary holds data, SIGKILLs it, and checks the target. A write that completes
// must replace the file.
#include "test_data.hpp"

#include <vspace/index/hnsw.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/l2.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace vspace;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

std::string bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// A fresh, empty folder for one test.
fs::path fresh_folder(const std::string& name) {
    const auto dir = test::temp_path(name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// The temporary `atomic_file` makes for `target` in process `pid`, if it exists.
fs::path temporary_of(const fs::path& target, pid_t pid) {
    const std::string prefix = target.filename().string() + ".tmp-" + std::to_string(pid) + "-";
    for (const auto& e : fs::directory_iterator(target.parent_path()))
        if (e.path().filename().string().rfind(prefix, 0) == 0) return e.path();
    return {};
}

enum class outcome { killed_mid_write, finished_first, failed };

/// Forks a child that runs `write` and exits; kills it with SIGKILL as soon as its temporary
/// beside `target` holds at least 1 MiB. Gives up (and kills it) after 30 s.
outcome kill_during_write(const fs::path& target, const std::function<void()>& write, std::string& why) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        why = "fork failed";
        return outcome::failed;
    }
    if (pid == 0) {
        try {
            write();
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(0);
    }
    const auto deadline = clock_type::now() + std::chrono::seconds(30);
    for (;;) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            why = "the child exited with status " + std::to_string(status) + " before it could be killed mid-write";
            return outcome::finished_first;
        }
        std::error_code ec;
        const fs::path temp = temporary_of(target, pid);
        if (!temp.empty() && fs::file_size(temp, ec) >= (std::size_t{1} << 20) && !ec) break;
        if (clock_type::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            why = "no temporary file with data appeared within 30 s";
            return outcome::failed;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
        why = "the child was not killed by SIGKILL (status " + std::to_string(status) + ")";
        return outcome::failed;
    }
    return outcome::killed_mid_write;
}

/// Removes the temporaries a killed writer leaves, checking they are the only extra files.
void expect_only_target_and_temporaries(const fs::path& target) {
    for (const auto& e : fs::directory_iterator(target.parent_path())) {
        if (e.path() == target) continue;
        EXPECT_NE(e.path().filename().string().find(".tmp-"), std::string::npos) << "unexpected " << e.path();
        fs::remove(e.path());
    }
}

matrix<float> small_matrix(std::size_t rows, std::size_t dims, float base) {
    matrix<float> m(rows, dims);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = base + static_cast<float>(i * dims + j);
    return m;
}

TEST(never_lose_data, a_killed_save_npy_leaves_the_old_file_byte_for_byte) {
    const fs::path dir = fresh_folder("atomic_npy"), target = dir / "vectors.npy";
    const auto old_matrix = small_matrix(10, 4, 0.5f);
    save_npy(target, old_matrix);
    const std::string old_bytes = bytes_of(target);

    std::string why;
    const outcome o = kill_during_write(target, [&] {
        matrix<float> big(50000, 1000);  // 200 MB
        big(0, 0) = 42;
        save_npy(target, big);
    }, why);
    if (o == outcome::failed && why == "fork failed") GTEST_SKIP() << "fork is not available";
    ASSERT_EQ(o, outcome::killed_mid_write) << why;

    EXPECT_TRUE(bytes_of(target) == old_bytes) << "the target changed";
    const auto back = read_npy<float>(target);
    ASSERT_EQ(back.rows(), 10u);
    ASSERT_EQ(back.dims(), 4u);
    for (std::size_t i = 0; i < 10; ++i)
        for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(back(i, j), old_matrix(i, j));
    expect_only_target_and_temporaries(target);

    // A write that completes replaces the file, and leaves no temporary.
    const auto new_matrix = small_matrix(7, 3, 100);
    save_npy(target, new_matrix);
    EXPECT_FALSE(bytes_of(target) == old_bytes);
    const auto now = read_npy<float>(target);
    ASSERT_EQ(now.rows(), 7u);
    EXPECT_EQ(now(6, 2), new_matrix(6, 2));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
    fs::remove_all(dir);
}

TEST(never_lose_data, a_killed_hnsw_save_leaves_the_old_index_byte_for_byte) {
    using index_type = hnsw_index<l2, float>;
    const fs::path dir = fresh_folder("atomic_hnsw"), target = dir / "index.vsi";
    const auto base = small_matrix(200, 8, 0);
    index_type old_index(8, {.m = 4, .ef_construction = 20, .n_threads = 1, .seed = 3});
    old_index.add(base);
    old_index.save(target);
    const std::string old_bytes = bytes_of(target);
    const auto want = old_index.search(base.view(), 3);

    std::string why;
    const outcome o = kill_during_write(target, [&] {
        // 8 vectors of 2^22 dims: a 128 MB file that takes little time to build
        const std::size_t dims = std::size_t{1} << 22;
        matrix<float> wide(8, dims);
        for (std::size_t i = 0; i < 8; ++i) wide(i, i) = 1;
        index_type big(dims, {.m = 2, .ef_construction = 4, .n_threads = 1});
        big.add(wide);
        big.save(target);
    }, why);
    if (o == outcome::failed && why == "fork failed") GTEST_SKIP() << "fork is not available";
    ASSERT_EQ(o, outcome::killed_mid_write) << why;

    EXPECT_TRUE(bytes_of(target) == old_bytes) << "the target changed";
    const auto loaded = index_type::load(target);
    EXPECT_EQ(loaded.size(), 200u);
    EXPECT_EQ(loaded.search(base.view(), 3).all_ids(), want.all_ids());
    expect_only_target_and_temporaries(target);

    index_type other(8, {.m = 4, .ef_construction = 20, .n_threads = 1, .seed = 3});
    other.add(base.view().subview(0, 50));
    other.save(target);
    EXPECT_FALSE(bytes_of(target) == old_bytes);
    EXPECT_EQ(index_type::load(target).size(), 50u);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
    fs::remove_all(dir);
}

}  // namespace
