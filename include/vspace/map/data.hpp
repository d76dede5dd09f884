// SPDX-License-Identifier: MIT
/// @file
/// What every map writer (PNG, SVG, HTML) takes: `map_data`, plain views of 2-D coordinates,
/// per-point texts, categorical fields (labels, clusters), neighbour ids and query points, and
/// `map_options`. The map layer never runs an algorithm: callers project, cluster and build the
/// kNN graph, then hand the results over. `validate` checks everything once at entry.
#pragma once

#include <vspace/core/error.hpp>
#include <vspace/core/matrix_view.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vspace {

/// A categorical field of a map: one category per point (a label, a cluster, a source).
/// Points can be coloured by any field; the legend lists its categories.
struct map_field {
    /// Shown in the "colour by" menu, the legend and the tooltip ("label", "cluster").
    std::string name{};
    /// Category names; code c stands for categories[c]. At most 65,535 (codes travel as 16 bits).
    std::vector<std::string> categories{};
    /// One code per point, each < categories.size().
    std::vector<std::uint32_t> codes{};
    /// Draw each category's name on the map at the centre of its densest region (cluster
    /// names, as Nomic Atlas and datamapplot do). Names that would overlap are left out.
    bool show_names = false;
};

/// A field from one string per point. Categories are ordered by count, largest first (ties:
/// first seen), so the largest get the most distinct colours and head the legend.
inline map_field categorical_field(std::string name, std::span<const std::string> values, bool show_names = false) {
    std::unordered_map<std::string_view, std::uint32_t> index;
    std::vector<std::uint32_t> first_codes(values.size());
    std::vector<std::string_view> seen;
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < values.size(); ++i) {
        auto [it, added] = index.try_emplace(values[i], static_cast<std::uint32_t>(seen.size()));
        if (added) {
            seen.push_back(values[i]);
            counts.push_back(0);
        }
        first_codes[i] = it->second;
        ++counts[it->second];
    }
    std::vector<std::uint32_t> order(seen.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return counts[a] > counts[b]; });
    std::vector<std::uint32_t> rank(order.size());
    map_field f{std::move(name), {}, std::vector<std::uint32_t>(values.size()), show_names};
    for (std::size_t r = 0; r < order.size(); ++r) {
        rank[order[r]] = static_cast<std::uint32_t>(r);
        f.categories.emplace_back(seen[order[r]]);
    }
    for (std::size_t i = 0; i < values.size(); ++i) f.codes[i] = rank[first_codes[i]];
    return f;
}

/// A field from integer codes and the names of the codes (e.g. class ids and class names).
template <std::integral Code>
map_field categorical_field(std::string name, std::span<const Code> codes, std::vector<std::string> categories,
                            bool show_names = false) {
    map_field f{std::move(name), std::move(categories), std::vector<std::uint32_t>(codes.size()), show_names};
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (codes[i] < 0 || static_cast<std::uint64_t>(codes[i]) >= f.categories.size())
            VSPACE_THROW(invalid_argument, "categorical_field: code ", codes[i], " of point ", i, " in field '",
                         f.name, "' (expected 0 to ", f.categories.size(), " - 1)");
        f.codes[i] = static_cast<std::uint32_t>(codes[i]);
    }
    return f;
}

/// Everything a map shows. All members are views: the caller keeps the data alive while a
/// writer runs. Only `coords` is required.
struct map_data {
    /// n x 2 map coordinates (a projector's output), finite. n >= 2.
    matrix_view<float> coords{};
    /// Empty, or one text per point (a title or a document): the hover tooltip and what the
    /// search box matches. Ill-formed UTF-8 is replaced by U+FFFD, never trusted as markup.
    std::span<const std::string> texts{};
    /// Categorical fields; points are coloured by `map_options::color_field` first.
    std::span<const map_field> fields{};
    /// Empty, or n x neighbor_k point ids, row-major, nearest first: each point's nearest
    /// neighbours in the original (high-dimensional) space, e.g. `knn_graph::ids`. Clicking a
    /// point on the HTML map lights these up.
    std::span<const std::uint32_t> neighbors{};
    /// Neighbours per point (and per query) in `neighbors` and `query_neighbors`.
    std::size_t neighbor_k = 0;
    /// Query points placed on the map (a projector's `transform`), m x 2; may be empty.
    matrix_view<float> query_coords{};
    /// Empty, or one text per query (shown beside its marker).
    std::span<const std::string> query_texts{};
    /// Empty, or m x neighbor_k ids of each query's nearest points in the original space.
    std::span<const std::uint32_t> query_neighbors{};

