// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The parameters and the resumable state of UMAP's layout optimisation (the stepper keeps one
/// between calls). Light: plain data; the epoch loop is in umap/optimize.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vspace::detail {

/// What the SGD needs besides the graph: the curve, the rates and the schedule.
struct sgd_params {
    float a = 1.577f;
    float b = 0.895f;
    float gamma = 1.0f;            ///< repulsion strength
    float initial_alpha = 1.0f;    ///< learning rate at epoch 0
    float negative_rate = 5.0f;    ///< negative samples per positive sample
    float attraction_scale = 2.0f; ///< 2 in fit (both ends of an edge pulled), 1 in transform
    std::size_t n_epochs = 200;
    std::uint64_t seed = 42;
    std::size_t n_threads = 0;
};

/// Per-edge sampling schedule and the epoch counter.
struct sgd_state {
    std::vector<float> epochs_per_sample;  ///< epochs between two samples of an edge: max_w / w
    std::vector<float> next_sample;        ///< epoch at which the edge is next sampled
    std::vector<float> next_negative;      ///< epoch up to which its negative samples are drawn
    std::vector<float> snapshot;           ///< the map at the start of the epoch (fit only)
    std::size_t max_degree = 0;            ///< most edges of one vertex (sizes the scratch)
    std::size_t epoch = 0;
};

}  // namespace vspace::detail
/// @endcond
