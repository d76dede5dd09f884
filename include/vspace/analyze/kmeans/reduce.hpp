// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Sums over points that come out bit-identical whatever the thread count: points are cut into
/// fixed chunks, each chunk is summed in order, and the chunk sums are added in order.
#pragma once

#include <vspace/core/parallel.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace vspace::detail {

/// Points per chunk of a deterministic reduction.
inline constexpr std::size_t reduce_chunk = 4096;

/// Calls `fn(begin, end)` on every chunk of [0, n) (in parallel) and returns, per chunk, the
/// double it returned. The caller adds them in order.
template <class Fn>
std::vector<double> chunk_sums(std::size_t n, std::size_t n_threads, Fn&& fn) {
    const std::size_t chunks = (n + reduce_chunk - 1) / reduce_chunk;
    std::vector<double> sums(chunks, 0.0);
    parallel_for_dynamic(n_threads, chunks, 1, [&](std::size_t first, std::size_t last, std::size_t) {
        for (std::size_t c = first; c < last; ++c)
            sums[c] = fn(c * reduce_chunk, std::min(n, (c + 1) * reduce_chunk));
    });
    return sums;
}

/// Sum over i in [0, n) of `value(i)` (a double), independent of the thread count.
template <class Value>
double deterministic_sum(std::size_t n, std::size_t n_threads, Value&& value) {
    const auto sums = chunk_sums(n, n_threads, [&](std::size_t begin, std::size_t end) {
        double s = 0;
        for (std::size_t i = begin; i < end; ++i) s += value(i);
        return s;
    });
    double total = 0;
    for (double s : sums) total += s;
    return total;
}

}  // namespace vspace::detail
/// @endcond
