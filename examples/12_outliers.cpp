// SPDX-License-Identifier: MIT
// Lesson 12: outliers are points whose neighbourhood is emptier than their neighbours'. The
// local outlier factor (LOF) compares a point's density with its k nearest neighbours' (about 1
// inside any cluster, well above 1 for an outlier); the kNN distance just measures emptiness.
// Run: example_12_outliers             (3,000 Fashion-MNIST images; the top one is drawn)
//      example_12_outliers DATA.npy 10 (your vectors, top 10)
#include <vspace/analyze/outliers.hpp>
#include <vspace/graph/knn_graph.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/l2.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) try {
    vspace::matrix<float> x;
    vspace::fashion_mnist_data fm;
    std::size_t n = argc >= 3 ? std::strtoul(argv[2], nullptr, 10) : 5;
    if (argc >= 2) {
        x = vspace::read_npy<float>(argv[1]);
    } else {
        if (!std::filesystem::exists(vspace::default_fashion_mnist_folder))
            return std::puts("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"), 0;
        fm = vspace::load_fashion_mnist();
        x = vspace::matrix<float>(fm.images.view().subview(60000, 3000));  // test images
    }
    // Both scores read the k-nearest-neighbour graph; build it once with a true distance (l2).
    //! [lof]
    const vspace::knn_graph graph = vspace::exact_knn_graph<vspace::l2>(x.view(), 10);
    const auto lof = vspace::lof_scores(graph), far = vspace::knn_distance_scores(graph);
    //! [lof]
    std::printf("%zu points; top %zu by LOF (kNN distance beside it):\n", x.rows(), n);
    for (const auto& o : vspace::top_outliers(lof, n)) {
        std::printf("  row %5zu  LOF %.2f  10th-neighbour distance %.0f", o.id, o.score, far[o.id]);
        if (!fm.labels.empty()) std::printf("  %s", std::string(fm.class_names[fm.labels[60000 + o.id]]).c_str());
        std::printf("\n");
    }
    if (!fm.labels.empty()) {  // draw the strongest outlier, two pixel rows per text line
        const auto id = vspace::top_outliers(lof, 1)[0].id;
        for (std::size_t r = 0; r < 28; r += 2, std::puts(""))
            for (std::size_t c = 0; c < 28; ++c) std::putchar(" .:-=+*#%@"[static_cast<int>(x(id, r * 28 + c)) * 10 / 256]);
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
