// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The input affinities P of t-SNE as a sparse matrix: the conditional p_(j|i) of each point
/// over its neighbours, and their symmetrisation p_ij = (p_(j|i) + p_(i|j)) / 2n (van der Maaten
/// 2014, section 4.1). Perplexity calibration, which fills the conditional rows, is in
/// perplexity.hpp (it needs Boost.Math; this file does not).
#pragma once

#include <vspace/core/parallel.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace vspace::detail {

/// A sparse matrix in compressed rows: row i holds columns[offsets[i] .. offsets[i+1]) with
/// their values. For P, columns of a row are increasing and there is no diagonal.
struct sparse_rows {
    std::size_t n = 0;  ///< rows (points)
    std::vector<std::size_t> offsets;  ///< n + 1
    std::vector<std::uint32_t> columns;
    std::vector<float> values;

    std::size_t nnz() const noexcept { return columns.size(); }
    std::size_t row_begin(std::size_t i) const noexcept { return offsets[i]; }
    std::size_t row_end(std::size_t i) const noexcept { return offsets[i + 1]; }
};

/// Rows of equal length k (a kNN graph's shape): row i = ids[i*k .. i*k+k) with `values`.
inline sparse_rows fixed_rows(std::size_t n, std::size_t k, std::vector<std::uint32_t> ids, std::vector<float> values) {
    sparse_rows r;
    r.n = n;
    r.offsets.resize(n + 1);
    for (std::size_t i = 0; i <= n; ++i) r.offsets[i] = i * k;
    r.columns = std::move(ids);
    r.values = std::move(values);
    return r;
}

/// P = (C + C^T) / (2n) from the conditional rows C (each row sums to 1, no diagonal), so that
/// P is symmetric and sums to 1. Each row's columns come out sorted, duplicates merged; the
/// result does not depend on the thread count.
inline sparse_rows symmetrize(const sparse_rows& c, std::size_t n_threads) {
    const std::size_t n = c.n;
    // Scatter C and C^T into one unmerged row structure: row i gets C's row i, then the
    // entries (j -> i) of every row j, in increasing j.
    std::vector<std::size_t> start(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        start[i + 1] += c.row_end(i) - c.row_begin(i);
        for (std::size_t e = c.row_begin(i); e < c.row_end(i); ++e) ++start[c.columns[e] + 1];
    }
    for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    std::vector<std::uint32_t> cols(start[n]);
    std::vector<float> vals(start[n]);
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = c.row_begin(i); e < c.row_end(i); ++e) {
            cols[fill[i]] = c.columns[e], vals[fill[i]++] = c.values[e];
        }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = c.row_begin(i); e < c.row_end(i); ++e) {
            const std::uint32_t j = c.columns[e];
            cols[fill[j]] = static_cast<std::uint32_t>(i), vals[fill[j]++] = c.values[e];
        }
    // Sort each row by column and merge the pairs (i, j) present in both directions.
    std::vector<std::size_t> kept(n + 1, 0);
    parallel_for(n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
        std::vector<std::pair<std::uint32_t, float>> row;
        for (std::size_t i = begin; i < end; ++i) {
            row.clear();
            for (std::size_t e = start[i]; e < start[i + 1]; ++e) row.emplace_back(cols[e], vals[e]);
            std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            std::size_t w = start[i];
            for (std::size_t r = 0; r < row.size(); ++r) {
                if (r > 0 && row[r].first == row[r - 1].first) {
                    vals[w - 1] += row[r].second;  // at most two entries per pair: order-free
                    continue;
                }
                cols[w] = row[r].first, vals[w++] = row[r].second;
            }
            kept[i + 1] = w - start[i];
        }
    });
    sparse_rows p;
    p.n = n;
    p.offsets.resize(n + 1);
    p.offsets[0] = 0;
    for (std::size_t i = 0; i < n; ++i) p.offsets[i + 1] = p.offsets[i] + kept[i + 1];
    p.columns.resize(p.offsets[n]);
    p.values.resize(p.offsets[n]);
    const float scale = 1.0f / (2.0f * static_cast<float>(n));
    parallel_for(n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t e = 0; e < kept[i + 1]; ++e) {
                p.columns[p.offsets[i] + e] = cols[start[i] + e];
                p.values[p.offsets[i] + e] = vals[start[i] + e] * scale;
            }
    });
    return p;
}

}  // namespace vspace::detail
/// @endcond
