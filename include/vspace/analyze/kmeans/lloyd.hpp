// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Lloyd iterations for float data under the Euclidean distance, plain or with Elkan's (2003)
/// bounds, and the spherical variant (unit rows, centroids renormalised). One function so that
/// both share the centroid update, the empty-cluster re-seeding and the stopping rule.
///
/// Bounds are kept lazily: each stored lower bound is l(x, c_j) + D_j, where D_j is centroid j's
/// total movement so far, so moving a centroid costs O(1) instead of O(n) updates
/// (l - p_j for every x); the effective bound is the stored value minus the current D_j.
/// Centroid sums are kept in double and updated only for points that changed cluster.
#pragma once

#include <vspace/analyze/kmeans/options.hpp>
#include <vspace/analyze/kmeans/reduce.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace vspace::detail {

/// Outcome of one run of Lloyd iterations.
struct lloyd_outcome {
    double inertia = 0;  ///< sum of squared Euclidean distances to the centroids
    std::size_t iterations = 0;
    bool converged = false;
    std::size_t reseeded = 0;
};

struct lloyd_params {
    std::size_t max_iter = 300;
    /// Stop when the sum of squared centroid moves is <= tol x the mean per-dimension variance.
    double tol = 0;
    bool bounds = true;      ///< Elkan's bounds (else plain Lloyd)
    bool spherical = false;  ///< centroids are normalised means (rows must be unit vectors)
    std::size_t n_threads = 0;
};

class lloyd_run {
public:
    lloyd_run(matrix_view<float> x, matrix<float>& centers, std::vector<std::uint32_t>& labels, const lloyd_params& p)
        : x_(x), c_(centers), labels_(labels), p_(p), n_(x.rows()), k_(centers.rows()), d_(x.dims()),
          l2sq_(simd::kernels<float>().l2sq) {}

    lloyd_outcome run() {
        lloyd_outcome out;
        labels_.assign(n_, 0);
        upper_.assign(n_, 0.f);
        if (p_.bounds) lower_.assign(n_ * k_, 0.f);
        drift_.assign(k_, 0.0);
        drift_f_.assign(k_, 0.f);
        sums_.assign(k_ * d_, 0.0);
        counts_.assign(k_, 0);
        const double tol = p_.tol * first_assign();
        bool consistent = false;  // labels are nearest to the current centroids
        while (true) {
            out.reseeded += reseed_empty();
            const double shift = update_centers();
            ++out.iterations;
            if (shift <= tol) {
                out.converged = true;
                break;
            }
            if (out.iterations >= p_.max_iter) break;
            if (assign() == 0) {
                out.converged = consistent = true;
                break;
            }
            apply_moves();
        }
        if (!consistent) {  // one more assignment so that labels match the returned centroids
            if (assign() != 0) apply_moves();
        }
        out.inertia = deterministic_sum(n_, p_.n_threads, [&](std::size_t i) {
            return double(l2sq_.one(x_.row_data(i), c_.row_data(labels_[i]), d_));
        });
        return out;
    }

private:
    static constexpr std::uint32_t no_cluster = std::numeric_limits<std::uint32_t>::max();
    struct move {
        std::uint32_t point, from, to;
    };

    float dist(std::size_t i, std::size_t j) const noexcept {
        return std::sqrt(std::max(0.f, l2sq_.one(x_.row_data(i), c_.row_data(j), d_)));
    }

    // Every point against every centroid: sets labels, exact upper and lower bounds, and the
    // centroid sums, in one pass over the data (it is memory-bound). The sums are built per
    // fixed block of rows and added in block order, so they do not depend on the threads.
    // Returns the mean per-dimension variance of the data, which scales `tol`.
    double first_assign() {
        constexpr std::size_t max_blocks = 16;
        const std::size_t blocks = std::min(max_blocks, n_);
        const bool fused = blocks * k_ * d_ * sizeof(double) <= (std::size_t{64} << 20);
        std::vector<double> partial(fused ? blocks * k_ * d_ : 0), square(blocks, 0.0);
        const auto dot = simd::kernels<float>().dot;
        parallel_for_dynamic(p_.n_threads, blocks, 1, [&](std::size_t b0, std::size_t b1, std::size_t) {
            std::vector<float> dd(k_);
            for (std::size_t b = b0; b < b1; ++b)
                for (std::size_t i = n_ * b / blocks; i < n_ * (b + 1) / blocks; ++i) {
                    const float* r = x_.row_data(i);
                    l2sq_.many(r, c_.data(), c_.stride(), k_, d_, dd.data());
                    std::uint32_t best = 0;
                    for (std::size_t j = 1; j < k_; ++j)
                        if (dd[j] < dd[best]) best = static_cast<std::uint32_t>(j);
                    labels_[i] = best;
                    upper_[i] = std::sqrt(std::max(0.f, dd[best]));
                    if (p_.bounds)
                        for (std::size_t j = 0; j < k_; ++j) lower_[i * k_ + j] = std::sqrt(std::max(0.f, dd[j]));
                    square[b] += dot.one(r, r, d_);
                    if (fused) {
                        double* sum = partial.data() + (b * k_ + best) * d_;
                        for (std::size_t q = 0; q < d_; ++q) sum[q] += r[q];
                    }
                }
        });
        for (auto l : labels_) ++counts_[l];
        if (fused) {
            parallel_for(p_.n_threads, k_ * d_, [&](std::size_t q0, std::size_t q1, std::size_t) {
                for (std::size_t b = 0; b < blocks; ++b)
                    for (std::size_t q = q0; q < q1; ++q) sums_[q] += partial[b * k_ * d_ + q];
            });
        } else {
            for (auto& c : counts_) c = 0;
            moves_.clear();
            for (std::size_t i = 0; i < n_; ++i) moves_.push_back({static_cast<std::uint32_t>(i), no_cluster, labels_[i]});
            apply_moves();
        }
        // mean variance = (sum |x|^2 / n - |mean|^2) / d, the mean being the sum of all sums / n
        double total_square = 0, mean_square = 0;
        for (double s : square) total_square += s;
        for (std::size_t q = 0; q < d_; ++q) {
            double m = 0;
            for (std::size_t j = 0; j < k_; ++j) m += sums_[j * d_ + q];
            m /= double(n_);
            mean_square += m * m;
        }
        return std::max(0.0, total_square / double(n_) - mean_square) / double(d_);
    }