    std::size_t size() const noexcept { return coords.rows(); }
};

/// How a map looks. One struct for all three writers; fields that do not apply to a format
/// are ignored by it.
struct map_options {
    /// Title drawn above the plot and used as the HTML page title. Empty: none.
    std::string title{};
    /// Index into `map_data::fields` of the field that colours the points (the HTML map starts
    /// with it; the others are in its menu). Ignored without fields.
    std::size_t color_field = 0;
    /// PNG and SVG size in pixels (the HTML map fills the browser window). 64 to 16,384.
    std::size_t width = 1600;
    std::size_t height = 1200;
    /// Point diameter in pixels; 0 = chosen from n so that the map neither drowns in ink nor
    /// looks empty (about 6 px for 1,000 points, 2 px for 70,000, 1 px for 1,000,000).
    float point_size = 0;
    /// Point opacity in (0, 1]; 0 = chosen from n (opaque below ~25,000 points, 0.15 at 1M),
    /// so that dense regions read as darker rather than as a solid blob.
    float alpha = 0;
    /// Shade the background by point density (PNG and SVG), which shows structure under
    /// overplotting. Off by default.
    bool density = false;
    /// Draw a legend of the colouring field's categories (the largest `max_legend` of them).
    bool legend = true;
    /// Most categories listed in a legend (PNG and SVG); the rest are summed as "n more".
    std::size_t max_legend = 20;
};

