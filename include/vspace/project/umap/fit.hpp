// SPDX-License-Identifier: MIT
/// @file
/// Bodies of the `umap` members (included by project/umap.hpp): the pipeline from data to
/// graph to starting layout, the stepper, and `transform`. The algorithm steps themselves are
/// in the neighbouring files.
#pragma once

#include <vspace/detail/validate.hpp>
#include <vspace/project/pca.hpp>
#include <vspace/project/umap.hpp>
#include <vspace/project/umap/find_ab.hpp>
#include <vspace/project/umap/fuzzy_set.hpp>
#include <vspace/project/umap/optimize.hpp>
#include <vspace/project/umap/smooth_knn.hpp>
#include <vspace/project/umap/spectral_init.hpp>

#include <chrono>
#include <concepts>

namespace vspace {

namespace detail {

/// An index type built as `Index(dims, options, metric)`.
template <class Index, class Metric>
concept index_with_options = requires { typename Index::options_type; } &&
                             std::constructible_from<Index, std::size_t, typename Index::options_type, Metric>;

/// An empty index of `Index` for `dims`-dimensional data, passing our threads and seed on when
/// the index takes options (`Index(dims, options, metric)`), else `Index(dims, metric)`.
template <class Index, class Metric>
Index make_graph_index(std::size_t dims, const Metric& metric, std::size_t n_threads, std::uint64_t seed) {
    if constexpr (index_with_options<Index, Metric>) {
        typename Index::options_type o{};
        if constexpr (requires { o.n_threads = n_threads; }) o.n_threads = n_threads;
        if constexpr (requires { o.seed = seed; }) o.seed = seed;
        return Index(dims, o, metric);
    } else if constexpr (std::constructible_from<Index, std::size_t, Metric>) {
        return Index(dims, metric);
    } else {
        return Index(dims);
    }
}

inline double umap_seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// PCA coordinates (n x dim) of the given rows of `data`; false if PCA cannot make them
/// (fewer rows or dims than `dim`, all rows equal).
template <class T>
bool pca_coordinates(matrix_view<T> data, std::span<const std::uint32_t> rows, std::size_t dim,
                     std::size_t n_threads, std::uint64_t seed, Eigen::MatrixXd& out) {
    if (rows.size() <= dim || data.dims() < dim) return false;
    matrix<float> subset(rows.size(), data.dims());
    for (std::size_t i = 0; i < rows.size(); ++i) row_as_float(data, rows[i], subset.row_data(i));
    pca model({.n_components = dim, .n_threads = n_threads, .seed = seed});
    try {
        model.fit(subset);
    } catch (const data_error&) {
        return false;  // all rows equal
    }
    const matrix<float> y = model.transform(subset);
    out.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(dim));
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t c = 0; c < dim; ++c) out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = y(i, c);
    return true;
}

