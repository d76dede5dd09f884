// SPDX-License-Identifier: MIT
/// @file
/// SVG output: `render_svg` and `save_svg`. The same layout as the PNG (detail/layout.hpp);
/// points become circles grouped by colour, names and the legend become text elements with
/// every piece of user text escaped (and characters XML forbids replaced), so a label holding
/// markup stays a label. Vector output suits print and papers; above ~100,000 points prefer
/// the PNG or the HTML map (each circle costs ~30 bytes).
#pragma once

#include <vspace/io/atomic_file.hpp>
#include <vspace/map/data.hpp>
#include <vspace/map/detail/escape.hpp>
#include <vspace/map/detail/layout.hpp>
#include <vspace/map/palette.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// @cond detail
namespace detail {

/// Text sizes of the SVG writer: sans-serif at 22 px (title) and 14 px, about 0.6 em a character.
struct svg_measure {
    static double size(text_role r) noexcept { return r == text_role::title ? 22 : 14; }
    double width(std::string_view s, text_role r) const {
        std::size_t chars = 0;
        for (char c : s) chars += (static_cast<unsigned char>(c) & 0xc0) != 0x80;  // code points
        return static_cast<double>(chars) * 0.6 * size(r);
    }
    double height(text_role r) const { return size(r); }
};

/// A number with at most `decimals` (0 to 6) decimals and no trailing zeros. Integer arithmetic
/// rather than std::to_chars with a precision, whose tables add 110 KB to a static binary, and
/// rather than printf, which follows the locale's decimal comma.
inline void append_number(std::string& out, double v, int decimals = 1) {
    static constexpr double scales[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    decimals = std::clamp(decimals, 0, 6);
    // v x 10^decimals = p + low exactly (fma); round that exact value half to even, as
    // std::to_chars would, so that 0.05 (just above 1/20 in binary) gives 0.1
    const double p = v * scales[decimals], low = std::fma(v, scales[decimals], -p);
    double scaled = std::floor(p), frac = p - scaled;  // exact; the true fraction is frac + low
    if (frac == 0 && low < 0) scaled -= 1, frac = 1;   // just below an integer
    if (frac > 0.5 || (frac == 0.5 && (low > 0 || (low == 0 && std::fmod(scaled, 2.0) != 0)))) scaled += 1;
    if (!(std::fabs(scaled) < 1e15)) {  // huge or not finite: the shortest exact form
        char buf[32];
        out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
        return;
    }
    auto units = static_cast<std::int64_t>(std::fabs(scaled));
    if (units == 0) {
        out += '0';
        return;
    }
    int shown = decimals;
    for (; shown > 0 && units % 10 == 0; --shown) units /= 10;  // no trailing zeros
    char digits[24];  // backwards: decimals, point, integer part
    int n = 0;
    for (int i = 0; i < shown; ++i, units /= 10) digits[n++] = static_cast<char>('0' + units % 10);
    if (shown > 0) digits[n++] = '.';
    do {
        digits[n++] = static_cast<char>('0' + units % 10);
        units /= 10;
    } while (units != 0);
    if (scaled < 0) out += '-';
    while (n > 0) out += digits[--n];
}

}  // namespace detail
/// @endcond

/// The map as an SVG document (UTF-8). Throws what `validate` throws.
inline std::string render_svg(const map_data& d, const map_options& o = {}) {
    validate(d, o, "render_svg");
    using detail::append_number, detail::append_xml;
    const detail::svg_measure measure;
    const detail::plot_layout l = detail::make_layout(d, o, measure);
    std::string s;
    s.reserve(200 + d.size() * 36);
    s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"";
    s += std::to_string(l.width) + "\" height=\"" + std::to_string(l.height) + "\" viewBox=\"0 0 " +
         std::to_string(l.width) + " " + std::to_string(l.height) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n";
    if (!l.title.empty()) {
        s += "<title>";
        append_xml(s, l.title);
        s += "</title>\n";
    }
    s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";

    if (o.density) {  // coarse cells as rectangles: a few thousand elements at most
        constexpr int cells = 80;
        const double cw = (l.plot.x1 - l.plot.x0) / cells, ch = (l.plot.y1 - l.plot.y0) / cells;
        std::vector<double> h(cells * cells, 0), t(h.size());
        for (std::size_t i = 0; i < d.size(); ++i) {
            const int cx = static_cast<int>((l.px(d.coords.row_data(i)[0]) - l.plot.x0) / cw);
            const int cy = static_cast<int>((l.py(d.coords.row_data(i)[1]) - l.plot.y0) / ch);
            if (cx >= 0 && cy >= 0 && cx < cells && cy < cells) h[cy * cells + cx] += 1;
        }
        for (int y = 0; y < cells; ++y)  // 3 x 3 mean
            for (int x = 0; x < cells; ++x) {
                double sum = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx)
                        if (x + dx >= 0 && y + dy >= 0 && x + dx < cells && y + dy < cells) sum += h[(y + dy) * cells + x + dx];
                t[y * cells + x] = sum / 9;
            }
        double top = 0;
        for (double v : t) top = std::max(top, v);
        s += "<g fill=\"#96a5be\" stroke=\"none\">\n";
        for (int y = 0; top > 0 && y < cells; ++y)
            for (int x = 0; x < cells; ++x) {
                const double v = std::sqrt(t[y * cells + x] / top);
                if (v < 0.02) continue;
                s += "<rect x=\"";
                append_number(s, l.plot.x0 + x * cw);
                s += "\" y=\"";
                append_number(s, l.plot.y0 + y * ch);
                s += "\" width=\"";
                append_number(s, cw + 0.2);
                s += "\" height=\"";
                append_number(s, ch + 0.2);
                s += "\" opacity=\"";
                append_number(s, 0.6 * v, 2);
                s += "\"/>\n";
            }
        s += "</g>\n";
    }

