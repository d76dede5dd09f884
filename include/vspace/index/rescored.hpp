// SPDX-License-Identifier: MIT
/// @file
/// `rescored_index<Metric, Inner>`: search compact codes, re-rank in float. It keeps the float
/// vectors, a quantizer and an inner index over the codes (int8 or bit; flat, hnsw or any
/// `knn_index`). A search quantizes the query, fetches k x rescore candidates from the inner
/// index and orders them by the exact float distance: the speed and cache footprint of codes
/// with nearly the recall of float search (FAISS's IndexRefine).
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/index/concept.hpp>
#include <vspace/index/result.hpp>
#include <vspace/index/search_options.hpp>
#include <vspace/metric/bound.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/concept.hpp>
#include <vspace/quantize/int8.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace vspace {

/// The quantizer `rescored_index` uses for codes of kind Code unless told otherwise.
template <class Code>
struct default_quantizer;
template <>
struct default_quantizer<std::int8_t> {
    using type = int8_quantizer;
};
template <>
struct default_quantizer<bit> {
    using type = binary_quantizer;
};
template <class Code>
using default_quantizer_t = typename default_quantizer<Code>::type;

struct rescored_options {
    /// Candidates fetched from the codes per query: k x rescore, re-ranked by the float
    /// distance. More candidates: better recall, a little slower (the re-ranking reads
    /// k x rescore float rows per query). FAISS's IndexRefine calls it k_factor (default 1).
    /// int8 codes need 2-4; binary codes 10 or more. Must be >= 1.
    std::size_t rescore = 4;
};

/// Approximate (or, with enough candidates, exact) k-NN search over float vectors, through
/// an index over their quantized codes and a float re-ranking of its candidates.
///
/// Ids are the inner index's: rows get 0, 1, 2, ... in the order they are added, so the inner
/// index must start empty and number its rows the same way (flat and hnsw do). Searches are
/// const and may run concurrently with each other, not with `add`. Memory: the float rows plus
/// the codes plus the inner index's structure.
/// @tparam Metric satisfies `metric<Metric, float>`: the distance results are ranked by
/// @tparam Inner satisfies `knn_index` over codes (std::int8_t or vspace::bit), e.g.
///   `flat_index<l2sq, std::int8_t>`, `flat_index<hamming, bit>`, `hnsw_index<...>`
/// @tparam Quantizer satisfies `quantizer<Quantizer, Inner::value_type>`
template <class Metric, class Inner, class Quantizer = default_quantizer_t<typename Inner::value_type>>
    requires metric<Metric, float> && knn_index<Inner> && quantizer<Quantizer, typename Inner::value_type>
class rescored_index {
public:
    using value_type = float;
    using metric_type = Metric;
    using inner_type = Inner;
    using quantizer_type = Quantizer;
    using code_type = typename Inner::value_type;

    /// An empty index over `quantizer.dims()` dimensions. `inner` must be empty and built for
    /// the quantizer's codes. Throws invalid_argument otherwise.
    rescored_index(Quantizer quantizer, Inner inner, rescored_options options = {}, Metric metric = Metric{})
        : quantizer_(std::move(quantizer)), inner_(std::move(inner)), options_(options), metric_(std::move(metric)),
          data_(0, quantizer_.dims()) {
        constexpr const char* where = "rescored_index";
        if (quantizer_.dims() == 0)
            VSPACE_THROW(invalid_argument, where, ": the quantizer is empty (call fit or load first)");
        if (inner_.dims() != quantizer_.dims())
            VSPACE_THROW(invalid_argument, where, ": inner index has ", inner_.dims(), " dims (expected ",
                         quantizer_.dims(), ", the quantizer's)");
        if (inner_.size() != 0)
            VSPACE_THROW(invalid_argument, where, ": inner index holds ", inner_.size(), " rows (expected an empty one)");
        if (options_.rescore == 0) VSPACE_THROW(invalid_argument, where, ": rescore = 0 (expected >= 1)");
    }

    /// Appends rows: stores them, quantizes them and adds the codes to the inner index. Throws
    /// shape_error on a dimension mismatch and data_error on NaN/Inf, leaving the index unchanged.
    void add(matrix_view<float> rows, std::size_t n_threads = 0) {
        detail::check_dims(rows.dims(), dims(), "rescored_index::add", "data");
        detail::check_finite(rows, "rescored_index::add");
        const matrix<code_type> codes = quantizer_.quantize(rows, n_threads);
        const std::size_t first = data_.rows();
        data_.resize_rows(first + rows.rows());
        for (std::size_t i = 0; i < rows.rows(); ++i)
            std::memcpy(data_.row_data(first + i), rows.row_data(i), rows.dims() * sizeof(float));
#if defined(VSPACE_NO_EXCEPTIONS)
        inner_.add(codes.view());
#else
        try {
            inner_.add(codes.view());
        } catch (...) {  // keep the rows and the codes in step
            data_.resize_rows(first);
            throw;
        }
#endif
    }

