// SPDX-License-Identifier: MIT
/// @file
/// `flat_index<Metric, T>`: exact nearest-neighbour search by comparing the query with every
/// row. The reference every approximate index is measured against, and the right choice for
/// up to about 10^5 rows or when recall must be 1.
///
/// Two search paths give the same results. A single query (or a small batch) scans the rows
/// with the pair kernels, bound by memory bandwidth. A batch of built-in l2/l2sq/inner-product/
/// cosine (float, int8) or hamming (bit) searches goes through the block kernels (see
/// simd/block_table.hpp): a register-blocked GEMM (float), VNNI (int8) or VPOPCNTDQ (bit) tile
/// with the top-k selection fused in. For float and int8 the tile ranks by the "norm trick"
/// |q - x|^2 = |q|^2 + |x|^2 - 2 <q, x>, which loses precision when q is close to x, so it keeps
/// a few spare candidates, recomputes their distances with the pair kernel and re-ranks them,
/// then proves from a rounding-error bound that no row outside the candidates can belong to the
/// k nearest; a query whose proof fails (rare) is scanned again with the pair kernel.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/detail/top_k.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/index/result.hpp>
#include <vspace/index/search_options.hpp>
#include <vspace/metric/bound.hpp>
#include <vspace/simd/block_table.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <vector>

namespace vspace {

/// Exact k-nearest-neighbour search over rows of kind T under metric M.
///
/// Rows get ids 0, 1, 2, ... in the order they are added. Searches are const and may run
/// concurrently with each other, not with `add`. A single query costs O(n d) and reads every
/// row once; a batch of m queries costs O(m n d) arithmetic but reads the rows about m / 512
/// times, split over threads by blocks of queries. Batch results equal single-query results,
/// distances included.
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
        if constexpr (blocked) {  // reserve first: after the data grows nothing may throw
            bias_.reserve(first + rows.rows());
            scale_.reserve(first + rows.rows());
        }
        data_.resize_rows(first + rows.rows());
        for (std::size_t i = 0; i < rows.rows(); ++i)
            std::memcpy(data_.row_data(first + i), rows.row_data(i), rows.words() * sizeof(storage_type));
        if constexpr (blocked)
            for (std::size_t i = first; i < data_.rows(); ++i) append_row_terms(data_.row_data(i));
    }

    /// Appends rows like `add(matrix_view)`, but when the index is empty it takes over the
    /// matrix's storage instead of copying it: no second copy of a large data set in memory
    /// (first writes to fresh memory cost about as much as a search pass on some systems).
    void add(matrix<T>&& rows) {
        if (size() != 0 || rows.dims() != dims()) {
            add(rows.view());
            return;
        }
        detail::check_finite(rows.view(), "flat_index::add");
        if constexpr (blocked) {
            bias_.reserve(rows.rows());
            scale_.reserve(rows.rows());
        }
        data_.swap(rows);
        if constexpr (blocked)
            for (std::size_t i = 0; i < data_.rows(); ++i) append_row_terms(data_.row_data(i));
    }

    std::size_t size() const noexcept { return data_.rows(); }
    std::size_t dims() const noexcept { return data_.dims(); }
    /// The stored rows (row i has id i).
    matrix_view<T> data() const noexcept { return data_.view(); }
    const Metric& metric() const noexcept { return metric_.get(); }
    std::size_t memory_bytes() const noexcept {
        return data_.memory_bytes() + bias_.capacity() * sizeof(bias_type) + scale_.capacity() * sizeof(float);
    }

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
        if (kk == 0 || queries.rows() == 0) return result;
        if constexpr (blocked) {
            if (queries.rows() >= min_block_queries && block_kernel() != nullptr) {
                search_blocks(queries, nullptr, kk, options, result, false);
                return result;
            }
        }
        parallel_for_dynamic(options.n_threads, queries.rows(), 8,
                             [&](std::size_t begin, std::size_t end, std::size_t) {
                                 detail::top_k best(kk);
                                 std::vector<float> scratch(block_rows);
                                 for (std::size_t q = begin; q < end; ++q) {
                                     scan(queries.row_data(q), best, options.filter, scratch.data());
                                     write_row(best.take_sorted(), kk, result, q);
                                 }
                             });
        return result;
    }

