// SPDX-License-Identifier: MIT
/// @file
/// The interactive data map: `render_html` and `save_html` write one self-contained HTML file
/// (page, script and data inline; no server, no network) that opens in any current browser.
/// It shows every point (WebGL, one draw call; canvas 2D where WebGL is missing), zooms and
/// pans smoothly, shows a point's text, fields and id on hover, colours by any field with a
/// legend that hides categories, draws cluster names, searches texts and categories, lights up
/// a clicked point's nearest neighbours in the original space, places query points with their
/// neighbours, and selects points with a lasso (count, ids to copy or download).
///
/// Size: per point 4 bytes of coordinates (16-bit quantized over the bounds) plus 1 byte per
/// field (2 beyond 255 categories), plus neighbor_k * ceil(log2 n) bits of neighbour ids, plus
/// the texts; base64 adds a third. Security: user text is only ever data — JSON strings escape
/// '<', '>', '&', U+2028/2029, bulk data is base64, the script sets text with textContent, and
/// a Content-Security-Policy forbids every network request and every script but the page's own.
#pragma once

#include <vspace/io/atomic_file.hpp>
#include <vspace/map/data.hpp>
#include <vspace/map/detail/escape.hpp>
#include <vspace/map/detail/sha256.hpp>
#include <vspace/map/html/script.hpp>
#include <vspace/map/html/style.hpp>
#include <vspace/map/palette.hpp>
#include <vspace/version.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// The Content-Security-Policy of every map page: no fetch, image, font, frame or form may
/// reach the network (`default-src 'none'`, `connect-src 'none'`); images only from data: and
/// blob: URLs; inline style; and of scripts only the page's own, named by its SHA-256 hash, so
/// that markup smuggled into the page could not run a script of its own (nor an onerror=).
inline std::string map_content_security_policy() {
    const auto hash = detail::sha256(detail::map_script);
    std::string csp = "default-src 'none'; script-src 'sha256-";
    detail::append_base64(csp, hash.data(), hash.size());
    csp += "'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; font-src 'none'; "
           "frame-src 'none'; base-uri 'none'; form-action 'none'";
    return csp;
}

