// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// Spectral initialisation of UMAP (McInnes et al. 2018, section 4.2; Belkin & Niyogi 2003):
/// the eigenvectors of the smallest non-zero eigenvalues of the normalised graph Laplacian
/// L = I - D^-1/2 W D^-1/2. We ask Spectra's Lanczos solver for the *largest* eigenvalues of
/// N = D^-1/2 W D^-1/2 instead (the same vectors, as L = I - N), which needs only products
/// with the sparse matrix. A graph of several connected components is laid out as umap-learn
/// does: components placed apart (at +-unit vectors, or by the PCA of their centroids when
/// there are many), each embedded spectrally on its own and scaled to half the distance to its
/// nearest neighbour component; tiny components are placed at random.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/pca/exact.hpp>
#include <vspace/project/umap/fuzzy_graph.hpp>

#include <Eigen/Core>
#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace vspace::detail {

/// Connected components of a symmetric graph. Labels are numbered in order of each
/// component's first vertex; returns the number of components.
inline std::size_t connected_components(const fuzzy_graph& g, std::vector<std::uint32_t>& label) {
    constexpr auto unseen = std::numeric_limits<std::uint32_t>::max();
    label.assign(g.rows, unseen);
    std::vector<std::uint32_t> stack;
    std::uint32_t count = 0;
    for (std::size_t start = 0; start < g.rows; ++start) {
        if (label[start] != unseen) continue;
        label[start] = count;
        stack.push_back(static_cast<std::uint32_t>(start));
        while (!stack.empty()) {
            const std::uint32_t v = stack.back();
            stack.pop_back();
            for (std::uint32_t t : g.targets_of(v))
                if (label[t] == unseen) {
                    label[t] = count;
                    stack.push_back(t);
                }
        }
        ++count;
    }
    return count;
}

/// The vertices of every component, component by component (a counting sort of the labels):
/// component c is members[start[c] .. start[c + 1]), in increasing vertex order.
struct component_members {
    std::vector<std::size_t> start;
    std::vector<std::uint32_t> members;
    std::span<const std::uint32_t> of(std::size_t c) const noexcept {
        return {members.data() + start[c], start[c + 1] - start[c]};
    }
};

inline component_members group_components(const std::vector<std::uint32_t>& label, std::size_t count) {
    component_members out;
    out.start.assign(count + 1, 0);
    for (auto l : label) ++out.start[l + 1];
    for (std::size_t c = 0; c < count; ++c) out.start[c + 1] += out.start[c];
    out.members.resize(label.size());
    std::vector<std::size_t> fill(out.start.begin(), out.start.end() - 1);
    for (std::size_t v = 0; v < label.size(); ++v) out.members[fill[label[v]]++] = static_cast<std::uint32_t>(v);
    return out;
}

/// The subgraph of one connected component, vertices renumbered 0..m in the order of
/// `members`. `local[v]` must hold the position of v in its component's member list.
inline fuzzy_graph extract_component(const fuzzy_graph& g, std::span<const std::uint32_t> members,
                                     const std::vector<std::uint32_t>& local) {
    fuzzy_graph out;
    out.rows = out.cols = members.size();
    out.offsets.assign(out.rows + 1, 0);
    for (std::size_t i = 0; i < out.rows; ++i) {
        const std::uint32_t v = members[i];
        for (std::size_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
            out.targets.push_back(local[g.targets[e]]);  // neighbours are in the same component
            out.weights.push_back(g.weights[e]);
        }
        out.offsets[i + 1] = out.targets.size();
    }
    return out;
}

/// y = D^-1/2 W D^-1/2 x for Spectra (its matrix-operation interface), rows split over threads.
class normalized_adjacency {
public:
    using Scalar = double;

    normalized_adjacency(const fuzzy_graph& g, std::size_t n_threads) : g_(g), n_threads_(n_threads) {
        scale_.resize(g.rows);
        for (std::size_t i = 0; i < g.rows; ++i) {
            double degree = 0;
            for (float w : g.weights_of(i)) degree += w;
            scale_[i] = degree > 0 ? 1.0 / std::sqrt(degree) : 0.0;
        }
    }

    Eigen::Index rows() const noexcept { return static_cast<Eigen::Index>(g_.rows); }
    Eigen::Index cols() const noexcept { return static_cast<Eigen::Index>(g_.rows); }

