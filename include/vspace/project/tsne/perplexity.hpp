// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Perplexity calibration (van der Maaten & Hinton 2008, section 2): for each point, the
/// precision beta of its Gaussian over its neighbours such that the entropy of
/// p_(j|i) ~ exp(-beta d_ij^2) is log(perplexity). Solved as a bracketed root of the entropy in
/// log(beta) with Boost.Math's TOMS 748 (bisection safeguarded by interpolation), under a
/// non-throwing policy and a checked iteration limit.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/tsne/affinities.hpp>

#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vspace::detail {

/// Boost.Math reports problems through this policy by return value, never by exception
/// (STYLE.md section 6); we bracket the root ourselves, so none is expected.
using no_throw_policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

/// How the calibration of a set of points went.
struct calibration_stats {
    /// Points where the root finder hit its iteration limit (their beta is the best bracket's
    /// midpoint, within a small factor of the true one).
    std::size_t not_converged = 0;
    /// Points with at least `perplexity` neighbours at their smallest distance (duplicates): no
    /// beta reaches the target entropy, and p_(j|i) is uniform over those nearest neighbours.
    std::size_t unreachable = 0;
};

/// Root-finder evaluations allowed per point; TOMS 748 needs ~6-10 after bracketing.
inline constexpr std::uintmax_t calibration_max_iter = 100;

/// Calibrates one point. `d2` are its squared distances to its k neighbours (k > perplexity);
/// `p` receives p_(j|i) (summing to 1). Returns 0 on success, 1 when the iteration limit was
/// hit, 2 when the perplexity is unreachable (see calibration_stats).
inline int calibrate_point(std::span<const float> d2, double perplexity, std::span<float> p) {
    const std::size_t k = d2.size();
    const float d_min = *std::min_element(d2.begin(), d2.end());
    std::size_t ties = 0;
    double mean = 0;
    for (std::size_t j = 0; j < k; ++j) {
        p[j] = d2[j] - d_min;  // p holds the offsets delta_j until the end
        ties += p[j] == 0;
        mean += p[j];
    }
    const double target = std::log(perplexity);
    if (static_cast<double>(ties) >= perplexity) {  // the limit beta -> infinity
        for (std::size_t j = 0; j < k; ++j) p[j] = p[j] == 0 ? 1.0f / static_cast<float>(ties) : 0.0f;
        return 2;
    }
    // Entropy minus target at beta = e^x; offsets keep every exponent <= 0 and the sum >= 1.
    auto excess = [&](double x) {
        const double beta = std::exp(x);
        double s0 = 0, s1 = 0;
        for (std::size_t j = 0; j < k; ++j) {
            const double bd = beta * p[j];
            const double e = std::exp(-bd);
            s0 += e;
            s1 += bd * e;
        }
        return std::log(s0) + s1 / s0 - target;
    };
    // Bracket the root by steps of e^2 from beta ~ 1 / (mean offset); entropy falls with beta.
    mean /= static_cast<double>(k - ties);
    double lo = -std::log(mean), hi = lo;
    double f_lo = excess(lo), f_hi = f_lo;
    for (int step = 0; f_lo < 0 && step < 64; ++step) hi = lo, f_hi = f_lo, lo -= 2, f_lo = excess(lo);
    for (int step = 0; f_hi > 0 && step < 64; ++step) lo = hi, f_lo = f_hi, hi += 2, f_hi = excess(hi);
    int status = 0;
    double x;  // every branch below sets it
    if (f_lo == 0 || f_hi == 0) {
        x = f_lo == 0 ? lo : hi;
    } else if (f_lo > 0 && f_hi < 0) {
        std::uintmax_t iterations = calibration_max_iter;
        const auto [a, b] = boost::math::tools::toms748_solve(
            excess, lo, hi, f_lo, f_hi, [](double l, double h) { return h - l <= 1e-7; }, iterations,
            no_throw_policy{});
        x = (a + b) / 2;
        if (!std::isfinite(x) || iterations >= calibration_max_iter) status = 1;
        if (!std::isfinite(x)) x = (lo + hi) / 2;
    } else {  // not bracketed within e^128: keep the end closest to the target
        x = std::abs(f_lo) < std::abs(f_hi) ? lo : hi;
        status = 1;
    }
    const double beta = std::exp(x);
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += std::exp(-beta * p[j]);
    for (std::size_t j = 0; j < k; ++j) p[j] = static_cast<float>(std::exp(-beta * p[j]) / sum);
    return status;
}

/// Conditional affinities of n points with k neighbours each: `ids` and `d2` are n x k,
/// row-major (d2 = squared distances). Rows of the result sum to 1. Independent per point.
inline sparse_rows conditional_affinities(std::vector<std::uint32_t> ids, std::span<const float> d2, std::size_t n,
                                          std::size_t k, double perplexity, std::size_t n_threads,
                                          calibration_stats& stats) {
    std::vector<float> values(n * k);
    std::atomic<std::size_t> not_converged{0}, unreachable{0};
    parallel_for_dynamic(n_threads, n, 256, [&](std::size_t begin, std::size_t end, std::size_t) {
        std::size_t nc = 0, ur = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const int s = calibrate_point(d2.subspan(i * k, k), perplexity, std::span<float>(values).subspan(i * k, k));
            nc += s == 1, ur += s == 2;
        }
        not_converged += nc, unreachable += ur;
    });
    stats.not_converged += not_converged, stats.unreachable += unreachable;
    return fixed_rows(n, k, std::move(ids), std::move(values));
}

}  // namespace vspace::detail
/// @endcond
