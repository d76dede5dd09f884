// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Seeding of k-means: greedy k-means++ (optionally weighted), k-means‖ and uniform choice.
/// Generic over the scalar kind: `dist(a, b)` is a true metric between two rows (Euclidean
/// distance for float, Hamming distance for bits), which the triangle-inequality skip needs.
///
/// The skip (after Raff 2021, "Exact acceleration of k-means++ and k-means‖"): a point x whose
/// nearest chosen centre is c cannot move to a candidate z when d(z, c) >= 2 d(x, c), because
/// then d(x, z) >= d(z, c) - d(x, c) >= d(x, c). Most points are skipped once a few centres are
/// chosen, so each step reads only a fraction of the data; the result is the same as without it.
#pragma once

#include <vspace/analyze/kmeans/reduce.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/core/random.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace vspace::detail {

/// The distance seeding uses: a SIMD kernel over rows of `words` storage elements, with the
/// square root taken when the kernel gives squared Euclidean distances (so that it is a metric).
template <class S>
struct seeding_metric {
    simd::kernel<S> kernel;
    std::size_t words = 0;
    bool squared = false;

    float operator()(const S* a, const S* b) const noexcept { return fix(kernel.one(a, b, words)); }
    /// out[i] = distance from q to row i of `rows` rows starting at base.
    void many(const S* q, const S* base, std::size_t stride, std::size_t rows, float* out) const noexcept {
        kernel.many(q, base, stride, rows, words, out);
        for (std::size_t i = 0; i < rows; ++i) out[i] = fix(out[i]);
    }
    float fix(float d) const noexcept { return squared ? std::sqrt(std::max(0.f, d)) : d; }
};

/// Index i in [0, n) drawn with probability cost(i) / total, where `chunks` holds the sums of
/// cost over the fixed reduction chunks. Requires total > 0.
template <class Cost>
std::size_t sample_by_cost(std::size_t n, const std::vector<double>& chunks, Cost&& cost, rng& gen) {
    double total = 0;
    for (double c : chunks) total += c;
    double r = gen.uniform_double() * total;
    std::size_t c = 0;
    // Walk whole chunks first; rounding may leave r past the last positive chunk, so stop there.
    std::size_t last_positive = 0;
    for (std::size_t j = 0; j < chunks.size(); ++j)
        if (chunks[j] > 0) last_positive = j;
    for (; c < last_positive && (chunks[c] <= 0 || r >= chunks[c]); ++c) r -= std::max(chunks[c], 0.0);
    const std::size_t begin = c * reduce_chunk, end = std::min(n, begin + reduce_chunk);
    std::size_t pick = end;
    for (std::size_t i = begin; i < end; ++i) {
        const double w = cost(i);
        if (w <= 0) continue;
        pick = i;
        if (r < w) break;
        r -= w;
    }
    return pick < end ? pick : begin;
}

