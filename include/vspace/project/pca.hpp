// SPDX-License-Identifier: MIT
/// @file
/// Principal component analysis: `pca_options` and the `pca` projector. This header only
/// declares; the Eigen bodies (exact eigensolver, randomized SVD) are in `project/pca/*.hpp`
/// and are included at the bottom unless VSPACE_DECLARATIONS_ONLY is defined.
///
/// PCA is a map in its own right and the first step of UMAP and t-SNE (initialisation, and
/// pre-reduction of wide data before the neighbour graph).
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/project/concept.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vspace {

/// How `pca` computes the components.
enum class pca_solver {
    /// `exact` or `randomized`, whichever needs fewer floating-point operations for the shape
    /// (exact for narrow data or many components, randomized for wide data and few components).
    automatic,
    /// Eigendecomposition of the d x d covariance (Eigen's self-adjoint solver): O(n d^2 + d^3),
    /// exact to rounding.
    exact,
    /// Randomized subspace iteration (Halko, Martinsson & Tropp 2011, Alg. 4.4):
    /// O(n d l (2q + 2)) with l = n_components + oversamples and q = power_iterations.
    randomized,
};

/// Name of a solver ("automatic", "exact", "randomized").
constexpr std::string_view pca_solver_name(pca_solver s) noexcept {
    switch (s) {
        case pca_solver::automatic: return "automatic";
        case pca_solver::exact: return "exact";
        case pca_solver::randomized: return "randomized";
    }
    return "unknown";
}

struct pca_options {
    /// Output dimensions (principal components kept). 1 <= n_components <= min(n, d);
    /// scikit-learn's default keeps all, ours is a 2-D map.
    std::size_t n_components = 2;
    /// How the components are computed; see `pca_solver`.
    pca_solver solver = pca_solver::automatic;
    /// Divide each output coordinate by the standard deviation of its component, so every
    /// output column has unit variance on the training data (scikit-learn's `whiten`).
    bool whiten = false;
    /// Randomized solver: extra random directions beyond n_components ("p" in Halko et al.;
    /// 10 is their and scikit-learn's default). More: more accurate, slower.
    std::size_t oversamples = 10;
    /// Randomized solver: power iterations ("q" in Halko et al.). Each sharpens the spectrum
    /// (singular values to the power 2q + 1) at one more pass over the data; scikit-learn uses
    /// 4 (7 when few components are kept).
    std::size_t power_iterations = 4;
    std::size_t n_threads = 0;  ///< 0 = all cores
    /// Drives the randomized solver's start vectors; same seed + threads = same output bytes.
    std::uint64_t seed = 42;
};

/// Throws invalid_argument naming the first option out of range.
inline void validate(const pca_options& o, std::string_view where) {
    if (o.n_components == 0) VSPACE_THROW(invalid_argument, where, ": n_components = 0 (expected >= 1)");
    if (o.solver != pca_solver::automatic && o.solver != pca_solver::exact && o.solver != pca_solver::randomized)
        VSPACE_THROW(invalid_argument, where, ": unknown solver ", static_cast<int>(o.solver),
                     " (expected automatic, exact or randomized)");
    if (o.power_iterations > 100)
        VSPACE_THROW(invalid_argument, where, ": power_iterations = ", o.power_iterations,
                     " (expected <= 100; a handful is plenty)");
}

/// Principal component analysis: the linear map onto the directions of largest variance.
///
/// Fits on float, int8 (values as numbers) or bit data (bits as 0/1); statistics are kept in
/// double. Components are unit vectors, sorted by decreasing variance, with a deterministic
/// sign: the entry of largest magnitude of each component is positive (the first such entry
/// on ties), so the same data gives the same map on every machine.
///
/// `transform(Y) = (Y - mean) W`, W the d x n_components matrix of components (divided by the
/// component standard deviations when whitening).
///
/// Cost: see `pca_solver`. Memory: O(d^2) for the exact solver, O(d l) for the randomized one,
/// plus a block of rows per thread; the data is read in place, never copied whole.
/// Thread safety: const members may run concurrently.
/// Throws: invalid_argument (options; n < 2; n_components > min(n, d); `transform` before
/// `fit`), data_error (NaN/Inf; all rows identical), shape_error (transform on data of other
/// dims). A fit that throws leaves the previous fit in place.
class pca {
public:
    explicit pca(pca_options options = {}) : options_(options) {}

    /// Learns mean and components from the rows of `data`.
    template <class T>
    void fit(matrix_view<T> data);

    /// Coordinates of `data` in the fitted component space, shape (rows, n_components).
    template <class T>
    matrix<float> transform(matrix_view<T> data) const;

    /// As `transform`, writing into `out` (rows x n_components), for callers that must not
    /// allocate.
    template <class T>
    void transform(matrix_view<T> data, mutable_matrix_view<float> out) const;

    /// `fit(data)` then `transform(data)`.
    template <class T>
    matrix<float> fit_transform(matrix_view<T> data) {
        fit(data);
        return transform(data);
    }

    /// Convenience overloads for owning matrices.
    template <class T>
    void fit(const matrix<T>& data) { fit(data.view()); }
    template <class T>
    matrix<float> transform(const matrix<T>& data) const { return transform(data.view()); }
    template <class T>
    matrix<float> fit_transform(const matrix<T>& data) { return fit_transform(data.view()); }

    bool fitted() const noexcept { return !mean_.empty(); }
    /// Output dimensions (the option before fit; the fitted value after).
    std::size_t n_components() const noexcept { return options_.n_components; }
    /// Input dimensions seen by fit (0 before).
    std::size_t dims() const noexcept { return mean_.size(); }
    const pca_options& options() const noexcept { return options_; }
    /// The solver fit used (`exact` or `randomized`).
    pca_solver solver_used() const noexcept { return solver_used_; }

    /// Per-dimension mean of the training data.
    std::span<const double> mean() const noexcept { return mean_; }
    /// n_components x d, row c = component c (unit length, sign as documented above).
    matrix_view<float> components() const noexcept { return components_.view(); }
    /// Variance of the training data along each component (eigenvalues of the covariance,
    /// normalised by n - 1), largest first.
    std::span<const double> explained_variance() const noexcept { return explained_variance_; }
    /// `explained_variance` divided by the total variance of the data (sum over all d).
    std::span<const double> explained_variance_ratio() const noexcept { return explained_variance_ratio_; }
    /// Sum of the variances of all d dimensions of the training data.
    double total_variance() const noexcept { return total_variance_; }

private:
    void check_fitted(std::size_t dims, const char* where) const {
        if (!fitted()) VSPACE_THROW(invalid_argument, where, ": the model is not fitted (call fit first)");
        if (dims != this->dims())
            VSPACE_THROW(shape_error, where, ": data has ", dims, " dims (expected ", this->dims(), ")");
    }

    pca_options options_;
    pca_solver solver_used_ = pca_solver::automatic;
    std::vector<double> mean_;
    matrix<float> components_;
    std::vector<double> explained_variance_;
    std::vector<double> explained_variance_ratio_;
    double total_variance_ = 0;
};

static_assert(projector<pca, float>);

}  // namespace vspace

#if !defined(VSPACE_DECLARATIONS_ONLY)
#include <vspace/project/pca/fit.hpp>
#endif
