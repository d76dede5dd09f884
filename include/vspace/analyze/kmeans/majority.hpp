// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// k-majority: Lloyd iterations for binary codes under the Hamming distance, where a centroid
/// is the bitwise majority of its members (the code that minimises their summed Hamming
/// distance, as the mean does for squared Euclidean distance). Per-cluster counts of ones are
/// kept and updated only for points that changed cluster.
#pragma once

#include <vspace/analyze/kmeans/lloyd.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace vspace::detail {

class majority_run {
public:
    majority_run(matrix_view<bit> x, matrix<bit>& centers, std::vector<std::uint32_t>& labels, const lloyd_params& p)
        : x_(x), c_(centers), labels_(labels), p_(p), n_(x.rows()), k_(centers.rows()), w_(x.words()),
          hamming_(simd::kernels<bit>().hamming) {}

    lloyd_outcome run() {
        lloyd_outcome out;
        labels_.assign(n_, 0);
        ones_.assign(k_ * x_.dims(), 0);
        counts_.assign(k_, 0);
        assign();
        moves_.clear();
        for (std::size_t i = 0; i < n_; ++i) moves_.push_back({static_cast<std::uint32_t>(i), no_cluster, labels_[i]});
        apply_moves();
        bool consistent = false;
        while (true) {
            out.reseeded += reseed_empty();
            const std::size_t flipped = update_centers();
            ++out.iterations;
            if (flipped == 0) {  // same centroids as before: the labels are already nearest
                out.converged = consistent = true;
                break;
            }
            if (out.iterations >= p_.max_iter) break;
            if (assign() == 0) {
                out.converged = consistent = true;
                break;
            }
            apply_moves();
        }
        if (!consistent && assign() != 0) apply_moves();
        out.inertia = deterministic_sum(n_, p_.n_threads, [&](std::size_t i) {
            return double(hamming_.one(x_.row_data(i), c_.row_data(labels_[i]), w_));
        });
        return out;
    }

private:
    static constexpr std::uint32_t no_cluster = std::numeric_limits<std::uint32_t>::max();
    struct move {
        std::uint32_t point, from, to;
    };

    std::size_t assign() {
        const std::size_t n_chunks = (n_ + reduce_chunk - 1) / reduce_chunk;
        std::vector<std::vector<move>> chunk_moves(n_chunks);
        parallel_for_dynamic(p_.n_threads, n_chunks, 1, [&](std::size_t c0, std::size_t c1, std::size_t) {
            std::vector<float> dd(k_);
            for (std::size_t c = c0; c < c1; ++c)
                for (std::size_t i = c * reduce_chunk; i < std::min(n_, (c + 1) * reduce_chunk); ++i) {
                    hamming_.many(x_.row_data(i), c_.data(), c_.stride(), k_, w_, dd.data());
                    const auto best = static_cast<std::uint32_t>(std::min_element(dd.begin(), dd.end()) - dd.begin());
                    if (best != labels_[i]) chunk_moves[c].push_back({static_cast<std::uint32_t>(i), labels_[i], best});
                    labels_[i] = best;
                }
        });
        moves_.clear();
        for (auto& m : chunk_moves) moves_.insert(moves_.end(), m.begin(), m.end());
        return moves_.size();
    }

    // Updates the per-cluster counts of ones, split by word so each count is exact and ordered.
    void apply_moves() {
        const std::size_t dims = x_.dims();
        for (const auto& m : moves_) {
            if (m.from != no_cluster) --counts_[m.from];
            ++counts_[m.to];
        }
        parallel_for(p_.n_threads, w_, [&](std::size_t w0, std::size_t w1, std::size_t) {
            for (const auto& m : moves_) {
                const std::uint64_t* r = x_.row_data(m.point);
                for (std::size_t w = w0; w < w1; ++w)
                    for (std::uint64_t bits = r[w]; bits != 0; bits &= bits - 1) {
                        const std::size_t b = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
                        if (m.from != no_cluster) --ones_[m.from * dims + b];
                        ++ones_[m.to * dims + b];
                    }
            }
        });
    }

    std::size_t reseed_empty() {
        std::vector<std::uint32_t> empty;
        for (std::size_t j = 0; j < k_; ++j)
            if (counts_[j] == 0) empty.push_back(static_cast<std::uint32_t>(j));
        if (empty.empty()) return 0;
        std::vector<float> far(n_);
        parallel_for(p_.n_threads, n_, [&](std::size_t b, std::size_t e, std::size_t) {
            for (std::size_t i = b; i < e; ++i) far[i] = hamming_.one(x_.row_data(i), c_.row_data(labels_[i]), w_);
        });
        std::vector<std::uint32_t> order(n_);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return far[a] > far[b]; });
        moves_.clear();
        std::size_t next = 0;
        for (auto j : empty) {
            while (next < n_ && counts_[labels_[order[next]]] <= 1) ++next;
            if (next == n_) break;
            const std::uint32_t i = order[next++];
            moves_.push_back({i, labels_[i], j});
            --counts_[labels_[i]], ++counts_[j];
            labels_[i] = j;
        }
        for (const auto& m : moves_) ++counts_[m.from], --counts_[m.to];
        apply_moves();
        return empty.size();
    }

    // Majority vote per bit; a tie keeps the centroid's current bit. Returns the bits flipped.
    std::size_t update_centers() {
        const std::size_t dims = x_.dims();
        std::size_t flipped = 0;
        auto view = c_.mutable_view();
        for (std::size_t j = 0; j < k_; ++j) {
            if (counts_[j] == 0) continue;
            for (std::size_t b = 0; b < dims; ++b) {
                const std::size_t twice = 2 * std::size_t{ones_[j * dims + b]};
                const bool old = c_.bit_at(j, b);
                const bool now = twice == counts_[j] ? old : twice > counts_[j];
                if (now != old) view.set_bit(j, b, now), ++flipped;
            }
        }
        return flipped;
    }

    matrix_view<bit> x_;
    matrix<bit>& c_;
    std::vector<std::uint32_t>& labels_;
    lloyd_params p_;
    std::size_t n_, k_, w_;
    simd::kernel<std::uint64_t> hamming_;
    std::vector<std::uint32_t> ones_;
    std::vector<std::size_t> counts_;
    std::vector<move> moves_;
};

}  // namespace vspace::detail
/// @endcond
