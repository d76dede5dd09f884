// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Exact PCA: the covariance matrix accumulated block by block (float GEMM per block, summed
/// in double), then Eigen's self-adjoint eigensolver. O(n d^2 + d^3) time, O(d^2) memory.
#pragma once

#include <vspace/project/pca/passes.hpp>

#include <Eigen/Eigenvalues>

#include <cstddef>
#include <vector>

namespace vspace::detail {

/// Leading eigenpairs of a covariance (or of its restriction to a subspace).
struct pca_eigen {
    Eigen::VectorXd values;   ///< k largest eigenvalues, decreasing
    Eigen::MatrixXd vectors;  ///< d x k, column c = eigenvector of values[c]
    double total_variance = 0;
};

/// The k largest eigenpairs of a symmetric matrix, largest first. Eigenvalues below zero
/// (rounding on rank-deficient data) are clamped to zero.
inline pca_eigen leading_eigenpairs(const Eigen::MatrixXd& symmetric, std::size_t k) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric, Eigen::ComputeEigenvectors);
    const auto dim = symmetric.rows(), kk = static_cast<Eigen::Index>(k);
    pca_eigen out;
    out.values.resize(kk);
    out.vectors.resize(dim, kk);
    for (Eigen::Index c = 0; c < kk; ++c) {  // the solver sorts increasingly
        out.values[c] = std::max(0.0, solver.eigenvalues()[dim - 1 - c]);
        out.vectors.col(c) = solver.eigenvectors().col(dim - 1 - c);
    }
    return out;
}

template <class T>
pca_eigen pca_exact(matrix_view<T> data, const float* center, std::size_t k, std::size_t n_threads) {
    const auto d = static_cast<Eigen::Index>(data.dims());
    std::vector<Eigen::MatrixXd> partial(block_workers(data, n_threads), Eigen::MatrixXd::Zero(d, d));
    std::vector<Eigen::MatrixXf> scratch(partial.size());
    for_each_block(data, center, n_threads, [&](const pca_block& block, std::size_t, std::size_t worker) {
        // float GEMM per block (fast), double across blocks (70k rows would lose digits in float)
        scratch[worker].noalias() = block.transpose() * block;
        partial[worker] += scratch[worker].cast<double>();
    });
    Eigen::MatrixXd covariance = std::move(partial[0]);
    for (std::size_t w = 1; w < partial.size(); ++w) covariance += partial[w];
    covariance /= static_cast<double>(data.rows() - 1);
    pca_eigen out = leading_eigenpairs(covariance, k);
    out.total_variance = covariance.trace();
    return out;
}

}  // namespace vspace::detail
/// @endcond