    // One assignment step; records the points that changed cluster in moves_ (in point order).
    std::size_t assign() {
        if (p_.bounds) center_gaps();
        const std::size_t n_chunks = (n_ + reduce_chunk - 1) / reduce_chunk;
        std::vector<std::vector<move>> chunk_moves(n_chunks);
        parallel_for_dynamic(p_.n_threads, n_chunks, 1, [&](std::size_t c0, std::size_t c1, std::size_t) {
            std::vector<float> dd(k_);
            for (std::size_t c = c0; c < c1; ++c)
                for (std::size_t i = c * reduce_chunk; i < std::min(n_, (c + 1) * reduce_chunk); ++i) {
                    const std::uint32_t old = labels_[i];
                    const std::uint32_t now = p_.bounds ? assign_elkan(i) : assign_plain(i, dd.data());
                    if (now != old) chunk_moves[c].push_back({static_cast<std::uint32_t>(i), old, now});
                }
        });
        moves_.clear();
        for (auto& m : chunk_moves) moves_.insert(moves_.end(), m.begin(), m.end());
        return moves_.size();
    }

    std::uint32_t assign_plain(std::size_t i, float* dd) {
        l2sq_.many(x_.row_data(i), c_.data(), c_.stride(), k_, d_, dd);
        std::uint32_t best = 0;
        for (std::size_t j = 1; j < k_; ++j)
            if (dd[j] < dd[best]) best = static_cast<std::uint32_t>(j);
        labels_[i] = best;
        return best;
    }

    // Elkan's step for one point: only centroids its bounds cannot rule out are measured. Most
    // points have none, so a branch-free pass first counts the candidates (it vectorises; the
    // branchy loop below costs a misprediction per centroid).
    std::uint32_t assign_elkan(std::size_t i) {
        std::uint32_t a = labels_[i];
        float ub = upper_[i];
        if (ub <= half_gap_[a]) return a;  // nearer to a than half the way to any other centroid
        float* lb = lower_.data() + i * k_;
        const float* gap = half_cc_.data() + a * k_;  // gap[a] is +inf: a is never a candidate
        std::size_t candidates = 0;
        for (std::size_t j = 0; j < k_; ++j)
            candidates += static_cast<std::size_t>((ub > lb[j] - drift_f_[j]) & (ub > gap[j]));
        if (candidates == 0) return a;
        ub = dist(i, a);  // the upper bound may be loose: measure the distance to a itself
        lb[a] = ub + drift_f_[a];
        for (std::size_t j = 0; j < k_; ++j) {
            if (ub <= lb[j] - drift_f_[j] || ub <= gap[j]) continue;
            const float dj = dist(i, j);
            lb[j] = dj + drift_f_[j];
            if (dj < ub) a = static_cast<std::uint32_t>(j), ub = dj, gap = half_cc_.data() + a * k_;
        }
        upper_[i] = ub;
        labels_[i] = a;
        return a;
    }

    // Half the distance between every pair of centroids, and to each one's nearest other.
    void center_gaps() {
        half_cc_.assign(k_ * k_, 0.f);
        half_gap_.assign(k_, std::numeric_limits<float>::infinity());
        parallel_for_dynamic(p_.n_threads, k_, 4, [&](std::size_t b, std::size_t e, std::size_t) {
            for (std::size_t a = b; a < e; ++a)
                for (std::size_t j = 0; j < k_; ++j)
                    if (j != a)
                        half_cc_[a * k_ + j] =
                            0.5f * std::sqrt(std::max(0.f, l2sq_.one(c_.row_data(a), c_.row_data(j), d_)));
        });
        for (std::size_t a = 0; a < k_; ++a)
            for (std::size_t j = 0; j < k_; ++j)
                if (j != a) half_gap_[a] = std::min(half_gap_[a], half_cc_[a * k_ + j]);
        for (std::size_t a = 0; a < k_; ++a) half_cc_[a * k_ + a] = std::numeric_limits<float>::infinity();
        for (std::size_t j = 0; j < k_; ++j) drift_f_[j] = static_cast<float>(drift_[j]);
    }

