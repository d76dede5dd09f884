// SPDX-License-Identifier: MIT
// Naive PCA for tests: covariance in double by the textbook formula, then the cyclic Jacobi
// eigenvalue method (Golub & Van Loan, Alg. 8.5.3). O(n d^2 + d^3 sweeps); small d only.
#pragma once

#include <vspace/core/matrix.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace vspace::test {

struct reference_pca_result {
    std::vector<double> mean;
    std::vector<double> values;                ///< largest first
    std::vector<std::vector<double>> vectors;  ///< unit, largest-magnitude entry positive
    double total = 0;                          ///< trace of the covariance
};

inline reference_pca_result reference_pca(matrix_view<float> x, std::size_t k) {
    const std::size_t n = x.rows(), d = x.dims();
    reference_pca_result out;
    out.mean.assign(d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) out.mean[j] += x(i, j);
    for (auto& m : out.mean) m /= static_cast<double>(n);
    std::vector<double> a(d * d, 0.0), v(d * d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t p = 0; p < d; ++p)
            for (std::size_t q = 0; q < d; ++q) a[p * d + q] += (x(i, p) - out.mean[p]) * (x(i, q) - out.mean[q]);
    for (auto& e : a) e /= static_cast<double>(n - 1);
    for (std::size_t p = 0; p < d; ++p) {
        v[p * d + p] = 1.0;
        out.total += a[p * d + p];
    }
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0;
        for (std::size_t p = 0; p < d; ++p)
            for (std::size_t q = p + 1; q < d; ++q) off += a[p * d + q] * a[p * d + q];
        if (off < 1e-30 * out.total * out.total) break;
        for (std::size_t p = 0; p < d; ++p)
            for (std::size_t q = p + 1; q < d; ++q) {
                if (a[p * d + q] == 0.0) continue;
                const double theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q]);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
                const double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (std::size_t r = 0; r < d; ++r) {  // A <- A J
                    const double arp = a[r * d + p], arq = a[r * d + q];
                    a[r * d + p] = c * arp - s * arq;
                    a[r * d + q] = s * arp + c * arq;
                }
                for (std::size_t r = 0; r < d; ++r) {  // A <- J^T A
                    const double apr = a[p * d + r], aqr = a[q * d + r];
                    a[p * d + r] = c * apr - s * aqr;
                    a[q * d + r] = s * apr + c * aqr;
                }
                for (std::size_t r = 0; r < d; ++r) {  // V <- V J
                    const double vrp = v[r * d + p], vrq = v[r * d + q];
                    v[r * d + p] = c * vrp - s * vrq;
                    v[r * d + q] = s * vrp + c * vrq;
                }
            }
    }
    std::vector<std::size_t> order(d);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto i, auto j) { return a[i * d + i] > a[j * d + j]; });
    for (std::size_t c = 0; c < k; ++c) {
        const std::size_t col = order[c];
        out.values.push_back(a[col * d + col]);
        std::vector<double> vec(d);
        std::size_t best = 0;
        for (std::size_t r = 0; r < d; ++r) {
            vec[r] = v[r * d + col];
            if (std::abs(vec[r]) > std::abs(vec[best])) best = r;
        }
        if (vec[best] < 0)
            for (auto& e : vec) e = -e;
        out.vectors.push_back(vec);
    }
    return out;
}

}  // namespace vspace::test
