// SPDX-License-Identifier: MIT
// Lesson 07: principal component analysis (PCA) finds the directions along which the data
// varies most. We take Fashion-MNIST images (784 pixels each), see how few directions hold most
// of the variance, check that the fast randomized solver finds the same directions as the exact
// one, whiten, and judge the 2-D PCA map: do the images' neighbours on it share their class?
// Run: example_07_pca [FOLDER] [COUNT]   (FOLDER holds the Fashion-MNIST idx.gz files; COUNT
//      images are used, 10,000 by default, up to all 70,000)
#include <vspace/analyze/quality.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/project/pca.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Standard deviation of column c of a map.
double column_sd(const vspace::matrix<float>& m, std::size_t c) {
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < m.rows(); ++i) sum += m(i, c), sq += double(m(i, c)) * m(i, c);
    const double n = double(m.rows()), mean = sum / n;
    return std::sqrt((sq - n * mean * mean) / (n - 1));
}

}  // namespace

int main(int argc, char** argv) try {
    const std::filesystem::path folder = argc > 1 ? argv[1] : vspace::default_fashion_mnist_folder;
    if (!std::filesystem::exists(folder))
        return std::printf("%s not found (apt-get install dataset-fashion-mnist)\n", folder.c_str()), 0;
    const auto fm = vspace::load_fashion_mnist(folder);
    const std::size_t n = std::clamp<std::size_t>(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000, 100, 70000);
    const auto images = fm.images.view().subview(0, n);
    const std::span<const std::uint8_t> labels = std::span(fm.labels).first(n);

    // 1. How much of the variance do the first components hold? An image has 784 pixels, but
    //    neighbouring pixels move together, so a few dozen directions describe most images.
    //! [fit]
    vspace::pca exact({.n_components = 50, .solver = vspace::pca_solver::exact});
    const auto t0 = std::chrono::steady_clock::now();
    exact.fit(images);
    //! [fit]
    const double exact_seconds = seconds_since(t0);
    const auto ratio = exact.explained_variance_ratio();
    std::printf("%zu images of %zu pixels; share of the variance along each principal component:\n", n,
                images.dims());
    double cumulative = 0;
    for (std::size_t c = 0; c < 10; ++c) {
        cumulative += ratio[c];
        std::printf("  PC%-2zu %5.1f %%   (first %2zu together: %5.1f %%)\n", c + 1, 100 * ratio[c], c + 1,
                    100 * cumulative);
    }
    for (double goal : {0.5, 0.8, 0.9}) {
        double sum = 0;
        std::size_t c = 0;
        while (c < ratio.size() && sum < goal) sum += ratio[c++];
        if (sum >= goal) std::printf("%2.0f %% of the variance lies in the first %zu of 784 directions\n", 100 * goal, c);
        else std::printf("%2.0f %% of the variance needs more than %zu directions\n", 100 * goal, ratio.size());
    }

    // 2. The randomized solver (Halko et al. 2011) multiplies the data by a few random vectors
    //    instead of forming the 784 x 784 covariance: much cheaper when few components are
    //    wanted. It finds the same components; the leading ones to many digits.
    vspace::pca fast({.n_components = 10, .solver = vspace::pca_solver::randomized, .seed = 1});
    const auto t1 = std::chrono::steady_clock::now();
    fast.fit(images);
    const double fast_seconds = seconds_since(t1);
    double worst_variance = 0, worst_cos = 1;
    for (std::size_t c = 0; c < 10; ++c) {
        const double relative = fast.explained_variance()[c] / exact.explained_variance()[c] - 1;
        worst_variance = std::max(worst_variance, std::abs(relative));
        // A component's sign is a convention (its largest entry is made positive); where two
        // entries are nearly equal the solvers may choose opposite signs, hence |cos|.
        double cos = 0;
        for (std::size_t j = 0; j < images.dims(); ++j)
            cos += double(fast.components()(c, j)) * exact.components()(c, j);
        worst_cos = std::min(worst_cos, std::abs(cos));
    }
    std::printf("exact (50 components) %.2f s, randomized (10) %.2f s: variances agree to %.1e (relative), "
                "components to |cos| >= %.6f\n",
                exact_seconds, fast_seconds, worst_variance, worst_cos);

    // 3. Whitening divides each coordinate by its component's standard deviation: every output
    //    column then has variance 1, so no direction dominates a later distance or classifier.
    vspace::pca white({.n_components = 2, .whiten = true});
    const vspace::matrix<float> whitened = white.fit_transform(images);
    std::printf("whitened 2-D coordinates: column standard deviations %.3f and %.3f (unwhitened: %.0f and %.0f)\n",
                column_sd(whitened, 0), column_sd(whitened, 1), std::sqrt(white.explained_variance()[0]),
                std::sqrt(white.explained_variance()[1]));

    // 4. PCA as a map: the first two components. A straight projection keeps the broad layout
    //    but squeezes 784 dimensions into 2, so neighbours get mixed up. Measure how much: do an
    //    image's 10 nearest images on the map share its class (the last fifth voted on by the
    //    rest), and are its map neighbours true neighbours (trustworthiness, on 2,000 images)?
    vspace::pca map_model({.n_components = 2});
    const vspace::matrix<float> map = map_model.fit_transform(images);
    const std::size_t test = n / 5, train = n - test;
    const auto on = [&](vspace::matrix_view<float> x) {
        return vspace::knn_accuracy(x.subview(0, train), labels.first(train), x.subview(train, test),
                                    labels.subspan(train), 10);
    };
    const vspace::matrix<float> fifty = exact.transform(images);
    std::printf("10-NN class agreement: %.1f %% on the 2-D map, %.1f %% with 50 components, %.1f %% on all 784 pixels "
                "(chance: 10 %%)\n",
                100 * on(map.view()), 100 * on(fifty.view()), 100 * on(images));
    const auto sample = vspace::sample_rows(n, 2000, 1);
    const auto sample_images = vspace::take_rows(images, sample), sample_map = vspace::take_rows(map.view(), sample);
    std::printf("trustworthiness(10) of the 2-D map: %.3f (1 = every map neighbour is a true neighbour)\n",
                vspace::trustworthiness(sample_images.view(), sample_map.view(), 10));
    std::printf("50 components keep the neighbours as well as all 784 pixels (so t-SNE searches its neighbours\n"
                "there), but 2 lose much of them: a 2-D map needs UMAP or t-SNE (lessons 08, 09) to keep classes apart.\n");
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