    // Adds the moved points to their new clusters' sums and removes them from the old ones.
    // Split by dimension, so each sum is accumulated in point order whatever the threads.
    void apply_moves() {
        for (const auto& m : moves_) {
            if (m.from != no_cluster) --counts_[m.from];
            ++counts_[m.to];
        }
        parallel_for(p_.n_threads, d_, [&](std::size_t j0, std::size_t j1, std::size_t) {
            for (const auto& m : moves_) {
                const float* r = x_.row_data(m.point);
                double* to = sums_.data() + std::size_t{m.to} * d_;
                if (m.from != no_cluster) {
                    double* from = sums_.data() + std::size_t{m.from} * d_;
                    for (std::size_t j = j0; j < j1; ++j) from[j] -= r[j];
                }
                for (std::size_t j = j0; j < j1; ++j) to[j] += r[j];
            }
        });
    }

    // Empty clusters take the points farthest from their centroids (as scikit-learn does), so a
    // centroid is never left as 0/0. Returns how many were re-seeded.
    std::size_t reseed_empty() {
        std::vector<std::uint32_t> empty;
        for (std::size_t j = 0; j < k_; ++j)
            if (counts_[j] == 0) empty.push_back(static_cast<std::uint32_t>(j));
        if (empty.empty()) return 0;
        std::vector<float> far(n_);
        parallel_for(p_.n_threads, n_, [&](std::size_t b, std::size_t e, std::size_t) {
            for (std::size_t i = b; i < e; ++i) far[i] = l2sq_.one(x_.row_data(i), c_.row_data(labels_[i]), d_);
        });
        std::vector<std::uint32_t> order(n_);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return far[a] > far[b]; });
        moves_.clear();
        std::size_t next = 0;
        for (auto j : empty) {
            // the farthest point whose own cluster keeps at least one member
            while (next < n_ && counts_[labels_[order[next]]] <= 1) ++next;
            if (next == n_) break;  // fewer distinct points than clusters
            const std::uint32_t i = order[next++];
            moves_.push_back({i, labels_[i], j});
            --counts_[labels_[i]], ++counts_[j];  // provisional, so the next pick sees it
            labels_[i] = j;
            upper_[i] = 0.f;
        }
        for (const auto& m : moves_) ++counts_[m.from], --counts_[m.to];  // undo; apply_moves redoes
        apply_moves();
        return empty.size();
    }

    // New centroids from the sums; moves the bounds; returns the sum of squared moves.
    double update_centers() {
        std::vector<double> shift(k_, 0.0);
        parallel_for_dynamic(p_.n_threads, k_, 1, [&](std::size_t b, std::size_t e, std::size_t) {
            std::vector<float> fresh(d_);
            for (std::size_t j = b; j < e; ++j) {
                if (counts_[j] == 0) continue;  // only when there are fewer distinct points than k
                const double* s = sums_.data() + j * d_;
                double scale = 1.0 / double(counts_[j]);
                if (p_.spherical) {
                    double norm = 0;
                    for (std::size_t q = 0; q < d_; ++q) norm += s[q] * s[q];
                    if (!(norm > 0)) continue;  // members cancel out exactly: keep the old direction
                    scale = 1.0 / std::sqrt(norm);
                }
                for (std::size_t q = 0; q < d_; ++q) fresh[q] = static_cast<float>(s[q] * scale);
                float* c = c_.row_data(j);
                double moved = 0;
                for (std::size_t q = 0; q < d_; ++q) {
                    const double diff = double(fresh[q]) - c[q];
                    moved += diff * diff;
                    c[q] = fresh[q];
                }
                shift[j] = moved;
            }
        });
        double total = 0;
        for (std::size_t j = 0; j < k_; ++j) {
            total += shift[j];
            drift_[j] += std::sqrt(shift[j]);
        }
        for (std::size_t i = 0; i < n_; ++i) upper_[i] += static_cast<float>(std::sqrt(shift[labels_[i]]));
        return total;
    }

    matrix_view<float> x_;
    matrix<float>& c_;
    std::vector<std::uint32_t>& labels_;
    lloyd_params p_;
    std::size_t n_, k_, d_;
    simd::kernel<float> l2sq_;
    std::vector<float> upper_, lower_, half_cc_, half_gap_, drift_f_;  // drift_f_: drift_ as float
    std::vector<double> drift_, sums_;
    std::vector<std::size_t> counts_;
    std::vector<move> moves_;
};

}  // namespace vspace::detail
/// @endcond