/// Places the components of a disconnected graph around their centres (see spectral_init.hpp):
/// centres from the PCA of the component centroids (many components) or +-unit vectors (few).
template <class T>
void multi_component_layout(matrix_view<T> data, const fuzzy_graph& g, const std::vector<std::uint32_t>& label,
                            std::size_t count, std::size_t dim, std::size_t n_threads, std::uint64_t seed,
                            Eigen::MatrixXd& out, umap_report& report) {
    const component_members groups = group_components(label, count);
    std::vector<std::uint32_t> local(g.rows);
    for (std::size_t c = 0; c < count; ++c) {
        const auto m = groups.of(c);
        for (std::size_t i = 0; i < m.size(); ++i) local[m[i]] = static_cast<std::uint32_t>(i);
    }
    rng gen(seed, 3);
    Eigen::MatrixXd meta;
    if (count > 2 * dim) {
        // centroids in data space, then their first principal components
        matrix<float> centroids(count, data.dims());
        std::vector<float> row(data.dims());
        std::vector<double> sum(data.dims());
        for (std::size_t c = 0; c < count; ++c) {
            std::fill(sum.begin(), sum.end(), 0.0);
            for (auto v : groups.of(c)) {
                row_as_float(data, v, row.data());
                for (std::size_t j = 0; j < row.size(); ++j) sum[j] += row[j];
            }
            for (std::size_t j = 0; j < row.size(); ++j)
                centroids(c, j) = static_cast<float>(sum[j] / static_cast<double>(groups.of(c).size()));
        }
        std::vector<std::uint32_t> all(count);
        for (std::size_t c = 0; c < count; ++c) all[c] = static_cast<std::uint32_t>(c);
        if (pca_coordinates(centroids.view(), all, dim, n_threads, seed, meta) && meta.cwiseAbs().maxCoeff() > 0) {
            meta /= meta.cwiseAbs().maxCoeff();
        } else {
            meta.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(dim));
            for (Eigen::Index i = 0; i < meta.size(); ++i) meta.data()[i] = 2.0 * gen.uniform_double() - 1.0;
        }
    } else {
        meta = unit_vector_positions(count, dim);
    }

    out.resize(static_cast<Eigen::Index>(g.rows), static_cast<Eigen::Index>(dim));
    for (std::size_t c = 0; c < count; ++c) {
        const auto members = groups.of(c);
        const double room = component_room(meta, static_cast<Eigen::Index>(c));
        Eigen::MatrixXd coords;
        bool placed = false;
        if (members.size() >= 2 * dim && members.size() > dim + 1) {
            std::size_t products = 0;
            placed = spectral_embedding(extract_component(g, members, local), dim, n_threads, coords, products);
            report.eigen_products += products;
            if (!placed) {
                ++report.spectral_fallbacks;
                placed = pca_coordinates(data, members, dim, n_threads, seed, coords);
            }
        }
        if (placed && coords.cwiseAbs().maxCoeff() > 0) {
            coords *= room / coords.cwiseAbs().maxCoeff();
        } else {  // tiny component, or nothing worked: uniform in the component's room
            coords.resize(static_cast<Eigen::Index>(members.size()), static_cast<Eigen::Index>(dim));
            for (Eigen::Index i = 0; i < coords.size(); ++i) coords.data()[i] = room * (2.0 * gen.uniform_double() - 1.0);
        }
        for (std::size_t i = 0; i < members.size(); ++i)
            out.row(members[i]) = coords.row(static_cast<Eigen::Index>(i)) + meta.row(static_cast<Eigen::Index>(c));
    }
}

}  // namespace detail

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
auto umap<Metric, T, Index>::start(matrix_view<T> data, std::span<const std::int64_t> labels) -> stepper {
    constexpr const char* where = "umap::fit";
    validate(options_, where);
    if (data.rows() < options_.n_neighbors + 1)
        VSPACE_THROW(invalid_argument, where, ": ", data.rows(), " points (expected at least n_neighbors + 1 = ",
                     options_.n_neighbors + 1, ")");
    if (data.dims() == 0) VSPACE_THROW(invalid_argument, where, ": data has 0 dims (expected >= 1)");
    detail::check_finite(data, where);
    const auto t0 = std::chrono::steady_clock::now();
    Index index = detail::make_graph_index<Index>(data.dims(), metric_, options_.n_threads, options_.seed);
    index.add(data);
    const knn_graph g = build_knn_graph(index, data, options_.n_neighbors - 1, {.n_threads = options_.n_threads});
    const double graph_seconds = detail::umap_seconds_since(t0);
    auto run = start(data, std::move(index), g, labels);
    report_.seconds_graph = graph_seconds;
    return run;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
auto umap<Metric, T, Index>::start(matrix_view<T> data, Index index, const knn_graph& g,
                                   std::span<const std::int64_t> labels) -> stepper {
    constexpr const char* where = "umap::fit";
    validate(options_, where);
    const std::size_t n = data.rows(), k = options_.n_neighbors - 1;
    if (n < options_.n_neighbors + 1)
        VSPACE_THROW(invalid_argument, where, ": ", n, " points (expected at least n_neighbors + 1 = ",
                     options_.n_neighbors + 1, ")");
    if (g.n != n || g.k < k)
        VSPACE_THROW(shape_error, where, ": kNN graph of ", g.n, " x ", g.k, " (expected ", n, " points x at least ",
                     k, " neighbours)");
    if (index.size() != n || index.dims() != data.dims())
        VSPACE_THROW(shape_error, where, ": index of ", index.size(), " rows x ", index.dims(), " dims (expected ", n,
                     " x ", data.dims(), ", the data)");
    if (!labels.empty() && labels.size() != n)
        VSPACE_THROW(shape_error, where, ": ", labels.size(), " labels (expected one per point, ", n, ")");
    detail::check_finite(data, where);
    // A graph whose distances are all zero has no geometry: constant data or all duplicates.
    bool spread = false;
    for (std::size_t i = 0; i < n && !spread; ++i)
        for (float d : g.distances_of(i).first(k)) spread = spread || d > 0;
    if (!spread)
        VSPACE_THROW(data_error, where, ": every point is at distance 0 from all its ", k,
                     " neighbours (expected distinct points; the data is constant or all duplicates)");

    ++generation_;
    started_ = false;
    report_ = umap_report{};
    prepare(data, g, labels);
    index_.emplace(std::move(index));
    dims_ = data.dims();
    initialize(data);
    const bool self = true;
    detail::sgd_start(state_, graph_, options_.n_components, self, sgd_);
    started_ = true;
    return stepper(*this, generation_);
}

/// The fuzzy graph, the curve and the SGD parameters.
template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
void umap<Metric, T, Index>::prepare(matrix_view<T> data, const knn_graph& g, std::span<const std::int64_t> labels) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t n = data.rows(), k = options_.n_neighbors - 1;
    const auto s = detail::smooth_knn(g.distances.data(), n, k, g.k, options_.local_connectivity, 1.0,
                                      options_.n_threads);
    const auto w = detail::directed_memberships(g, k, s, options_.n_threads);
    graph_ = detail::fuzzy_union(g, k, w, options_.set_op_mix_ratio, options_.n_threads);
    if (!labels.empty()) detail::intersect_labels(graph_, labels, options_.target_weight, options_.n_threads);
    const std::size_t epochs = options_.n_epochs != 0 ? options_.n_epochs : (n <= 10000 ? 500 : 200);
    detail::prune_weak_edges(graph_, epochs);

    double a = options_.a, b = options_.b;
    if (a == 0 && b == 0) {
        const auto ab = detail::find_ab(options_.spread, options_.min_dist);
        a = ab.a;
        b = ab.b;
    }
    sgd_ = {.a = static_cast<float>(a),
            .b = static_cast<float>(b),
            .gamma = options_.repulsion_strength,
            .initial_alpha = options_.learning_rate,
            .negative_rate = static_cast<float>(options_.negative_sample_rate),
            .attraction_scale = 2.0f,
            .n_epochs = epochs,
            .seed = options_.seed,
            .n_threads = options_.n_threads};
    report_.a = a;
    report_.b = b;
    report_.n_epochs = epochs;
    report_.edges = graph_.edges();
    report_.sigma_not_converged = s.not_converged;
    report_.seconds_fuzzy_set = detail::umap_seconds_since(t0);
}

