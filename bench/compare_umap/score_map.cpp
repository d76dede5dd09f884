// SPDX-License-Identifier: MIT
// Scores 2-D maps of the first n Fashion-MNIST images the same way, whichever library made them:
//  - trust, preserved: trustworthiness and 10-NN preservation on a fixed sample of 5,000 points
//    (sample_rows seed 42: for n = 70,000 the sample score_tsne uses), neighbours in the 784
//    pixels under Euclidean distance;
//  - accuracy: 10-NN classification on the map, trained on the 60,000 training images' places
//    and tested on the 10,000 test images' (for n < 70,000: the last n / 7 of the n points are
//    the test set, the rest the training set).
// With --png DIR it also draws each map, coloured by class, to DIR/<stem of MAP>.png through
// vspace's own renderer (map/png.hpp), so that the maps can be shown side by side.
// Usage: score_map [--n 70000] [--png DIR] MAP.npy [MAP.npy ...]
//   prints one line per map: MAP trust= preserved= accuracy=
#include <vspace/analyze/quality.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/map/png.hpp>

#include <cstdio>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void draw(const std::filesystem::path& png, vspace::matrix_view<float> map, std::span<const std::uint8_t> labels,
          const std::string& title) {
    using vspace::fashion_mnist_data;
    std::vector<std::string> names(fashion_mnist_data::class_names.begin(), fashion_mnist_data::class_names.end());
    const vspace::map_field classes = vspace::categorical_field("class", labels, std::move(names), true);
    const vspace::map_data d{.coords = map, .fields = std::span<const vspace::map_field>(&classes, 1)};
    vspace::save_png(png, d, {.title = title, .width = 1200, .height = 1000});
}

}  // namespace

int main(int argc, char** argv) try {
    using namespace vspace;
    std::size_t n = fashion_mnist_data::n_train + fashion_mnist_data::n_test;
    std::filesystem::path png_dir;
    std::vector<std::string> maps;
    for (int a = 1; a < argc; ++a) {
        const std::string s = argv[a];
        if ((s == "--n" || s == "--png") && a + 1 >= argc) throw std::invalid_argument(s + " needs a value");
        if (s == "--n") {
            const std::string v = argv[++a];
            std::size_t used = 0;
            n = std::stoul(v, &used);
            if (used != v.size() || v.find('-') != std::string::npos)
                throw std::invalid_argument("--n " + v + " (expected a positive integer)");
        } else if (s == "--png") {
            png_dir = argv[++a];
        } else {
            maps.push_back(s);
        }
    }
    if (maps.empty()) {
        std::fprintf(stderr, "usage: score_map [--n 70000] [--png DIR] MAP.npy [MAP.npy ...]\n");
        return 2;
    }
    const auto data = load_fashion_mnist(VSPACE_FASHION_MNIST);
    // 10-NN accuracy needs at least 10 training points and one test point; the 5,000-point
    // sample needs n > 2k = 20 for k = 10 (neighborhood_preservation checks k < n / 2).
    if (n < 70 || n > data.images.rows())
        VSPACE_THROW(invalid_argument, "--n ", n, " (expected 70 to ", data.images.rows(), ")");
    const matrix_view<float> x = data.images.view().subview(0, n);
    const std::size_t n_test = n == data.images.rows() ? fashion_mnist_data::n_test : n / 7, n_train = n - n_test;
    const std::vector<std::uint32_t> sample = sample_rows(n, 5000, 42);
    const matrix<float> x_sample = take_rows(x, std::span<const std::uint32_t>(sample));
    const std::span<const std::uint8_t> labels = std::span<const std::uint8_t>(data.labels).first(n);
    if (!png_dir.empty()) std::filesystem::create_directories(png_dir);
    for (const std::string& path : maps) {
        const matrix<float> map = read_npy<float>(path);
        if (map.rows() != n || map.dims() != 2)
            VSPACE_THROW(shape_error, path, " holds a ", map.rows(), " x ", map.dims(),
                         " map (expected ", n, " x 2)");
        const matrix<float> map_sample = take_rows(map.view(), std::span<const std::uint32_t>(sample));
        const neighborhood_quality q = neighborhood_preservation(x_sample.view(), map_sample.view(), 10);
        const double accuracy = knn_accuracy(map.view().subview(0, n_train), labels.first(n_train),
                                             map.view().subview(n_train, n_test), labels.last(n_test), 10);
        std::printf("%s trust=%.4f preserved=%.4f accuracy=%.4f\n", path.c_str(), q.trustworthiness,
                    q.knn_preservation, accuracy);
        std::fflush(stdout);
        if (!png_dir.empty()) {
            const std::string stem = std::filesystem::path(path).stem().string();
            draw(png_dir / (stem + ".png"), map.view(), labels,
                 stem + ": UMAP of " + std::to_string(n) + " Fashion-MNIST images");
        }
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "score_map: %s\n", e.what());
    return 1;
}
