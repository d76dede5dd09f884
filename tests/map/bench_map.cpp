// SPDX-License-Identifier: MIT
// Timing of the map writers on synthetic maps (12 Gaussian clusters with labels and short
// titles): PNG render and encode, SVG, HTML. Not part of the test run.
//   bench_map [N...]   (default 70000 1000000); prints the median of 5 runs per step
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/map/save.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

template <class F>
double median_seconds(F&& f, int runs = 5) {
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i) sizes.push_back(std::stoul(argv[i]));
    if (sizes.empty()) sizes = {70000, 1000000};
    for (std::size_t n : sizes) {
        vspace::matrix<float> xy(n, 2);
        std::vector<std::string> labels(n), texts(n);
        vspace::rng r(5);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t c = r.below(12);
            const double a = static_cast<double>(c) * 0.5236, u = std::max(r.uniform_double(), 1e-12), v = r.uniform_double();
            const double g = std::sqrt(-2 * std::log(u)) * 0.5;
            xy.mutable_view()(i, 0) = static_cast<float>(4 * std::cos(a) + g * std::cos(6.2831853 * v));
            xy.mutable_view()(i, 1) = static_cast<float>(4 * std::sin(a) + g * std::sin(6.2831853 * v));
            labels[i] = "cluster " + std::to_string(c);
            texts[i] = "point " + std::to_string(i);
        }
        const std::vector<vspace::map_field> fields = {vspace::categorical_field("cluster", labels, true)};
        const vspace::map_data d{.coords = xy.view(), .texts = texts, .fields = fields};
        const vspace::map_options o{.title = "benchmark"};
        vspace::image img;
        std::size_t png = 0, svg = 0, html = 0;
        const double t_render = median_seconds([&] { img = vspace::render_image(d, o); });
        const double t_encode = median_seconds([&] { png = vspace::encode_png(img).size(); });
        const double t_svg = median_seconds([&] { svg = vspace::render_svg(d, o).size(); }, 3);
        const double t_html = median_seconds([&] { html = vspace::render_html(d, o).size(); }, 3);
        std::printf("n = %zu: PNG render %.3f s + encode %.3f s (%.2f MB), SVG %.3f s (%.1f MB), HTML %.3f s (%.1f MB)\n", n,
                    t_render, t_encode, png / 1e6, t_svg, svg / 1e6, t_html, html / 1e6);
    }
}
