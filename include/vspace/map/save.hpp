// SPDX-License-Identifier: MIT
/// @file
/// `save_map`: writes a map in the format its file name asks for — `.html`/`.htm` (the
/// interactive map), `.png` or `.svg` — so a program or the CLI needs one call for all three.
/// Includes all three writers (and so needs zlib, for PNG).
#pragma once

#include <vspace/map/data.hpp>
#include <vspace/map/html.hpp>
#include <vspace/map/png.hpp>
#include <vspace/map/svg.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

namespace vspace {

/// The map formats `save_map` writes.
enum class map_format { html, png, svg };

/// The format for a file name's extension (case-insensitive). Throws invalid_argument for any
/// other extension, naming the ones we write.
inline map_format map_format_of(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".html" || ext == ".htm") return map_format::html;
    if (ext == ".png") return map_format::png;
    if (ext == ".svg") return map_format::svg;
    VSPACE_THROW(invalid_argument, "save_map: cannot write '", path.string(), "': unknown extension '", ext,
                 "' (expected .html, .png or .svg)");
}

/// Writes the map to `path` as HTML, PNG or SVG, chosen by the extension, atomically (temp
/// file + rename). Throws invalid_argument (extension, data), io_error (writing).
inline void save_map(const std::filesystem::path& path, const map_data& d, const map_options& o = {}) {
    switch (map_format_of(path)) {
        case map_format::html: save_html(path, d, o); break;
        case map_format::png: save_png(path, d, o); break;
        case map_format::svg: save_svg(path, d, o); break;
    }
}

}  // namespace vspace
