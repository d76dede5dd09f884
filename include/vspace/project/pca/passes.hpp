// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Passes over the data for PCA: the column means, and a parallel walk over blocks of
/// centred float rows that each solver reduces in its own way (covariance, subspace products).
/// Every worker owns a contiguous range of blocks, so per-worker sums are combined in a fixed
/// order: the same thread count gives the same bytes.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/pca/rows.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace vspace::detail {

using pca_block = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Rows per block: large enough for GEMM efficiency, small enough to stay in L2.
inline std::size_t pca_block_rows(std::size_t dims) noexcept {
    return std::clamp<std::size_t>((std::size_t{1} << 20) / (4 * std::max<std::size_t>(dims, 1)), 16, 512);
}

/// Calls `fn(block, first_row, worker)` for consecutive blocks of rows of `data` as floats
/// minus `center` (may be null). `block` is a rows x d float matrix owned by the worker.
template <class T, class Fn>
void for_each_block(matrix_view<T> data, const float* center, std::size_t n_threads, Fn&& fn) {
    const std::size_t n = data.rows(), d = data.dims(), rows = pca_block_rows(d);
    const std::size_t blocks = (n + rows - 1) / rows;
    parallel_for(n_threads, blocks, [&](std::size_t begin, std::size_t end, std::size_t worker) {
        pca_block block;
        for (std::size_t b = begin; b < end; ++b) {
            const std::size_t first = b * rows, count = std::min(rows, n - first);
            block.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d));
            rows_as_float(data, first, count, center, block.data(), d);
            fn(static_cast<const pca_block&>(block), first, worker);
        }
    });
}

/// Workers `for_each_block` will use for `data` (one partial sum each).
template <class T>
std::size_t block_workers(matrix_view<T> data, std::size_t n_threads) noexcept {
    const std::size_t rows = pca_block_rows(data.dims());
    return std::min(resolve_threads(n_threads), std::max<std::size_t>((data.rows() + rows - 1) / rows, 1));
}

/// Column means in double.
template <class T>
std::vector<double> column_means(matrix_view<T> data, std::size_t n_threads) {
    const std::size_t d = data.dims();
    std::vector<Eigen::VectorXd> partial(block_workers(data, n_threads), Eigen::VectorXd::Zero(static_cast<Eigen::Index>(d)));
    for_each_block(data, nullptr, n_threads, [&](const pca_block& block, std::size_t, std::size_t worker) {
        partial[worker] += block.cast<double>().colwise().sum().transpose();
    });
    std::vector<double> mean(d, 0.0);
    for (const auto& p : partial)
        for (std::size_t j = 0; j < d; ++j) mean[j] += p[static_cast<Eigen::Index>(j)];
    for (auto& m : mean) m /= static_cast<double>(data.rows());
    return mean;
}

}  // namespace vspace::detail
/// @endcond
