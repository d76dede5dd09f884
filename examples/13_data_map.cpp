// SPDX-License-Identifier: MIT
// Lesson 13: a data map people can explore. UMAP places similar items close together; the
// map writer turns the coordinates, labels, titles and each item's nearest neighbours (found in
// the original space, where they are exact) into one HTML file that works offline, and a PNG.
// Run: example_13_data_map [FOLDER]  (from the repository root it finds the SAP Fiori docs in
//      ../shared/data; elsewhere it maps 3,000 Fashion-MNIST images)
#include <vspace/graph/knn_graph.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/map/save.hpp>
#include <vspace/project/umap.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) try {
    const std::filesystem::path docs = argc > 1 ? argv[1] : "../shared/data/minilm-sap-fiori-778";
    vspace::matrix<float> x;
    std::vector<std::string> labels, titles;
    if (std::filesystem::exists(docs / "embeddings.npy")) {
        x = vspace::read_npy<float>(docs / "embeddings.npy");  // 778 sentence embeddings, unit length
        labels = vspace::read_lines(docs / "labels.txt");
        titles = vspace::read_lines(docs / "titles.txt");
    } else if (std::filesystem::exists(vspace::default_fashion_mnist_folder)) {
        const auto fm = vspace::load_fashion_mnist();
        x = vspace::matrix<float>(fm.images.view().subview(0, 3000));
        for (std::size_t i = 0; i < 3000; ++i) labels.emplace_back(fm.class_names[fm.labels[i]]);
    } else {
        return std::puts("no data: pass a folder with embeddings.npy, labels.txt, titles.txt"), 0;
    }

    // 1. The map: UMAP with umap-learn's defaults (15 neighbours, min_dist 0.1).
    //! [project]
    vspace::umap<vspace::l2> model({.seed = 7});
    const vspace::matrix<float> xy = model.fit_transform(x.view());
    //! [project]
    // 2. Each point's 8 nearest neighbours in the original space: the map lights them up on click.
    const vspace::knn_graph graph = vspace::exact_knn_graph<vspace::l2>(x.view(), 8);

    // 3. Plain data for the writer: coordinates, one field to colour by (names drawn where each
    //    category is densest), titles for hover and search, neighbour ids.
    //! [map]
    const std::vector<vspace::map_field> fields = {vspace::categorical_field("category", labels, true)};
    const vspace::map_data map{.coords = xy.view(), .texts = titles, .fields = fields,
                               .neighbors = graph.ids, .neighbor_k = graph.k};
    vspace::save_map("data_map.html", map, {.title = "A data map"});
    vspace::save_map("data_map.png", map, {.title = "A data map", .width = 1200, .height = 900});
    //! [map]
    std::printf("%zu points in %zu categories -> data_map.html (open it in a browser) and data_map.png\n", x.rows(),
                fields[0].categories.size());
    std::printf("the largest category, '%s', holds %zu points\n", fields[0].categories[0].c_str(),
                static_cast<std::size_t>(std::count(fields[0].codes.begin(), fields[0].codes.end(), 0u)));
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
