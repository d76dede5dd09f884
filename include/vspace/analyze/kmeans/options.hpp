// SPDX-License-Identifier: MIT
/// @file
/// The options and the result of k-means, apart from the algorithm so that code which only
/// passes them around (the CLI, the data map) does not compile the iterations.
#pragma once

#include <vspace/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace vspace {

/// How the first k centroids are chosen.
enum class kmeans_init : std::uint8_t {
    /// k-means++ when seeding from up to 200,000 rows (see `init_sample`), k-means‖ above,
    /// where k passes over the rows cost more than k-means‖'s few oversampling rounds.
    automatic,
    /// Greedy k-means++ (Arthur & Vassilvitskii 2007): each centroid is sampled with probability
    /// proportional to the squared distance to the nearest one chosen so far.
    plus_plus,
    /// k-means‖ (Bahmani et al. 2012): a few rounds that each sample about 2k points at once,
    /// then k-means++ on the weighted candidates.
    parallel,
    /// k distinct points chosen uniformly (Forgy). Mainly for comparison and tests.
    random,
};

/// How the Lloyd iterations find each point's nearest centroid.
enum class kmeans_algorithm : std::uint8_t {
    /// Elkan unless its n x k bounds would exceed 1 GiB, then Lloyd.
    automatic,
    /// Lloyd's iterations with Elkan's (2003) triangle-inequality bounds: one upper bound and k
    /// lower bounds per point skip most distance computations once centroids settle. Float
    /// data only (binary codes always use Lloyd). Memory: 4 n k bytes.
    elkan,
    /// Plain Lloyd: every point against every centroid in every iteration. No extra memory.
    lloyd,
};

/// Settings of `kmeans`. Defaults follow scikit-learn's KMeans where it has the same setting.
struct kmeans_options {
    /// Number of clusters. Required: 0 is rejected, and so is k larger than the number of points.
    std::size_t k = 0;
    /// Seeding method; see `kmeans_init`.
    kmeans_init init = kmeans_init::automatic;
    /// Candidates sampled per k-means++ step; the one that lowers the total cost most is kept
    /// ("greedy k-means++", Arthur & Vassilvitskii 2007 §6). 0 = 2 + ln k, scikit-learn's
    /// choice; 1 = classic k-means++.
    std::size_t n_local_trials = 0;
    /// Rows the seeding looks at. k-means++ reads its rows once per centroid, which on large
    /// data costs more than all the Lloyd iterations; seeding from a uniform sample of this many
    /// rows loses little (the iterations then use every row). 0 = automatic: max(16384, 64 k);
    /// a value >= n seeds from all rows, as scikit-learn does.
    std::size_t init_sample = 0;
    /// Rounds of k-means‖ sampling (Bahmani et al. 2012 find 5 enough; Spark uses 2).
    std::size_t parallel_rounds = 5;
    /// Independent runs (restarts) from different seeds; the one with the lowest inertia is kept.
    /// scikit-learn >= 1.4 uses 1 with k-means++ seeding.
    std::size_t n_init = 1;
    /// Most Lloyd iterations per run (scikit-learn: 300). Hitting it is not an error: the
    /// result says `converged = false`.
    std::size_t max_iter = 300;
    /// Convergence threshold: a run stops when the squared centroid moves of one iteration sum
    /// to at most `tol` times the mean per-dimension variance of the data (scikit-learn's rule
    /// and default, 1e-4), or when no label changes. 0 = only the latter.
    double tol = 1e-4;
    /// Iteration method; see `kmeans_algorithm`.
    kmeans_algorithm algorithm = kmeans_algorithm::automatic;
    /// Worker threads (0 = all cores). Results do not depend on it.
    std::size_t n_threads = 0;
    /// Seed of the seeding and of the restarts; the same seed gives the same clustering.
    std::uint64_t seed = 42;
};

/// What `kmeans::fit` found.
struct kmeans_result {
    /// Cluster of each point, in [0, k).
    std::vector<std::uint32_t> labels;
    /// Points per cluster.
    std::vector<std::size_t> sizes;
    /// The k-means objective: the sum over points of the squared Euclidean distance to their
    /// centroid (metric l2 or l2sq, as scikit-learn's `inertia_`); the sum of cosine distances
    /// 1 - cos for spherical k-means; the sum of Hamming distances for binary codes.
    double inertia = 0;
    /// Lloyd iterations of the kept run.
    std::size_t iterations = 0;
    /// Whether the kept run met the convergence rule before `max_iter`.
    bool converged = false;
    /// Times an empty cluster was re-seeded with the point farthest from its centroid.
    std::size_t reseeded = 0;
    /// Which of the `n_init` runs was kept (0-based).
    std::size_t best_run = 0;
};

namespace detail {

/// Throws invalid_argument naming the first bad field of `o` for n points.
inline void validate(const kmeans_options& o, std::size_t n, std::string_view where) {
    if (o.k == 0) VSPACE_THROW(invalid_argument, where, ": k = 0 (expected k >= 1)");
    if (n == 0) VSPACE_THROW(invalid_argument, where, ": no points (expected at least k = ", o.k, ")");
    if (o.k > n)
        VSPACE_THROW(invalid_argument, where, ": k = ", o.k, " exceeds the number of points (expected k <= ", n,
                     ")");
    if (o.k > (std::size_t{1} << 31))
        VSPACE_THROW(invalid_argument, where, ": k = ", o.k, " is too large (expected k < 2^31)");
    if (o.n_init == 0) VSPACE_THROW(invalid_argument, where, ": n_init = 0 (expected >= 1)");
    if (o.max_iter == 0) VSPACE_THROW(invalid_argument, where, ": max_iter = 0 (expected >= 1)");
    if (!(o.tol >= 0)) VSPACE_THROW(invalid_argument, where, ": tol = ", o.tol, " (expected >= 0)");
    if (o.init == kmeans_init::parallel && o.parallel_rounds == 0)
        VSPACE_THROW(invalid_argument, where, ": parallel_rounds = 0 (expected >= 1 for k-means‖)");
}

}  // namespace detail

}  // namespace vspace
