// SPDX-License-Identifier: MIT
// core/parallel.hpp: resolve_threads, and both loops cover [0, n) exactly once for every
// shape of (threads, n) with worker indices in range; parallel_for's split is the documented
// one; an exception from any worker reaches the caller after every thread has joined, and
// parallel_for_dynamic stops handing out chunks after it.
#include <vspace/core/parallel.hpp>

#include <vspace/core/error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace vspace;

TEST(parallel, resolve_threads) {
    const unsigned hw = std::thread::hardware_concurrency();
    EXPECT_EQ(resolve_threads(0), hw == 0 ? 1u : hw);
    EXPECT_GE(resolve_threads(0), 1u);
    EXPECT_EQ(resolve_threads(1), 1u);
    EXPECT_EQ(resolve_threads(3), 3u);
    EXPECT_EQ(resolve_threads(64), 64u);
}

const std::vector<std::size_t> thread_counts = {0, 1, 2, 3, 4, 7, 16};
const std::vector<std::size_t> sizes = {0, 1, 2, 3, 5, 15, 16, 17, 1000, 100003};

struct call {
    std::size_t begin, end, worker;
};

TEST(parallel, parallel_for_covers_every_index_once) {
    for (std::size_t threads : thread_counts)
        for (std::size_t n : sizes) {
            std::vector<std::atomic<int>> hits(n);
            std::mutex m;
            std::vector<call> calls;
            std::set<std::thread::id> thread_ids;
            parallel_for(threads, n, [&](std::size_t b, std::size_t e, std::size_t w) {
                for (std::size_t i = b; i < e; ++i) hits[i].fetch_add(1, std::memory_order_relaxed);
                std::lock_guard lock(m);
                calls.push_back({b, e, w});
                thread_ids.insert(std::this_thread::get_id());
            });
            const std::string where = "threads=" + std::to_string(threads) + " n=" + std::to_string(n);
            for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << where << " i=" << i;
            if (n == 0) {
                EXPECT_TRUE(calls.empty()) << where;
                continue;
            }
            // One contiguous block per worker, split exactly as documented: [n w / W, n (w+1) / W).
            const std::size_t workers = std::min(resolve_threads(threads), n);
            ASSERT_EQ(calls.size(), workers) << where;
            EXPECT_EQ(thread_ids.size(), workers) << where << ": each worker on its own thread";
            std::vector<bool> seen(workers, false);
            for (const call& c : calls) {
                ASSERT_LT(c.worker, workers) << where;
                EXPECT_FALSE(seen[c.worker]) << where << " worker " << c.worker << " called twice";
                seen[c.worker] = true;
                EXPECT_EQ(c.begin, n * c.worker / workers) << where;
                EXPECT_EQ(c.end, n * (c.worker + 1) / workers) << where;
                EXPECT_LT(c.begin, c.end) << where;
            }
        }
}

TEST(parallel, parallel_for_dynamic_covers_every_index_once) {
    for (std::size_t threads : thread_counts)
        for (std::size_t n : sizes)
            for (std::size_t grain : {0u, 1u, 3u, 64u, 200000u}) {
                std::vector<std::atomic<int>> hits(n);
                std::atomic<std::size_t> calls{0}, bad{0};
                const std::size_t g = std::max<std::size_t>(grain, 1);
                const std::size_t chunks = (n + g - 1) / g;
                const std::size_t workers = std::min(resolve_threads(threads), chunks);
                parallel_for_dynamic(threads, n, grain, [&](std::size_t b, std::size_t e, std::size_t w) {
                    calls.fetch_add(1);
                    // Chunks start on a multiple of the grain and are full except the last.
                    if (w >= workers || b % g != 0 || e != std::min(n, b + g) || b >= e) bad.fetch_add(1);
                    for (std::size_t i = b; i < e; ++i) hits[i].fetch_add(1, std::memory_order_relaxed);
                });
                const std::string where = "threads=" + std::to_string(threads) + " n=" + std::to_string(n) +
                                          " grain=" + std::to_string(grain);
                for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << where << " i=" << i;
                EXPECT_EQ(calls.load(), chunks) << where;
                EXPECT_EQ(bad.load(), 0u) << where;
            }
}

TEST(parallel, exception_from_a_helper_thread_reaches_the_caller_after_all_join) {
    for (std::size_t thrower : {0u, 1u, 3u}) {  // 0 is the calling thread
        std::atomic<int> finished{0};
        try {
            parallel_for(4, 4000, [&](std::size_t, std::size_t, std::size_t w) {
                if (w == thrower) VSPACE_THROW(data_error, "worker ", w, " failed");
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                finished.fetch_add(1);
            });
            FAIL() << "expected data_error";
        } catch (const data_error& e) {
            EXPECT_EQ(std::string(e.what()), "worker " + std::to_string(thrower) + " failed");
        }
        // Every other worker ran to the end before the exception came out: nothing still
        // touches the caller's stack.
        EXPECT_EQ(finished.load(), 3) << "thrower " << thrower;
    }
}

TEST(parallel, one_of_several_exceptions_is_rethrown) {
    try {
        parallel_for(8, 8, [](std::size_t b, std::size_t, std::size_t) {
            throw std::runtime_error("block " + std::to_string(b));
        });
        FAIL() << "expected runtime_error";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("block ", 0), 0u) << what;
    }
    // Single-threaded: the exception passes straight through.
    EXPECT_THROW(parallel_for(1, 10, [](std::size_t, std::size_t, std::size_t) { throw shape_error("s"); }),
                 shape_error);
}

TEST(parallel, parallel_for_dynamic_stops_after_an_exception) {
    // Chunk 0 throws; the others sleep, so a loop that kept going would need n ms per worker.
    const std::size_t n = 20000;
    std::atomic<std::size_t> done{0};
    try {
        parallel_for_dynamic(4, n, 1, [&](std::size_t b, std::size_t, std::size_t) {
            if (b == 0) throw io_error("chunk 0");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            done.fetch_add(1);
        });
        FAIL() << "expected io_error";
    } catch (const io_error& e) {
        EXPECT_STREQ(e.what(), "chunk 0");
    }
    EXPECT_LT(done.load(), n / 10) << "chunks kept being handed out after the failure";
}

TEST(parallel, nested_loops_do_not_deadlock) {
    std::vector<std::atomic<int>> hits(6 * 50);
    parallel_for(3, 6, [&](std::size_t b, std::size_t e, std::size_t) {
        for (std::size_t i = b; i < e; ++i)
            parallel_for_dynamic(2, 50, 7, [&](std::size_t b2, std::size_t e2, std::size_t) {
                for (std::size_t j = b2; j < e2; ++j) hits[i * 50 + j].fetch_add(1);
            });
    });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
}

}  // namespace