    void perform_op(const double* x, double* y) const {
        // a product is ~1 ns per edge: threads only pay off on large graphs
        const std::size_t threads = g_.edges() > 200000 ? n_threads_ : 1;
        parallel_for(threads, g_.rows, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i) {
                double sum = 0;
                for (std::size_t e = g_.offsets[i]; e < g_.offsets[i + 1]; ++e)
                    sum += static_cast<double>(g_.weights[e]) * scale_[g_.targets[e]] * x[g_.targets[e]];
                y[i] = scale_[i] * sum;
            }
        });
    }

    /// The dense matrix, for small components.
    Eigen::MatrixXd dense() const {
        Eigen::MatrixXd m = Eigen::MatrixXd::Zero(rows(), cols());
        for (std::size_t i = 0; i < g_.rows; ++i)
            for (std::size_t e = g_.offsets[i]; e < g_.offsets[i + 1]; ++e)
                m(static_cast<Eigen::Index>(i), g_.targets[e]) = g_.weights[e] * scale_[i] * scale_[g_.targets[e]];
        return m;
    }

private:
    const fuzzy_graph& g_;
    std::vector<double> scale_;
    std::size_t n_threads_;
};

/// Below this many vertices a dense eigensolver is both faster and more robust than Lanczos.
inline constexpr std::size_t dense_spectral_limit = 256;

/// Spectral embedding of one connected graph into `dim` dimensions: rows = vertices. Returns
/// false when the eigensolver did not converge (the caller falls back). Each column has the
/// sign convention of PCA (largest-magnitude entry positive), so the output is deterministic.
inline bool spectral_embedding(const fuzzy_graph& g, std::size_t dim, std::size_t n_threads, Eigen::MatrixXd& out,
                               std::size_t& matrix_products) {
    const auto n = static_cast<Eigen::Index>(g.rows), nev = static_cast<Eigen::Index>(dim + 1);
    normalized_adjacency op(g, n_threads);
    Eigen::MatrixXd vectors;
    matrix_products = 0;
    if (g.rows <= dense_spectral_limit) {
        vectors = leading_eigenpairs(op.dense(), dim + 1).vectors;
    } else {
        // umap-learn: tolerance 1e-4 and sqrt(n) Lanczos vectors; we cap the basis at 64
        // vectors (memory n x ncv) and let implicit restarts do the rest.
        const Eigen::Index ncv = std::min<Eigen::Index>(n, std::max<Eigen::Index>(2 * nev + 1, 32));
        Spectra::SymEigsSolver<normalized_adjacency> solver(op, nev, ncv);
        const Eigen::VectorXd start = Eigen::VectorXd::Ones(n);  // deterministic, as umap-learn's v0
        solver.init(start.data());
        solver.compute(Spectra::SortRule::LargestAlge, 2000, 1e-4, Spectra::SortRule::LargestAlge);
        matrix_products = static_cast<std::size_t>(solver.num_operations());
        if (solver.info() != Spectra::CompInfo::Successful) return false;
        vectors = solver.eigenvectors();  // sorted by decreasing eigenvalue
    }
    if (vectors.cols() < nev || !vectors.allFinite()) return false;
    out = vectors.rightCols(nev - 1);  // drop the trivial eigenvector (eigenvalue 1)
    for (Eigen::Index c = 0; c < out.cols(); ++c) {
        Eigen::Index best = 0;
        for (Eigen::Index i = 1; i < n; ++i)
            if (std::abs(out(i, c)) > std::abs(out(best, c))) best = i;
        if (out(best, c) < 0) out.col(c) *= -1.0;
    }
    return true;
}

/// Positions of `count` components when there are few (count <= 2 dim): the unit vectors
/// e_1, .., e_k and then their negatives, k = ceil(count / 2), as umap-learn.
inline Eigen::MatrixXd unit_vector_positions(std::size_t count, std::size_t dim) {
    Eigen::MatrixXd meta = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(dim));
    const std::size_t k = (count + 1) / 2;
    for (std::size_t c = 0; c < count; ++c)
        meta(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(c % k)) = c < k ? 1.0 : -1.0;
    return meta;
}

/// Half the distance from position `c` to the nearest other distinct position (the room a
/// component gets around its centre); 1 when there is no other.
inline double component_room(const Eigen::MatrixXd& meta, Eigen::Index c) {
    double best = std::numeric_limits<double>::infinity();
    for (Eigen::Index o = 0; o < meta.rows(); ++o) {
        const double d = (meta.row(o) - meta.row(c)).norm();
        if (d > 0) best = std::min(best, d);
    }
    return std::isfinite(best) ? best / 2 : 1.0;
}

}  // namespace vspace::detail
/// @endcond
