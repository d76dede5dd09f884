// SPDX-License-Identifier: MIT
/// @file
/// The options and the report of `tsne` (see project/tsne.hpp): plain structs, no Eigen or
/// Boost, so that code which only configures or reads a t-SNE run stays cheap to compile.
#pragma once

#include <vspace/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace vspace {

/// How the repulsive half of the t-SNE gradient is computed (the attractive half is always
/// exact over the sparse input affinities).
enum class tsne_gradient {
    /// `exact` up to 1,000 points, `barnes_hut` up to 10,000, `fft_interpolation` above (the
    /// measured crossovers on 2 cores; openTSNE switches from Barnes-Hut to FFT at 10,000 too).
    automatic,
    /// Every pair, O(n^2) per iteration: the reference, and the fastest for small maps.
    exact,
    /// Barnes-Hut quadtree (van der Maaten 2014), O(n log n); accuracy set by `theta`.
    barnes_hut,
    /// Polynomial interpolation on a grid plus FFT convolution (Linderman et al. 2019,
    /// "FIt-SNE"), O(n) plus the grid's FFT; accuracy set by the `fft_` options.
    fft_interpolation,
};

/// Name of a gradient method ("automatic", "exact", "barnes_hut", "fft_interpolation").
constexpr std::string_view tsne_gradient_name(tsne_gradient g) noexcept {
    switch (g) {
        case tsne_gradient::automatic: return "automatic";
        case tsne_gradient::exact: return "exact";
        case tsne_gradient::barnes_hut: return "barnes_hut";
        case tsne_gradient::fft_interpolation: return "fft_interpolation";
    }
    return "unknown";
}

/// Which input affinities P are computed.
enum class tsne_affinities {
    /// `exact` when the gradient method is exact, else `nearest_neighbors`.
    automatic,
    /// Each point's Gaussian over all n - 1 others (van der Maaten & Hinton 2008). O(n^2)
    /// time and memory; limited to 5,000 points.
    exact,
    /// Each point's Gaussian over its 3 * perplexity nearest neighbours (van der Maaten 2014):
    /// the rest of its mass is negligible (< 1e-5 for a Gaussian at that perplexity).
    nearest_neighbors,
};

/// Where the optimisation starts.
enum class tsne_initialization {
    /// The first two principal components, scaled so that the first has standard deviation
    /// 1e-4 (Kobak & Berens 2019): keeps the global layout of the data and makes runs
    /// reproducible; openTSNE's and FIt-SNE's default.
    pca,
    /// Independent normal coordinates of standard deviation 1e-4 (the original t-SNE's).
    random,
};

