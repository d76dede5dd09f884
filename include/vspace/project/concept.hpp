// SPDX-License-Identifier: MIT
/// @file
/// What a projector is (`projector`: fit, transform, fit_transform) and what an iterative one
/// adds (`stepper`: run a few iterations at a time, look at the map in between). PCA, UMAP and
/// t-SNE satisfy these; the map writer and the CLI take any type that does. Light: no Eigen.
#pragma once

#include <vspace/core/matrix.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace vspace {

/// A map from vectors of kind T to `n_components()` floats per vector.
///
/// - `fit(X)` learns the map from the rows of X;
/// - `transform(Y)` places new rows on the fitted map (the training rows keep their places);
/// - `fit_transform(X)` fits and returns the coordinates of X itself (for UMAP and t-SNE these
///   are the optimised training coordinates, not `transform(X)`).
///
/// Coordinates are returned as a `matrix<float>` of shape (rows, n_components).
/// @tparam P the projector type
/// @tparam T the scalar kind of the input rows (float, std::int8_t or vspace::bit)
template <class P, class T = float>
concept projector = scalar<T> && requires(P& p, const P& c, matrix_view<T> x) {
    p.fit(x);
    { c.transform(x) } -> std::same_as<matrix<float>>;
    { p.fit_transform(x) } -> std::same_as<matrix<float>>;
    { c.n_components() } -> std::convertible_to<std::size_t>;
    { c.fitted() } -> std::convertible_to<bool>;
};

/// The state of an iterative optimisation that the caller advances: `step(n)` runs up to n
/// more iterations (epochs) and returns how many it ran (0 once done), `embedding()` is the
/// current map. This is what progress bars, early stopping and animations are built on; the
/// one-shot `fit` is a loop over it.
///
/// @code
/// auto run = model.start(data);
/// while (!run.done()) { run.step(10); draw(run.embedding()); }
/// @endcode
template <class S>
concept stepper = requires(S& s, const S& c, std::size_t n) {
    { s.step(n) } -> std::same_as<std::size_t>;
    { c.done() } -> std::convertible_to<bool>;
    { c.iteration() } -> std::convertible_to<std::size_t>;
    { c.n_iterations() } -> std::convertible_to<std::size_t>;
    { c.embedding() } -> std::same_as<matrix_view<float>>;
};

/// A projector whose fit can be run step by step: `start(X)` prepares the optimisation and
/// returns a `stepper`; when it is done, the projector is fitted as if `fit(X)` had run.
template <class P, class T = float>
concept iterative_projector = projector<P, T> && requires(P& p, matrix_view<T> x) {
    { p.start(x) } -> stepper;
};

/// Runs `s` to the end, `chunk` iterations at a time, calling `on_progress(done, total)` after
/// each chunk; stops early when `on_progress` returns false. Returns the iterations run.
template <stepper S, class Progress>
    requires std::invocable<Progress&, std::size_t, std::size_t>
std::size_t run_to_end(S& s, Progress&& on_progress, std::size_t chunk = 10) {
    std::size_t ran = 0;
    if (chunk == 0) chunk = 1;
    while (!s.done()) {
        ran += s.step(chunk);
        if constexpr (std::convertible_to<std::invoke_result_t<Progress&, std::size_t, std::size_t>, bool>) {
            if (!on_progress(s.iteration(), s.n_iterations())) break;
        } else {
            on_progress(s.iteration(), s.n_iterations());
        }
    }
    return ran;
}

}  // namespace vspace