/// The starting layout, scaled as umap-learn: largest coordinate 10, a little noise (1e-4, so
/// that duplicates do not start on top of each other), then each axis stretched to [0, 10].
template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
void umap<Metric, T, Index>::initialize(matrix_view<T> data) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t n = data.rows(), dim = options_.n_components;
    Eigen::MatrixXd y;
    umap_init used = options_.init;
    std::vector<std::uint32_t> label;
    report_.components = detail::connected_components(graph_, label);
    if (used == umap_init::spectral) {
        if (report_.components == 1) {
            std::size_t products = 0;
            if (!detail::spectral_embedding(graph_, dim, options_.n_threads, y, products)) {
                ++report_.spectral_fallbacks;
                used = umap_init::pca;
            }
            report_.eigen_products = products;
        } else {
            detail::multi_component_layout(data, graph_, label, report_.components, dim, options_.n_threads,
                                           options_.seed, y, report_);
        }
    }
    if (used == umap_init::pca) {
        std::vector<std::uint32_t> all(n);
        for (std::size_t i = 0; i < n; ++i) all[i] = static_cast<std::uint32_t>(i);
        if (!detail::pca_coordinates(data, all, dim, options_.n_threads, options_.seed, y)) used = umap_init::random;
    }
    rng gen(options_.seed, 1);
    if (used == umap_init::random) {
        y.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dim));
        for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = 20.0 * gen.uniform_double() - 10.0;
    } else {
        const double largest = y.cwiseAbs().maxCoeff();
        y *= largest > 0 ? 10.0 / largest : 1.0;
        for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] += 1e-4 * gen.normal();
    }
    embedding_.resize(n * dim);
    for (Eigen::Index c = 0; c < y.cols(); ++c) {
        const double lo = y.col(c).minCoeff(), range = y.col(c).maxCoeff() - lo;
        for (std::size_t i = 0; i < n; ++i)
            embedding_[i * dim + static_cast<std::size_t>(c)] =
                static_cast<float>(range > 0 ? 10.0 * (y(static_cast<Eigen::Index>(i), c) - lo) / range : 0.0);
    }
    report_.init = used;
    report_.seconds_init = detail::umap_seconds_since(t0);
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
auto umap<Metric, T, Index>::stepper::model() const -> umap& {
    if (model_->generation_ != generation_)
        VSPACE_THROW(invalid_argument,
                     "umap::stepper: stale (the model was started again since; use the stepper start returned)");
    return *model_;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
std::size_t umap<Metric, T, Index>::stepper::step(std::size_t epochs) {
    umap& m = model();
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t ran = detail::sgd_run(m.state_, m.graph_, m.options_.n_components, m.embedding_.data(),
                                            m.embedding_.data(), m.sgd_, epochs);
    m.report_.seconds_optimize += detail::umap_seconds_since(t0);
    return ran;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
bool umap<Metric, T, Index>::stepper::done() const {
    return model().fitted();
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
std::size_t umap<Metric, T, Index>::stepper::iteration() const {
    return model().state_.epoch;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
std::size_t umap<Metric, T, Index>::stepper::n_iterations() const {
    return model().sgd_.n_epochs;
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
matrix_view<float> umap<Metric, T, Index>::stepper::embedding() const {
    return model().embedding();
}

template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
const Index& umap<Metric, T, Index>::index() const {
    if (!index_) VSPACE_THROW(invalid_argument, "umap::index: the model has no index yet (call fit or start)");
    return *index_;
}

/// New points: their neighbours among the training points give memberships (with
/// local_connectivity - 1, as umap-learn: a new point is not part of the fuzzy set, so its
/// nearest neighbour is not forced to weight 1), they start at the membership-weighted mean of
/// those neighbours' places, and a short SGD (learning rate / 4) against the fixed map
/// finishes. Each new point moves on its own, so the result for a point does not depend on
/// the other queries of the batch beyond the shared random seed.
template <class Metric, class T, class Index>
    requires metric<Metric, T> && knn_index<Index> && std::same_as<typename Index::value_type, T>
matrix<float> umap<Metric, T, Index>::transform(matrix_view<T> queries) const {
    constexpr const char* where = "umap::transform";
    if (!fitted()) VSPACE_THROW(invalid_argument, where, ": the model is not fitted (call fit, or step to the end)");
    if (queries.dims() != dims_)
        VSPACE_THROW(shape_error, where, ": queries have ", queries.dims(), " dims (expected ", dims_, ")");
    detail::check_finite(queries, where);
    const std::size_t m = queries.rows(), dim = options_.n_components, k = options_.n_neighbors - 1;
    matrix<float> out(m, dim);
    if (m == 0) return out;

    const search_result found = index_->search(queries, k, {.n_threads = options_.n_threads});
    knn_graph g{m, k, std::vector<std::uint32_t>(m * k), std::vector<float>(m * k)};
    for (std::size_t q = 0; q < m; ++q)
        for (std::size_t j = 0; j < k; ++j) {
            const auto id = found.ids(q)[j];
            if (id < 0)
                VSPACE_THROW(error, where, ": the index returned ", j, " neighbours for query ", q, " (expected ", k,
                             ")");
            g.ids[q * k + j] = static_cast<std::uint32_t>(id);
            g.distances[q * k + j] = found.distances(q)[j];
        }
    const double connectivity = std::max(0.0, static_cast<double>(options_.local_connectivity) - 1.0);
    const auto s = detail::smooth_knn(g.distances.data(), m, k, k, connectivity, 1.0, options_.n_threads);
    const auto w = detail::directed_memberships(g, k, s, options_.n_threads);

    fuzzy_graph bipartite;
    bipartite.rows = m;
    bipartite.cols = graph_.rows;
    bipartite.offsets.resize(m + 1);
    for (std::size_t q = 0; q <= m; ++q) bipartite.offsets[q] = q * k;
    bipartite.targets = g.ids;
    bipartite.weights = w;

    std::vector<float> y(m * dim, 0.0f);
    for (std::size_t q = 0; q < m; ++q) {
        double total = 0;
        for (std::size_t j = 0; j < k; ++j) total += w[q * k + j];
        for (std::size_t j = 0; j < k; ++j) {
            const double share = total > 0 ? w[q * k + j] / total : 1.0 / static_cast<double>(k);
            for (std::size_t c = 0; c < dim; ++c)
                y[q * dim + c] += static_cast<float>(share * embedding_[g.ids[q * k + j] * dim + c]);
        }
    }
    const std::size_t epochs =
        options_.transform_epochs != 0 ? options_.transform_epochs : (m <= 10000 ? 100 : 30);
    detail::prune_weak_edges(bipartite, epochs);
    detail::sgd_params p = sgd_;
    p.initial_alpha = options_.learning_rate / 4;
    p.attraction_scale = 1.0f;
    p.n_epochs = epochs;
    p.seed = options_.seed ^ 0x7472616E73666F72ull;  // "transfor": a stream apart from the fit's
    detail::sgd_state st;
    detail::sgd_start(st, bipartite, dim, false, p);
    detail::sgd_run(st, bipartite, dim, y.data(), embedding_.data(), p, epochs);
    for (std::size_t q = 0; q < m; ++q)
        for (std::size_t c = 0; c < dim; ++c) out(q, c) = y[q * dim + c];
    return out;
}

}  // namespace vspace
