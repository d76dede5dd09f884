// SPDX-License-Identifier: MIT
// Writes the pages the browser test drives, and what it should find on them.
//   map_browser_pages OUT_DIR            small.html (940 points) and small.expect.json
//   map_browser_pages OUT_DIR N NAME     NAME.html with N synthetic points (first-render timing)
// small.html: three clusters of 300 points and an isolated blob of 40, titles naming an animal,
// 6 exact nearest neighbours per point, one query point, and the XSS payload as the map
// title, as one point's title and as the blob's category.
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/map/html.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

const std::string xss = "</script><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">";

std::string json_ids(const std::vector<std::uint32_t>& ids) {
    std::string s = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(ids[i]);
    }
    return s + "]";
}

std::string json_string(const std::string& s) {
    std::string out;
    vspace::detail::append_json_string(out, s);
    return out;
}

/// The k points nearest to (x, y), nearest first, skipping `self`.
std::vector<std::uint32_t> nearest(const vspace::matrix<float>& xy, float x, float y, std::size_t k, std::size_t self) {
    std::vector<std::pair<float, std::uint32_t>> d;
    for (std::size_t i = 0; i < xy.rows(); ++i)
        if (i != self) d.push_back({std::hypot(xy(i, 0) - x, xy(i, 1) - y), static_cast<std::uint32_t>(i)});
    std::partial_sort(d.begin(), d.begin() + static_cast<long>(k), d.end());
    std::vector<std::uint32_t> out;
    for (std::size_t j = 0; j < k; ++j) out.push_back(d[j].second);
    return out;
}

int small_page(const std::filesystem::path& dir) {
    constexpr std::size_t per = 300, blob = 40, n = 3 * per + blob, k = 6;
    const char* animals[] = {"zebra", "otter", "heron", "lynx", "moose"};
    const char* names[] = {"north", "south", "east"};
    const float cx[3] = {0, 0, 8}, cy[3] = {6, -6, 0};
    vspace::matrix<float> xy(n, 2);
    std::vector<std::string> texts(n), labels(n);
    vspace::rng r(11);
    for (std::size_t i = 0; i < n; ++i) {
        const bool in_blob = i >= 3 * per;
        const std::size_t c = i % 3;
        const float spread = in_blob ? 0.6f : 3.0f;
        xy.mutable_view()(i, 0) = (in_blob ? -9.0f : cx[c]) + spread * (r.uniform() - 0.5f);
        xy.mutable_view()(i, 1) = (in_blob ? -9.0f : cy[c]) + spread * (r.uniform() - 0.5f);
        texts[i] = "item " + std::to_string(i) + " " + animals[(i * 7) % 5];
        labels[i] = in_blob ? xss : names[c];
    }
    const std::size_t xss_point = 17;  // alone in a corner, so hovering it is unambiguous
    texts[xss_point] = xss;
    xy.mutable_view()(xss_point, 0) = 9, xy.mutable_view()(xss_point, 1) = -9;
    std::vector<std::uint32_t> neighbors;
    for (std::size_t i = 0; i < n; ++i)
        for (std::uint32_t id : nearest(xy, xy(i, 0), xy(i, 1), k, i)) neighbors.push_back(id);
    vspace::matrix<float> query(1, 2);
    query.mutable_view()(0, 0) = cx[2], query.mutable_view()(0, 1) = cy[2];
    const std::vector<std::uint32_t> query_neighbors = nearest(xy, cx[2], cy[2], k, n);
    const std::vector<std::string> query_texts = {"find east"};
    const std::vector<vspace::map_field> fields = {vspace::categorical_field("region", labels, true)};
    const vspace::map_data d{.coords = xy.view(), .texts = texts, .fields = fields, .neighbors = neighbors,
                             .neighbor_k = k, .query_coords = query.view(), .query_texts = query_texts,
                             .query_neighbors = query_neighbors};
    vspace::save_html(dir / "small.html", d, {.title = xss});

    std::vector<std::uint32_t> zebras, blob_ids;
    for (std::size_t i = 0; i < n; ++i) {
        if (texts[i].find("zebra") != std::string::npos) zebras.push_back(static_cast<std::uint32_t>(i));
        if (i >= 3 * per) blob_ids.push_back(static_cast<std::uint32_t>(i));
    }
    // Hover and click targets: the points farthest from their nearest neighbour in clusters 0
    // and 1, so that a mouse position rounded to whole pixels still picks them.
    auto most_isolated = [&](std::size_t cluster) {
        std::size_t best = cluster;
        float best_gap = -1;
        for (std::size_t i = cluster; i < 3 * per; i += 3) {
            if (i == xss_point) continue;
            const std::uint32_t j = neighbors[i * k];
            const float gap = std::hypot(xy(i, 0) - xy(j, 0), xy(i, 1) - xy(j, 1));
            if (gap > best_gap) best_gap = gap, best = i;
        }
        return best;
    };
    const std::size_t hover = most_isolated(0), click = most_isolated(1);
    std::ofstream out(dir / "small.expect.json");
    out << "{\"n\":" << n << ",\"xss\":" << json_string(xss) << ",\"xss_point\":" << xss_point
        << ",\"hover\":{\"id\":" << hover << ",\"text\":" << json_string(texts[hover]) << "}"
        << ",\"search\":{\"query\":\"ZeBrA\",\"ids\":" << json_ids(zebras) << "}"
        << ",\"click\":{\"id\":" << click << ",\"neighbors\":"
        << json_ids(std::vector<std::uint32_t>(neighbors.begin() + click * k, neighbors.begin() + (click + 1) * k)) << "}"
        << ",\"query\":{\"neighbors\":" << json_ids(query_neighbors) << "}"
        << ",\"lasso\":{\"ids\":" << json_ids(blob_ids) << "}}\n";
    return out ? 0 : 1;
}

/// n points in 12 Gaussian clusters of varied size, with labels and short titles.
int synthetic_page(const std::filesystem::path& dir, std::size_t n, const std::string& name) {
    vspace::matrix<float> xy(n, 2);
    std::vector<std::string> labels(n), texts(n);
    vspace::rng r(5);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = r.below(12);
        const double a = static_cast<double>(c) * 0.5236, radius = 3.0 + static_cast<double>(c % 3);
        const double u = std::max(r.uniform_double(), 1e-12), v = r.uniform_double();
        const double g = std::sqrt(-2 * std::log(u)), s = 0.3 + 0.1 * static_cast<double>(c % 4);
        xy.mutable_view()(i, 0) = static_cast<float>(radius * std::cos(a) + s * g * std::cos(6.2831853 * v));
        xy.mutable_view()(i, 1) = static_cast<float>(radius * std::sin(a) + s * g * std::sin(6.2831853 * v));
        labels[i] = "cluster " + std::to_string(c);
        texts[i] = "point " + std::to_string(i);
    }
    const std::vector<vspace::map_field> fields = {vspace::categorical_field("cluster", labels, true)};
    vspace::save_html(dir / (name + ".html"), {.coords = xy.view(), .texts = texts, .fields = fields},
                      {.title = std::to_string(n) + " synthetic points"});
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc == 2) return small_page(argv[1]);
        if (argc == 4) return synthetic_page(argv[1], std::stoul(argv[2]), argv[3]);
        std::fprintf(stderr, "usage: map_browser_pages OUT_DIR [N NAME]\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "map_browser_pages: %s\n", e.what());
        return 1;
    }
}