/// @cond detail
namespace detail {

/// The name and anchor of one category's label on the map.
struct map_label {
    std::string name{};
    std::uint32_t code = 0;   ///< the category's code in its field
    float x = 0, y = 0;       ///< anchor in map coordinates
    std::size_t count = 0;    ///< points in the category (larger labels win overlaps)
};

struct map_bounds {
    float x0 = 0, y0 = 0, x1 = 1, y1 = 1;
};

/// Bounds of the points and queries, widened to a non-zero extent when all points coincide.
inline map_bounds bounds_of(const map_data& d) {
    map_bounds b{std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                 std::numeric_limits<float>::lowest(), std::numeric_limits<float>::lowest()};
    auto take = [&](matrix_view<float> v) {
        for (std::size_t i = 0; i < v.rows(); ++i) {
            const float* r = v.row_data(i);
            b.x0 = std::min(b.x0, r[0]), b.x1 = std::max(b.x1, r[0]);
            b.y0 = std::min(b.y0, r[1]), b.y1 = std::max(b.y1, r[1]);
        }
    };
    take(d.coords);
    take(d.query_coords);
    for (auto [lo, hi] : {std::pair{&b.x0, &b.x1}, std::pair{&b.y0, &b.y1}})
        if (!(*hi - *lo > 1e-30f * std::max(1.0f, std::abs(*lo)))) {
            const float pad = std::max(1.0f, std::abs(*lo)) * 0.5f;
            *lo -= pad, *hi += pad;
        }
    return b;
}

/// Labels of a field's categories, anchored where each category is densest: on a 32 x 32 grid,
/// the cell whose 5 x 5 neighbourhood holds most of the category's points, and there the mean
/// of those points. The mean of all points would fall between the parts of a category split
/// in two (a common sight in t-SNE maps). Largest categories first.
inline std::vector<map_label> category_labels(const map_data& d, const map_field& f) {
    constexpr int g = 32, reach = 2;
    const map_bounds b = bounds_of(d);
    const std::size_t n = d.size(), c = f.categories.size();
    auto cell_of = [&](std::size_t i) {
        const float* r = d.coords.row_data(i);
        const int cx = std::min(g - 1, static_cast<int>((r[0] - b.x0) / (b.x1 - b.x0) * g));
        const int cy = std::min(g - 1, static_cast<int>((r[1] - b.y0) / (b.y1 - b.y0) * g));
        return std::pair{std::max(cx, 0), std::max(cy, 0)};
    };
    auto key = [](std::uint32_t code, int cx, int cy) { return (static_cast<std::uint64_t>(code) * g + cy) * g + cx; };
    std::unordered_map<std::uint64_t, std::uint32_t> cells;  // sparse: (category, cell) -> points
    std::vector<std::size_t> counts(c, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto [cx, cy] = cell_of(i);
        ++counts[f.codes[i]];
        ++cells[key(f.codes[i], cx, cy)];
    }
    std::vector<std::uint64_t> best_sum(c, 0);
    std::vector<std::pair<int, int>> best_cell(c, {0, 0});
    for (const auto& [k, count] : cells) {
        const auto code = static_cast<std::uint32_t>(k / (g * g));
        const int cx = static_cast<int>(k % g), cy = static_cast<int>(k / g % g);
        std::uint64_t sum = 0;
        for (int dy = -reach; dy <= reach; ++dy)
            for (int dx = -reach; dx <= reach; ++dx)
                if (auto it = cells.find(key(code, cx + dx, cy + dy)); cx + dx >= 0 && cx + dx < g && cy + dy >= 0 &&
                                                                        cy + dy < g && it != cells.end())
                    sum += it->second;
        // Ties go to the smaller key, so the result does not depend on the hash table's order.
        if (sum > best_sum[code] || (sum == best_sum[code] && key(code, cx, cy) < key(code, best_cell[code].first,
                                                                                       best_cell[code].second)))
            best_sum[code] = sum, best_cell[code] = {cx, cy};
    }
    std::vector<double> sx(c, 0), sy(c, 0), sn(c, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto [cx, cy] = cell_of(i);
        const auto [bx, by] = best_cell[f.codes[i]];
        if (std::abs(cx - bx) <= reach && std::abs(cy - by) <= reach) {
            const float* r = d.coords.row_data(i);
            sx[f.codes[i]] += r[0], sy[f.codes[i]] += r[1], sn[f.codes[i]] += 1;
        }
    }
    std::vector<map_label> out;
    for (std::size_t k = 0; k < c; ++k)
        if (counts[k] > 0)
            out.push_back({f.categories[k], static_cast<std::uint32_t>(k), static_cast<float>(sx[k] / sn[k]),
                           static_cast<float>(sy[k] / sn[k]), counts[k]});
    std::stable_sort(out.begin(), out.end(), [](const map_label& a, const map_label& l) { return a.count > l.count; });
    return out;
}

/// The labels of every field with `show_names`.
inline std::vector<map_label> all_labels(const map_data& d) {
    std::vector<map_label> out;
    for (const map_field& f : d.fields)
        if (f.show_names) {
            auto l = category_labels(d, f);
            out.insert(out.end(), std::make_move_iterator(l.begin()), std::make_move_iterator(l.end()));
        }
    return out;
}

/// Point diameter in pixels for n points on a plot of `area` square pixels (see map_options).
inline float auto_point_size(std::size_t n, double area) {
    const double d = 0.9 * std::sqrt(area / static_cast<double>(std::max<std::size_t>(n, 1)));
    return static_cast<float>(std::clamp(d, 1.0, 7.0));
}

/// Point opacity for n points (see map_options).
inline float auto_alpha(std::size_t n) {
    return static_cast<float>(std::clamp(std::sqrt(25000.0 / static_cast<double>(std::max<std::size_t>(n, 1))),
                                         0.15, 1.0));
}

}  // namespace detail
/// @endcond

