// SPDX-License-Identifier: MIT
/// @file
/// Progress output of the `vspace` tool: a bar with rate and ETA for long steps and short notes,
/// both on stderr and only when stderr is a terminal and `--quiet` is off. Scripts that pipe
/// stderr therefore see nothing but errors and warnings.
#pragma once

#include "command.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include <unistd.h>

namespace vspace::cli {

/// True when progress should be drawn: stderr is a terminal and `--quiet` was not given.
inline bool progress_enabled(const common_options& common) {
    return !common.quiet && ::isatty(STDERR_FILENO) == 1;
}

/// Prints one printf-style line on stderr when progress is enabled ("loaded base.npy: ...").
[[gnu::format(printf, 2, 3)]] inline void note(const common_options& common, const char* format, ...) {
    if (!progress_enabled(common)) return;
    std::va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
    std::fputc('\n', stderr);
}

/// Prints a warning line on stderr unless `--quiet` (terminal or not: warnings matter to scripts).
[[gnu::format(printf, 2, 3)]] inline void warn(const common_options& common, const char* format, ...) {
    if (common.quiet) return;
    std::fputs("vspace: warning: ", stderr);
    std::va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
    std::fputc('\n', stderr);
}

/// Seconds since a start point, for the timings commands print.
class stopwatch {
public:
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// A progress bar for a step of `total` units: "label [#####-----]  48%  4800/10000  1.2k/s  ETA 4s".
/// `advance` is thread-safe and cheap (one atomic add; the bar is redrawn at most 10 times a
/// second, by whichever thread gets there). `finish` prints the final line; a bar destroyed
/// without `finish` (an exception unwinding) erases itself so that the error line starts clean.
class progress {
public:
    progress(std::string_view label, std::uint64_t total, const common_options& common)
        : label_(label), total_(std::max<std::uint64_t>(total, 1)), enabled_(progress_enabled(common)) {
        if (enabled_) draw(0);
    }
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;

    ~progress() {
        if (enabled_ && !finished_) std::fputs("\r\033[K", stderr);
    }

    /// Records `n` more units done.
    void advance(std::uint64_t n = 1) {
        const std::uint64_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
        if (!enabled_) return;
        const auto now = clock::now();
        std::unique_lock lock(mutex_, std::try_to_lock);  // busy: another thread is drawing
        if (!lock || now - last_draw_ < std::chrono::milliseconds(100)) return;
        last_draw_ = now;
        draw(done);
    }

    /// Prints "label: done in 1.2 s" and ends the line.
    void finish() {
        if (!enabled_ || finished_) return;
        std::lock_guard lock(mutex_);
        finished_ = true;
        std::fprintf(stderr, "\r\033[K%s: %llu done in %.2f s\n", label_.c_str(),
                     static_cast<unsigned long long>(done_.load()), watch_.seconds());
    }

private:
    using clock = std::chrono::steady_clock;

    void draw(std::uint64_t done) const {
        constexpr int width = 30;
        const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
        const double elapsed = watch_.seconds();
        const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
        char bar[width + 1];
        const int filled = static_cast<int>(fraction * width);
        for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '-';
        bar[width] = '\0';
        char eta[32] = "";
        if (rate > 0 && done < total_)
            std::snprintf(eta, sizeof eta, "ETA %s", duration(static_cast<double>(total_ - done) / rate).c_str());
        std::fprintf(stderr, "\r\033[K%s [%s] %3d%%  %llu/%llu  %s/s  %s", label_.c_str(), bar,
                     static_cast<int>(fraction * 100), static_cast<unsigned long long>(done),
                     static_cast<unsigned long long>(total_), human(rate).c_str(), eta);
        std::fflush(stderr);
    }

    static std::string human(double x) {  // 1234 -> "1.2k"
        char buf[32];
        if (x >= 1e6) std::snprintf(buf, sizeof buf, "%.1fM", x / 1e6);
        else if (x >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk", x / 1e3);
        else std::snprintf(buf, sizeof buf, "%.0f", x);
        return buf;
    }

    static std::string duration(double s) {  // 75 -> "1m15s"
        char buf[32];
        if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
        else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
        else std::snprintf(buf, sizeof buf, "%.0fs", s);
        return buf;
    }

    std::string label_;
    std::uint64_t total_;
    bool enabled_;
    bool finished_ = false;
    std::atomic<std::uint64_t> done_{0};
    std::mutex mutex_;
    clock::time_point last_draw_{};
    stopwatch watch_;
};

}  // namespace vspace::cli
