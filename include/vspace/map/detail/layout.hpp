// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The layout of a static plot, shared by the PNG and SVG writers so both draw the same
/// picture: where the title, legend and plot area go, the map-to-pixel transform (one scale
/// for both axes, so distances keep their meaning), point size and opacity, the drawing order,
/// and which cluster names fit without overlapping. Text is measured by the caller (bitmap
/// font for PNG, an estimate for SVG).
#pragma once

#include <vspace/core/random.hpp>
#include <vspace/map/data.hpp>
#include <vspace/map/palette.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vspace::detail {

enum class text_role { title, legend, label };

struct box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool overlaps(const box& o) const noexcept { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

struct legend_entry {
    std::string name;
    rgb color;
    std::size_t count = 0;
};

struct placed_label {
    std::string text;
    double x = 0, y = 0;  ///< top-left corner of the text in pixels
    box bounds;           ///< the text with its halo
};

struct plot_layout {
    int width = 0, height = 0;
    box plot;                                   ///< the area points are drawn in
    double scale = 1, x_offset = 0, y_offset = 0;  ///< px = x_offset + scale * x; py = y_offset - scale * y
    float radius = 1, alpha = 1;
    const map_field* color_by = nullptr;        ///< null: one colour for all points
    std::vector<rgb> colors;                    ///< per category of color_by
    std::vector<std::uint32_t> order;           ///< drawing order of the points
    std::string title;
    double title_x = 0, title_y = 0;
    std::vector<legend_entry> legend;
    std::size_t legend_rest = 0;                ///< categories left out of the legend
    box legend_box;
    double legend_row = 0, legend_swatch = 0;
    std::vector<placed_label> labels;

    double px(float x) const noexcept { return x_offset + scale * x; }
    double py(float y) const noexcept { return y_offset - scale * y; }
    rgb color_of(std::size_t i) const noexcept {
        return color_by ? colors[color_by->codes[i]] : default_point_color;
    }
};

/// An interleaved drawing order: points sorted by a hash of their index, so no category is
/// always painted over the others, and the same data always gives the same picture.
inline std::vector<std::uint32_t> draw_order(std::size_t n) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t s = i;
        keyed[i] = {splitmix64(s), static_cast<std::uint32_t>(i)};
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::uint32_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
    return order;
}

/// `Measure` has `double width(std::string_view, text_role) const` and
/// `double height(text_role) const` in pixels.
template <class Measure>
plot_layout make_layout(const map_data& d, const map_options& o, const Measure& m) {
    plot_layout l;
    l.width = static_cast<int>(o.width), l.height = static_cast<int>(o.height);
    const double pad = std::max(8.0, 0.02 * std::min(l.width, l.height));
    double top = pad;
    if (!o.title.empty()) {
        l.title = o.title;
        l.title_x = std::max(pad, (l.width - m.width(o.title, text_role::title)) / 2);
        l.title_y = pad;
        top += m.height(text_role::title) + pad;
    }
    double right = l.width - pad;

    if (!d.fields.empty()) {
        l.color_by = &d.fields[o.color_field];
        for (std::size_t c = 0; c < l.color_by->categories.size(); ++c) l.colors.push_back(category_color(c));
    }
    if (l.color_by && o.legend && o.max_legend > 0) {
        const map_field& f = *l.color_by;
        std::vector<std::size_t> counts(f.categories.size(), 0);
        for (std::uint32_t c : f.codes) ++counts[c];
        std::vector<std::size_t> shown(f.categories.size());
        for (std::size_t c = 0; c < shown.size(); ++c) shown[c] = c;
        if (shown.size() > o.max_legend) {  // keep the largest, listed in category order
            std::stable_sort(shown.begin(), shown.end(), [&](auto a, auto b) { return counts[a] > counts[b]; });
            shown.resize(o.max_legend);
            std::sort(shown.begin(), shown.end());
        }
        const double max_text = 0.3 * l.width;
        double widest = m.width(f.name, text_role::legend);
        for (std::size_t c : shown) {
            if (counts[c] == 0) continue;
            std::string name = f.categories[c];
            if (m.width(name, text_role::legend) > max_text) {  // shorten long names, keeping UTF-8 whole
                while (!name.empty() && m.width(name + "...", text_role::legend) > max_text) {
                    name.pop_back();
                    while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xc0) == 0x80) name.pop_back();
                    if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xc0) name.pop_back();
                }
                name += "...";
            }
            widest = std::max(widest, m.width(name, text_role::legend));
            l.legend.push_back({std::move(name), l.colors[c], counts[c]});
        }
        l.legend_rest = f.categories.size() - shown.size();
        if (l.legend_rest > 0)
            widest = std::max(widest, m.width("+ " + std::to_string(l.legend_rest) + " more", text_role::legend));
        l.legend_row = m.height(text_role::legend) * 1.6;
        l.legend_swatch = m.height(text_role::legend);
        const double w = widest + l.legend_swatch * 1.8 + 2 * pad;
        const double rows = static_cast<double>(l.legend.size() + 1 + (l.legend_rest > 0));
        l.legend_box = {right - w, top, right, top + rows * l.legend_row + pad};
        right -= w + pad;
    }
    l.plot = {pad, top, std::max(pad + 16, right), std::max(top + 16, l.height - pad)};

    // One scale for both axes, the map centred in the plot area.
    const map_bounds b = bounds_of(d);
    const double pw = l.plot.x1 - l.plot.x0, ph = l.plot.y1 - l.plot.y0;
    const double area = pw * ph;
    l.radius = (o.point_size > 0 ? o.point_size : auto_point_size(d.size(), area)) / 2;
    l.alpha = o.alpha > 0 ? o.alpha : auto_alpha(d.size());
    const double inner_w = std::max(1.0, pw - 2.0 * l.radius), inner_h = std::max(1.0, ph - 2.0 * l.radius);
    l.scale = std::min(inner_w / (b.x1 - b.x0), inner_h / (b.y1 - b.y0));
    l.x_offset = (l.plot.x0 + l.plot.x1) / 2 - l.scale * (b.x0 + b.x1) / 2;
    l.y_offset = (l.plot.y0 + l.plot.y1) / 2 + l.scale * (b.y0 + b.y1) / 2;
    l.order = draw_order(d.size());

    // Names: largest categories first; one that would overlap a placed name, the legend or the
    // title, or leave the image, is left out.
    std::vector<box> taken;
    if (!l.legend.empty()) taken.push_back(l.legend_box);
    if (!l.title.empty()) taken.push_back({0, 0, static_cast<double>(l.width), l.plot.y0});
    const double lh = m.height(text_role::label), halo = 3;
    for (const map_label& label : all_labels(d)) {
        if (l.labels.size() >= 80) break;
        const double w = m.width(label.name, text_role::label);
        if (w <= 0) continue;
        const double x = l.px(label.x) - w / 2, y = l.py(label.y) - lh / 2;
        const box bx{x - halo, y - halo, x + w + halo, y + lh + halo};
        if (bx.x0 < 0 || bx.y0 < 0 || bx.x1 > l.width || bx.y1 > l.height) continue;
        if (std::any_of(taken.begin(), taken.end(), [&](const box& t) { return t.overlaps(bx); })) continue;
        taken.push_back(bx);
        l.labels.push_back({label.name, x, y, bx});
    }
    return l;
}

}  // namespace vspace::detail
/// @endcond