/// Throws unless `d` and `o` describe a drawable map: at least 2 points with finite 2-D
/// coordinates; texts, field codes and neighbour lists of matching lengths; codes and ids in
/// range; sizes and opacity in range. `where` names the caller in messages.
inline void validate(const map_data& d, const map_options& o, std::string_view where) {
    const std::size_t n = d.size();
    if (n < 2) VSPACE_THROW(invalid_argument, where, ": ", n, " points (expected at least 2 for a map)");
    if (n > std::numeric_limits<std::uint32_t>::max())
        VSPACE_THROW(invalid_argument, where, ": ", n, " points (expected at most 2^32 - 1)");
    if (d.coords.dims() != 2)
        VSPACE_THROW(shape_error, where, ": coordinates have ", d.coords.dims(), " columns (expected 2)");
    auto check_finite = [&](matrix_view<float> v, const char* what) {
        for (std::size_t i = 0; i < v.rows(); ++i)
            for (std::size_t j = 0; j < 2; ++j)
                if (!std::isfinite(v.row_data(i)[j]))
                    VSPACE_THROW(data_error, where, ": ", what, " ", i, " has coordinate ", v.row_data(i)[j],
                                 " (expected finite numbers)");
    };
    check_finite(d.coords, "point");
    if (!d.texts.empty() && d.texts.size() != n)
        VSPACE_THROW(shape_error, where, ": ", d.texts.size(), " texts for ", n, " points (expected one per point)");
    for (const map_field& f : d.fields) {
        if (f.codes.size() != n)
            VSPACE_THROW(shape_error, where, ": field '", f.name, "' has ", f.codes.size(), " values for ", n,
                         " points (expected one per point)");
        if (f.categories.empty() || f.categories.size() > 65535)
            VSPACE_THROW(invalid_argument, where, ": field '", f.name, "' has ", f.categories.size(),
                         " categories (expected 1 to 65535)");
        for (std::size_t i = 0; i < n; ++i)
            if (f.codes[i] >= f.categories.size())
                VSPACE_THROW(invalid_argument, where, ": field '", f.name, "' gives point ", i, " code ", f.codes[i],
                             " (expected < ", f.categories.size(), ")");
    }
    if (!d.fields.empty() && o.color_field >= d.fields.size())
        VSPACE_THROW(invalid_argument, where, ": color_field = ", o.color_field, " (expected < ", d.fields.size(),
                     ", the number of fields)");
    const std::size_t k = d.neighbor_k;
    auto check_ids = [&](std::span<const std::uint32_t> ids, std::size_t rows, const char* what) {
        if (ids.empty()) return;
        if (k == 0 || ids.size() != rows * k)
            VSPACE_THROW(shape_error, where, ": ", ids.size(), " ", what, " ids for ", rows, " rows and neighbor_k = ",
                         k, " (expected rows x neighbor_k, neighbor_k >= 1)");
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (ids[i] >= n)
                VSPACE_THROW(invalid_argument, where, ": ", what, " id ", ids[i], " at row ", i / k, " (expected < ",
                             n, ", the number of points)");
    };
    check_ids(d.neighbors, n, "neighbour");
    if (d.query_coords.rows() > 0) {
        if (d.query_coords.dims() != 2)
            VSPACE_THROW(shape_error, where, ": query coordinates have ", d.query_coords.dims(),
                         " columns (expected 2)");
        check_finite(d.query_coords, "query");
    }
    const std::size_t m = d.query_coords.rows();
    if (!d.query_texts.empty() && d.query_texts.size() != m)
        VSPACE_THROW(shape_error, where, ": ", d.query_texts.size(), " query texts for ", m,
                     " queries (expected one per query)");
    check_ids(d.query_neighbors, m, "query neighbour");
    if (o.width < 64 || o.width > 16384 || o.height < 64 || o.height > 16384)
        VSPACE_THROW(invalid_argument, where, ": size ", o.width, " x ", o.height, " (expected 64 to 16384 pixels)");
    if (!(o.point_size >= 0 && o.point_size <= 100))
        VSPACE_THROW(invalid_argument, where, ": point_size = ", o.point_size, " (expected 0 = auto, or up to 100)");
    if (!(o.alpha >= 0 && o.alpha <= 1))
        VSPACE_THROW(invalid_argument, where, ": alpha = ", o.alpha, " (expected 0 = auto, or up to 1)");
}

}  // namespace vspace
