// SPDX-License-Identifier: MIT
/// @file
/// `render_image`: draws a map into an RGB pixel buffer — anti-aliased translucent discs, an
/// optional density shading, a legend, cluster names (built-in bitmap font, with a halo so they
/// read over points), query markers and a title. `png.hpp` encodes the result; the buffer is
/// also what a caller needs to show the map in its own window.
#pragma once

#include <vspace/map/data.hpp>
#include <vspace/map/detail/font.hpp>
#include <vspace/map/detail/layout.hpp>
#include <vspace/map/palette.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace vspace {

/// An 8-bit RGB image, rows top to bottom, 3 bytes per pixel.
struct image {
    std::size_t width = 0;
    std::size_t height = 0;
    std::vector<std::uint8_t> pixels;  ///< width * height * 3 bytes

    rgb at(std::size_t x, std::size_t y) const noexcept {
        const std::uint8_t* p = pixels.data() + (y * width + x) * 3;
        return {p[0], p[1], p[2]};
    }
};

/// @cond detail
namespace detail {

/// Text sizes of the PNG writer: the bitmap font at scale 3 (title) and 2 (legend, names).
struct bitmap_measure {
    static int scale(text_role r) noexcept { return r == text_role::title ? 3 : 2; }
    double width(std::string_view s, text_role r) const { return text_width(s, scale(r)); }
    double height(text_role r) const { return glyph_height * scale(r); }
};

class canvas {
public:
    explicit canvas(image& img) : img_(img) {}

    /// Blends `c` over pixel (x, y) with opacity a in [0, 1]; outside the image: nothing.
    void blend(int x, int y, rgb c, float a) noexcept {
        if (x < 0 || y < 0 || x >= static_cast<int>(img_.width) || y >= static_cast<int>(img_.height)) return;
        std::uint8_t* p = img_.pixels.data() + (static_cast<std::size_t>(y) * img_.width + x) * 3;
        const std::uint8_t src[3] = {c.r, c.g, c.b};
        for (int k = 0; k < 3; ++k)  // the blend is in [0, 255]: + 0.5 and truncation round it
            p[k] = static_cast<std::uint8_t>(p[k] + a * (src[k] - p[k]) + 0.5f);  // NOLINT(bugprone-incorrect-roundings)
    }

    /// A disc of radius r centred at (cx, cy), edge pixels weighted by coverage.
    void disc(double cx, double cy, double r, rgb c, float a) noexcept {
        const int x0 = static_cast<int>(std::floor(cx - r - 0.5)), x1 = static_cast<int>(std::ceil(cx + r + 0.5));
        const int y0 = static_cast<int>(std::floor(cy - r - 0.5)), y1 = static_cast<int>(std::ceil(cy + r + 0.5));
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                const double cover = std::clamp(r + 0.5 - std::sqrt(dx * dx + dy * dy), 0.0, 1.0);
                if (cover > 0) blend(x, y, c, a * static_cast<float>(cover));
            }
    }

    /// A ring (circle outline) of radius r and the given width.
    void ring(double cx, double cy, double r, double w, rgb c, float a) noexcept {
        const int x0 = static_cast<int>(std::floor(cx - r - w)), x1 = static_cast<int>(std::ceil(cx + r + w));
        const int y0 = static_cast<int>(std::floor(cy - r - w)), y1 = static_cast<int>(std::ceil(cy + r + w));
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                const double cover = std::clamp(w / 2 + 0.5 - std::abs(std::sqrt(dx * dx + dy * dy) - r), 0.0, 1.0);
                if (cover > 0) blend(x, y, c, a * static_cast<float>(cover));
            }
    }

    void rect(double x0, double y0, double x1, double y1, rgb c, float a) noexcept {
        for (int y = static_cast<int>(y0); y < static_cast<int>(std::ceil(y1)); ++y)
            for (int x = static_cast<int>(x0); x < static_cast<int>(std::ceil(x1)); ++x) blend(x, y, c, a);
    }

    /// Text with its top-left corner at (x, y); with a halo, every ink pixel is first ringed
    /// by background colour so the text reads over points.
    void text(double x, double y, std::string_view s, int scale, rgb c, bool halo = false) {
        const int ox = static_cast<int>(std::lround(x)), oy = static_cast<int>(std::lround(y));
        for (int pass = halo ? 0 : 1; pass < 2; ++pass) {
            int cx = ox;
            for_each_glyph(s, [&](std::size_t g) {
                for (int row = 0; row < glyph_height; ++row)
                    for (int col = 0; col < glyph_width; ++col)
                        if (glyphs[g][row] >> (glyph_width - 1 - col) & 1) {
                            const int px = cx + col * scale, py = oy + row * scale;
                            if (pass == 0) rect(px - 2, py - 2, px + scale + 2, py + scale + 2, {255, 255, 255}, 0.85f);
                            else rect(px, py, px + scale, py + scale, c, 1);
                        }
                cx += cell_width * scale;
            });
        }
    }

private:
    image& img_;
};

