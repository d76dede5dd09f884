// SPDX-License-Identifier: MIT
/// @file
/// Class labels for the classifiers: text labels to class ids and back, a stratified train/test
/// split, and row selection. Kept apart from the classifiers so that each of them stays small.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace vspace {

/// Text labels as class ids: `classes[ids[i]]` is the label of row i.
struct encoded_labels {
    std::vector<std::string> classes;  ///< sorted, distinct
    std::vector<std::uint32_t> ids;
};

/// Class ids for text labels; classes are numbered in sorted order, so the same label set
/// always gets the same ids.
inline encoded_labels encode_labels(std::span<const std::string> labels) {
    std::map<std::string, std::uint32_t> index;
    for (const auto& l : labels) index.emplace(l, 0);
    encoded_labels out;
    for (auto& [name, id] : index) {
        id = static_cast<std::uint32_t>(out.classes.size());
        out.classes.push_back(name);
    }
    out.ids.reserve(labels.size());
    for (const auto& l : labels) out.ids.push_back(index.at(l));
    return out;
}

/// Row indices of a train/test split.
struct data_split {
    std::vector<std::size_t> train, test;  ///< ascending
};

/// A stratified random split: in every class, round(test_fraction x its size) rows go to the
/// test set (at least one row stays in training), so small classes appear on both sides.
/// Deterministic for a seed. Throws invalid_argument unless 0 < test_fraction < 1.
inline data_split stratified_split(std::span<const std::uint32_t> labels, double test_fraction, std::uint64_t seed) {
    if (!(test_fraction > 0 && test_fraction < 1))
        VSPACE_THROW(invalid_argument, "stratified_split: test_fraction = ", test_fraction, " (expected 0 < f < 1)");
    std::uint32_t classes = 0;
    for (auto l : labels) classes = std::max(classes, l + 1);
    std::vector<std::vector<std::size_t>> members(classes);
    for (std::size_t i = 0; i < labels.size(); ++i) members[labels[i]].push_back(i);
    data_split s;
    rng gen(seed);
    for (auto& m : members) {
        gen.shuffle(m.begin(), m.end());
        auto n_test = static_cast<std::size_t>(std::llround(test_fraction * double(m.size())));
        n_test = std::min(n_test, m.size() > 0 ? m.size() - 1 : 0);
        s.test.insert(s.test.end(), m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n_test));
        s.train.insert(s.train.end(), m.begin() + static_cast<std::ptrdiff_t>(n_test), m.end());
    }
    std::sort(s.train.begin(), s.train.end());
    std::sort(s.test.begin(), s.test.end());
    return s;
}

/// The given rows of `data`, in the given order. Throws invalid_argument for a row out of range.
template <class T>
matrix<T> select_rows(matrix_view<T> data, std::span<const std::size_t> rows) {
    matrix<T> out(rows.size(), data.dims());
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy_n(data.checked_row(rows[i]).data(), data.words(), out.row_data(i));
    return out;
}

/// The given elements of `values`, in the given order.
template <class V>
std::vector<V> select(std::span<const V> values, std::span<const std::size_t> rows) {
    std::vector<V> out;
    out.reserve(rows.size());
    for (auto r : rows) {
        if (r >= values.size())
            VSPACE_THROW(invalid_argument, "select: row ", r, " out of range (expected < ", values.size(), ")");
        out.push_back(values[r]);
    }
    return out;
}

namespace detail {
/// Checks one label per row and ids < n_classes (0 = infer max + 1); returns the class count.
inline std::size_t check_labels(std::size_t rows, std::span<const std::uint32_t> labels, std::size_t n_classes,
                                const char* where) {
    if (labels.size() != rows)
        VSPACE_THROW(shape_error, where, ": ", labels.size(), " labels for ", rows, " rows (expected one label per row)");
    if (rows == 0) VSPACE_THROW(invalid_argument, where, ": no training rows (expected at least one)");
    std::size_t needed = 0;
    for (auto l : labels) needed = std::max<std::size_t>(needed, std::size_t{l} + 1);
    if (n_classes == 0) return needed;
    if (needed > n_classes)
        VSPACE_THROW(invalid_argument, where, ": label ", needed - 1, " out of range (expected < n_classes = ", n_classes,
                     ")");
    return n_classes;
}
}  // namespace detail

}  // namespace vspace
