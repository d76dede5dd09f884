// SPDX-License-Identifier: MIT
/// @file
/// `parallel_for`: run a loop over [0, n) on `n_threads` threads, with no hidden global pool.
/// Threads are started per call and joined before it returns; the calling thread does a share
/// of the work. The first exception thrown by any worker is rethrown after all have joined.
#pragma once

#include <vspace/config.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace vspace {

/// The number of threads `n_threads` stands for: 0 means all hardware threads (at least 1).
inline std::size_t resolve_threads(std::size_t n_threads) noexcept {
    if (n_threads != 0) return n_threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : hw;
}

namespace detail {

/// Runs `body(worker)` on `workers` threads (worker 0 is the caller) and rethrows the first
/// exception after joining. `failed` lets cooperative bodies stop early.
template <class Body>
void run_workers(std::size_t workers, std::atomic<bool>& failed, Body&& body) {
    if (workers <= 1) {
        body(std::size_t{0});
        return;
    }
#if defined(VSPACE_NO_EXCEPTIONS)
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    for (std::size_t w = 1; w < workers; ++w) threads.emplace_back([&body, w] { body(w); });
    body(std::size_t{0});
    for (auto& t : threads) t.join();
    (void)failed;
#else
    std::exception_ptr first;
    std::mutex first_mutex;
    auto guarded = [&](std::size_t w) {
        try {
            body(w);
        } catch (...) {
            std::lock_guard lock(first_mutex);
            if (!first) first = std::current_exception();
            failed.store(true, std::memory_order_relaxed);
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    try {
        for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(guarded, w);
    } catch (...) {  // could not start a thread: finish with those we have
        failed.store(true, std::memory_order_relaxed);
        for (auto& t : threads) t.join();
        throw;
    }
    guarded(0);
    for (auto& t : threads) t.join();
    if (first) std::rethrow_exception(first);
#endif
}

}  // namespace detail

/// Calls `fn(begin, end, worker)` on contiguous blocks that split [0, n) evenly, one block per
/// worker (`worker` < number of workers, for per-thread scratch space). The split depends only
/// on n and the thread count, so results that depend on it are reproducible.
///
/// Use it for loops whose iterations cost about the same; see `parallel_for_dynamic` otherwise.
/// @param n_threads 0 = all hardware threads; never more workers than items.
template <class Fn>
void parallel_for(std::size_t n_threads, std::size_t n, Fn&& fn) {
    if (n == 0) return;
    const std::size_t workers = std::min(resolve_threads(n_threads), n);
    std::atomic<bool> failed{false};
    detail::run_workers(workers, failed, [&](std::size_t w) {
        const std::size_t begin = n * w / workers, end = n * (w + 1) / workers;
        if (begin < end) fn(begin, end, w);
    });
}

/// Calls `fn(begin, end, worker)` on chunks of `grain` items handed out on demand: balanced
/// when iterations vary in cost. Which worker runs a chunk varies from run to run, so `fn`
/// must write results by item index, not by worker. Stops handing out chunks after an error.
template <class Fn>
void parallel_for_dynamic(std::size_t n_threads, std::size_t n, std::size_t grain, Fn&& fn) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t chunks = (n + grain - 1) / grain;
    const std::size_t workers = std::min(resolve_threads(n_threads), chunks);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    detail::run_workers(workers, failed, [&](std::size_t w) {
        while (!failed.load(std::memory_order_relaxed)) {
            const std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
            if (c >= chunks) break;
            fn(c * grain, std::min(n, (c + 1) * grain), w);
        }
    });
}

}  // namespace vspace