/// Shades the plot area by point density: a histogram on 4-pixel cells, blurred by three box
/// passes (close to a Gaussian), on a square-root scale so sparse regions still show.
inline void shade_density(canvas& cv, const plot_layout& l, const map_data& d) {
    constexpr int cell = 4, radius = 3;
    const int gx = static_cast<int>((l.plot.x1 - l.plot.x0) / cell) + 1, gy = static_cast<int>((l.plot.y1 - l.plot.y0) / cell) + 1;
    std::vector<float> h(static_cast<std::size_t>(gx) * gy, 0.0f), tmp(h.size());
    for (std::size_t i = 0; i < d.size(); ++i) {
        const int cx = static_cast<int>((l.px(d.coords.row_data(i)[0]) - l.plot.x0) / cell);
        const int cy = static_cast<int>((l.py(d.coords.row_data(i)[1]) - l.plot.y0) / cell);
        if (cx >= 0 && cy >= 0 && cx < gx && cy < gy) h[static_cast<std::size_t>(cy) * gx + cx] += 1;
    }
    for (int pass = 0; pass < 3; ++pass)
        for (int axis = 0; axis < 2; ++axis) {
            const int len = axis == 0 ? gx : gy, lines = axis == 0 ? gy : gx;
            for (int line = 0; line < lines; ++line) {
                auto at = [&](int k) -> std::size_t {
                    return axis == 0 ? static_cast<std::size_t>(line) * gx + k : static_cast<std::size_t>(k) * gx + line;
                };
                double sum = 0;  // running window sum over [k - radius, k + radius]
                for (int k = 0; k < std::min(radius, len); ++k) sum += h[at(k)];
                for (int k = 0; k < len; ++k) {
                    if (k + radius < len) sum += h[at(k + radius)];
                    if (k - radius - 1 >= 0) sum -= h[at(k - radius - 1)];
                    tmp[at(k)] = static_cast<float>(sum / (2 * radius + 1));
                }
            }
            h.swap(tmp);
        }
    const float top = *std::max_element(h.begin(), h.end());
    if (!(top > 0)) return;
    for (int cy = 0; cy < gy; ++cy)
        for (int cx = 0; cx < gx; ++cx) {
            const float t = std::sqrt(h[static_cast<std::size_t>(cy) * gx + cx] / top);
            if (t > 0.02f)
                cv.rect(l.plot.x0 + cx * cell, l.plot.y0 + cy * cell, l.plot.x0 + (cx + 1) * cell,
                        l.plot.y0 + (cy + 1) * cell, {150, 165, 190}, 0.6f * t);
        }
}

}  // namespace detail
/// @endcond

/// Draws the map described by `d` and `o` into a new `o.width` x `o.height` image on white.
/// Cost: O(n * point area) for the points; 70,000 points take a few tens of milliseconds.
/// Throws what `validate` throws.
inline image render_image(const map_data& d, const map_options& o = {}) {
    validate(d, o, "render_image");
    const detail::bitmap_measure measure;
    const detail::plot_layout l = detail::make_layout(d, o, measure);
    image img{o.width, o.height, std::vector<std::uint8_t>(o.width * o.height * 3, 255)};
    detail::canvas cv(img);
    if (o.density) detail::shade_density(cv, l, d);

    for (std::uint32_t i : l.order) {
        const float* r = d.coords.row_data(i);
        cv.disc(l.px(r[0]), l.py(r[1]), l.radius, l.color_of(i), l.alpha);
    }
    // Queries: their neighbours ringed, then a dark marker with a white border, then the text.
    const rgb ink{30, 30, 30};
    const double marker = std::max(5.0, 2.5 * l.radius);
    for (std::size_t q = 0; q < d.query_coords.rows(); ++q) {
        if (!d.query_neighbors.empty())
            for (std::size_t j = 0; j < d.neighbor_k; ++j) {
                const float* r = d.coords.row_data(d.query_neighbors[q * d.neighbor_k + j]);
                cv.ring(l.px(r[0]), l.py(r[1]), l.radius + 2.5, 1.5, ink, 0.9f);
            }
    }
    for (std::size_t q = 0; q < d.query_coords.rows(); ++q) {
        const double x = l.px(d.query_coords.row_data(q)[0]), y = l.py(d.query_coords.row_data(q)[1]);
        cv.disc(x, y, marker + 2, {255, 255, 255}, 1);
        cv.disc(x, y, marker, ink, 1);
        if (q < d.query_texts.size()) cv.text(x + marker + 4, y - 7, d.query_texts[q], 2, ink, true);
    }
    for (const detail::placed_label& label : l.labels) cv.text(label.x, label.y, label.text, 2, ink, true);

    if (!l.legend.empty()) {
        const detail::box& b = l.legend_box;
        cv.rect(b.x0, b.y0, b.x1, b.y1, {255, 255, 255}, 0.9f);
        const double pad = l.legend_row * 0.5;
        double y = b.y0 + pad;
        cv.text(b.x0 + pad, y, l.color_by->name, 2, ink);
        for (const detail::legend_entry& e : l.legend) {
            y += l.legend_row;
            cv.disc(b.x0 + pad + l.legend_swatch / 2, y + l.legend_swatch / 2, l.legend_swatch / 2, e.color, 1);
            cv.text(b.x0 + pad + l.legend_swatch * 1.8, y, e.name, 2, ink);
        }
        if (l.legend_rest > 0)
            cv.text(b.x0 + pad + l.legend_swatch * 1.8, y + l.legend_row, "+ " + std::to_string(l.legend_rest) + " more", 2,
                    {110, 110, 110});
    }
    if (!l.title.empty()) cv.text(l.title_x, l.title_y, l.title, 3, ink);
    return img;
}

}  // namespace vspace
