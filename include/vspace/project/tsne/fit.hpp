// SPDX-License-Identifier: MIT
/// @file
/// Bodies of the `tsne` members (included by project/tsne.hpp): entry checks, PCA
/// pre-reduction, the neighbour graph, the affinities, the initialisation, the stepper and
/// the placement of new points. The metric- and kind-independent work is in optimizer.hpp.
#pragma once

#include <vspace/detail/validate.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/project/tsne.hpp>
#include <vspace/project/tsne/optimizer.hpp>
#include <vspace/project/tsne/perplexity.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <concepts>

namespace vspace {

/// @cond detail
namespace detail {

/// Exact affinities compare all pairs and store n (n - 1) entries: this many points at most.
inline constexpr std::size_t tsne_exact_affinity_limit = 5000;

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The squared dissimilarity the Gaussians use: l2sq and inner products as they are (their
/// values already grow like a squared distance, or may be negative), other distances squared.
template <class Metric>
float affinity_input(float distance) noexcept {
    constexpr metric_id id = metric_traits<Metric>::id;
    if constexpr (id == metric_id::l2sq || id == metric_id::inner_product) return distance;
    else return distance * distance;
}

/// An empty index for `dims` dimensions, built as (dims, options, metric), (dims, metric) or
/// (dims), whichever the index takes; the options' n_threads and seed are the fit's.
template <class Index, class Metric, class Options>
Index make_tsne_index(std::size_t dims, const Metric& metric, Options options, const tsne_options& o) {
    if constexpr (std::constructible_from<Index, std::size_t, const Options&, Metric>) {
        if constexpr (requires { options.n_threads = o.n_threads; }) options.n_threads = o.n_threads;
        if constexpr (requires { options.seed = o.seed; }) options.seed = o.seed;
        return Index(dims, options, metric);
    } else if constexpr (std::constructible_from<Index, std::size_t, Metric>) {
        return Index(dims, metric);
    } else {
        return Index(dims);
    }
}

/// The method `automatic` stands for at n points (crossovers measured on 2 cores).
inline tsne_gradient resolve_gradient(tsne_gradient g, std::size_t n) noexcept {
    if (g != tsne_gradient::automatic) return g;
    if (n <= 1000) return tsne_gradient::exact;
    if (n <= 10000) return tsne_gradient::barnes_hut;
    return tsne_gradient::fft_interpolation;
}

inline repulsion_engine make_engine(const tsne_options& o, tsne_gradient method) {
    return {method, o.theta, {o.fft_interpolation_points, o.fft_min_boxes, o.fft_max_box_width}};
}

/// Scales an n x 2 start so that its first column has standard deviation 1e-4 (Kobak & Berens
/// 2019); returns false when that column is constant.
inline bool scale_initialization(std::vector<float>& y) {
    const std::size_t n = y.size() / 2;
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < n; ++i) mean += y[2 * i];
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) var += (y[2 * i] - mean) * (y[2 * i] - mean);
    const double sd = std::sqrt(var / static_cast<double>(n));
    if (!(sd > 0) || !std::isfinite(sd)) return false;
    const auto scale = static_cast<float>(1e-4 / sd);
    for (float& v : y) v *= scale;
    return true;
}

/// True when every row equals the first (PCA has no direction to find).
template <class T>
bool all_rows_equal(matrix_view<T> data) {
    for (std::size_t i = 1; i < data.rows(); ++i)
        if (!std::equal(data.row(i).begin(), data.row(i).end(), data.row(0).begin())) return false;
    return true;
}

inline std::vector<float> random_initialization(std::size_t n, std::uint64_t seed) {
    rng gen(seed, 0x7473'6e65);  // a stream of its own ("tsne")
    std::vector<float> y(2 * n);
    for (float& v : y) v = static_cast<float>(1e-4 * gen.normal());
    return y;
}

}  // namespace detail
/// @endcond

// ---- the stepper

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
tsne<Metric, T, Index>::run::run(tsne* owner, std::unique_ptr<detail::tsne_optimizer> optimizer)
    : owner_(owner), optimizer_(std::move(optimizer)) {}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
tsne<Metric, T, Index>::run::run(run&&) noexcept = default;

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
auto tsne<Metric, T, Index>::run::operator=(run&&) noexcept -> run& = default;

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
tsne<Metric, T, Index>::run::~run() = default;

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
std::size_t tsne<Metric, T, Index>::run::step(std::size_t count) {
    if (!optimizer_ || optimizer_->done()) return 0;
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t ran = optimizer_->step(count);
    owner_->report_.seconds_optimize += detail::seconds_since(t0);
    commit();
    return ran;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
void tsne<Metric, T, Index>::run::commit() {
    tsne_report& r = owner_->report_;
    r.iterations = optimizer_->iteration();
    r.kl_history = optimizer_->kl_history();
    r.fft_size = optimizer_->engine().fft_size();
    if (optimizer_->done()) {
        const auto y = optimizer_->positions();
        owner_->embedding_.assign(y.begin(), y.end());
        r.kl_divergence = optimizer_->final_kl();
        owner_->fitted_ = true;
    }
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
bool tsne<Metric, T, Index>::run::done() const noexcept {
    return !optimizer_ || optimizer_->done();
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
std::size_t tsne<Metric, T, Index>::run::iteration() const noexcept {
    return optimizer_ ? optimizer_->iteration() : 0;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
std::size_t tsne<Metric, T, Index>::run::n_iterations() const noexcept {
    return optimizer_ ? optimizer_->n_iterations() : 0;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
matrix_view<float> tsne<Metric, T, Index>::run::embedding() const noexcept {
    if (!optimizer_) return {};
    const auto y = optimizer_->positions();
    return {y.data(), y.size() / 2, 2};
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
double tsne<Metric, T, Index>::run::kl_divergence() {
    if (!optimizer_)
        VSPACE_THROW(invalid_argument,
                     "tsne::run::kl_divergence: the run was moved from (use the run it was moved to)");
    return optimizer_->done() ? optimizer_->final_kl() : optimizer_->kl_divergence();
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
const std::vector<tsne_kl_record>& tsne<Metric, T, Index>::run::kl_history() const noexcept {
    static const std::vector<tsne_kl_record> none;
    return optimizer_ ? optimizer_->kl_history() : none;
}

// ---- fit

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
auto tsne<Metric, T, Index>::start(matrix_view<T> data) -> run {
    return start_impl(data, {}, false);
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
auto tsne<Metric, T, Index>::start(matrix_view<T> data, matrix_view<float> initial) -> run {
    return start_impl(data, initial, true);
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
void tsne<Metric, T, Index>::fit(matrix_view<T> data) {
    run r = start(data);
    while (!r.done()) r.step(options_.iterations);
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
matrix<float> tsne<Metric, T, Index>::fit_transform(matrix_view<T> data) {
    fit(data);
    return matrix<float>(embedding());
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
auto tsne<Metric, T, Index>::start_impl(matrix_view<T> data, matrix_view<float> initial, bool given) -> run {
    constexpr const char* where = "tsne::fit";
    using clock = std::chrono::steady_clock;
    const tsne_options& o = options_;
    validate(o, where);
    const std::size_t n = data.rows(), d = data.dims();
    if (n < 4) VSPACE_THROW(invalid_argument, where, ": ", n, " points (expected at least 4)");
    if (d == 0) VSPACE_THROW(invalid_argument, where, ": data has 0 dims (expected >= 1)");
    if (!(o.perplexity < static_cast<double>(n - 1) / 3))
        VSPACE_THROW(invalid_argument, where, ": perplexity = ", o.perplexity, " is too large for ", n,
                     " points (expected perplexity < (n - 1) / 3 = ", static_cast<double>(n - 1) / 3, ")");
    if (n > std::numeric_limits<std::uint32_t>::max())
        VSPACE_THROW(invalid_argument, where, ": ", n, " points (expected at most 2^32 - 1)");
    detail::check_finite(data, where);
    if (given) {
        if (initial.rows() != n || initial.dims() != 2)
            VSPACE_THROW(shape_error, where, ": initial map is ", initial.rows(), " x ", initial.dims(),
                         " (expected ", n, " x 2)");
        detail::check_finite(initial, where);
    }
    const tsne_gradient method = detail::resolve_gradient(o.gradient, n);
    const bool exact_p = o.affinities == tsne_affinities::exact ||
                         (o.affinities == tsne_affinities::automatic && method == tsne_gradient::exact);
    if (exact_p && n > detail::tsne_exact_affinity_limit)
        VSPACE_THROW(invalid_argument, where, ": exact affinities for ", n, " points (expected at most ",
                     detail::tsne_exact_affinity_limit, "; use tsne_affinities::nearest_neighbors)");

    fitted_ = false;
    embedding_.clear();
    report_ = tsne_report{};
    report_.n = n, report_.dims = d, report_.reduced_dims = d;
    report_.gradient = method, report_.exact_affinities = exact_p;

    // 1. PCA pre-reduction of wide float data under Euclidean metrics.
    auto t0 = clock::now();
    matrix<float> reduced;
    reduced_ = false;
    constexpr metric_id id = metric_traits<Metric>::id;
    const bool constant = detail::all_rows_equal(data);
    if constexpr (std::same_as<T, float> && (id == metric_id::l2 || id == metric_id::l2sq)) {
        if (o.pca_dims > 0 && d > o.pca_dims && n > o.pca_dims && !constant) {
            pca_ = pca({.n_components = o.pca_dims, .n_threads = o.n_threads, .seed = o.seed});
            reduced = pca_.fit_transform(data);
            reduced_ = true;
            report_.reduced_dims = o.pca_dims;
        }
    }
    const matrix_view<T> work = [&] {
        if constexpr (std::same_as<T, float>) return reduced_ ? reduced.view() : data;
        else return data;
    }();
    report_.seconds_pca = detail::seconds_since(t0);

    // 2. The neighbour index (also used by transform) and graph; 3. the affinities.
    t0 = clock::now();
    index_.reset();
    index_.emplace(detail::make_tsne_index<Index>(work.dims(), metric_, index_options_, o));
    index_->add(work);
    detail::calibration_stats stats;
    detail::sparse_rows conditional;
    if (exact_p) {
        const std::size_t k = n - 1;
        std::vector<std::uint32_t> ids(n * k);
        std::vector<float> d2(n * k);
        parallel_for(o.n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t j = 0, e = i * k; j < n; ++j) {
                    if (j == i) continue;
                    ids[e] = static_cast<std::uint32_t>(j);
                    d2[e++] = detail::affinity_input<Metric>(metric_(work.row(i), work.row(j)));
                }
        });
        report_.seconds_neighbors = detail::seconds_since(t0);
        t0 = clock::now();
        report_.neighbors = k;
        conditional = detail::conditional_affinities(std::move(ids), d2, n, k, o.perplexity, o.n_threads, stats);
    } else {
        const auto k = std::min<std::size_t>(n - 1, static_cast<std::size_t>(3 * o.perplexity));
        knn_graph graph = build_knn_graph(*index_, work, k, {.n_threads = o.n_threads});
        report_.seconds_neighbors = detail::seconds_since(t0);
        t0 = clock::now();
        report_.neighbors = k;
        for (float& v : graph.distances) v = detail::affinity_input<Metric>(v);
        conditional = detail::conditional_affinities(std::move(graph.ids), graph.distances, n, k, o.perplexity,
                                                     o.n_threads, stats);
    }
    detail::sparse_rows p = detail::symmetrize(conditional, o.n_threads);
    conditional = {};
    report_.nonzeros = p.nnz();
    report_.calibration_not_converged = stats.not_converged;
    report_.calibration_unreachable = stats.unreachable;
    report_.seconds_affinities = detail::seconds_since(t0);

    // 4. The starting map.
    t0 = clock::now();
    std::vector<float> y(2 * n);
    if (given) {
        for (std::size_t i = 0; i < n; ++i) y[2 * i] = initial(i, 0), y[2 * i + 1] = initial(i, 1);
    } else if (o.initialization == tsne_initialization::pca) {
        matrix<float> start;
        if constexpr (std::same_as<T, float>) {
            if (reduced_) start = matrix<float>(reduced.view());  // its first columns are the top components
        }
        if (start.empty() && d >= 2 && !constant)
            start = pca({.n_components = 2, .n_threads = o.n_threads, .seed = o.seed}).fit_transform(data);
        if (!start.empty())
            for (std::size_t i = 0; i < n; ++i) y[2 * i] = start(i, 0), y[2 * i + 1] = start(i, 1);
        // 1-D data, or data whose first component is constant (all points equal): random start.
        if (start.empty() || !detail::scale_initialization(y)) y = detail::random_initialization(n, o.seed);
    } else {
        y = detail::random_initialization(n, o.seed);
    }
    report_.seconds_pca += detail::seconds_since(t0);

    // 5. The optimiser.
    detail::tsne_schedule schedule;
    schedule.iterations = o.iterations;
    schedule.early_iterations = o.early_exaggeration_iterations;
    schedule.early_exaggeration = o.early_exaggeration, schedule.exaggeration = o.exaggeration;
    schedule.momentum = o.momentum, schedule.final_momentum = o.final_momentum;
    schedule.learning_rate =
        o.learning_rate > 0 ? o.learning_rate : std::max(static_cast<double>(n) / o.early_exaggeration, 200.0);
    schedule.max_step_norm = o.max_step_norm;
    schedule.kl_every = o.kl_every;
    report_.learning_rate = schedule.learning_rate;
    auto optimizer = std::make_unique<detail::tsne_optimizer>(std::move(p), std::move(y), detail::student_t{o.dof},
                                                              detail::make_engine(o, method), schedule, o.n_threads);
    optimizer->step(0);  // with zero iterations: the final KL of the start
    run r(this, std::move(optimizer));
    r.commit();
    return r;
}

// ---- transform

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index>
matrix<float> tsne<Metric, T, Index>::transform(matrix_view<T> data) const {
    constexpr const char* where = "tsne::transform";
    if (!fitted_) VSPACE_THROW(invalid_argument, where, ": the model is not fitted (call fit first)");
    detail::check_dims(data.dims(), report_.dims, where, "data");
    detail::check_finite(data, where);
    const std::size_t m = data.rows(), n = report_.n;
    matrix<float> out(m, 2);
    if (m == 0) return out;
    const double perplexity = options_.transform_perplexity;
    if (!(perplexity < static_cast<double>(n) / 3))
        VSPACE_THROW(invalid_argument, where, ": transform_perplexity = ", perplexity, " is too large for a map of ",
                     n, " points (expected < n / 3 = ", static_cast<double>(n) / 3, ")");
    const auto k = std::min<std::size_t>(n, static_cast<std::size_t>(3 * perplexity));

    matrix<float> reduced;
    const matrix_view<T> work = [&] {
        if constexpr (std::same_as<T, float>) {
            if (reduced_) {
                reduced = pca_.transform(data);
                return reduced.view();
            }
        }
        return data;
    }();
    const search_result found = index_->search(work, k, {.n_threads = options_.n_threads});
    std::vector<std::uint32_t> ids(m * k);
    std::vector<float> d2(m * k);
    for (std::size_t q = 0; q < m; ++q)
        for (std::size_t j = 0; j < k; ++j) {
            const neighbor nb = found.at(q, j);
            if (nb.id < 0 || static_cast<std::size_t>(nb.id) >= n)
                VSPACE_THROW(error, where, ": the index returned ", j, " neighbours for point ", q, " (expected ", k,
                             ")");
            ids[q * k + j] = static_cast<std::uint32_t>(nb.id);
            d2[q * k + j] = detail::affinity_input<Metric>(nb.distance);
        }
    // Start each point at the median place of its neighbours (robust to a stray neighbour).
    std::vector<float> y(2 * m);
    std::vector<float> coord(k);
    for (std::size_t q = 0; q < m; ++q)
        for (std::size_t c = 0; c < 2; ++c) {
            for (std::size_t j = 0; j < k; ++j) coord[j] = embedding_[2 * ids[q * k + j] + c];
            std::nth_element(coord.begin(), coord.begin() + static_cast<std::ptrdiff_t>(k / 2), coord.end());
            y[2 * q + c] = coord[k / 2];
        }
    detail::calibration_stats stats;
    const detail::sparse_rows p =
        detail::conditional_affinities(std::move(ids), d2, m, k, perplexity, options_.n_threads, stats);
    detail::repulsion_engine engine = detail::make_engine(options_, report_.gradient);
    detail::place_points(p, embedding_, y, detail::student_t{options_.dof}, engine, options_.transform_iterations,
                         options_.transform_learning_rate, options_.n_threads);
    for (std::size_t q = 0; q < m; ++q) out(q, 0) = y[2 * q], out(q, 1) = y[2 * q + 1];
    return out;
}

}  // namespace vspace
