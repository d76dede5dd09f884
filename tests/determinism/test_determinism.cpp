// SPDX-License-Identifier: MIT
// Determinism on real data (the first Fashion-MNIST images), across runs, thread counts and
// save/load round trips, for every randomized algorithm: HNSW builds, UMAP, t-SNE, k-means and
// the quantizers. The unit tests of each algorithm already check "same seed, any thread count"
// on synthetic data; these add what a user relies on after writing results to disk: a loaded
// index re-saves to the same bytes, searches alike and grows alike; coordinates, centroids and
// quantizer parameters read back bit for bit and give the same labels and codes.
// Every test name says "deterministic": the ThreadSanitizer step of cmake/run-tests.sh runs them.
#include "test_data.hpp"

#include <vspace/analyze/kmeans.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/idx.hpp>
#include <vspace/io/mapped_file.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/project/tsne.hpp>
#include <vspace/project/umap.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/int8.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace vspace;
namespace fs = std::filesystem;

/// The first `rows` Fashion-MNIST training images after skipping `skip`, pixels as floats in
/// [0, 1] (only these rows are inflated). Empty when the package is absent.
matrix<float> fashion(std::size_t skip, std::size_t rows) {
    const auto path = test::fashion_mnist("train-images-idx3-ubyte.gz");
    if (!fs::exists(path)) return {};
    const mapped_file file(path);
    detail::idx_source src(file.bytes(), file.name());
    matrix<float> m(rows, src.header().cols());
    if (skip > 0) {
        matrix<float> skipped(skip, src.header().cols());
        src.read_rows(skipped.data(), skipped.stride(), skip);
    }
    src.read_rows(m.data(), m.stride(), rows);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < m.dims(); ++j) m(i, j) /= 255.0f;
    return m;
}

#define REQUIRE_FASHION() VSPACE_REQUIRE_DATA(test::fashion_mnist("train-images-idx3-ubyte.gz"))

std::string bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// Same shape and the same bits in every element (NaN-safe, unlike ==).
template <class T>
bool same_bytes(matrix_view<T> a, matrix_view<T> b) {
    if (a.rows() != b.rows() || a.dims() != b.dims()) return false;
    for (std::size_t i = 0; i < a.rows(); ++i)
        if (std::memcmp(a.row_data(i), b.row_data(i), a.words() * sizeof(*a.row_data(i))) != 0) return false;
    return true;
}

template <class T>
bool same_bytes(const matrix<T>& a, const matrix<T>& b) {
    return same_bytes(a.view(), b.view());
}

/// Writes `m` with save_npy and checks it reads back bit for bit and re-saves to the same bytes.
void expect_npy_round_trip(const matrix<float>& m, const std::string& name) {
    const auto path = test::temp_path(name + ".npy"), again = test::temp_path(name + "_again.npy");
    save_npy(path, m);
    const auto back = read_npy<float>(path);
    EXPECT_TRUE(same_bytes(m, back)) << name << " changed in a .npy round trip";
    save_npy(again, back);
    EXPECT_TRUE(bytes_of(path) == bytes_of(again)) << name << " re-saved to other bytes";
    fs::remove(path);
    fs::remove(again);
}

// ---- HNSW ----------------------------------------------------------------------------------

using hnsw_l2 = hnsw_index<l2, float>;

std::string saved_bytes(const hnsw_l2& index, const std::string& name) {
    const auto path = test::temp_path(name);
    index.save(path);
    std::string b = bytes_of(path);
    fs::remove(path);
    return b;
}

hnsw_l2 build(const matrix<float>& data, std::size_t threads) {
    hnsw_l2 index(data.dims(), {.m = 8, .ef_construction = 40, .n_threads = threads, .seed = 11});
    index.add(data);
    return index;
}

