// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// UMAP's local metric (McInnes, Healy & Melville 2018, section 3.1 and Alg. 3): for every
/// point i, rho_i (distance to its nearest neighbour, so that every point is connected) and
/// sigma_i, the bandwidth at which the memberships of its k neighbours sum to log2(k + 1):
///
///   sum_j exp(-max(0, d_ij - rho_i) / sigma_i) = bandwidth * log2(k + 1).
///
/// The left side grows monotonically in sigma, so sigma is found by bracketing and Boost.Math's
/// TOMS 748 root finder (called with a non-throwing policy and a checked iteration limit).
#pragma once

#include <vspace/core/parallel.hpp>

#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vspace::detail {

/// Boost.Math reports errors through this policy by returning, never by throwing; our caller
/// checks the iteration count and the bracket instead.
using quiet_policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

struct smooth_knn_result {
    std::vector<float> sigma;
    std::vector<float> rho;
    std::size_t not_converged = 0;  ///< points whose root search hit the iteration limit
};

/// Smallest sigma as a fraction of the mean neighbour distance (umap-learn's MIN_K_DIST_SCALE):
/// keeps weights finite when all neighbours sit at rho.
inline constexpr double min_sigma_scale = 1e-3;
/// Iteration limit of the root finder; TOMS 748 needs about 10 on these smooth functions.
inline constexpr std::uintmax_t sigma_max_iter = 64;

/// rho for one point: the distance to its `local_connectivity`-th nearest neighbour at
/// non-zero distance, interpolated for fractional values; 0 if all distances are zero.
inline double local_rho(const float* d, std::size_t k, double local_connectivity) noexcept {
    std::size_t first = 0;  // distances are sorted: skip the zeros (duplicates)
    while (first < k && d[first] <= 0.0f) ++first;
    const std::size_t nonzero = k - first;
    if (nonzero == 0) return 0.0;
    if (static_cast<double>(nonzero) < local_connectivity) return d[k - 1];
    const auto index = static_cast<std::size_t>(std::floor(local_connectivity));
    const double frac = local_connectivity - static_cast<double>(index);
    if (index == 0) return frac * d[first];
    const double lo = d[first + index - 1];
    return index < nonzero ? lo + frac * (d[first + index] - lo) : lo;
}

/// sigma for one point with neighbour distances d[0..k) (sorted) and its rho. Returns the
/// root, or the limit it tends to when there is none; `converged` is false only when the
/// root finder ran out of iterations.
inline double local_sigma(const float* d, std::size_t k, double rho, double target, bool& converged) {
    converged = true;
    auto excess = [&](double sigma) {
        double sum = 0;
        for (std::size_t j = 0; j < k; ++j) {
            const double x = static_cast<double>(d[j]) - rho;
            sum += x > 0 ? std::exp(-x / sigma) : 1.0;
        }
        return sum - target;
    };
    // As sigma -> 0 the sum counts the neighbours at distance <= rho; as sigma -> inf it is k.
    std::size_t at_rho = 0;
    double spread = 0;
    for (std::size_t j = 0; j < k; ++j) {
        if (static_cast<double>(d[j]) <= rho) ++at_rho;
        spread = std::max(spread, static_cast<double>(d[j]) - rho);
    }
    if (static_cast<double>(at_rho) >= target || spread <= 0) return 0.0;  // no root: sigma -> 0
    if (static_cast<double>(k) <= target) return std::numeric_limits<double>::infinity();

    // Bracket the root by doubling / halving from the spread of the distances.
    double hi = spread, f_hi = excess(hi);
    for (int i = 0; f_hi < 0 && i < 200; ++i) f_hi = excess(hi *= 2);
    double lo = hi / 2, f_lo = excess(lo);
    for (int i = 0; f_lo > 0 && i < 1100; ++i) f_lo = excess(lo /= 2);
    if (f_lo == 0) return lo;
    if (f_hi == 0) return hi;
    if (!(f_lo < 0 && f_hi > 0)) {  // cannot happen for finite distances; report, do not loop
        converged = false;
        return hi;
    }
    std::uintmax_t iterations = sigma_max_iter;
    const auto tolerance = boost::math::tools::eps_tolerance<double>(30);
    const auto bracket = boost::math::tools::toms748_solve(excess, lo, hi, f_lo, f_hi, tolerance, iterations,
                                                           quiet_policy());
    if (iterations >= sigma_max_iter) converged = false;
    const double root = 0.5 * (bracket.first + bracket.second);
    return std::isfinite(root) ? root : hi;
}

/// rho and sigma of every point from the first k of its neighbour distances (row i starts at
/// distances + i * stride, nearest first). `bandwidth` scales the target log2(k + 1).
inline smooth_knn_result smooth_knn(const float* distances, std::size_t n, std::size_t k, std::size_t stride,
                                    double local_connectivity, double bandwidth, std::size_t n_threads) {
    smooth_knn_result r;
    r.sigma.resize(n);
    r.rho.resize(n);
    const double target = std::log2(static_cast<double>(k + 1)) * bandwidth;
    double total = 0;  // mean of all distances: the sigma floor of points with rho = 0
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) total += distances[i * stride + j];
    const double global_mean = n * k == 0 ? 0.0 : total / static_cast<double>(n * k);
    std::vector<unsigned char> failed(n, 0);
    parallel_for(n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i) {
            const float* d = distances + i * stride;
            const double rho = local_rho(d, k, local_connectivity);
            bool converged = true;
            double sigma = local_sigma(d, k, rho, target, converged);
            double mean = 0;
            for (std::size_t j = 0; j < k; ++j) mean += d[j];
            mean /= static_cast<double>(k);
            sigma = std::max(sigma, min_sigma_scale * (rho > 0 ? mean : global_mean));
            r.rho[i] = static_cast<float>(rho);
            r.sigma[i] = static_cast<float>(std::min(sigma, static_cast<double>(std::numeric_limits<float>::max())));
            failed[i] = !converged;
        }
    });
    for (auto f : failed) r.not_converged += f;
    return r;
}

/// Membership strength of an edge at distance d from a point with (rho, sigma).
inline float membership(float d, float rho, float sigma) noexcept {
    const float x = d - rho;
    if (x <= 0 || sigma <= 0) return 1.0f;
    return std::exp(-x / sigma);
}

}  // namespace vspace::detail
/// @endcond
