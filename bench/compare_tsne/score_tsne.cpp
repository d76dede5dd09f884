// SPDX-License-Identifier: MIT
// Scores maps of all 70,000 Fashion-MNIST images the same way, whichever library made them:
//  - kl: KL(P || Q) with one common P (perplexity 30 over the exact 90 nearest neighbours in the
//    50-d PCA of the images, as vspace builds it) and the exact Q (all pairs);
//  - trust, preserved: trustworthiness and 10-NN preservation on a fixed sample of 5,000 points
//    (seed 42), neighbours in the 784 pixels;
//  - accuracy: 10-NN classification on the map, trained on the 60,000 training images' places,
//    tested on the 10,000 test images'.
// Usage: score_tsne MAP.npy [MAP.npy ...]   prints one line per map: file kl= trust= ...
#include <vspace/analyze/quality.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/project/tsne.hpp>

#include <cstdio>
#include <span>

int main(int argc, char** argv) try {
    using namespace vspace;
    const auto data = load_fashion_mnist(VSPACE_FASHION_MNIST);
    const matrix_view<float> x = data.images.view();
    const std::vector<std::uint32_t> sample = sample_rows(x.rows(), 5000, 42);
    const matrix<float> x_sample = take_rows(x, std::span<const std::uint32_t>(sample));
    const std::size_t n_train = fashion_mnist_data::n_train, n_test = fashion_mnist_data::n_test;
    const std::span<const std::uint8_t> labels(data.labels);
    for (int a = 1; a < argc; ++a) {
        const matrix<float> map = read_npy<float>(argv[a]);
        if (map.rows() != x.rows() || map.dims() != 2)
            VSPACE_THROW(shape_error, argv[a], ": a ", map.rows(), " x ", map.dims(), " map (expected ", x.rows(),
                         " x 2)");
        tsne<l2, float, flat_index<l2, float>> kl_model({.iterations = 0,
                                                         .early_exaggeration_iterations = 0,
                                                         .gradient = tsne_gradient::exact,
                                                         .affinities = tsne_affinities::nearest_neighbors});
        kl_model.start(x, map.view());
        const matrix<float> map_sample = take_rows(map.view(), std::span<const std::uint32_t>(sample));
        const neighborhood_quality q = neighborhood_preservation(x_sample.view(), map_sample.view(), 10);
        const double accuracy = knn_accuracy(map.view().subview(0, n_train), labels.first(n_train),
                                             map.view().subview(n_train, n_test), labels.last(n_test), 10);
        std::printf("%s kl=%.4f trust=%.4f preserved=%.4f accuracy=%.4f\n", argv[a], kl_model.report().kl_divergence,
                    q.trustworthiness, q.knn_preservation, accuracy);
        std::fflush(stdout);
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "score_tsne: %s\n", e.what());
    return 1;
}
