// SPDX-License-Identifier: MIT
// Lesson 09: t-SNE draws a 2-D map in which each point keeps its nearest neighbours. We map
// 2,000 Fashion-MNIST images, watch the KL divergence fall as the map forms, check that the
// classes (never shown to t-SNE) come out as separate islands, then place 500 new images.
// Run: example_09_tsne [FOLDER]   (FOLDER holds the Fashion-MNIST idx.gz files)
#include <vspace/analyze/quality.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/project/tsne.hpp>

#include <cstdio>
#include <span>

int main(int argc, char** argv) try {
    const std::filesystem::path folder = argc > 1 ? argv[1] : vspace::default_fashion_mnist_folder;
    if (!std::filesystem::exists(folder))
        return std::printf("%s not found (apt-get install dataset-fashion-mnist)\n", folder.c_str()), 0;
    const auto fm = vspace::load_fashion_mnist(folder);
    const auto images = fm.images.view();
    const auto fit = images.subview(0, 2000), fresh = images.subview(2000, 500);
    const std::span<const std::uint8_t> labels(fm.labels);

    // Perplexity ~ how many neighbours each point cares about. The defaults follow openTSNE:
    // PCA to 50 dims, 250 iterations of early exaggeration (clusters form), 500 more (they spread).
    //! [fit]
    vspace::tsne<vspace::l2> model({.perplexity = 30, .iterations = 750, .seed = 1});
    auto run = model.start(fit);  // neighbours, affinities P, PCA start
    while (!run.done()) {
        run.step(150);
        std::printf("iteration %3zu: KL(P || Q) = %.3f\n", run.iteration(), run.kl_divergence());
    }
    //! [fit]
    const auto& r = model.report();
    std::printf("%zu points, %s gradient, %zu neighbours each, learning rate %.0f\n", r.n,
                std::string(vspace::tsne_gradient_name(r.gradient)).c_str(), r.neighbors, r.learning_rate);

    // Classes were never shown to t-SNE. On the map, do a point's 10 nearest points share its class?
    const auto map = model.embedding();
    std::printf("10-NN class agreement on the map: %.1f %% (held-out half predicted from the other half)\n",
                100 * vspace::knn_accuracy(map.subview(0, 1000), labels.first(1000), map.subview(1000, 1000),
                                           labels.subspan(1000, 1000), 10));
    std::printf("trustworthiness(10): %.3f (1 = every map neighbour is a true neighbour)\n",
                vspace::trustworthiness(fit, map, 10));

    // New points land next to similar fitted points; the map itself does not move.
    //! [transform]
    const vspace::matrix<float> placed = model.transform(fresh);
    //! [transform]
    std::printf("500 new images placed; their 10 nearest fitted points vote their class: %.1f %% right\n",
                100 * vspace::knn_accuracy(map, labels.first(2000), placed.view(), labels.subspan(2000, 500), 10));
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
