// SPDX-License-Identifier: MIT
// The HNSW commands of the `vspace` tool: `knn --index hnsw`, `build` and `search`. A saved
// index is the graph `knn --index hnsw` searches (the same ids and distances), the file equals
// the library's own build and save of the same rows byte for byte, recall against exact search
// is high on clustered data and on real images, and bad input (a truncated or corrupt index,
// wrong dims, ef < k, unsupported kinds) fails cleanly.
#include "cli_test.hpp"

#include <vspace/index/hnsw.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/l2.hpp>

#include <limits>
#include <set>
#include <tuple>
#include <unistd.h>

namespace {

using namespace vspace::cli_test;
using vspace::matrix;

/// `rows` points around `clusters` Gaussian centres (spread 4) with unit noise: the structure
/// of embeddings, on which a kNN graph has something to find.
matrix<float> clustered(std::size_t rows, std::size_t dims, std::size_t clusters, std::uint64_t seed) {
    vspace::rng centres_gen(99);  // the same centres for base and queries
    matrix<float> centres(clusters, dims);
    for (std::size_t c = 0; c < clusters; ++c)
        for (std::size_t j = 0; j < dims; ++j) centres(c, j) = 4 * static_cast<float>(centres_gen.normal());
    vspace::rng gen(seed);
    matrix<float> m(rows, dims);
    for (std::size_t i = 0; i < rows; ++i) {
        const std::size_t c = gen() % clusters;
        for (std::size_t j = 0; j < dims; ++j) m(i, j) = centres(c, j) + static_cast<float>(gen.normal());
    }
    return m;
}

/// Fraction of `truth`'s ids (per row, as sets) that `found` holds.
double overlap(const vspace::array2d<std::int64_t>& found, const vspace::array2d<std::int64_t>& truth) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < truth.rows; ++q) {
        const std::set<std::int64_t> want(truth.row(q).begin(), truth.row(q).end());
        for (const std::int64_t id : found.row(q)) hits += want.count(id);
    }
    return static_cast<double>(hits) / static_cast<double>(truth.rows * truth.cols);
}

void expect_same(const vspace::array2d<std::int64_t>& a, const vspace::array2d<std::int64_t>& b) {
    ASSERT_EQ(a.rows, b.rows);
    ASSERT_EQ(a.cols, b.cols);
    for (std::size_t q = 0; q < a.rows; ++q)
        for (std::size_t j = 0; j < a.cols; ++j) ASSERT_EQ(a(q, j), b(q, j)) << "query " << q << " rank " << j;
}

// --- happy paths -------------------------------------------------------------------------

class hnsw_round_trip : public cli, public ::testing::WithParamInterface<std::string> {};

