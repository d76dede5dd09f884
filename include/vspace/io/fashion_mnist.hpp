// SPDX-License-Identifier: MIT
/// @file
/// `load_fashion_mnist`: the 70,000 Fashion-MNIST images (Xiao, Rasul & Vollgraf 2017) as one
/// float matrix, with labels and class names — the data set of the search benchmarks
/// (ann-benchmarks' fashion-mnist-784-euclidean: the first 60,000 are the base, the last 10,000
/// the queries) and of the `vspace map --demo` map. Debian: `apt-get install
/// dataset-fashion-mnist`. Needs zlib (through idx.hpp).
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/io/idx.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vspace {

/// Fashion-MNIST: train images first, then test images.
struct fashion_mnist_data {
    static constexpr std::size_t n_train = 60000;  ///< rows [0, 60000) are the training set
    static constexpr std::size_t n_test = 10000;   ///< rows [60000, 70000) are the test set
    static constexpr std::size_t side = 28;        ///< images are side x side, row-major
    /// Label i names class i.
    static constexpr std::array<std::string_view, 10> class_names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    matrix<float> images;              ///< 70000 x 784 pixel values 0..255 (not scaled)
    std::vector<std::uint8_t> labels;  ///< class 0..9 of each image
};

/// The folder Debian's dataset-fashion-mnist package installs.
inline const std::filesystem::path default_fashion_mnist_folder = "/usr/share/datasets/fashion-mnist";

/// Loads Fashion-MNIST from `folder`, which holds train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each gzipped (".gz") or not.
/// The four files are inflated in parallel, straight into the result.
/// @param n_threads 0 = all cores
/// Throws io_error when a file is missing or unreadable, format_error when one is corrupt or
/// its shape is not Fashion-MNIST's (60,000 / 10,000 images of 28 x 28, labels 0..9).
inline fashion_mnist_data load_fashion_mnist(const std::filesystem::path& folder = default_fashion_mnist_folder,
                                             std::size_t n_threads = 0) {
    static constexpr std::string_view function = "load_fashion_mnist";
    const std::string_view stems[4] = {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                       "t10k-labels-idx1-ubyte"};
    std::filesystem::path paths[4];
    for (int f = 0; f < 4; ++f) {
        paths[f] = folder / (std::string(stems[f]) + ".gz");
        if (!std::filesystem::exists(paths[f])) paths[f] = folder / stems[f];
        if (!std::filesystem::exists(paths[f]))
            VSPACE_THROW(io_error, function, ": '", (folder / stems[f]).string(),
                         "(.gz)' not found (expected dataset-fashion-mnist: apt-get install it, or pass its folder)");
    }
    const std::size_t counts[2] = {fashion_mnist_data::n_train, fashion_mnist_data::n_test};
    const std::size_t pixels = fashion_mnist_data::side * fashion_mnist_data::side;
    fashion_mnist_data out;
    out.images = matrix<float>(counts[0] + counts[1], pixels);
    std::vector<std::uint8_t> labels[2];
    // Each file is inflated in 256 KB chunks straight into its rows: no 47 MB staging buffer.
    parallel_for_dynamic(n_threads, 4, 1, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t f = begin; f < end; ++f) {
            const mapped_file file(paths[f], function);
            detail::idx_source src(file.bytes(), file.name());
            const idx_header& h = src.header();
            const std::size_t s = f % 2;
            if (f < 2) {
                detail::check_images(h, file.name());
                if (h.rows() != counts[s] || h.cols() != pixels)
                    detail::format_fail(function, file.name(), "holds ", h.rows(), " images of ", h.cols(),
                                        " pixels (expected ", counts[s], " of ", pixels, ")");
                src.read_rows(out.images.row_data(s ? counts[0] : 0), out.images.stride(), counts[s]);
            } else {
                if (h.shape.size() != 1 || h.type != element_type::u8 || h.shape[0] != counts[s])
                    detail::format_fail(function, file.name(), "holds ", detail::idx_shape_text(h), " ",
                                        element_name(h.type), " (expected ", counts[s], " u8 labels)");
                labels[s].resize(counts[s]);
                src.read_rows(labels[s].data(), counts[s], 1);
                for (std::size_t i = 0; i < counts[s]; ++i)
                    if (labels[s][i] >= fashion_mnist_data::class_names.size())
                        detail::format_fail(function, file.name(), "label ", i, " is ", labels[s][i], " (expected 0..9)");
            }
            src.finish();
        }
    });
    out.labels = std::move(labels[0]);
    out.labels.insert(out.labels.end(), labels[1].begin(), labels[1].end());
    return out;
}

}  // namespace vspace