/// Options of `tsne`. Defaults follow openTSNE and FIt-SNE (which agree), with the sources
/// named per field.
struct tsne_options {
    /// Perplexity: the effective number of neighbours of each point's Gaussian ("Perp" in van
    /// der Maaten & Hinton 2008). Larger values keep more global structure and cost more
    /// (each point gets 3 * perplexity neighbours). 5 to 50 is typical; 30 is the default of
    /// openTSNE, FIt-SNE and scikit-learn. Needs 1 <= perplexity < (n - 1) / 3.
    double perplexity = 30;
    /// Gradient-descent iterations in all, early exaggeration included (FIt-SNE's max_iter;
    /// openTSNE's 250 + 500).
    std::size_t iterations = 750;
    /// Iterations at the start with P multiplied by `early_exaggeration` and `momentum`
    /// (250 in openTSNE, FIt-SNE and scikit-learn). At most `iterations`.
    std::size_t early_exaggeration_iterations = 250;
    /// Factor on P during early exaggeration: clusters form first, then spread (12, as in
    /// openTSNE, FIt-SNE and scikit-learn >= 0.22).
    double early_exaggeration = 12;
    /// Factor on P after early exaggeration. 1 is plain t-SNE; 2 to 4 give more compact
    /// clusters and more global structure for very large n (Kobak & Berens 2019).
    double exaggeration = 1;
    /// Momentum during early exaggeration (0.5) and after it (0.8), as in every reference
    /// implementation since van der Maaten & Hinton 2008.
    double momentum = 0.5;
    double final_momentum = 0.8;
    /// Step size. 0 = automatic: n / early_exaggeration (Belkina et al. 2019; n/12 with the
    /// default exaggeration), at least 200 (FIt-SNE's rule). The gradient is taken without
    /// its constant factor 4, as in bhtsne, FIt-SNE and openTSNE, whose learning rates
    /// therefore carry over unchanged (scikit-learn's are 4 times smaller).
    double learning_rate = 0;
    /// Largest step of one point in one iteration, in map units; longer steps are shortened
    /// (openTSNE's and FIt-SNE's max_step_norm, 5). 0 = no limit.
    double max_step_norm = 5;
    /// Degrees of freedom a of the Student-t kernel w = (1 + d^2/a)^(-a) of the map.
    /// 1 is standard t-SNE; values below 1 give heavier tails, which separate clusters more and
    /// reveal finer structure (Kobak et al. 2019 use 0.5 and below). Must be > 0.
    double dof = 1;
    /// How the repulsive forces are computed; see `tsne_gradient`.
    tsne_gradient gradient = tsne_gradient::automatic;
    /// Barnes-Hut accuracy: a cell whose side is less than theta times its distance is
    /// summarised by its centre of mass. 0 is exact; 0.5 is the usual default (bhtsne,
    /// openTSNE, scikit-learn's `angle`); larger is faster and coarser.
    double theta = 0.5;
    /// FFT method: interpolation nodes per box and side ("p" in Linderman et al. 2019; 3 in
    /// FIt-SNE and openTSNE). More is more accurate and costs p^2 per point. 1 to 8.
    std::size_t fft_interpolation_points = 3;
    /// FFT method: boxes per side of the grid, at least (FIt-SNE's min_num_intervals, 50).
    std::size_t fft_min_boxes = 50;
    /// FFT method: side of a box in map units, at most (1 / FIt-SNE's intervals_per_integer,
    /// which is 1). Smaller is more accurate and makes the FFT grid larger.
    double fft_max_box_width = 1;
    /// Which input affinities are computed; see `tsne_affinities`.
    tsne_affinities affinities = tsne_affinities::automatic;
    /// Where the optimisation starts; see `tsne_initialization`.
    tsne_initialization initialization = tsne_initialization::pca;
    /// Wider float data under `l2` or `l2sq` is first reduced to this many principal components
    /// (Kobak & Berens 2019 and the FIt-SNE and openTSNE examples use 50): the neighbour search
    /// gets much faster and the map hardly changes. 0 = never. Other metrics and kinds use the
    /// data as given.
    std::size_t pca_dims = 50;
    /// Record the KL divergence every this many iterations (in the report and the stepper);
    /// 0 = only at the end. Each record costs about half an iteration.
    std::size_t kl_every = 50;
    /// transform(): perplexity of each new point's Gaussian over the fitted points (openTSNE
    /// uses 5: a new point should attach to its closest neighbours only). Needs
    /// 1 <= transform_perplexity < n / 3.
    double transform_perplexity = 5;
    /// transform(): iterations of the new points' optimisation (openTSNE's 250).
    std::size_t transform_iterations = 250;
    /// transform(): step size of the new points (the map itself does not move, so a small
    /// step suffices; openTSNE uses 0.1).
    double transform_learning_rate = 0.1;
    std::size_t n_threads = 0;  ///< 0 = all cores
    /// Drives the PCA solver, the random initialisation and randomized neighbour indexes; the
    /// optimisation itself is deterministic. Same seed and n_threads give the same map bytes.
    std::uint64_t seed = 42;
};

