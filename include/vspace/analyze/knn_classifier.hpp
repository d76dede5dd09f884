// SPDX-License-Identifier: MIT
/// @file
/// `knn_classifier`: predicts the class of a vector from the classes of its k nearest training
/// vectors, by majority or distance-weighted vote. The simplest strong baseline on embeddings.
#pragma once

#include <vspace/analyze/labels.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/cosine.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace vspace {

/// How the k neighbours vote.
enum class knn_vote : std::uint8_t {
    majority,  ///< one vote each; a tie goes to the class of the nearest tied neighbour
    distance,  ///< votes weighted by 1 / distance (an exact match wins outright)
};

/// Settings of `knn_classifier`.
struct knn_classifier_options {
    /// Neighbours that vote (clamped to the training size).
    std::size_t k = 10;
    knn_vote vote = knn_vote::distance;
    std::size_t n_threads = 0;  ///< 0 = all cores, for batch prediction
};

/// k-nearest-neighbour classifier over an exact (flat) index.
/// `fit` keeps a copy of the training vectors; `predict` is const and thread-safe.
/// @tparam Metric a distance (smaller is closer) satisfying `metric<Metric, T>`; cosine suits
///         sentence embeddings
/// @tparam T float, std::int8_t or vspace::bit
template <class Metric = cosine, class T = float>
    requires metric<Metric, T>
class knn_classifier {
public:
    explicit knn_classifier(const knn_classifier_options& options = {}) : options_(options) {}

    /// Stores the training rows and their class ids (n_classes = 0: largest id + 1).
    /// Throws shape_error when labels and rows differ in count, invalid_argument for k = 0 or
    /// an id >= n_classes, data_error for NaN.
    void fit(matrix_view<T> data, std::span<const std::uint32_t> labels, std::size_t n_classes = 0) {
        detail::check_k(options_.k, "knn_classifier::fit");
        n_classes_ = detail::check_labels(data.rows(), labels, n_classes, "knn_classifier::fit");
        flat_index<Metric, T> index(data.dims());
        index.add(data);
        index_.emplace(std::move(index));
        labels_.assign(labels.begin(), labels.end());
    }

    /// The predicted class of each query row. Throws invalid_argument before `fit`.
    std::vector<std::uint32_t> predict(matrix_view<T> queries) const {
        if (!index_) VSPACE_THROW(invalid_argument, "knn_classifier::predict: not fitted (call fit first)");
        const auto found = index_->search(queries, options_.k, {.n_threads = options_.n_threads});
        std::vector<std::uint32_t> out(queries.rows());
        std::vector<double> votes(n_classes_);
        for (std::size_t q = 0; q < queries.rows(); ++q) {
            std::fill(votes.begin(), votes.end(), 0.0);
            const auto ids = found.ids(q);
            const auto dist = found.distances(q);
            for (std::size_t j = 0; j < ids.size() && ids[j] != no_id; ++j) {
                double w = 1.0;
                if (options_.vote == knn_vote::distance)
                    w = dist[j] > 0 ? 1.0 / dist[j] : 1e30;  // an exact match decides
                votes[labels_[ids[j]]] += w;
            }
            // highest vote; ties go to the class of the nearest neighbour among the tied
            double best = -1;
            for (double v : votes) best = std::max(best, v);
            for (std::size_t j = 0; j < ids.size() && ids[j] != no_id; ++j)
                if (votes[labels_[ids[j]]] == best) {
                    out[q] = labels_[ids[j]];
                    break;
                }
        }
        return out;
    }

    std::size_t n_classes() const noexcept { return n_classes_; }

private:
    knn_classifier_options options_;
    std::optional<flat_index<Metric, T>> index_;
    std::vector<std::uint32_t> labels_;
    std::size_t n_classes_ = 0;
};

}  // namespace vspace
