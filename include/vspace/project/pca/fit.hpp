// SPDX-License-Identifier: MIT
/// @file
/// Bodies of the `pca` members (included by project/pca.hpp): validation, the choice of
/// solver, the deterministic sign of the components, and the blocked transform.
#pragma once

#include <vspace/core/eigen.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/project/pca.hpp>
#include <vspace/project/pca/exact.hpp>
#include <vspace/project/pca/randomized.hpp>

#include <cmath>

namespace vspace {

namespace detail {

/// The solver that needs fewer flops for this shape: the exact one costs a d x d covariance
/// (2 n d^2) and an eigensolver (~10 d^3, at a lower rate than GEMM); the randomized one
/// 4 n d l per power iteration plus one final pass.
inline pca_solver choose_pca_solver(std::size_t n, std::size_t d, const pca_options& o) {
    const std::size_t l = std::min(d, o.n_components + o.oversamples);
    if (l >= d) return pca_solver::exact;
    const double nd = static_cast<double>(n) * static_cast<double>(d);
    const double exact = 2.0 * nd * static_cast<double>(d) + 10.0 * std::pow(static_cast<double>(d), 3);
    const double randomized = 4.0 * nd * static_cast<double>(l) * static_cast<double>(o.power_iterations + 1);
    return randomized < exact ? pca_solver::randomized : pca_solver::exact;
}

/// Flips each column so that its entry of largest magnitude (the first, on ties) is positive.
inline void fix_signs(Eigen::MatrixXd& vectors) {
    for (Eigen::Index c = 0; c < vectors.cols(); ++c) {
        Eigen::Index best = 0;
        for (Eigen::Index i = 1; i < vectors.rows(); ++i)
            if (std::abs(vectors(i, c)) > std::abs(vectors(best, c))) best = i;
        if (vectors(best, c) < 0) vectors.col(c) *= -1.0;
    }
}

}  // namespace detail

template <class T>
void pca::fit(matrix_view<T> data) {
    constexpr const char* where = "pca::fit";
    validate(options_, where);
    const std::size_t n = data.rows(), d = data.dims(), k = options_.n_components;
    if (n < 2) VSPACE_THROW(invalid_argument, where, ": ", n, " rows (expected at least 2)");
    if (d == 0) VSPACE_THROW(invalid_argument, where, ": data has 0 dims (expected >= 1)");
    if (k > std::min(n, d))
        VSPACE_THROW(invalid_argument, where, ": n_components = ", k, " (expected <= min(rows, dims) = ",
                     std::min(n, d), ")");
    detail::check_finite(data, where);

    std::vector<double> mean = detail::column_means(data, options_.n_threads);
    std::vector<float> center(mean.begin(), mean.end());
    const pca_solver solver =
        options_.solver == pca_solver::automatic ? detail::choose_pca_solver(n, d, options_) : options_.solver;
    detail::pca_eigen eig =
        solver == pca_solver::exact
            ? detail::pca_exact(data, center.data(), k, options_.n_threads)
            : detail::pca_randomized(data, center.data(), k, options_.oversamples, options_.power_iterations,
                                     options_.n_threads, options_.seed);
    if (!(eig.total_variance > 0))
        VSPACE_THROW(data_error, where, ": all ", n, " rows are identical (expected some variance)");
    detail::fix_signs(eig.vectors);
    if (options_.whiten)
        for (std::size_t c = 0; c < k; ++c)
            if (!(eig.values[static_cast<Eigen::Index>(c)] > 1e-12 * eig.total_variance))
                VSPACE_THROW(invalid_argument, where, ": whiten needs every kept component to have variance, but "
                             "component ", c, " has none (expected n_components <= the rank of the data)");

    matrix<float> components(k, d);
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t j = 0; j < d; ++j)
            components(c, j) = static_cast<float>(eig.vectors(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(c)));
    std::vector<double> variance(k), ratio(k);
    for (std::size_t c = 0; c < k; ++c) {
        variance[c] = eig.values[static_cast<Eigen::Index>(c)];
        ratio[c] = variance[c] / eig.total_variance;
    }
    // commit only now: a failed fit leaves the previous state untouched
    solver_used_ = solver;
    mean_ = std::move(mean);
    components_ = std::move(components);
    explained_variance_ = std::move(variance);
    explained_variance_ratio_ = std::move(ratio);
    total_variance_ = eig.total_variance;
}

template <class T>
void pca::transform(matrix_view<T> data, mutable_matrix_view<float> out) const {
    constexpr const char* where = "pca::transform";
    check_fitted(data.dims(), where);
    const std::size_t k = components_.rows();
    if (out.rows() != data.rows() || out.dims() != k)
        VSPACE_THROW(shape_error, where, ": output is ", out.rows(), " x ", out.dims(), " (expected ", data.rows(),
                     " x ", k, ")");
    detail::check_finite(data, where);
    // W = components^T, scaled by 1 / sqrt(variance) when whitening
    Eigen::MatrixXf w = as_eigen(components_.view()).transpose();
    if (options_.whiten)
        for (std::size_t c = 0; c < k; ++c)
            w.col(static_cast<Eigen::Index>(c)) /= static_cast<float>(std::sqrt(explained_variance_[c]));
    const std::vector<float> center(mean_.begin(), mean_.end());
    auto result = as_eigen(out);
    detail::for_each_block(data, center.data(), options_.n_threads,
                           [&](const detail::pca_block& block, std::size_t first, std::size_t) {
                               result.middleRows(static_cast<Eigen::Index>(first), block.rows()).noalias() = block * w;
                           });
}

template <class T>
matrix<float> pca::transform(matrix_view<T> data) const {
    check_fitted(data.dims(), "pca::transform");
    matrix<float> out(data.rows(), components_.rows());
    transform(data, out.mutable_view());
    return out;
}

}  // namespace vspace
