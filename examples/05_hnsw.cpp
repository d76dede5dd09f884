// SPDX-License-Identifier: MIT
// Lesson 5: approximate search with HNSW. A graph index visits a few hundred vectors per query
// instead of all of them; `ef` trades speed for recall (the fraction of true neighbours found).
// Run: example_05_hnsw                          (random clustered vectors: recall and speed)
//      example_05_hnsw glove.6B.100d.txt [word]  (the words nearest to a word, default "king")
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/word_vectors.hpp>
#include <vspace/metric/cosine.hpp>

#include <chrono>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) try {
    vspace::matrix<float> vectors;
    vspace::vocabulary vocab;
    if (argc >= 2) {
        auto wv = vspace::read_word_vectors(argv[1]);
        vectors = std::move(wv.vectors);
        vocab = std::move(wv.vocab);
    } else {  // 20,000 points around 50 random centres
        vectors = vspace::matrix<float>(20000, 48);
        vspace::rng gen(5);
        std::vector<float> centres(50 * 48);
        for (auto& c : centres) c = static_cast<float>(gen.normal());
        for (std::size_t i = 0; i < vectors.rows(); ++i)
            for (std::size_t j = 0, c = gen.below(50); j < 48; ++j)
                vectors(i, j) = centres[c * 48 + j] + 0.4f * static_cast<float>(gen.normal());
    }
    //! [build]
    vspace::hnsw_index<vspace::cosine, float> index(vectors.dims(), {.m = 16, .ef_construction = 200});
    index.add(vectors);  // parallel, and the same graph for any thread count
    //! [build]
    vspace::flat_index<vspace::cosine, float> exact(vectors.dims());
    exact.add(vectors);

    if (argc >= 2) {
        const std::size_t word = vocab.at(argc >= 3 ? argv[2] : "king");
        //! [search]
        for (const auto& n : index.search(vectors.row(word), 10, {.ef = 64}))
            std::printf("  %-14s cosine distance %.3f\n", vocab[static_cast<std::size_t>(n.id)].c_str(), n.distance);
        //! [search]
        return 0;
    }
    const auto queries = vectors.view().subview(0, 1000);
    const auto truth = exact.search(queries, 10);
    for (std::size_t ef : {10, 20, 40, 80}) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto got = index.search(queries, 10, {.ef = ef, .n_threads = 1});
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::size_t hits = 0;
        for (std::size_t q = 0; q < queries.rows(); ++q)
            for (auto id : got.ids(q))
                for (auto t : truth.ids(q)) hits += id == t;
        std::printf("ef %3zu: recall@10 %.3f, %6.0f queries/s on one thread\n", ef, hits / 10000.0, 1000 / s);
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
