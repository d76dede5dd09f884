// SPDX-License-Identifier: MIT
/// @file
/// `flat_index<Metric, T>`: exact nearest-neighbour search by comparing the query with every
/// row. The reference every approximate index is measured against, and the right choice for
/// up to about 10^5 rows or when recall must be 1.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/detail/top_k.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/index/result.hpp>
#include <vspace/index/search_options.hpp>
#include <vspace/metric/bound.hpp>

#include <algorithm>
#include <cstring>
#include <vector>

namespace vspace {

/// Exact k-nearest-neighbour search over rows of kind T under metric M.
///
/// Rows get ids 0, 1, 2, ... in the order they are added. Searches are const and may run
/// concurrently with each other, not with `add`. A single query costs O(n d); a batch is
/// split over threads by query.
/// @tparam Metric satisfies `metric<Metric, T>` (built-in or your own)
/// @tparam T float, std::int8_t or vspace::bit
template <class Metric, class T>
    requires metric<Metric, T>
class flat_index {
public:
    using metric_type = Metric;
    using value_type = T;
    using storage_type = storage_t<T>;

    /// An empty index for vectors of `dims` dimensions (bits, for `bit`).
    explicit flat_index(std::size_t dims, Metric metric = Metric{})
        : metric_(std::move(metric)), data_(0, dims) {
        if (dims == 0) VSPACE_THROW(invalid_argument, "flat_index: dims = 0 (expected >= 1)");
    }

    /// Appends rows; their ids continue from `size()`. Throws shape_error on a dimension
    /// mismatch and data_error on NaN/Inf, leaving the index unchanged.
    void add(matrix_view<T> rows) {
        detail::check_dims(rows.dims(), dims(), "flat_index::add", "data");
        detail::check_finite(rows, "flat_index::add");
        const std::size_t first = data_.rows();
        data_.resize_rows(first + rows.rows());
        for (std::size_t i = 0; i < rows.rows(); ++i)
            std::memcpy(data_.row_data(first + i), rows.row_data(i), rows.words() * sizeof(storage_type));
    }

    std::size_t size() const noexcept { return data_.rows(); }
    std::size_t dims() const noexcept { return data_.dims(); }
    /// The stored rows (row i has id i).
    matrix_view<T> data() const noexcept { return data_.view(); }
    const Metric& metric() const noexcept { return metric_.get(); }
    std::size_t memory_bytes() const noexcept { return data_.memory_bytes(); }

    /// The k nearest rows to `query`, nearest first. k is clamped to `size()`; fewer are
    /// returned when a filter accepts fewer rows.
    std::vector<neighbor> search(row<T> query, std::size_t k, const search_options& options = {}) const {
        check_query(query.size(), k, "flat_index::search");
        detail::check_finite(query, "flat_index::search");
        detail::top_k best(std::min(k, size()));
        std::vector<float> scratch(block_rows);
        scan(query.data(), best, options.filter, scratch.data());
        auto out = best.take_sorted();
        for (auto& n : out) n.distance = metric_.to_distance(n.distance);
        return out;
    }

    /// The k nearest rows of every query (row q of the result = query q), over
    /// `options.n_threads` threads. k is clamped to `size()`.
    search_result search(matrix_view<T> queries, std::size_t k, const search_options& options = {}) const {
        check_query(queries.words(), k, "flat_index::search");
        detail::check_dims(queries.dims(), dims(), "flat_index::search", "queries");
        detail::check_finite(queries, "flat_index::search");
        const std::size_t kk = std::min(k, size());
        search_result result(queries.rows(), kk);
        parallel_for_dynamic(options.n_threads, queries.rows(), 8,
                             [&](std::size_t begin, std::size_t end, std::size_t) {
                                 detail::top_k best(kk);
                                 std::vector<float> scratch(block_rows);
                                 for (std::size_t q = begin; q < end; ++q) {
                                     scan(queries.row_data(q), best, options.filter, scratch.data());
                                     auto ids = result.ids(q);
                                     auto dist = result.distances(q);
                                     best.write_sorted(ids.data(), dist.data());
                                     for (auto& d : dist) d = metric_.to_distance(d);
                                 }
                             });
        return result;
    }

private:
    static constexpr std::size_t block_rows = 256;  // rows per kernel call: amortizes dispatch

    void check_query(std::size_t words, std::size_t k, const char* where) const {
        detail::check_k(k, where);
        if (words != data_.words())
            VSPACE_THROW(shape_error, where, ": query has ", words,
                         std::same_as<T, bit> ? " words" : " dims", " (expected ", data_.words(), ")");
    }

    void scan(const storage_type* q, detail::top_k& best, const id_filter& filter, float* scratch) const {
        const std::size_t n = size(), words = data_.words();
        for (std::size_t first = 0; first < n; first += block_rows) {
            const std::size_t rows = std::min(block_rows, n - first);
            metric_.many(q, data_.row_data(first), data_.stride(), rows, words, scratch);
            for (std::size_t i = 0; i < rows; ++i) {
                const auto id = static_cast<std::int64_t>(first + i);
                // <= : a tie with the threshold may still win on id (top_k decides)
                if (scratch[i] <= best.threshold() && (!filter || filter(id))) best.push(scratch[i], id);
            }
        }
    }

    bound_metric<Metric, T> metric_;
    matrix<T> data_;
};

}  // namespace vspace