/// @cond detail
namespace detail {

inline void append_json_number(std::string& out, double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// `ids` packed `bits` bits each, least significant bit first, in a little-endian bit stream.
inline std::vector<std::uint8_t> pack_ids(std::span<const std::uint32_t> ids, unsigned bits) {
    std::vector<std::uint8_t> out((ids.size() * bits + 7) / 8);
    std::uint64_t acc = 0;
    unsigned have = 0;
    std::size_t o = 0;
    for (std::uint32_t id : ids) {
        acc |= static_cast<std::uint64_t>(id) << have;
        have += bits;
        for (; have >= 8; have -= 8, acc >>= 8) out[o++] = static_cast<std::uint8_t>(acc);
    }
    if (have > 0) out[o] = static_cast<std::uint8_t>(acc);
    return out;
}

/// The JSON block the page's script reads (see script.hpp for the reader).
inline std::string map_json(const map_data& d, const map_options& o) {
    const std::size_t n = d.size();
    const map_bounds b = bounds_of(d);
    std::string j;
    j.reserve(n * 12 + 1024);
    j += "{\"version\":1,\"n\":";
    j += std::to_string(n);
    j += ",\"title\":";
    append_json_string(j, o.title);
    j += ",\"bounds\":[";
    for (float v : {b.x0, b.y0, b.x1, b.y1}) {
        append_json_number(j, v);
        j += ',';
    }
    j.back() = ']';
    j += ",\"pointSize\":";
    append_json_number(j, o.point_size);
    j += ",\"alpha\":";
    append_json_number(j, o.alpha);
    j += ",\"color\":";
    j += std::to_string(d.fields.empty() ? 0 : o.color_field);

    // Coordinates: x, y as 16-bit fractions of the bounds.
    {
        std::vector<std::uint8_t> xy(n * 4);
        const double sx = 65535.0 / (static_cast<double>(b.x1) - b.x0), sy = 65535.0 / (static_cast<double>(b.y1) - b.y0);
        for (std::size_t i = 0; i < n; ++i) {
            const float* r = d.coords.row_data(i);
            const auto qx = static_cast<std::uint16_t>(std::clamp(std::lround((r[0] - b.x0) * sx), 0L, 65535L));
            const auto qy = static_cast<std::uint16_t>(std::clamp(std::lround((r[1] - b.y0) * sy), 0L, 65535L));
            xy[4 * i] = static_cast<std::uint8_t>(qx), xy[4 * i + 1] = static_cast<std::uint8_t>(qx >> 8);
            xy[4 * i + 2] = static_cast<std::uint8_t>(qy), xy[4 * i + 3] = static_cast<std::uint8_t>(qy >> 8);
        }
        j += ",\"xy\":\"";
        append_base64(j, xy);
        j += '"';
    }

    // Texts: UTF-8 joined by NUL (a NUL inside a text becomes a space).
    j += ",\"texts\":";
    if (d.texts.empty()) {
        j += "null";
    } else {
        std::string joined;
        for (std::size_t i = 0; i < n; ++i) {
            if (i) joined += '\0';
            std::string t = sanitize_utf8(d.texts[i]);
            std::replace(t.begin(), t.end(), '\0', ' ');
            joined += t;
        }
        j += '"';
        append_base64(j, reinterpret_cast<const std::uint8_t*>(joined.data()), joined.size());
        j += '"';
    }

    j += ",\"fields\":[";
    for (std::size_t f = 0; f < d.fields.size(); ++f) {
        const map_field& field = d.fields[f];
        if (f) j += ',';
        j += "{\"name\":";
        append_json_string(j, field.name);
        const std::size_t width = field.categories.size() > 256 ? 2 : 1;
        j += ",\"bytes\":" + std::to_string(width) + ",\"categories\":[";
        for (std::size_t c = 0; c < field.categories.size(); ++c) {
            if (c) j += ',';
            append_json_string(j, field.categories[c]);
        }
        j += "],\"colors\":[";
        for (std::size_t c = 0; c < field.categories.size(); ++c) {
            if (c) j += ',';
            j += '"' + to_hex(category_color(c)) + '"';
        }
        std::vector<std::uint8_t> codes(n * width);
        for (std::size_t i = 0; i < n; ++i) {
            codes[i * width] = static_cast<std::uint8_t>(field.codes[i]);
            if (width == 2) codes[i * 2 + 1] = static_cast<std::uint8_t>(field.codes[i] >> 8);
        }
        j += "],\"codes\":\"";
        append_base64(j, codes);
        j += "\"}";
    }
    j += ']';

    j += ",\"labels\":[";
    bool first = true;
    for (std::size_t f = 0; f < d.fields.size(); ++f) {
        if (!d.fields[f].show_names) continue;
        for (const map_label& l : category_labels(d, d.fields[f])) {
            if (!first) j += ',';
            first = false;
            j += "{\"name\":";
            append_json_string(j, l.name);
            j += ",\"field\":" + std::to_string(f) + ",\"code\":" + std::to_string(l.code);
            j += ",\"count\":" + std::to_string(l.count) + ",\"x\":";
            append_json_number(j, l.x);
            j += ",\"y\":";
            append_json_number(j, l.y);
            j += '}';
        }
    }
    j += ']';

    j += ",\"knn\":";
    if (d.neighbors.empty()) {
        j += "null";
    } else {
        const unsigned bits = std::max(1u, static_cast<unsigned>(std::bit_width(n - 1)));
        j += "{\"k\":" + std::to_string(d.neighbor_k) + ",\"bits\":" + std::to_string(bits) + ",\"ids\":\"";
        append_base64(j, pack_ids(d.neighbors, bits));
        j += "\"}";
    }

    j += ",\"queries\":[";
    for (std::size_t q = 0; q < d.query_coords.rows(); ++q) {
        if (q) j += ',';
        j += "{\"x\":";
        append_json_number(j, d.query_coords.row_data(q)[0]);
        j += ",\"y\":";
        append_json_number(j, d.query_coords.row_data(q)[1]);
        j += ",\"text\":";
        append_json_string(j, q < d.query_texts.size() ? std::string_view(d.query_texts[q]) : std::string_view());
        j += ",\"neighbors\":[";
        if (!d.query_neighbors.empty())
            for (std::size_t k = 0; k < d.neighbor_k; ++k) {
                if (k) j += ',';
                j += std::to_string(d.query_neighbors[q * d.neighbor_k + k]);
            }
        j += "]}";
    }
    j += "]}";
    return j;
}

}  // namespace detail
/// @endcond

/// The interactive map as one HTML document (UTF-8), script and data inline.
/// Cost: O(n) plus the texts; ~0.1 s for 1,000,000 points. Throws what `validate` throws.
inline std::string render_html(const map_data& d, const map_options& o = {}) {
    validate(d, o, "render_html");
    std::string page;
    page.reserve(d.size() * 16 + 64 * 1024);
    page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"";
    page += map_content_security_policy();
    page += "\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"vspace " VSPACE_VERSION_STRING "\">\n<title>";
    detail::append_xml(page, o.title.empty() ? std::string_view("vspace map") : std::string_view(o.title));
    page += "</title>\n<style>";
    page += detail::map_style;
    page += "</style>\n</head>\n<body>";
    page += detail::map_body;
    page += "<script type=\"application/json\" id=\"vspace-map-data\">";
    page += detail::map_json(d, o);
    page += "</script>\n<script>";
    page += detail::map_script;
    page += "</script>\n</body>\n</html>\n";
    return page;
}

/// Writes the interactive map to `path`, atomically: a temporary file beside it, renamed into
/// place only when complete, so a failure never leaves a half-written page. Throws io_error.
inline void save_html(const std::filesystem::path& path, const map_data& d, const map_options& o = {}) {
    const std::string page = render_html(d, o);
    atomic_file file(path);
    file.write(page);
    file.commit();
}

}  // namespace vspace
