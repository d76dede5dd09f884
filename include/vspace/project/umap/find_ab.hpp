// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The low-dimensional membership curve of UMAP, 1 / (1 + a x^(2b)), fitted by least squares
/// to the target (McInnes et al. 2018, section 4; umap-learn's find_ab_params)
///
///   psi(x) = 1 for x < min_dist,  exp(-(x - min_dist) / spread) otherwise,
///
/// on 300 points spread evenly over [0, 3 spread]. For a fixed b the best a is a 1-D problem,
/// and so is the best b given its best a: two nested Brent minimisations (Boost.Math), in
/// log a so that the search is scale-free. min_dist = 0.1, spread = 1 gives a = 1.577,
/// b = 0.895, as umap-learn.
#pragma once

#include <boost/math/tools/minima.hpp>

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace vspace::detail {

struct ab_fit {
    double a = 0;
    double b = 0;
    bool converged = true;  ///< false if a Brent search hit its iteration limit
};

inline ab_fit find_ab(double spread, double min_dist) {
    constexpr int samples = 300;
    std::vector<double> x(samples), y(samples);
    for (int i = 0; i < samples; ++i) {
        x[i] = 3.0 * spread * i / (samples - 1);
        y[i] = x[i] < min_dist ? 1.0 : std::exp(-(x[i] - min_dist) / spread);
    }
    // Squared error as a function of (log a, b); x^(2b) via exp(2b log x), with 0^(2b) = 0.
    std::vector<double> log_x(samples);
    for (int i = 0; i < samples; ++i) log_x[i] = x[i] > 0 ? std::log(x[i]) : -INFINITY;
    auto error = [&](double log_a, double b) {
        double sum = 0;
        for (int i = 0; i < samples; ++i) {
            const double r = 1.0 / (1.0 + std::exp(log_a + 2.0 * b * log_x[i])) - y[i];
            sum += r * r;
        }
        return sum;
    };
    constexpr int bits = 40;                // of the 53 of a double: Brent's useful limit is ~26
    constexpr std::uintmax_t max_iter = 200;  // Brent converges in ~40 on these smooth curves
    bool converged = true;
    auto best_log_a = [&](double b) {
        std::uintmax_t it = max_iter;
        const auto r = boost::math::tools::brent_find_minima([&](double la) { return error(la, b); }, -20.0, 20.0,
                                                             bits, it);
        if (it >= max_iter) converged = false;
        return r;
    };
    std::uintmax_t it = max_iter;
    const auto best_b = boost::math::tools::brent_find_minima([&](double b) { return best_log_a(b).second; }, 0.05,
                                                              10.0, bits, it);
    if (it >= max_iter) converged = false;
    return {std::exp(best_log_a(best_b.first).first), best_b.first, converged};
}

}  // namespace vspace::detail
/// @endcond