    // Points in drawing order; a new group whenever the colour changes.
    s += "<g stroke=\"none\" fill-opacity=\"";
    append_number(s, l.alpha, 3);
    s += "\">\n";
    const std::string radius = [&] { std::string r; append_number(r, l.radius, 2); return r; }();
    std::string current;
    for (std::uint32_t i : l.order) {
        const std::string color = to_hex(l.color_of(i));
        if (color != current) {
            if (!current.empty()) s += "</g>\n";
            s += "<g fill=\"" + color + "\">\n";
            current = color;
        }
        const float* r = d.coords.row_data(i);
        s += "<circle cx=\"";
        append_number(s, l.px(r[0]));
        s += "\" cy=\"";
        append_number(s, l.py(r[1]));
        s += "\" r=\"" + radius + "\"/>";
        s += '\n';
    }
    if (!current.empty()) s += "</g>\n";
    s += "</g>\n";

    const double marker = std::max(5.0, 2.5 * l.radius);
    for (std::size_t q = 0; q < d.query_coords.rows(); ++q) {
        s += "<g class=\"query\">";
        if (!d.query_neighbors.empty())
            for (std::size_t j = 0; j < d.neighbor_k; ++j) {
                const float* r = d.coords.row_data(d.query_neighbors[q * d.neighbor_k + j]);
                s += "<circle fill=\"none\" stroke=\"#1e1e1e\" stroke-width=\"1.5\" cx=\"";
                append_number(s, l.px(r[0]));
                s += "\" cy=\"";
                append_number(s, l.py(r[1]));
                s += "\" r=\"";
                append_number(s, l.radius + 2.5);
                s += "\"/>";
            }
        const double x = l.px(d.query_coords.row_data(q)[0]), y = l.py(d.query_coords.row_data(q)[1]);
        s += "<circle fill=\"#1e1e1e\" stroke=\"#fff\" stroke-width=\"2\" cx=\"";
        append_number(s, x);
        s += "\" cy=\"";
        append_number(s, y);
        s += "\" r=\"";
        append_number(s, marker);
        s += "\"/>";
        if (q < d.query_texts.size()) {
            s += "<text x=\"";
            append_number(s, x + marker + 4);
            s += "\" y=\"";
            append_number(s, y + 5);
            s += "\" font-size=\"14\" fill=\"#1e1e1e\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">";
            append_xml(s, d.query_texts[q]);
            s += "</text>";
        }
        s += "</g>\n";
    }

    for (const detail::placed_label& label : l.labels) {
        s += "<text class=\"name\" x=\"";
        append_number(s, label.x);
        s += "\" y=\"";
        append_number(s, label.y + measure.height(detail::text_role::label) * 0.8);
        s += "\" font-size=\"14\" font-weight=\"bold\" fill=\"#1e1e1e\" stroke=\"#fff\" stroke-width=\"3\" "
             "stroke-opacity=\"0.85\" paint-order=\"stroke\">";
        append_xml(s, label.text);
        s += "</text>\n";
    }

    if (!l.legend.empty()) {
        const detail::box& b = l.legend_box;
        const double pad = l.legend_row * 0.5, base = measure.height(detail::text_role::legend) * 0.8;
        s += "<g class=\"legend\" font-size=\"14\" fill=\"#1e1e1e\">\n<rect fill=\"#fff\" fill-opacity=\"0.9\" x=\"";
        append_number(s, b.x0);
        s += "\" y=\"";
        append_number(s, b.y0);
        s += "\" width=\"";
        append_number(s, b.x1 - b.x0);
        s += "\" height=\"";
        append_number(s, b.y1 - b.y0);
        s += "\"/>\n";
        double y = b.y0 + pad;
        auto text_at = [&](double x, double ty, std::string_view text, const char* extra) {
            s += "<text x=\"";
            append_number(s, x);
            s += "\" y=\"";
            append_number(s, ty + base);
            s += "\"";
            s += extra;
            s += ">";
            append_xml(s, text);
            s += "</text>\n";
        };
        text_at(b.x0 + pad, y, l.color_by->name, " font-weight=\"bold\"");
        for (const detail::legend_entry& e : l.legend) {
            y += l.legend_row;
            s += "<circle fill=\"" + to_hex(e.color) + "\" cx=\"";
            append_number(s, b.x0 + pad + l.legend_swatch / 2);
            s += "\" cy=\"";
            append_number(s, y + l.legend_swatch / 2);
            s += "\" r=\"";
            append_number(s, l.legend_swatch / 2);
            s += "\"/>\n";
            text_at(b.x0 + pad + l.legend_swatch * 1.8, y, e.name, "");
        }
        if (l.legend_rest > 0)
            text_at(b.x0 + pad + l.legend_swatch * 1.8, y + l.legend_row, "+ " + std::to_string(l.legend_rest) + " more",
                    " fill=\"#6e6e6e\"");
        s += "</g>\n";
    }
    if (!l.title.empty()) {
        s += "<text class=\"title\" x=\"";
        append_number(s, l.title_x);
        s += "\" y=\"";
        append_number(s, l.title_y + 22 * 0.8);
        s += "\" font-size=\"22\" fill=\"#1e1e1e\">";
        append_xml(s, l.title);
        s += "</text>\n";
    }
    s += "</svg>\n";
    return s;
}

/// Renders the map as SVG and writes it atomically (temp file + rename). Throws io_error on failure.
inline void save_svg(const std::filesystem::path& path, const map_data& d, const map_options& o = {}) {
    const std::string svg = render_svg(d, o);
    atomic_file file(path);
    file.write(svg);
    file.commit();
}

}  // namespace vspace