private:
    static constexpr std::size_t block_rows = 256;  // rows per kernel call: amortizes dispatch

    // ---- block path: which metrics, and the per-row terms the block kernels need ----------
    static constexpr metric_id id = metric_traits<Metric>::id;
    static constexpr bool is_l2 = id == metric_id::l2sq || id == metric_id::l2;
    static constexpr bool is_cosine = id == metric_id::cosine;
    static constexpr bool is_dot = is_l2 || is_cosine || id == metric_id::inner_product;
    static constexpr bool is_bit = std::same_as<T, bit>;
    /// Built-in metrics with a block kernel (their ids are only trusted with their kernels).
    static constexpr bool blocked =
        bound_metric<Metric, T>::has_kernel && (is_bit ? id == metric_id::hamming : is_dot);
    /// Bit ranking values are the exact distances; float and int8 ones are re-ranked.
    static constexpr bool exact_values = is_bit;
    /// Below this many queries a batch scans query by query (the tile's lanes would idle).
    static constexpr std::size_t min_block_queries = 4;
    /// Queries per block-kernel call: the rows are streamed once per block. Float panels of
    /// 512 queries of 784 dims take 1.6 MB; int8 and bit panels are 4 and 6 times smaller.
    static constexpr std::size_t max_block_queries = std::same_as<T, float> ? 512 : 1024;
    /// int8 sums must stay in int32: n * 255 * 128 * 2 + |bias| < 2^31 (see block_i8_problem).
    static constexpr std::size_t max_i8_block_dims = 16384;

    using bias_type = std::conditional_t<std::same_as<T, std::int8_t>, std::int32_t, float>;

    auto block_kernel() const noexcept {
        const simd::block_kernels& b = simd::active_tables().blocks;
        if constexpr (std::same_as<T, float>) return b.f32;
        else if constexpr (std::same_as<T, std::int8_t>) return dims() <= max_i8_block_dims ? b.i8 : nullptr;
        else return b.b1;
    }

    /// Appends bias and scale of one row (see block_f32_problem, block_i8_problem); keeps the
    /// largest row norm for the error bound.
    void append_row_terms(const storage_type* x) noexcept {
        if constexpr (is_bit) {
            return;
        } else {
            double sq = 0, sum = 0;
            for (std::size_t j = 0; j < dims(); ++j) {
                sq += static_cast<double>(x[j]) * static_cast<double>(x[j]);
                sum += static_cast<double>(x[j]);
            }
            const double norm = std::sqrt(sq);
            max_norm_ = std::max(max_norm_, norm);
            const float inverse = norm > 0 ? static_cast<float>(1.0 / norm) : 0.f;
            if constexpr (std::same_as<T, float>) {
                bias_.push_back(is_l2 ? static_cast<float>(sq) : 0.f);
                scale_.push_back(is_l2 ? -2.f : (is_cosine ? -inverse : -1.f));
            } else {  // exact integers: |x|^2 + 256 sum x, or 128 sum x
                bias_.push_back(static_cast<std::int32_t>(is_l2 ? sq + 256 * sum : 128 * sum));
                scale_.push_back(is_cosine ? inverse : 1.f);
            }
        }
    }

    /// Candidates kept per query for re-ranking: a few spare ones, so that the proof rarely
    /// fails; many more on the retry of the queries whose proof failed.
    std::size_t candidates_for(std::size_t kk, bool retry) const noexcept {
        if constexpr (exact_values) return kk;
        else return std::min(size(), retry ? 4 * kk + 64 : kk + std::max<std::size_t>(8, kk / 2));
    }

    /// Per-block state the sink works on: one selector per query of the block.
    struct block_context {
        detail::top_k* heaps = nullptr;
        const id_filter* filter = nullptr;
        std::exception_ptr error;  // thrown by the filter; rethrown after the kernel returns
    };

    static float offer(void* context, std::size_t query, std::size_t row, float value) noexcept {
        auto& c = *static_cast<block_context*>(context);
        detail::top_k& heap = c.heaps[query];
        const auto id = static_cast<std::int64_t>(row);
        if (*c.filter) {
#if defined(VSPACE_NO_EXCEPTIONS)
            if (!(*c.filter)(id)) return heap.threshold();
#else
            if (c.error) return -std::numeric_limits<float>::infinity();  // stop offering
            try {
                if (!(*c.filter)(id)) return heap.threshold();
            } catch (...) {
                c.error = std::current_exception();
                return -std::numeric_limits<float>::infinity();
            }
#endif
        }
        heap.push(value, id);  // capacity is reserved: no allocation, no throw
        return heap.threshold();
    }

    struct aligned_free {
        void operator()(void* p) const noexcept { ::operator delete(p, std::align_val_t{64}); }
    };

    /// Searches `queries` through the block kernel; query j's result goes to row `rows[j]` of
    /// `result` (row j when `rows` is null). Queries whose candidates cannot be proven are
    /// searched again together, with many more candidates (`retry`), and on a second failure
    /// scanned with the pair kernel: one more pass over the rows for all of them instead of a
    /// scan each.
    void search_blocks(matrix_view<T> queries, const std::size_t* rows, std::size_t kk, const search_options& options,
                       search_result& result, bool retry) const {
        const std::size_t nq = queries.rows(), keep = candidates_for(kk, retry);
        const std::size_t threads = resolve_threads(options.n_threads);
        // Blocks of at most max_block_queries, at least two per thread when there are enough.
        const std::size_t per_thread = (nq + 2 * threads - 1) / (2 * threads);
        const std::size_t block = std::clamp<std::size_t>((per_thread + 63) / 64 * 64, 64, max_block_queries);
        const std::size_t n_blocks = (nq + block - 1) / block;
        const std::size_t scratch_bytes = simd::block_scratch_bytes(block, data_.words(), sizeof(storage_type));
        const auto kernel = block_kernel();

        // Per-worker state, made on first use and reused for every block: fresh memory costs
        // a page fault per page on first touch.
        struct worker_state {
            std::unique_ptr<void, aligned_free> scratch;
            std::vector<detail::top_k> heaps;
            std::vector<float> scan_scratch;
            std::vector<std::size_t> unproven;  // queries to search again
        };
        std::vector<worker_state> states(std::min(threads, n_blocks));
        const std::vector<float> start(block, std::numeric_limits<float>::infinity());
        parallel_for_dynamic(options.n_threads, n_blocks, 1, [&](std::size_t b0, std::size_t b1, std::size_t w) {
            worker_state& state = states[w];
            if (!state.scratch) {
                state.scratch.reset(::operator new(scratch_bytes, std::align_val_t{64}));
                state.heaps.reserve(block);  // built one by one: copies would drop the reserved room
                for (std::size_t j = 0; j < block; ++j) state.heaps.emplace_back(keep);
                state.scan_scratch.resize(block_rows);
            }
            for (std::size_t b = b0; b < b1; ++b) {
                const std::size_t q0 = b * block, count = std::min(block, nq - q0);
                block_context context{state.heaps.data(), &options.filter, {}};
                auto problem = make_problem(queries.subview(q0, count), start.data(), state.scratch.get());
                kernel(problem, simd::block_sink{&offer, &context});
                if (context.error) std::rethrow_exception(context.error);
                for (std::size_t j = q0; j < q0 + count; ++j) {
                    const std::size_t row = rows != nullptr ? rows[j] : j;
                    if (finish_query(queries.row_data(j), state.heaps[j - q0], keep, kk, result, row)) continue;
                    if (!retry) {
                        state.unproven.push_back(j);
                    } else {  // still unproven with many candidates: scan
                        detail::top_k best(kk);
                        scan(queries.row_data(j), best, options.filter, state.scan_scratch.data());
                        write_row(best.take_sorted(), kk, result, row);
                    }
                }
            }
        });
        if constexpr (!exact_values) {
            std::vector<std::size_t> again;  // query indexes, ascending
            for (const auto& state : states) again.insert(again.end(), state.unproven.begin(), state.unproven.end());
            if (again.empty()) return;
            std::sort(again.begin(), again.end());
            matrix<T> subset(again.size(), dims());
            std::vector<std::size_t> subset_rows(again.size());
            for (std::size_t i = 0; i < again.size(); ++i) {
                std::memcpy(subset.row_data(i), queries.row_data(again[i]), data_.words() * sizeof(storage_type));
                subset_rows[i] = rows != nullptr ? rows[again[i]] : again[i];
            }
            search_blocks(subset.view(), subset_rows.data(), kk, options, result, true);
        }
    }

    auto make_problem(matrix_view<T> queries, const float* thresholds, void* scratch) const noexcept {
        std::conditional_t<std::same_as<T, float>, simd::block_f32_problem,
                           std::conditional_t<std::same_as<T, std::int8_t>, simd::block_i8_problem,
                                              simd::block_b1_problem>>
            p;
        p.queries = queries.data();
        p.query_stride = queries.stride();
        p.n_queries = queries.rows();
        p.rows = data_.data();
        p.row_stride = data_.stride();
        p.n_rows = size();
        p.n = data_.words();
        p.thresholds = thresholds;
        p.scratch = scratch;
        if constexpr (!is_bit) {
            p.bias = bias_.data();
            p.scale = scale_.data();
        }
        if constexpr (std::same_as<T, std::int8_t>) p.mult = is_l2 ? 2 : 1;
        return p;
    }

    /// Turns one query's candidates into its result row: re-ranked by the pair kernel. Returns
    /// false (and writes nothing) when the error bound cannot prove that the candidates hold
    /// the k nearest rows.
    bool finish_query(const storage_type* q, detail::top_k& heap, std::size_t keep, std::size_t kk,
                      search_result& result, std::size_t row) const {
        const float last = heap.threshold();  // +inf unless `keep` candidates were held
        std::vector<neighbor> found = heap.take_sorted();
        if constexpr (!exact_values) {
            for (auto& c : found) c.distance = metric_(q, data_.row_data(static_cast<std::size_t>(c.id)), data_.words());
            std::sort(found.begin(), found.end());
            if (keep < size() && found.size() == keep && !proven(q, last, found[kk - 1].distance)) return false;
        }
        write_row(std::move(found), kk, result, row);
        return true;
    }

    /// True when no row outside the candidates can rank before the k-th candidate. Every row
    /// left out had a ranking value v >= `last`; its true value is at least v - e and its pair
    /// kernel distance, mapped to v's units, at least v - 2e, where e bounds the rounding error
    /// of both computations. So `last - 2e > kth` (in v's units) proves the result.
    bool proven(const storage_type* q, float last, float kth_distance) const noexcept {
        double qq = 0;
        for (std::size_t j = 0; j < dims(); ++j) qq += static_cast<double>(q[j]) * static_cast<double>(q[j]);
        const double qn = std::sqrt(qq), m = max_norm_, kth = kth_distance;
        // Relative error of one FMA chain of n terms, doubled (gamma_n <= 1.01 n u), with room
        // for the rounding of bias, scale and the final conversion. int8 sums are exact.
        constexpr double u = 0x1p-24;
        const double g = std::same_as<T, float> ? (2.0 * static_cast<double>(dims()) + 16) * u : 16 * u;
        double v_kth, e;
        if constexpr (is_l2) {  // v = d - |q|^2
            v_kth = kth - qq;
            e = g * ((m + qn) * (m + qn) + kth);
        } else if constexpr (is_cosine) {  // v = (d - 1) |q|
            v_kth = (kth - 1) * qn;
            e = 2 * g * qn * (1 + std::abs(kth));
        } else {  // inner product: v = d
            v_kth = kth;
            e = g * (m * qn + std::abs(kth));
        }
        return static_cast<double>(last) - 2 * e > v_kth;
    }

    /// Writes up to kk neighbours (nearest first) as result row `row`, in reported units.
    void write_row(std::vector<neighbor> found, std::size_t kk, search_result& result, std::size_t row) const {
        auto ids = result.ids(row);
        auto dist = result.distances(row);
        for (std::size_t j = 0; j < found.size() && j < kk; ++j) {
            ids[j] = found[j].id;
            dist[j] = metric_.to_distance(found[j].distance);
        }
    }

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
    std::vector<bias_type> bias_;  // block-kernel terms per row (empty unless `blocked`)
    std::vector<float> scale_;
    double max_norm_ = 0;          // largest row norm, for the error bound
};

}  // namespace vspace