TEST_P(hnsw_round_trip, search_of_a_built_index_gives_the_ids_of_knn_hnsw) {
    const std::string metric = GetParam();
    const auto base = clustered(3000, 32, 30, 1), queries = clustered(200, 32, 30, 2);
    vspace::save_npy(file("base.npy"), base.view());
    vspace::save_npy(file("queries.npy"), queries.view());
    const std::vector<std::string> graph{"--M", "12", "--ef-construction", "100", "--seed", "7"};
    auto with = [&](std::vector<std::string> a, const std::vector<std::string>& more) {
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };

    auto r = run(with({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "--metric", metric, "--index",
                       "hnsw", "--ef", "40", "--threads", "2", "-o", file("knn.npy"), "--distances",
                       file("knn_d.npy")},
                      graph));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    // The graph does not depend on the thread count, so build on one thread.
    r = run(with({"build", file("base.npy"), "-o", file("index.vsi"), "--metric", metric, "--threads", "1"}, graph));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out.rfind("wrote " + file("index.vsi").string() + ": 3000 vectors of 32 dims, metric " + metric, 0),
              0u)
        << r.out;
    r = run({"search", file("index.vsi"), file("queries.npy"), "-k", "10", "--ef", "40", "-o", file("search.npy"),
             "--distances", file("search_d.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("200 queries x 10 neighbours, ef 40"), std::string::npos) << r.out;

    const auto knn_ids = vspace::read_npy_array<std::int64_t>(file("knn.npy"));
    const auto search_ids = vspace::read_npy_array<std::int64_t>(file("search.npy"));
    ASSERT_EQ(search_ids.rows, 200u);
    ASSERT_EQ(search_ids.cols, 10u);
    expect_same(search_ids, knn_ids);
    const auto knn_d = vspace::read_npy_array<float>(file("knn_d.npy"));
    const auto search_d = vspace::read_npy_array<float>(file("search_d.npy"));
    for (std::size_t q = 0; q < 200; ++q)
        for (std::size_t j = 0; j < 10; ++j) {
            ASSERT_EQ(search_d(q, j), knn_d(q, j));
            const double want = reference_distance(queries, q, base, static_cast<std::size_t>(search_ids(q, j)), metric);
            EXPECT_NEAR(search_d(q, j), want, 1e-4 * (1 + std::abs(want)));  // the reported distance is the true one
            if (j > 0) {
                EXPECT_LE(search_d(q, j - 1), search_d(q, j)) << "nearest first";
            }
        }

    // Exact search (knn --index flat) as the reference: the graph finds nearly all of it.
    r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "--metric", metric, "-o", file("flat.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_GE(overlap(search_ids, vspace::read_npy_array<std::int64_t>(file("flat.npy"))), 0.95) << metric;

    // --quiet: no summary; the search result does not depend on threads.
    r = run({"search", file("index.vsi"), file("queries.npy"), "-k", "10", "--ef", "40", "--threads", "1", "--quiet",
             "-o", file("search1.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    expect_same(vspace::read_npy_array<std::int64_t>(file("search1.npy")), search_ids);
}

INSTANTIATE_TEST_SUITE_P(metrics, hnsw_round_trip, ::testing::Values("l2", "cosine", "ip"));

TEST_F(cli, build_writes_the_file_the_library_writes_for_the_same_rows) {
    // The tool adds rows in chunks for its progress bar; chunks end on the library's batch
    // boundaries, so the graph (and the whole file) is that of one add of all rows.
    const auto base = clustered(2500, 16, 20, 3);
    vspace::save_npy(file("base.npy"), base.view());
    const auto r = run({"build", file("base.npy"), "-o", file("cli.vsi"), "--M", "8", "--ef-construction", "50",
                        "--seed", "11", "--threads", "2", "--quiet"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    vspace::hnsw_index<vspace::l2, float> index(16, {.m = 8, .ef_construction = 50, .n_threads = 2, .seed = 11});
    index.add(base.view());
    index.save(file("lib.vsi"));
    const std::string cli_bytes = slurp(file("cli.vsi")), lib_bytes = slurp(file("lib.vsi"));
    EXPECT_GT(cli_bytes.size(), 2500u * 16 * sizeof(float));
    EXPECT_TRUE(cli_bytes == lib_bytes) << "the files differ";
}

TEST_F(cli, search_clamps_k_to_the_index_size_and_ef_follows_k) {
    const auto base = clustered(40, 6, 4, 4), queries = clustered(5, 6, 4, 5);
    vspace::save_npy(file("base.npy"), base.view());
    vspace::save_npy(file("queries.npy"), queries.view());
    ASSERT_EQ(run({"build", file("base.npy"), "-o", file("index.vsi")}).status, 0);
    // k > n: a warning, k = n columns, every row once. No --ef: ef = max(64, k), no error.
    auto r = run({"search", file("index.vsi"), file("queries.npy"), "-k", "100", "-o", file("ids.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err_lines(), 1u) << r.err;
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
    auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    ASSERT_EQ(ids.rows, 5u);
    ASSERT_EQ(ids.cols, 40u);
    for (std::size_t q = 0; q < 5; ++q) {
        const std::set<std::int64_t> seen(ids.row(q).begin(), ids.row(q).end());
        EXPECT_EQ(seen.size(), 40u);
        EXPECT_EQ(*seen.begin(), 0);
        EXPECT_EQ(*seen.rbegin(), 39);
    }
    // --ef is checked against the clamped k: 40 results from ef 40 are fine.
    r = run({"search", file("index.vsi"), file("queries.npy"), "-k", "100", "--ef", "40", "--quiet", "-o",
             file("ids.npy")});
    EXPECT_EQ(r.status, 0) << r.err;
    // A query that is a base row finds itself first, at distance 0.
    r = run({"search", file("index.vsi"), file("base.npy"), "-k", "1", "--quiet", "-o", file("self.npy"), "--distances",
             file("self_d.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    ids = vspace::read_npy_array<std::int64_t>(file("self.npy"));
    const auto d = vspace::read_npy_array<float>(file("self_d.npy"));
    for (std::size_t i = 0; i < 40; ++i) {
        EXPECT_EQ(ids(i, 0), static_cast<std::int64_t>(i));
        EXPECT_EQ(d(i, 0), 0.0f);
    }
}

class knn_hnsw_codes : public cli, public ::testing::WithParamInterface<std::tuple<std::string, std::string>> {};

TEST_P(knn_hnsw_codes, a_graph_over_codes_with_float_reranking_finds_the_neighbours) {
    const auto [type, metric] = GetParam();
    const auto base = clustered(2000, 32, 20, 6), queries = clustered(100, 32, 20, 7);
    vspace::save_npy(file("base.npy"), base.view());
    vspace::save_npy(file("queries.npy"), queries.view());
    auto r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "--metric", metric, "-o", file("flat.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "--metric", metric, "--index", "hnsw", "--type",
             type, "-o", file("ids.npy"), "--distances", file("dist.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ids = vspace::read_npy_array<std::int64_t>(file("ids.npy"));
    const auto dist = vspace::read_npy_array<float>(file("dist.npy"));
    ASSERT_EQ(ids.rows, 100u);
    ASSERT_EQ(ids.cols, 10u);
    for (std::size_t q = 0; q < 100; ++q)
        for (std::size_t j = 0; j < 10; ++j) {  // float distances, re-ranked
            const double want = reference_distance(queries, q, base, static_cast<std::size_t>(ids(q, j)), metric);
            EXPECT_NEAR(dist(q, j), want, 1e-4 * (1 + std::abs(want)));
            if (j > 0) {
                EXPECT_LE(dist(q, j - 1), dist(q, j));
            }
        }
    // int8 codes of this data keep nearly the whole order; bits of 32 dims much less of it.
    const double got = overlap(ids, vspace::read_npy_array<std::int64_t>(file("flat.npy")));
    EXPECT_GT(got, type == "i8" ? 0.95 : 0.6) << type << " " << metric;
}

INSTANTIATE_TEST_SUITE_P(types, knn_hnsw_codes,
                         ::testing::Combine(::testing::Values("i8", "b1"), ::testing::Values("l2", "cosine", "ip")));

TEST_F(cli, knn_hnsw_hamming_finds_the_exact_bit_neighbours) {
    vspace::rng gen(21);
    const std::size_t n = 1500, nq = 50, d = 64;
    std::string base_bytes, query_bytes;
    for (std::size_t i = 0; i < n + nq; ++i) {
        const std::uint64_t centre = (i % 10) * 0x9E3779B97F4A7C15ull;  // 10 clusters of bit patterns
        for (std::size_t j = 0; j < d; ++j) {
            const bool flip = gen() % 8 == 0;
            (i < n ? base_bytes : query_bytes) += static_cast<char>(((centre >> j) & 1) ^ flip);
        }
    }
    auto header = [&](std::size_t rows) {
        return "{'descr': '|b1', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", 64), }";
    };
    write_bytes(file("base.npy"), npy_bytes(header(n), base_bytes));
    write_bytes(file("queries.npy"), npy_bytes(header(nq), query_bytes));
    auto r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "5", "--metric", "hamming", "-o", file("flat.npy"),
                  "--distances", file("flat_d.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "5", "--metric", "hamming", "--index", "hnsw", "--ef",
             "100", "-o", file("ids.npy"), "--distances", file("dist.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    // Many rows tie at equal bit counts, so compare distances: the k-th distance found is the
    // exact k-th distance for (nearly) every query.
    const auto flat_d = vspace::read_npy_array<float>(file("flat_d.npy"));
    const auto dist = vspace::read_npy_array<float>(file("dist.npy"));
    std::size_t same = 0;
    for (std::size_t q = 0; q < nq; ++q)
        for (std::size_t j = 0; j < 5; ++j) same += dist(q, j) == flat_d(q, j);
    EXPECT_GE(same, nq * 5 * 95 / 100);
}

TEST_F(cli, fashion_mnist_subset_recall_against_exact_search) {
    VSPACE_REQUIRE_DATA(vspace::test::fashion_mnist("train-images-idx3-ubyte.gz"));
    const auto data = vspace::load_fashion_mnist(VSPACE_FASHION_MNIST, 2);
    // 5,000 training images as the base, 500 test images as queries.
    vspace::save_npy(file("base.npy"), data.images.view().subview(0, 5000));
    vspace::save_npy(file("queries.npy"), data.images.view().subview(vspace::fashion_mnist_data::n_train, 500));
    auto r = run({"build", file("base.npy"), "-o", file("index.vsi"), "--quiet"});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run({"search", file("index.vsi"), file("queries.npy"), "-k", "10", "--quiet", "-o", file("ids.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run({"knn", file("base.npy"), file("queries.npy"), "-k", "10", "-o", file("flat.npy")});
    ASSERT_EQ(r.status, 0) << r.err;
    const double got = overlap(vspace::read_npy_array<std::int64_t>(file("ids.npy")),
                               vspace::read_npy_array<std::int64_t>(file("flat.npy")));
    EXPECT_GE(got, 0.95);
    std::printf("Fashion-MNIST 5000 base / 500 queries, M 16, ef-construction 200, ef 64: recall@10 %.4f\n", got);
}

// --- bad input -----------------------------------------------------------------------------

/// The bytes of a file `save` writes for `index`. The cases are made in every test process
/// (CTest runs them in parallel), so each process uses a file of its own.
template <class Index>
std::string saved_bytes(const Index& index, const std::string& name) {
    const auto path = vspace::test::temp_path("hnsw_bad_input_" + std::to_string(::getpid()) + "_" + name);
    index.save(path);
    std::string bytes = slurp(path);
    std::filesystem::remove(path);
    return bytes;
}

std::vector<bad_case> hnsw_bad_cases() {
    const std::string base = good_npy(20, 8, 1), queries = good_npy(5, 8, 2);
    // A valid index of BASE's rows (l2, f32), and two the search command does not open.
    const auto rows = random_matrix(20, 8, 1);
    vspace::hnsw_index<vspace::l2, float> f32_index(8, {.n_threads = 1});
    f32_index.add(rows.view());
    const std::string vsi = saved_bytes(f32_index, "f32.vsi");
    vspace::hnsw_index<vspace::l2sq, std::int8_t> i8_index(8, {.n_threads = 1});
    i8_index.add(matrix<std::int8_t>(3, 8).view());
    vspace::hnsw_index<vspace::hamming, vspace::bit> bit_index(64, {.n_threads = 1});
    bit_index.add(matrix<vspace::bit>(3, 64).view());
    std::string flipped = vsi;
    flipped[flipped.size() / 2] ^= 0x10;  // one bit of the payload

    const std::vector<std::pair<std::string, std::string>> ok{
        {"base.npy", base}, {"queries.npy", queries}, {"index.vsi", vsi}};
    auto with = [&](std::string name, std::string bytes) {
        auto f = ok;
        f.emplace_back(std::move(name), std::move(bytes));
        return f;
    };
    const std::vector<std::string> search{"search", "@index.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"};
    const std::vector<std::string> build{"build", "@base.npy", "-o", "@ids.npy"};
    const std::vector<std::string> knn{"knn", "@base.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"};
    auto plus = [](std::vector<std::string> a, std::vector<std::string> extra) {
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const float nan = std::numeric_limits<float>::quiet_NaN();
    return {
        {"search_truncated_index", with("cut.vsi", vsi.substr(0, vsi.size() - 100)),
         {"search", "@cut.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"cut.vsi", "truncated"}},
        {"search_header_only", with("head.vsi", vsi.substr(0, 64)),
         {"search", "@head.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"head.vsi"}},
        {"search_short_file", with("short.vsi", vsi.substr(0, 30)),
         {"search", "@short.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"short.vsi", "30 bytes"}},
        {"search_corrupt_index", with("bad.vsi", flipped),
         {"search", "@bad.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"bad.vsi", "checksum"}},
        {"search_not_an_index", with("junk.vsi", std::string(200, 'x')),
         {"search", "@junk.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"junk.vsi", "not a vspace index"}},
        {"search_npy_as_index", ok, {"search", "@base.npy", "@queries.npy", "-k", "3", "-o", "@ids.npy"},
         {"base.npy", "not a vspace index"}},
        {"search_empty_index_file", with("empty.vsi", ""),
         {"search", "@empty.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"empty.vsi"}},
        {"search_missing_index", ok, {"search", "@absent.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"},
         {"absent.vsi"}},
        {"search_index_is_a_folder", ok, {"search", "@", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"folder"}},
        {"search_i8_index", with("i8.vsi", saved_bytes(i8_index, "i8.vsi")),
         {"search", "@i8.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"i8.vsi", "i8", "expected f32"}},
        {"search_hamming_index", with("bits.vsi", saved_bytes(bit_index, "bits.vsi")),
         {"search", "@bits.vsi", "@queries.npy", "-k", "3", "-o", "@ids.npy"}, {"bits.vsi", "b1"}},
        {"search_dims_mismatch", with("q4.npy", good_npy(5, 4, 3)),
         {"search", "@index.vsi", "@q4.npy", "-k", "3", "-o", "@ids.npy"}, {"q4.npy", "4 dims", "index.vsi", "8"}},
        {"search_nan_query", with("nan.npy", with_value(5, 8, 10, nan)),
         {"search", "@index.vsi", "@nan.npy", "-k", "3", "-o", "@ids.npy"}, {"nan.npy", "row 1, column 2"}},
        {"search_missing_queries", ok, {"search", "@index.vsi", "@absent.npy", "-k", "3", "-o", "@ids.npy"},
         {"absent.npy"}},
        {"search_ef_below_k", ok, plus(search, {"--ef", "2"}), {"--ef 2", "3"}},
        {"search_ef_zero", ok, plus(search, {"--ef", "0"}), {"--ef"}},
        {"search_k_zero", ok, {"search", "@index.vsi", "@queries.npy", "-k", "0", "-o", "@ids.npy"}, {"-k 0"}},
        {"search_k_negative", ok, {"search", "@index.vsi", "@queries.npy", "-k", "-2", "-o", "@ids.npy"}, {"-k"}},
        {"search_missing_output", ok, {"search", "@index.vsi", "@queries.npy", "-k", "3"}, {"-o"}},
        {"search_missing_queries_argument", ok, {"search", "@index.vsi", "-k", "3", "-o", "@ids.npy"}, {"QUERIES"}},
        {"search_same_output_twice", ok, plus(search, {"--distances", "@ids.npy"}), {"same file"}},
        {"search_output_folder_missing", ok,
         {"search", "@index.vsi", "@queries.npy", "-k", "3", "-o", "@nowhere/ids.npy"}, {"nowhere", "does not exist"}},
        {"search_metric_option", ok, plus(search, {"--metric", "cosine"}), {"--metric"}},
        {"build_i8", ok, plus(build, {"--type", "i8"}), {"--type i8", "knn --index hnsw"}},
        {"build_b1", ok, plus(build, {"--type", "b1"}), {"--type b1"}},
        {"build_hamming", ok, plus(build, {"--metric", "hamming"}), {"--metric hamming"}},
        {"build_flat", ok, plus(build, {"--index", "flat"}), {"--index flat"}},
        {"build_unknown_metric", ok, plus(build, {"--metric", "manhattan"}), {"--metric", "manhattan"}},
        {"build_m_too_small", ok, plus(build, {"--M", "1"}), {"--M"}},
        {"build_ef_construction_zero", ok, plus(build, {"--ef-construction", "0"}), {"--ef-construction"}},
        {"build_ef_is_a_search_option", ok, plus(build, {"--ef", "10"}), {"--ef"}},
        {"build_missing_output", ok, {"build", "@base.npy"}, {"-o"}},
        {"build_missing_base", ok, {"build", "@absent.npy", "-o", "@ids.npy"}, {"absent.npy"}},
        {"build_truncated_base", with("cut.npy", base.substr(0, base.size() - 100)),
         {"build", "@cut.npy", "-o", "@ids.npy"}, {"cut.npy"}},
        {"build_nan_base", with("nan.npy", with_value(20, 8, 13, nan)), {"build", "@nan.npy", "-o", "@ids.npy"},
         {"nan.npy", "row 1, column 5"}},
        {"build_output_folder_missing", ok, {"build", "@base.npy", "-o", "@nowhere/index.vsi"},
         {"nowhere", "does not exist"}},
        {"build_output_is_a_folder", ok, {"build", "@base.npy", "-o", "@"}, {"folder"}},
        {"knn_hnsw_ef_below_k", ok, plus(knn, {"--index", "hnsw", "--ef", "2"}), {"--ef 2"}},
        {"knn_hnsw_ef_below_k_with_codes", ok, plus(knn, {"--index", "hnsw", "--type", "i8", "--ef", "1"}), {"--ef 1"}},
        {"knn_flat_with_ef", ok, plus(knn, {"--ef", "10"}), {"--ef", "--index hnsw"}},
        {"knn_flat_with_m", ok, plus(knn, {"--M", "8"}), {"--M", "--index hnsw"}},
        {"knn_hnsw_m_too_large", ok, plus(knn, {"--index", "hnsw", "--M", "5000"}), {"--M"}},
        {"knn_hnsw_rescore_with_f32", ok, plus(knn, {"--index", "hnsw", "--rescore", "4"}), {"--rescore"}},
        {"knn_hnsw_dims_mismatch", with("q4.npy", good_npy(5, 4, 3)),
         {"knn", "@base.npy", "@q4.npy", "-k", "3", "--index", "hnsw", "-o", "@ids.npy"}, {"q4.npy", "4 dims"}},
    };
}

class hnsw_bad_input : public bad_input {};

TEST_P(hnsw_bad_input, fails_with_one_line_and_no_output) { expect_fails_with_one_line_and_no_output(); }

TEST_P(hnsw_bad_input, leaves_an_existing_output_intact) { expect_existing_output_intact(); }

INSTANTIATE_TEST_SUITE_P(cases, hnsw_bad_input, ::testing::ValuesIn(hnsw_bad_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
