// SPDX-License-Identifier: MIT
// Lesson 6: filtered search. A filter is a predicate on ids, applied during the graph walk, so
// the search returns the k nearest rows it accepts (filtering k results afterwards could leave
// none). When it accepts so few rows that a walk would lose recall, the index scans just the
// accepted rows, exactly.
// Run: example_06_filtered_search                               (random items in 100 categories)
//      example_06_filtered_search embeddings.npy labels.txt      (e.g. minilm-sap-fiori-778:
//                                                                 row 0's neighbours in its category)
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/lines.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) try {
    vspace::matrix<float> items;
    std::vector<std::string> category;  // category[i] of item i
    if (argc >= 3) {
        items = vspace::read_npy<float>(argv[1]);
        category = vspace::read_lines(argv[2]);
    } else {
        vspace::rng gen(3);
        items = vspace::matrix<float>(30000, 32);
        for (std::size_t i = 0; i < items.rows(); ++i) {
            category.push_back(std::to_string(gen.below(100)));  // category "0" to "99"
            for (std::size_t j = 0; j < 32; ++j) items(i, j) = static_cast<float>(gen.normal());
        }
    }
    if (category.size() != items.rows()) return std::puts("need one category line per row"), 1;
    vspace::hnsw_index<vspace::cosine, float> index(items.dims());
    index.add(items);
    vspace::flat_index<vspace::cosine, float> exact(items.dims());
    exact.add(items);

    //! [filter]
    const std::string wanted = category[0];  // row 0's neighbours among rows of its own category
    const auto same = [&](std::int64_t id) { return id != 0 && category[static_cast<std::size_t>(id)] == wanted; };
    const auto hits = index.search(items.row(0), 5, {.ef = 64, .filter = same});
    //! [filter]
    std::size_t accepted = 0;
    for (std::size_t i = 1; i < items.rows(); ++i) accepted += category[i] == wanted;
    std::printf("category '%s' holds %zu of %zu rows (%.1f %%)\n", wanted.c_str(), accepted, items.rows(),
                100.0 * static_cast<double>(accepted) / static_cast<double>(items.rows()));
    const auto truth = exact.search(items.row(0), 5, {.filter = same});
    for (std::size_t j = 0; j < hits.size(); ++j)
        std::printf("  id %5lld  category %-6s distance %.4f   (exact: id %lld)\n", static_cast<long long>(hits[j].id),
                    category[static_cast<std::size_t>(hits[j].id)].c_str(), hits[j].distance,
                    static_cast<long long>(truth[j].id));

    // A filter that keeps half the rows: the walk itself, routing through rejected rows.
    const auto even = [](std::int64_t id) { return id % 2 == 0; };
    std::printf("even ids only:");
    for (const auto& n : index.search(items.row(1), 5, {.filter = even})) std::printf(" %lld", static_cast<long long>(n.id));
    std::puts("");
    return hits.size() == truth.size() ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