/// Greedy k-means++ over the rows of `data` with optional per-row weights (empty = all 1).
/// Returns k row indices. `trials` candidates are drawn per step and the one that lowers the
/// weighted cost sum(w * d^2) most is kept. When fewer than k rows have positive cost left
/// (duplicate points), the rest are drawn uniformly among rows not chosen yet.
template <class T>
std::vector<std::size_t> seed_plus_plus(matrix_view<T> data, std::span<const double> weights, std::size_t k,
                                        std::size_t trials, const seeding_metric<storage_t<T>>& dist, rng& gen,
                                        std::size_t n_threads) {
    const std::size_t n = data.rows();
    auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
    std::vector<std::size_t> chosen;
    chosen.reserve(k);
    std::vector<float> near(n);            // distance to the nearest chosen row
    std::vector<std::uint32_t> owner(n);   // which chosen row that is (index into `chosen`)
    const std::size_t n_chunks = (n + reduce_chunk - 1) / reduce_chunk;
    std::vector<double> chunk_cost(n_chunks);

    // First centre: uniform (or by weight).
    if (weights.empty()) {
        chosen.push_back(static_cast<std::size_t>(gen.below(n)));
    } else {
        for (std::size_t c = 0; c < n_chunks; ++c) {
            chunk_cost[c] = 0;
            for (std::size_t i = c * reduce_chunk; i < std::min(n, (c + 1) * reduce_chunk); ++i)
                chunk_cost[c] += weights[i];
        }
        chosen.push_back(sample_by_cost(n, chunk_cost, weight, gen));
    }
    const auto* first = data.row_data(chosen[0]);
    chunk_cost = chunk_sums(n, n_threads, [&](std::size_t begin, std::size_t end) {
        double s = 0;
        for (std::size_t i = begin; i < end; ++i) {
            near[i] = dist(data.row_data(i), first);
            s += weight(i) * double(near[i]) * near[i];
        }
        return s;
    });

    trials = std::max<std::size_t>(trials, 1);
    std::vector<std::size_t> cand(trials);
    matrix<T> cand_rows(trials, data.dims());    // contiguous, for the one-to-many kernel
    std::vector<float> cand_center(trials * k);  // d(candidate l, chosen j)
    std::vector<float> cand_near(trials * n);    // each row's distance if candidate l is added
    std::vector<double> cand_chunk_cost(trials * n_chunks);
    while (chosen.size() < k) {
        double total = 0;
        for (double c : chunk_cost) total += c;
        if (!(total > 0)) break;  // every remaining row coincides with a chosen one
        const std::size_t m = chosen.size();
        auto cost = [&](std::size_t i) { return weight(i) * double(near[i]) * near[i]; };
        for (std::size_t l = 0; l < trials; ++l) {
            cand[l] = sample_by_cost(n, chunk_cost, cost, gen);
            std::copy_n(data.row_data(cand[l]), data.words(), cand_rows.row_data(l));
            for (std::size_t j = 0; j < m; ++j)
                cand_center[l * k + j] = dist(data.row_data(cand[l]), data.row_data(chosen[j]));
        }
        parallel_for_dynamic(n_threads, n_chunks, 1, [&](std::size_t c0, std::size_t c1, std::size_t) {
            std::vector<float> dd(trials);
            for (std::size_t c = c0; c < c1; ++c) {
                for (std::size_t l = 0; l < trials; ++l) cand_chunk_cost[l * n_chunks + c] = 0;
                for (std::size_t i = c * reduce_chunk; i < std::min(n, (c + 1) * reduce_chunk); ++i) {
                    const float here = near[i];
                    bool read = false;  // the row is read only if some candidate may be nearer
                    for (std::size_t l = 0; l < trials && !read; ++l) read = cand_center[l * k + owner[i]] < 2 * here;
                    if (read) dist.many(data.row_data(i), cand_rows.data(), cand_rows.stride(), trials, dd.data());
                    for (std::size_t l = 0; l < trials; ++l) {
                        const float d = read ? std::min(here, dd[l]) : here;
                        cand_near[l * n + i] = d;
                        cand_chunk_cost[l * n_chunks + c] += weight(i) * double(d) * d;
                    }
                }
            }
        });
        std::size_t best = 0;
        double best_cost = std::numeric_limits<double>::infinity();
        for (std::size_t l = 0; l < trials; ++l) {
            double s = 0;
            for (std::size_t c = 0; c < n_chunks; ++c) s += cand_chunk_cost[l * n_chunks + c];
            if (s < best_cost) best_cost = s, best = l;
        }
        const float* chosen_near = cand_near.data() + best * n;
        for (std::size_t i = 0; i < n; ++i)
            if (chosen_near[i] < near[i]) near[i] = chosen_near[i], owner[i] = static_cast<std::uint32_t>(m);
        std::copy_n(cand_chunk_cost.begin() + static_cast<std::ptrdiff_t>(best * n_chunks), n_chunks,
                    chunk_cost.begin());
        chosen.push_back(cand[best]);
    }
    if (chosen.size() < k) {  // duplicates exhausted the distinct rows: take unused rows
        std::vector<char> used(n, 0);
        for (auto c : chosen) used[c] = 1;
        while (chosen.size() < k) {
            const auto i = static_cast<std::size_t>(gen.below(n));
            if (!used[i]) used[i] = 1, chosen.push_back(i);
        }
    }
    return chosen;
}

