// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Randomized PCA (Halko, Martinsson & Tropp 2011, Alg. 4.4, applied to the covariance
/// C = A^T A / (n - 1) of the centred data A without forming it): start from l = k + p
/// Gaussian directions, apply C q times with re-orthonormalisation (each pass over the data
/// computes A^T (A Q)), then solve the l x l problem Q^T C Q exactly (Rayleigh-Ritz).
/// O(n d l (2q + 2)) time, O(d l) memory besides a block of rows per thread.
#pragma once

#include <vspace/core/random.hpp>
#include <vspace/project/pca/exact.hpp>

#include <cmath>
#include <cstdint>

namespace vspace::detail {

/// Makes the columns of `q` orthonormal (modified Gram-Schmidt, twice: "twice is enough").
/// A column that vanishes (the data has lower rank than q has columns) is replaced by a fresh
/// random direction, so the result always has full column rank.
inline void orthonormalize(Eigen::MatrixXd& q, rng& gen) {
    const Eigen::Index cols = q.cols();
    for (Eigen::Index c = 0; c < cols; ++c) {
        for (int attempt = 0;; ++attempt) {
            const double before = q.col(c).norm();
            for (int pass = 0; pass < 2; ++pass)
                for (Eigen::Index j = 0; j < c; ++j) q.col(c) -= q.col(j).dot(q.col(c)) * q.col(j);
            const double after = q.col(c).norm();
            if (after > 1e-10 * before && after > 0) {
                q.col(c) /= after;
                break;
            }
            for (Eigen::Index i = 0; i < q.rows(); ++i) q(i, c) = gen.normal();
            if (attempt > 8) break;  // cannot happen while cols <= rows; keeps the loop finite
        }
    }
}

template <class T>
pca_eigen pca_randomized(matrix_view<T> data, const float* center, std::size_t k, std::size_t oversamples,
                         std::size_t power_iterations, std::size_t n_threads, std::uint64_t seed) {
    const auto d = static_cast<Eigen::Index>(data.dims());
    const auto l = static_cast<Eigen::Index>(std::min<std::size_t>(data.dims(), k + oversamples));
    rng gen(seed, 0);
    Eigen::MatrixXd q(d, l);
    for (Eigen::Index c = 0; c < l; ++c)
        for (Eigen::Index i = 0; i < d; ++i) q(i, c) = gen.normal();
    orthonormalize(q, gen);

    const std::size_t workers = block_workers(data, n_threads);
    std::vector<Eigen::MatrixXd> partial(workers);
    std::vector<Eigen::MatrixXf> projected(workers);
    for (std::size_t it = 0; it < power_iterations; ++it) {
        const Eigen::MatrixXf qf = q.cast<float>();
        for (auto& p : partial) p.setZero(d, l);
        for_each_block(data, center, n_threads, [&](const pca_block& block, std::size_t, std::size_t w) {
            projected[w].noalias() = block * qf;                               // A_b Q
            partial[w] += (block.transpose() * projected[w]).cast<double>();  // A_b^T A_b Q
        });
        q = partial[0];
        for (std::size_t w = 1; w < workers; ++w) q += partial[w];
        orthonormalize(q, gen);
    }

    // Rayleigh-Ritz: B = (A Q)^T (A Q), and the total variance in the same pass.
    const Eigen::MatrixXf qf = q.cast<float>();
    for (auto& p : partial) p.setZero(l, l);
    std::vector<double> sum_squares(workers, 0.0);
    for_each_block(data, center, n_threads, [&](const pca_block& block, std::size_t, std::size_t w) {
        projected[w].noalias() = block * qf;
        partial[w] += (projected[w].transpose() * projected[w]).cast<double>();
        sum_squares[w] += static_cast<double>(block.squaredNorm());
    });
    Eigen::MatrixXd small = partial[0];
    double total = sum_squares[0];
    for (std::size_t w = 1; w < workers; ++w) {
        small += partial[w];
        total += sum_squares[w];
    }
    const double scale = 1.0 / static_cast<double>(data.rows() - 1);
    pca_eigen out = leading_eigenpairs(small * scale, k);
    out.vectors = q * out.vectors;  // back to d dimensions
    out.total_variance = total * scale;
    return out;
}

}  // namespace vspace::detail
/// @endcond