TEST(determinism, hnsw_build_is_deterministic_on_real_data_and_through_save_and_load) {
    REQUIRE_FASHION();
    const auto base = fashion(0, 1500), more = fashion(1500, 300), queries = fashion(1800, 100);
    const hnsw_l2 a = build(base, 2), b = build(base, 2), c = build(base, 1);
    const std::string bytes = saved_bytes(a, "det_hnsw_a.vsi");
    EXPECT_TRUE(saved_bytes(b, "det_hnsw_b.vsi") == bytes) << "two runs with 2 threads differ";
    EXPECT_TRUE(saved_bytes(c, "det_hnsw_c.vsi") == bytes) << "1 and 2 threads differ";

    const auto path = test::temp_path("det_hnsw.vsi");
    a.save(path);
    hnsw_l2 loaded = hnsw_l2::load(path, l2{}, 2);
    const hnsw_l2 viewed = hnsw_l2::view(path);
    EXPECT_TRUE(saved_bytes(loaded, "det_hnsw_loaded.vsi") == bytes) << "load -> save changed the file";
    EXPECT_TRUE(saved_bytes(viewed, "det_hnsw_viewed.vsi") == bytes) << "view -> save changed the file";
    const auto want = a.search(queries.view(), 10, {.ef = 50});
    for (const hnsw_l2* other : {static_cast<const hnsw_l2*>(&loaded), &viewed}) {
        const auto got = other->search(queries.view(), 10, {.ef = 50});
        EXPECT_EQ(got.all_ids(), want.all_ids());
        EXPECT_EQ(got.all_distances(), want.all_distances());
    }

    // A loaded index grows exactly as the one it was saved from.
    hnsw_l2 grown = build(base, 2);
    grown.add(more);
    loaded.add(more);
    EXPECT_TRUE(saved_bytes(loaded, "det_hnsw_grown1.vsi") == saved_bytes(grown, "det_hnsw_grown2.vsi"))
        << "adding rows after load built another graph";
    fs::remove(path);
}

// ---- UMAP ----------------------------------------------------------------------------------

template <class Index>
void check_umap(const matrix<float>& data, const matrix<float>& queries, const std::string& name) {
    std::vector<matrix<float>> maps, placed;
    for (std::size_t threads : {2, 2, 1}) {
        umap<l2, float, Index> model({.n_epochs = 80, .transform_epochs = 30, .n_threads = threads, .seed = 5});
        maps.push_back(model.fit_transform(data.view()));
        placed.push_back(model.transform(queries.view()));
    }
    EXPECT_TRUE(same_bytes(maps[0], maps[1])) << name << ": two runs with 2 threads differ";
    EXPECT_TRUE(same_bytes(maps[0], maps[2])) << name << ": 1 and 2 threads differ";
    EXPECT_TRUE(same_bytes(placed[0], placed[1])) << name << ": transform differs between runs";
    EXPECT_TRUE(same_bytes(placed[0], placed[2])) << name << ": transform differs between thread counts";
    expect_npy_round_trip(maps[0], "det_" + name);
    expect_npy_round_trip(placed[0], "det_" + name + "_placed");
    umap<l2, float, Index> other({.n_epochs = 80, .n_threads = 2, .seed = 6});
    EXPECT_FALSE(same_bytes(maps[0], other.fit_transform(data.view()))) << name << ": the seed has no effect";
}

TEST(determinism, umap_is_deterministic_on_real_data_and_through_npy) {
    REQUIRE_FASHION();
    check_umap<flat_index<l2, float>>(fashion(0, 1000), fashion(1000, 40), "umap");
}

TEST(determinism, umap_over_hnsw_is_deterministic_for_any_thread_count) {
    REQUIRE_FASHION();
    check_umap<hnsw_l2>(fashion(0, 600), fashion(600, 20), "umap_hnsw");
}

// ---- t-SNE ---------------------------------------------------------------------------------

TEST(determinism, tsne_is_deterministic_on_real_data_and_through_npy) {
    REQUIRE_FASHION();
    const auto data = fashion(0, 800), queries = fashion(800, 40);
    std::vector<matrix<float>> maps, placed;
    for (std::size_t threads : {2, 2, 1}) {
        tsne<> model({.perplexity = 20, .iterations = 80, .early_exaggeration_iterations = 40,
                      .n_threads = threads, .seed = 5});
        maps.push_back(model.fit_transform(data.view()));
        placed.push_back(model.transform(queries.view()));
    }
    EXPECT_TRUE(same_bytes(maps[0], maps[1])) << "two runs with 2 threads differ";
    EXPECT_TRUE(same_bytes(maps[0], maps[2])) << "1 and 2 threads differ";
    EXPECT_TRUE(same_bytes(placed[0], placed[1])) << "transform differs between runs";
    EXPECT_TRUE(same_bytes(placed[0], placed[2])) << "transform differs between thread counts";
    expect_npy_round_trip(maps[0], "det_tsne");
    expect_npy_round_trip(placed[0], "det_tsne_placed");
}

// ---- k-means -------------------------------------------------------------------------------

