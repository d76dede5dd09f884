// SPDX-License-Identifier: MIT
/// @file
/// Accuracy and confusion matrix of a classifier's predictions against the true classes.
#pragma once

#include <vspace/core/error.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace vspace {

/// How predictions compare with the truth.
struct classification_report {
    std::size_t n_classes = 0;
    /// n_classes x n_classes, row-major: confusion[t * n_classes + p] counts rows of true class t
    /// predicted as p. The diagonal holds the correct ones.
    std::vector<std::size_t> confusion;
    std::size_t correct = 0;
    std::size_t total = 0;

    double accuracy() const noexcept { return total ? double(correct) / double(total) : 0.0; }
    std::size_t at(std::size_t truth, std::size_t predicted) const noexcept {
        return confusion[truth * n_classes + predicted];
    }
    /// Share of class c's rows predicted as c (0 for a class absent from the truth).
    double recall(std::size_t c) const noexcept {
        std::size_t row = 0;
        for (std::size_t p = 0; p < n_classes; ++p) row += at(c, p);
        return row ? double(at(c, c)) / double(row) : 0.0;
    }
};

/// Compares predicted with true class ids. Throws shape_error when the lengths differ and
/// invalid_argument for an id >= n_classes.
inline classification_report evaluate_classification(std::span<const std::uint32_t> predicted,
                                                      std::span<const std::uint32_t> truth, std::size_t n_classes) {
    if (predicted.size() != truth.size())
        VSPACE_THROW(shape_error, "evaluate_classification: ", predicted.size(), " predictions for ", truth.size(),
                     " true labels (expected the same count)");
    classification_report r{n_classes, std::vector<std::size_t>(n_classes * n_classes, 0), 0, truth.size()};
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] >= n_classes || predicted[i] >= n_classes)
            VSPACE_THROW(invalid_argument, "evaluate_classification: class id ", std::max(truth[i], predicted[i]),
                         " at row ", i, " (expected < n_classes = ", n_classes, ")");
        ++r.confusion[truth[i] * n_classes + predicted[i]];
        r.correct += truth[i] == predicted[i];
    }
    return r;
}

}  // namespace vspace
