// SPDX-License-Identifier: MIT
// Lesson 2: nearest-neighbour search. A flat index compares a query with every stored vector:
// exact, simple, and the yardstick for every faster (approximate) index.
// Run: example_02_search [rows] [dims]     (random data; defaults 10000 x 128)
// Also built with -fno-exceptions (example_02_search_noexcept): errors then print and abort.
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/l2.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    const std::size_t rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
    const std::size_t dims = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 128;
    if (rows < 2 || dims < 1) return std::puts("need rows >= 2 and dims >= 1"), 1;

    // Random vectors with a fixed seed: the same numbers on every machine.
    vspace::matrix<float> data(rows, dims);
    vspace::rng gen(/*seed=*/7);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < dims; ++j) data(i, j) = static_cast<float>(gen.normal());

    //! [search]
    // An exact index under Euclidean distance; rows get ids 0, 1, 2, ...
    vspace::flat_index<vspace::l2, float> index(dims);
    index.add(data);

    // One query: row 42 itself. Its nearest neighbour is itself, at distance 0.
    const auto hits = index.search(data.row(42), 5);
    for (const vspace::neighbor& n : hits) std::printf("id %5lld  distance %.3f\n", static_cast<long long>(n.id), n.distance);
    //! [search]

    // A batch: every row's 2 nearest, on all cores. Column 0 is the row itself.
    const auto start = std::chrono::steady_clock::now();
    const vspace::search_result all = index.search(data.view(), 2, {.n_threads = 0});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t self = 0;
    for (std::size_t q = 0; q < all.queries(); ++q) self += all.at(q, 0).id == static_cast<std::int64_t>(q);
    std::printf("batch of %zu queries: %.3f s (%.0f queries/s); %zu of them found themselves first\n",
                rows, seconds, static_cast<double>(rows) / seconds, self);
    return hits.front().id == 42 && self == rows ? 0 : 1;
}