/// Throws invalid_argument naming the first option out of range (data-dependent limits, such
/// as perplexity < (n - 1) / 3, are checked when the data is seen).
inline void validate(const tsne_options& o, std::string_view where) {
    auto positive = [&](double v, const char* name) {
        if (!(std::isfinite(v) && v > 0))
            VSPACE_THROW(invalid_argument, where, ": ", name, " = ", v, " (expected a finite value > 0)");
    };
    if (!(std::isfinite(o.perplexity) && o.perplexity >= 1))
        VSPACE_THROW(invalid_argument, where, ": perplexity = ", o.perplexity, " (expected >= 1)");
    if (o.early_exaggeration_iterations > o.iterations)
        VSPACE_THROW(invalid_argument, where, ": early_exaggeration_iterations = ", o.early_exaggeration_iterations,
                     " (expected <= iterations = ", o.iterations, ")");
    positive(o.early_exaggeration, "early_exaggeration");
    positive(o.exaggeration, "exaggeration");
    positive(o.dof, "dof");
    positive(o.fft_max_box_width, "fft_max_box_width");
    positive(o.transform_learning_rate, "transform_learning_rate");
    for (auto [v, name] : {std::pair{o.momentum, "momentum"}, std::pair{o.final_momentum, "final_momentum"}})
        if (!(v >= 0 && v < 1))
            VSPACE_THROW(invalid_argument, where, ": ", name, " = ", v, " (expected 0 <= value < 1)");
    for (auto [v, name] : {std::pair{o.learning_rate, "learning_rate"}, std::pair{o.max_step_norm, "max_step_norm"},
                           std::pair{o.theta, "theta"}})
        if (!(std::isfinite(v) && v >= 0))
            VSPACE_THROW(invalid_argument, where, ": ", name, " = ", v, " (expected a finite value >= 0)");
    if (o.fft_interpolation_points < 1 || o.fft_interpolation_points > 8)
        VSPACE_THROW(invalid_argument, where, ": fft_interpolation_points = ", o.fft_interpolation_points,
                     " (expected 1 to 8)");
    if (o.fft_min_boxes < 1 || o.fft_min_boxes > 4096)
        VSPACE_THROW(invalid_argument, where, ": fft_min_boxes = ", o.fft_min_boxes, " (expected 1 to 4096)");
    if (!(std::isfinite(o.transform_perplexity) && o.transform_perplexity >= 1))
        VSPACE_THROW(invalid_argument, where, ": transform_perplexity = ", o.transform_perplexity, " (expected >= 1)");
}

/// One KL divergence record: KL(P || Q) of the map as it was at the start of `iteration`
/// (before that iteration's step), with the unexaggerated P.
struct tsne_kl_record {
    std::size_t iteration = 0;
    double kl_divergence = 0;
};

/// What a t-SNE fit did and measured.
struct tsne_report {
    std::size_t n = 0;             ///< points
    std::size_t dims = 0;          ///< input dimensions
    std::size_t reduced_dims = 0;  ///< dimensions the neighbours were searched in (after PCA)
    std::size_t neighbors = 0;     ///< neighbours per point of P (n - 1 for exact affinities)
    std::size_t nonzeros = 0;      ///< stored entries of the symmetric P
    bool exact_affinities = false;
    tsne_gradient gradient = tsne_gradient::automatic;  ///< the method used (never automatic)
    double learning_rate = 0;                            ///< the step size used
    /// Points whose calibration hit the iteration limit / could not reach the perplexity
    /// because too many neighbours are duplicates (p is then uniform over the duplicates).
    std::size_t calibration_not_converged = 0;
    std::size_t calibration_unreachable = 0;
    std::size_t iterations = 0;  ///< iterations run
    /// KL divergence of the final map (NaN until the run is done).
    double kl_divergence = std::numeric_limits<double>::quiet_NaN();
    std::vector<tsne_kl_record> kl_history;  ///< every `kl_every` iterations, and the end
    std::size_t fft_size = 0;                ///< FFT side at the last iteration (FFT method)
    /// Wall-clock seconds of the stages.
    double seconds_pca = 0, seconds_neighbors = 0, seconds_affinities = 0, seconds_optimize = 0;
};

}  // namespace vspace
