// SPDX-License-Identifier: MIT
// Lesson 4: quantization. int8 codes keep 256 levels per dimension (4x less memory), binary codes
// keep one bit (32x less). Searching codes finds candidates fast; re-ranking the k x R best in
// float ("rescoring") recovers nearly the exact answer.
// Run: example_04_quantize [rows] [dims]     (clustered unit vectors; defaults 20000 x 256)
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/index/rescored.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

using namespace vspace;

double recall(const search_result& got, const search_result& exact) {  // share of true neighbours found
    std::size_t hits = 0;
    for (std::size_t q = 0; q < exact.queries(); ++q) {
        const std::set<std::int64_t> truth(exact.ids(q).begin(), exact.ids(q).end());
        for (auto id : got.ids(q)) hits += truth.count(id);
    }
    return static_cast<double>(hits) / static_cast<double>(exact.queries() * exact.k());
}

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000, d = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 256;
    if (n < 200 || d < 8) return std::puts("need rows >= 200 and dims >= 8"), 1;
    // Embedding-like data: unit vectors around 100 random topics.
    rng gen(5);
    matrix<float> topics(100, d), data(n, d);
    for (std::size_t t = 0; t < 100; ++t)
        for (std::size_t j = 0; j < d; ++j) topics(t, j) = static_cast<float>(gen.normal());
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t t = gen.below(100);
        float norm = 0;
        for (std::size_t j = 0; j < d; ++j) {
            data(i, j) = topics(t, j) + 1.5f * static_cast<float>(gen.normal());
            norm += data(i, j) * data(i, j);
        }
        for (std::size_t j = 0; j < d; ++j) data(i, j) /= std::sqrt(norm);
    }
    const auto queries = data.view().subview(0, 100);  // 100 rows as queries

    flat_index<cosine, float> exact_index(d);
    exact_index.add(data);
    const search_result exact = exact_index.search(queries, 10);

    // Search the codes for k x R candidates, re-rank them in float; report the recall of each R.
    auto try_codes = [&]<class Inner>(const auto& quantizer, std::initializer_list<std::size_t> rescores) {
        double last = 0;
        for (std::size_t r : rescores) {
            rescored_index<cosine, Inner> index(quantizer, Inner(d), {.rescore = r});
            index.add(data);
            std::printf("  recall@10, rescore x%zu: %.3f\n", r, last = recall(index.search(queries, 10), exact));
        }
        return last;
    };
    // int8: one symmetric scale, so cosines of codes track cosines of floats.
    const auto q8 = int8_quantizer::fit(data, {.mode = int8_mode::symmetric});
    std::printf("int8: %zu -> %zu bytes per vector, code step %.5f\n", d * 4, d, q8.scales()[0]);
    const double r8 = try_codes.operator()<flat_index<cosine, std::int8_t>>(q8, {1, 4});
    // Binary: the sign of each dimension; Hamming distance estimates the angle.
    const auto q1 = binary_quantizer::fit(data, {.threshold = binary_threshold::zero});
    std::printf("binary: %zu -> %zu bytes per vector\n", d * 4, (d + 63) / 64 * 8);
    const double r1 = try_codes.operator()<flat_index<hamming, bit>>(q1, {1, 10, 40});
    return std::min(r8, r1) >= 0.95 ? 0 : 1;
}
