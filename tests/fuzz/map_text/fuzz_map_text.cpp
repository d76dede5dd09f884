// SPDX-License-Identifier: MIT
// libFuzzer target for label and text files drawn on maps: bytes -> parse_lines (io/lines.hpp)
// -> per line a label (before the first tab, else the whole line) and a text (after it, else
// the whole line) -> categorical_field, cluster_terms of three clusters named by cluster_name
// -> map_data with fixed coordinates, neighbours and a query -> render_html and render_svg.
// The first line is also the title. User text must never become markup, so besides crashes,
// sanitizer reports, exceptions other than vspace::error and hangs, it aborts when
//   - the HTML page has another number of "<script" / "</script" (any case) than the page of a
//     harmless map, or another number of '<' at all (user text only ever travels escaped);
//   - the SVG has any "<script";
//   - replacing every '<' of the input by a character it lacks changes the number of '<' in
//     either document (same layout, so only unescaped user text could change it).
// (An earlier check, "no input line holding '<' appears verbatim", gave false alarms on the
// device campaign: the escaped text of one line followed by the template's "</text>" can
// spell another input line, e.g. "t;/script&gt;</text>". The counts above catch any raw '<'.)
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_map_text
//   build/fuzz/tests/fuzz/fuzz_map_text -max_len=2048 tests/fuzz/map_text/corpus   (or run-fuzz.sh)
#include <vspace/analyze/cluster_labels.hpp>
#include <vspace/core/matrix.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/map/data.hpp>
#include <vspace/map/html.hpp>
#include <vspace/map/svg.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace vspace;

struct documents {
    std::string html, svg;
};

/// Renders the map of `lines` (at least 2) as HTML and SVG.
documents render(const std::vector<std::string>& lines) {
    const std::size_t n = lines.size();
    std::vector<std::string> labels(n), texts(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t tab = lines[i].find('\t');
        labels[i] = lines[i].substr(0, tab);
        texts[i] = tab == std::string::npos ? lines[i] : lines[i].substr(tab + 1);
    }
    std::vector<std::uint32_t> clusters(n), neighbors(n);
    matrix<float> xy(n, 2), query(1, 2);
    for (std::size_t i = 0; i < n; ++i) {
        clusters[i] = static_cast<std::uint32_t>(i % 3);
        neighbors[i] = static_cast<std::uint32_t>((i + 1) % n);
        xy(i, 0) = static_cast<float>(clusters[i] * 10 + i % 5);
        xy(i, 1) = static_cast<float>(i / 5) * 0.5f;
    }
    query(0, 0) = 1.5f, query(0, 1) = 2.5f;
    const std::uint32_t query_neighbor[1] = {0};
    const auto terms = cluster_terms(texts, clusters, 3, {.min_count = 1});
    std::vector<std::string> names;
    for (const auto& t : terms) names.push_back(cluster_name(t));
    const map_field fields[2] = {categorical_field("label", labels, true),
                                 categorical_field<std::uint32_t>("cluster", clusters, names, true)};
    const map_data d{.coords = xy, .texts = texts, .fields = fields, .neighbors = neighbors, .neighbor_k = 1,
                     .query_coords = query, .query_texts = std::span(texts).last(1), .query_neighbors = query_neighbor};
    const map_options o{.title = lines[0], .width = 400, .height = 300};
    return {render_html(d, o), render_svg(d, o)};
}

/// Occurrences of `what` (lower case) in `s`, ignoring ASCII case.
std::size_t count(std::string_view s, std::string_view what) {
    std::string lower(s);
    for (char& c : lower) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    std::size_t found = 0;
    for (std::size_t at = lower.find(what); at != std::string::npos; at = lower.find(what, at + 1)) ++found;
    return found;
}

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const documents harmless = render({"alpha\tfirst text", "beta\tsecond text", "gamma"});
    static const std::size_t scripts = count(harmless.html, "<script"), ends = count(harmless.html, "</script");
    static const std::size_t brackets = count(harmless.html, "<");
    std::vector<std::string> lines;
    try {
        lines = parse_lines({reinterpret_cast<const std::byte*>(data), size}, "f");
    } catch (const error&) {
        return 0;
    }
    if (lines.size() < 2) return 0;
    documents doc;
    try {
        doc = render(lines);
    } catch (const error&) {
        return 0;
    }
    require(count(doc.html, "<script") == scripts && count(doc.html, "</script") == ends);
    require(count(doc.html, "<") == brackets);
    require(count(doc.svg, "<script") == 0);
    if (std::none_of(lines.begin(), lines.end(), [](const std::string& l) { return l.find('<') != std::string::npos; }))
        return 0;
    // The same map with the user's '<' replaced by a character of the same width it lacks.
    const std::string_view spare_candidates = "()[]{}#%^~|";
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t spare = spare_candidates.find_first_not_of(input);
    if (spare == std::string_view::npos) return 0;
    std::vector<std::string> plain = lines;
    for (std::string& l : plain) std::replace(l.begin(), l.end(), '<', spare_candidates[spare]);
    const documents reference = render(plain);
    require(count(doc.html, "<") == count(reference.html, "<") && count(doc.svg, "<") == count(reference.svg, "<"));
    return 0;
}
