// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `shared_gate`: a reader/writer lock that prefers writers. Searches hold it shared; an add
/// takes it exclusively only for the moment it moves storage to grow it, and `compact` for its
/// whole run. glibc's `std::shared_mutex` prefers readers, so a steady stream of overlapping
/// searches could starve the writer forever; here a waiting writer stops new readers.
#pragma once

#include <atomic>
#include <cstdint>

namespace vspace::detail {

class shared_gate {
public:
    void lock_shared() noexcept {
        std::uint32_t s = state_.load(std::memory_order_relaxed);
        for (;;) {
            if (s & writer) {
                state_.wait(s, std::memory_order_relaxed);
                s = state_.load(std::memory_order_relaxed);
            } else if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire, std::memory_order_relaxed)) {
                return;
            }
        }
    }

    void unlock_shared() noexcept {
        if (state_.fetch_sub(1, std::memory_order_release) == writer + 1) state_.notify_all();
    }

    /// Exclusive access; writers must be serialized by the caller.
    void lock() noexcept {
        std::uint32_t s = state_.fetch_or(writer, std::memory_order_acquire) | writer;
        while (s != writer) {  // wait for the readers inside to leave
            state_.wait(s, std::memory_order_acquire);
            s = state_.load(std::memory_order_acquire);
        }
    }

    void unlock() noexcept {
        state_.fetch_and(~writer, std::memory_order_release);
        state_.notify_all();
    }

private:
    static constexpr std::uint32_t writer = std::uint32_t{1} << 31;
    std::atomic<std::uint32_t> state_{0};  // writer bit | number of readers inside
};

/// RAII shared hold of a gate.
class shared_hold {
public:
    explicit shared_hold(shared_gate& g) noexcept : g_(g) { g_.lock_shared(); }
    ~shared_hold() { g_.unlock_shared(); }
    shared_hold(const shared_hold&) = delete;
    shared_hold& operator=(const shared_hold&) = delete;

private:
    shared_gate& g_;
};

/// RAII exclusive hold of a gate.
class exclusive_hold {
public:
    explicit exclusive_hold(shared_gate& g) noexcept : g_(g) { g_.lock(); }
    ~exclusive_hold() { g_.unlock(); }
    exclusive_hold(const exclusive_hold&) = delete;
    exclusive_hold& operator=(const exclusive_hold&) = delete;

private:
    shared_gate& g_;
};

}  // namespace vspace::detail
/// @endcond
