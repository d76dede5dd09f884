// SPDX-License-Identifier: MIT
// Lesson 10: k-means finds groups without being told what they are. We cluster Fashion-MNIST
// images by pixels alone, then compare each cluster with the true classes (majority + purity).
// Run: example_10_clusters                     (5,000 Fashion-MNIST images, k = 10)
//      example_10_clusters EMB.npy TEXTS.txt 8 (your embeddings, one text per row, k = 8)
#include <vspace/analyze/cluster_labels.hpp>
#include <vspace/analyze/kmeans.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) try {
    vspace::matrix<float> x;
    std::vector<std::string> texts, classes;
    std::size_t k = 10;
    if (argc >= 3) {  // your data: vectors and one text per row
        x = vspace::read_npy<float>(argv[1]);
        texts = vspace::read_lines(argv[2]);
        if (argc >= 4) k = std::strtoul(argv[3], nullptr, 10);
    } else {
        if (!std::filesystem::exists(vspace::default_fashion_mnist_folder))
            return std::puts("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"), 0;
        const auto fm = vspace::load_fashion_mnist();
        x = vspace::matrix<float>(fm.images.view().subview(0, 5000));
        for (std::size_t i = 0; i < 5000; ++i) classes.emplace_back(fm.class_names[fm.labels[i]]);
    }
    // Fit: k-means++ seeding, then Lloyd iterations until the centroids stop moving.
    //! [fit]
    vspace::kmeans<vspace::l2sq> km({.k = k, .seed = 1});
    const vspace::kmeans_result r = km.fit(x.view());
    //! [fit]
    std::printf("%zu points, k = %zu: %zu iterations, inertia %.4g (sum of squared distances)\n", x.rows(), k,
                r.iterations, r.inertia);

    if (!classes.empty()) {  // labels were never shown to k-means: how well do clusters match them?
        const auto m = vspace::cluster_majorities(classes, r.labels, k);
        for (std::size_t c = 0; c < k; ++c)
            std::printf("cluster %zu: %4zu images, %3.0f %% %s\n", c, r.sizes[c], 100 * m[c].purity, m[c].label.c_str());
        std::puts("Trousers, bags and shoes form pure clusters; shirts, pullovers and coats mix: by pixels they look alike.");
    } else {  // name each cluster by the words most distinctive of its texts (c-TF-IDF)
        const auto terms = vspace::cluster_terms(texts, r.labels, k);
        for (std::size_t c = 0; c < k; ++c)
            std::printf("cluster %zu: %4zu rows  %s\n", c, r.sizes[c], vspace::cluster_name(terms[c], 4).c_str());
    }
    // New points go to the nearest centroid.
    std::printf("the first point belongs to cluster %u\n", km.predict(x.view().subview(0, 1))[0]);
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
