// SPDX-License-Identifier: MIT
// Lesson 08: UMAP draws a 2-D map that keeps each point's nearest neighbours, like t-SNE
// (lesson 09), but from a graph: each image is linked to its 14 nearest images, the links are
// weighted by how close they are, and the map is pulled into a shape whose near pairs match the
// graph. We map Fashion-MNIST images, measure how faithful the map is, place 1,000 images the
// map has never seen (transform), and draw the map as a PNG.
// Run: example_08_umap [FOLDER] [COUNT]   (FOLDER holds the Fashion-MNIST idx.gz files; COUNT
//      images are mapped, 10,000 by default, up to 69,000: the last 1,000 are always held out)
#include <vspace/analyze/quality.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/map/save.hpp>
#include <vspace/project/umap.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

// A sanitizer build runs every lesson as a test at about a tenth of the speed: map fewer images.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t default_count = 3000;
#else
constexpr std::size_t default_count = 10000;
#endif

int main(int argc, char** argv) try {
    const std::filesystem::path folder = argc > 1 ? argv[1] : vspace::default_fashion_mnist_folder;
    if (!std::filesystem::exists(folder))
        return std::printf("%s not found (apt-get install dataset-fashion-mnist)\n", folder.c_str()), 0;
    const auto fm = vspace::load_fashion_mnist(folder);
    constexpr std::size_t held_out = 1000;
    const std::size_t n = std::clamp<std::size_t>(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : default_count, 100,
                                                  fm.images.rows() - held_out);
    const auto images = fm.images.view().subview(0, n);
    const auto fresh = fm.images.view().subview(fm.images.rows() - held_out, held_out);  // last test images
    const std::span<const std::uint8_t> labels(fm.labels);
    const auto fit_labels = labels.first(n), fresh_labels = labels.last(held_out);

    // The defaults are umap-learn's: 15 neighbours (the point itself counted), min_dist 0.1
    // (how tightly points may pack), a spectral start from the graph, 500 epochs of SGD up to
    // 10,000 points and 200 above. The neighbours here come from an exact (flat) index; for
    // hundreds of thousands of points pass `vspace::hnsw_index<vspace::l2, float>` as the third
    // template argument (`vspace map` does that above 20,000 points).
    //! [fit]
    vspace::umap<vspace::l2> model({.n_neighbors = 15, .min_dist = 0.1f, .seed = 1});
    auto run = model.start(images);  // kNN graph, fuzzy memberships, spectral start
    while (!run.done()) run.step(50);
    const vspace::matrix_view<float> map = model.embedding();
    //! [fit]
    const auto& r = model.report();
    std::printf("%zu images: kNN graph %.2f s, memberships %.2f s, %s start %.2f s, %zu epochs %.2f s\n", n,
                r.seconds_graph, r.seconds_fuzzy_set, std::string(vspace::umap_init_name(r.init)).c_str(),
                r.seconds_init, r.n_epochs, r.seconds_optimize);

    // How faithful is the map? On 2,000 of the images (the measures compare all pairs):
    // trustworthiness (are map neighbours true neighbours?) and kNN preservation (what share of
    // each image's 10 nearest images are still among its 10 nearest on the map?).
    const auto sample = vspace::sample_rows(n, 2000, 1);
    const auto sample_images = vspace::take_rows(images, sample), sample_map = vspace::take_rows(map, sample);
    const auto q = vspace::neighborhood_preservation(sample_images.view(), sample_map.view(), 10);
    std::printf("trustworthiness(10) %.3f, 10-NN preservation %.3f (on %zu images)\n", q.trustworthiness,
                q.knn_preservation, q.n);
    // The classes were never shown to UMAP. Does an image's class match its 10 nearest on the map?
    const std::size_t test = n / 5, train = n - test;
    std::printf("10-NN class agreement on the map: %.1f %% (the last %zu images voted on by the other %zu)\n",
                100 * vspace::knn_accuracy(map.subview(0, train), fit_labels.first(train), map.subview(train, test),
                                           fit_labels.subspan(train), 10),
                test, train);

    // New images go next to the fitted images they resemble; the map itself does not move.
    //! [transform]
    const vspace::matrix<float> placed = model.transform(fresh);
    //! [transform]
    const double on_map = vspace::knn_accuracy(map, fit_labels, placed.view(), fresh_labels, 10);
    const double in_pixels = vspace::knn_accuracy(images, fit_labels, fresh, fresh_labels, 10);
    std::printf("%zu held-out images placed: their 10 nearest mapped images share their class %.1f %% of the time\n"
                "on the map, %.1f %% in the 784-pixel space (so the map keeps most of what the pixels know)\n",
                held_out, 100 * on_map, 100 * in_pixels);

    // A picture: the map coloured by class, the class names where each class is densest.
    //! [png]
    std::vector<std::string> names(fm.class_names.begin(), fm.class_names.end());
    const std::vector<vspace::map_field> fields = {vspace::categorical_field("class", fit_labels, names, true)};
    vspace::save_map("umap_fashion.png", {.coords = map, .fields = fields}, {.title = "UMAP of Fashion-MNIST"});
    //! [png]
    std::printf("wrote umap_fashion.png\n");
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