/// k-means‖ (Bahmani et al. 2012): `rounds` passes that each keep every row with probability
/// min(1, 2k d^2 / cost), then greedy k-means++ on the candidates weighted by how many rows
/// each one is nearest to. Returns k row indices of `data`.
template <class T>
std::vector<std::size_t> seed_parallel(matrix_view<T> data, std::size_t k, std::size_t rounds, std::size_t trials,
                                       const seeding_metric<storage_t<T>>& dist, rng& gen, std::size_t n_threads) {
    const std::size_t n = data.rows();
    std::vector<std::size_t> cand{static_cast<std::size_t>(gen.below(n))};
    std::vector<float> near(n);
    std::vector<std::uint32_t> owner(n, 0);
    parallel_for(n_threads, n, [&](std::size_t b, std::size_t e, std::size_t) {
        for (std::size_t i = b; i < e; ++i) near[i] = dist(data.row_data(i), data.row_data(cand[0]));
    });
    const double oversampling = 2.0 * static_cast<double>(k);
    for (std::size_t r = 0; r < rounds; ++r) {
        const double cost = deterministic_sum(n, n_threads, [&](std::size_t i) { return double(near[i]) * near[i]; });
        if (!(cost > 0)) break;
        const std::size_t base = cand.size();
        for (std::size_t i = 0; i < n; ++i)  // one stream, in row order: independent of threads
            if (gen.uniform_double() * cost < oversampling * double(near[i]) * near[i]) cand.push_back(i);
        if (cand.size() > std::numeric_limits<std::uint32_t>::max()) break;
        matrix<T> fresh(cand.size() - base, data.dims());  // contiguous, for the one-to-many kernel
        for (std::size_t c = base; c < cand.size(); ++c)
            std::copy_n(data.row_data(cand[c]), data.words(), fresh.row_data(c - base));
        parallel_for(n_threads, n, [&](std::size_t b, std::size_t e, std::size_t) {
            std::vector<float> dd(fresh.rows());
            for (std::size_t i = b; i < e; ++i) {
                dist.many(data.row_data(i), fresh.data(), fresh.stride(), fresh.rows(), dd.data());
                for (std::size_t c = 0; c < dd.size(); ++c)
                    if (dd[c] < near[i]) near[i] = dd[c], owner[i] = static_cast<std::uint32_t>(base + c);
            }
        });
    }
    if (cand.size() <= k) return seed_plus_plus(data, {}, k, trials, dist, gen, n_threads);
    std::vector<double> weights(cand.size(), 0.0);
    for (std::size_t i = 0; i < n; ++i) weights[owner[i]] += 1.0;
    matrix<T> rows(cand.size(), data.dims());
    for (std::size_t c = 0; c < cand.size(); ++c)
        std::copy_n(data.row_data(cand[c]), data.words(), rows.row_data(c));
    auto picked = seed_plus_plus(rows.view(), weights, k, trials, dist, gen, n_threads);
    for (auto& p : picked) p = cand[p];
    return picked;
}

/// k distinct rows drawn uniformly (partial Fisher-Yates).
inline std::vector<std::size_t> seed_random(std::size_t n, std::size_t k, rng& gen) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    for (std::size_t i = 0; i < k; ++i) std::swap(order[i], order[i + gen.below(n - i)]);
    order.resize(k);
    return order;
}

}  // namespace vspace::detail
/// @endcond
