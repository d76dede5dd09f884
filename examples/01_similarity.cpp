// SPDX-License-Identifier: MIT
// Lesson 1: vectors, the dot product, and the two ways to say "close": Euclidean (L2) distance
// and cosine. On unit vectors they agree: |a - b|^2 = 2 - 2 cos(a, b).
// Run: example_01_similarity            (uses a = (3,2,5), b = (4,5,2))
//      example_01_similarity 1,0 0,1    (your own two vectors, comma-separated)
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

std::vector<float> parse(const char* text) {  // "3,2,5" -> {3, 2, 5}
    std::vector<float> v;
    for (char* end = nullptr;; text = end + 1) {
        v.push_back(std::strtof(text, &end));
        if (*end != ',') break;
    }
    return v;
}

int main(int argc, char** argv) {
    std::vector<float> a{3, 2, 5}, b{4, 5, 2};
    if (argc == 3) a = parse(argv[1]), b = parse(argv[2]);
    if (a.size() != b.size()) return std::puts("the two vectors need the same number of values"), 1;

    //! [metrics]
    // Metrics are plain function objects on two rows (spans); all return "smaller is closer".
    const float dot = -vspace::inner_product{}(a, b);  // inner_product is the distance -<a,b>
    const float cos = 1 - vspace::cosine{}(a, b);       // cosine is the distance 1 - cos
    const float dist = vspace::l2{}(a, b);              // |a - b|
    //! [metrics]
    std::printf("dot(a, b)  = %.3f\n", dot);
    std::printf("|a|, |b|   = %.3f, %.3f\n", std::sqrt(-vspace::inner_product{}(a, a)),
                std::sqrt(-vspace::inner_product{}(b, b)));
    std::printf("cos(a, b)  = %.3f   (dot / (|a| |b|): the angle, lengths ignored)\n", cos);
    std::printf("|a - b|    = %.3f   (straight-line distance: lengths count)\n", dist);

    // Scale b by 10: cosine does not move, the distance does.
    std::vector<float> b10(b);
    for (float& x : b10) x *= 10;
    std::printf("with 10 b: cos = %.3f, |a - 10b| = %.3f\n", 1 - vspace::cosine{}(a, b10), vspace::l2{}(a, b10));

    // Normalise both to length 1: now L2 and cosine carry the same information.
    auto unit = [](std::vector<float> v) {
        const float n = std::sqrt(-vspace::inner_product{}(v, v));
        for (float& x : v) x /= n;
        return v;
    };
    const auto ua = unit(a), ub = unit(b);
    const float d2 = vspace::l2sq{}(ua, ub);
    std::printf("unit vectors: |a - b|^2 = %.4f, 2 - 2 cos = %.4f\n", d2, 2 - 2 * cos);
    return std::abs(d2 - (2 - 2 * cos)) < 1e-4f ? 0 : 1;
}