/// Fits twice with 2 threads and once with 1; then writes the centroids to .npy, reads them
/// back and rebuilds a model from them alone (a warm start on the centroids themselves, where
/// every centroid is its own cluster), which must label new rows exactly as the fitted model.
template <class Metric>
void check_kmeans(const matrix<float>& data, const matrix<float>& fresh, const std::string& name) {
    std::vector<kmeans<Metric>> models;
    std::vector<kmeans_result> results;
    for (std::size_t threads : {2, 2, 1}) {
        models.emplace_back(kmeans_options{.k = 10, .n_init = 2, .n_threads = threads, .seed = 9});
        results.push_back(models.back().fit(data.view()));
    }
    for (std::size_t r : {1, 2}) {
        EXPECT_EQ(results[r].labels, results[0].labels) << name << " run " << r;
        EXPECT_EQ(results[r].inertia, results[0].inertia) << name << " run " << r;
        EXPECT_TRUE(same_bytes(models[r].centroids(), models[0].centroids())) << name << " run " << r;
    }
    const matrix<float> centroids(models[0].centroids());
    expect_npy_round_trip(centroids, "det_" + name + "_centroids");
    const auto path = test::temp_path("det_" + name + "_centroids.npy");
    save_npy(path, centroids);
    const auto back = read_npy<float>(path);
    fs::remove(path);
    kmeans<Metric> reloaded({.k = back.rows(), .n_threads = 2});
    reloaded.fit(back.view(), back.view());
    EXPECT_TRUE(same_bytes(reloaded.centroids(), models[0].centroids())) << name << ": the rebuilt model moved";
    EXPECT_EQ(reloaded.predict(fresh.view()), models[0].predict(fresh.view())) << name;
    EXPECT_EQ(reloaded.predict(data.view()), results[0].labels) << name;
}

TEST(determinism, kmeans_is_deterministic_on_real_data_and_centroids_survive_npy) {
    REQUIRE_FASHION();
    const auto data = fashion(0, 1500), fresh = fashion(1500, 500);
    check_kmeans<l2sq>(data, fresh, "kmeans_l2");
    check_kmeans<cosine>(data, fresh, "kmeans_cosine");
}

// ---- quantizers ----------------------------------------------------------------------------

/// Fits twice with 2 threads and once with 1, saves, loads, and checks: one file for all three
/// fits, a loaded quantizer that re-saves to the same bytes, and the same codes.
template <class Quantizer, class Options>
void check_quantizer(const matrix<float>& data, const matrix<float>& fresh, Options options, const std::string& name) {
    std::vector<std::string> files;
    std::vector<Quantizer> fitted;
    for (std::size_t threads : {2, 2, 1}) {
        options.n_threads = threads;
        fitted.push_back(Quantizer::fit(data.view(), options));
        const auto path = test::temp_path("det_" + name + ".vsq");
        fitted.back().save(path);
        files.push_back(bytes_of(path));
    }
    EXPECT_TRUE(files[1] == files[0]) << name << ": two runs with 2 threads differ";
    EXPECT_TRUE(files[2] == files[0]) << name << ": 1 and 2 threads differ";
    const auto path = test::temp_path("det_" + name + ".vsq"), again = test::temp_path("det_" + name + "_again.vsq");
    const Quantizer loaded = Quantizer::load(path);
    loaded.save(again);
    EXPECT_TRUE(bytes_of(again) == files[0]) << name << ": load -> save changed the file";
    EXPECT_TRUE(same_bytes(loaded.quantize(fresh.view(), 2), fitted[0].quantize(fresh.view(), 1))) << name;
    EXPECT_TRUE(same_bytes(loaded.quantize(data.view(), 1), fitted[2].quantize(data.view(), 2))) << name;
    fs::remove(path);
    fs::remove(again);
}

TEST(determinism, quantizers_are_deterministic_on_real_data_and_through_save_and_load) {
    REQUIRE_FASHION();
    const auto data = fashion(0, 2000), fresh = fashion(2000, 300);
    for (auto mode : {int8_mode::per_dimension, int8_mode::symmetric, int8_mode::uniform})
        check_quantizer<int8_quantizer>(data, fresh, int8_options{.mode = mode, .clip = 0.001},
                                        "int8_" + std::to_string(static_cast<int>(mode)));
    for (auto kind : {binary_threshold::mean, binary_threshold::zero, binary_threshold::median})
        check_quantizer<binary_quantizer>(data, fresh, binary_options{.threshold = kind},
                                          "binary_" + std::to_string(static_cast<int>(kind)));
}

}  // namespace
