// SPDX-License-Identifier: MIT
// Your own metric, as a plain struct, in the flat index exactly like a built-in one. Three user
// metrics are checked against the built-ins they re-implement, on the same random data:
//   my_l2sq        a distance on float rows          == vspace::l2sq
//   dot_similarity a similarity (larger is closer)   ranks like vspace::inner_product
//   my_hamming     a distance on binary rows (words) == vspace::hamming
// Exit status 0 when every query gets the same neighbours from both.
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <span>

struct my_l2sq {
    float operator()(std::span<const float> a, std::span<const float> b) const noexcept {
        float d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d += (a[i] - b[i]) * (a[i] - b[i]);
        return d;
    }
};

struct dot_similarity {
    static constexpr bool smaller_is_closer = false;  // optional member: a similarity
    float operator()(std::span<const float> a, std::span<const float> b) const noexcept {
        float s = 0;
        for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
        return s;
    }
};

struct my_hamming {  // binary rows arrive as their packed 64-bit words
    float operator()(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) const noexcept {
        int d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d += std::popcount(a[i] ^ b[i]);
        return static_cast<float>(d);
    }
};

template <class Mine, class Builtin, class T>
bool same_neighbours(const char* name, const vspace::matrix<T>& data, const vspace::matrix<T>& queries,
                     double tolerance) {
    vspace::flat_index<Mine, T> mine(data.dims());
    vspace::flat_index<Builtin, T> builtin(data.dims());
    mine.add(data);
    builtin.add(data);
    const auto a = mine.search(queries.view(), 10), b = builtin.search(queries.view(), 10);
    std::size_t differ = 0;
    for (std::size_t q = 0; q < a.queries(); ++q)
        for (std::size_t j = 0; j < a.k(); ++j) differ += a.at(q, j).id != b.at(q, j).id;
    std::printf("%-15s nearest to query 0: id %4lld, value %7.3f; %zu of %zu ids differ from the built-in\n", name,
                static_cast<long long>(a.at(0, 0).id), a.at(0, 0).distance, differ, a.queries() * a.k());
    return static_cast<double>(differ) <= tolerance * static_cast<double>(a.queries() * a.k());
}

int main() {
    vspace::rng gen(11);
    vspace::matrix<float> data(2000, 48), queries(200, 48);
    vspace::matrix<vspace::bit> codes(2000, 256), code_queries(200, 256);
    for (auto* m : {&data, &queries})
        for (std::size_t i = 0; i < m->rows(); ++i)
            for (std::size_t j = 0; j < m->dims(); ++j) (*m)(i, j) = static_cast<float>(gen.normal());
    for (auto* m : {&codes, &code_queries})
        for (std::size_t i = 0; i < m->rows(); ++i)
            for (std::size_t j = 0; j < m->dims(); ++j) m->set_bit(i, j, gen() & 1);
    // Float sums in another order may swap near-ties (allow 0.1 %); bit counts are exact.
    bool ok = same_neighbours<my_l2sq, vspace::l2sq>("my_l2sq", data, queries, 1e-3);
    ok &= same_neighbours<dot_similarity, vspace::inner_product>("dot_similarity", data, queries, 1e-3);
    ok &= same_neighbours<my_hamming, vspace::hamming>("my_hamming", codes, code_queries, 0.0);
    std::printf("%s\n", ok ? "custom metrics agree with the built-ins" : "MISMATCH");
    return ok ? 0 : 1;
}