    /// Appends rows like `add(matrix_view)`, but when the index is empty it keeps the matrix's
    /// storage instead of copying it.
    void add(matrix<float>&& rows, std::size_t n_threads = 0) {
        if (size() != 0 || rows.dims() != dims()) {
            add(rows.view(), n_threads);
            return;
        }
        detail::check_finite(rows.view(), "rescored_index::add");
        inner_.add(quantizer_.quantize(rows.view(), n_threads));
        data_.swap(rows);
    }

    std::size_t size() const noexcept { return data_.rows(); }
    std::size_t dims() const noexcept { return data_.dims(); }
    /// The float rows (row i has id i).
    matrix_view<float> data() const noexcept { return data_.view(); }
    const Inner& inner() const noexcept { return inner_; }
    const Quantizer& quantizer() const noexcept { return quantizer_; }
    const rescored_options& options() const noexcept { return options_; }
    const Metric& metric() const noexcept { return metric_.get(); }

    /// The k nearest rows to `query` among the k x rescore candidates of its code, nearest
    /// first, with float distances. k is clamped to `size()`; `options` go to the inner index
    /// (its filter, ef, threads).
    std::vector<neighbor> search(row<float> query, std::size_t k, const search_options& options = {}) const {
        check_query(query.size(), k);
        detail::check_finite(query, "rescored_index::search");
        matrix<code_type> code(1, dims());
        quantizer_.quantize(query, code.mutable_row(0));
        const auto found = inner_.search(code.row(0), fetch(k), options);
        std::vector<std::int64_t> ids;
        ids.reserve(found.size());
        for (const auto& n : found) ids.push_back(n.id);
        return rerank(query.data(), ids, std::min(k, size()));
    }

    /// The k nearest rows of every query (row q of the result = query q), over
    /// `options.n_threads` threads for the inner search and the re-ranking.
    search_result search(matrix_view<float> queries, std::size_t k, const search_options& options = {}) const {
        check_query(queries.dims(), k);
        detail::check_finite(queries, "rescored_index::search");
        const std::size_t kk = std::min(k, size());
        search_result result(queries.rows(), kk);
        if (kk == 0 || queries.rows() == 0) return result;
        const matrix<code_type> codes = quantizer_.quantize(queries, options.n_threads);
        const search_result found = inner_.search(codes.view(), fetch(k), options);
        parallel_for_dynamic(options.n_threads, queries.rows(), 64,
                             [&](std::size_t begin, std::size_t end, std::size_t) {
                                 for (std::size_t q = begin; q < end; ++q) {
                                     const auto best = rerank(queries.row_data(q), found.ids(q), kk);
                                     for (std::size_t j = 0; j < best.size(); ++j) {
                                         result.ids(q)[j] = best[j].id;
                                         result.distances(q)[j] = best[j].distance;
                                     }
                                 }
                             });
        return result;
    }

private:
    std::size_t fetch(std::size_t k) const noexcept {
        const std::size_t most = std::numeric_limits<std::size_t>::max() / options_.rescore;
        return std::max<std::size_t>(1, std::min(size(), std::min(k, most) * options_.rescore));
    }

    void check_query(std::size_t got, std::size_t k) const {
        detail::check_k(k, "rescored_index::search");
        detail::check_dims(got, dims(), "rescored_index::search");
    }

    /// The candidates ordered by float distance (ties by id), the first kk, in reported units.
    std::vector<neighbor> rerank(const float* q, std::span<const std::int64_t> ids, std::size_t kk) const {
        std::vector<neighbor> out;
        out.reserve(ids.size());
        for (const std::int64_t id : ids) {
            if (id < 0 || static_cast<std::size_t>(id) >= size()) continue;  // empty slots
            out.push_back({id, metric_(q, data_.row_data(static_cast<std::size_t>(id)), dims())});
        }
        const std::size_t keep = std::min(kk, out.size());
        std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end());
        out.resize(keep);
        for (auto& n : out) n.distance = metric_.to_distance(n.distance);
        return out;
    }

    Quantizer quantizer_;
    Inner inner_;
    rescored_options options_;
    bound_metric<Metric, float> metric_;
    matrix<float> data_;
};

}  // namespace vspace
