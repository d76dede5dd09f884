// SPDX-License-Identifier: MIT
// vspace's side of the exact-search comparison (compare_flat.py runs it next to FAISS): searches
// Fashion-MNIST (base = the 60,000 train images, queries = the 10,000 test images, pixel values
// 0..255 as float32) for k nearest neighbours and prints one JSON line per measurement.
//
//   bench_flat MODE [--threads N] [--k K] [--repeat R] [--rescore R] [--queries N] [--ids OUT.npy]
//
// MODE: l2 (float L2), ip (inner product on unit vectors), i8 (int8 codes, l2sq, quantized in
// --i8-mode, uniform by default; with --rescore R: re-ranked in float from k*R candidates), b1
// (binary codes thresholded at the per-dimension mean, Hamming; --rescore likewise), single
// (one query at a time, float L2, reports queries/s and the bandwidth of reading the base).
// Times are of the search alone, in seconds (the minimum over --repeat runs is printed beside
// the median); load and index build are reported separately.
#include <vspace/index/flat.hpp>

#include <ctime>
#include <vspace/index/rescored.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/int8.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace vspace;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// CPU seconds of this process (all threads): on a busy machine, the work done.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct args {
    std::string mode;
    std::size_t threads = 0, k = 10, repeat = 3, rescore = 0, queries = 10000;
    std::string ids;
    int8_mode i8_mode = int8_mode::uniform;
};

[[noreturn]] void usage() {
    std::fputs("usage: bench_flat l2|ip|i8|b1|single [--threads N] [--k K] [--repeat R] [--rescore R] "
               "[--queries N] [--ids OUT.npy] [--i8-mode uniform|symmetric|per_dimension]\n",
               stderr);
    std::exit(2);
}

args parse(int argc, char** argv) {
    if (argc < 2) usage();
    args a;
    a.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--ids") a.ids = value;
        else if (key == "--threads") a.threads = std::stoul(value);
        else if (key == "--k") a.k = std::stoul(value);
        else if (key == "--repeat") a.repeat = std::stoul(value);
        else if (key == "--rescore") a.rescore = std::stoul(value);
        else if (key == "--queries") a.queries = std::stoul(value);
        else if (key == "--i8-mode")
            a.i8_mode = value == "symmetric"       ? int8_mode::symmetric
                        : value == "per_dimension" ? int8_mode::per_dimension
                                                   : int8_mode::uniform;
        else usage();
    }
    return a;
}

struct timing {
    double median = 0, min = 0, cpu = 0;  // wall seconds; CPU seconds (all threads) of the median run
};

/// Runs `search` `repeat` times and keeps the last result.
template <class Search>
timing timed(std::size_t repeat, Search&& search) {
    std::vector<std::pair<double, double>> t;
    for (std::size_t r = 0; r < std::max<std::size_t>(repeat, 1); ++r) {
        const double c0 = cpu_seconds();
        const auto t0 = clock_type::now();
        search();
        t.emplace_back(seconds_since(t0), cpu_seconds() - c0);
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2].first, t.front().first, t[t.size() / 2].second};
}

void report(const args& a, const char* what, double load_s, double build_s, timing search, const char* extra = "") {
    std::printf("{\"mode\": \"%s\", \"what\": \"%s\", \"threads\": %zu, \"k\": %zu, \"rescore\": %zu, "
                "\"load_s\": %.3f, \"build_s\": %.3f, \"search_s\": %.4f, \"search_min_s\": %.4f, "
                "\"search_cpu_s\": %.4f, \"arch\": \"%s\"%s}\n",
                a.mode.c_str(), what, resolve_threads(a.threads), a.k, a.rescore, load_s, build_s, search.median,
                search.min, search.cpu, std::string(simd::active_arch_name()).c_str(), extra);
    std::fflush(stdout);
}

void normalize(matrix<float>& m) {
    for (std::size_t i = 0; i < m.rows(); ++i) {
        double s = 0;
        for (std::size_t j = 0; j < m.dims(); ++j) s += double(m(i, j)) * m(i, j);
        const float inv = s > 0 ? static_cast<float>(1 / std::sqrt(s)) : 0.f;
        for (std::size_t j = 0; j < m.dims(); ++j) m(i, j) *= inv;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const args a = parse(argc, argv);
    const auto t0 = clock_type::now();
    auto data = load_fashion_mnist(VSPACE_FASHION_MNIST, a.threads);
    // The queries are copied out, the base keeps the loaded storage (and the index takes it
    // over): no second copy of the 188 MB base.
    matrix<float> queries(data.images.view().subview(60000, std::min<std::size_t>(a.queries, 10000)));
    matrix<float> base = std::move(data.images);
    base.resize_rows(60000);
    const double load_s = seconds_since(t0);
    const search_options options{.n_threads = a.threads};
    search_result result;

    if (a.mode == "l2" || a.mode == "ip") {
        if (a.mode == "ip") {
            normalize(base);
            normalize(queries);
        }
        const auto t1 = clock_type::now();
        flat_index<l2, float> l2_index(784);
        flat_index<inner_product, float> ip_index(784);
        if (a.mode == "l2") l2_index.add(std::move(base));
        else ip_index.add(std::move(base));
        const double build_s = seconds_since(t1);
        const auto times = timed(a.repeat, [&] {
            result = a.mode == "l2" ? l2_index.search(queries.view(), a.k, options)
                                    : ip_index.search(queries.view(), a.k, options);
        });
        report(a, "flat", load_s, build_s, times);
    } else if (a.mode == "single") {
        flat_index<l2, float> index(784);
        const std::size_t bytes = base.rows() * base.dims() * sizeof(float);
        index.add(std::move(base));
        const std::size_t n = std::min<std::size_t>(queries.rows(), 300);
        const auto times = timed(a.repeat, [&] {
            for (std::size_t q = 0; q < n; ++q) {
                const auto r = index.search(queries.row(q), a.k);
                if (r.empty()) std::abort();
            }
        });
        const double qps = static_cast<double>(n) / times.median;
        const double gbps = qps * static_cast<double>(bytes) / 1e9;
        // The same bytes read by a plain sum, the bandwidth one core gets here (a baseline).
        const matrix_view<float> rows = index.data();
        std::uint64_t sink = 0;
        const auto read = timed(a.repeat, [&] {
            std::uint64_t s[4] = {};
            for (std::size_t i = 0; i < rows.rows(); ++i) {
                std::uint64_t w[4];
                const char* p = reinterpret_cast<const char*>(rows.row_data(i));
                for (std::size_t b = 0; b + 32 <= rows.dims() * sizeof(float); b += 32) {
                    std::memcpy(w, p + b, 32);
                    for (int j = 0; j < 4; ++j) s[j] += w[j];
                }
            }
            sink += s[0] + s[1] + s[2] + s[3];
        });
        char extra[192];
        std::snprintf(extra, sizeof extra,
                      ", \"queries\": %zu, \"qps\": %.1f, \"gb_per_s\": %.2f, \"read_gb_per_s\": %.2f, \"sum\": %llu",
                      n, qps, gbps, static_cast<double>(bytes) / read.median / 1e9, static_cast<unsigned long long>(sink % 10));
        report(a, "single query", load_s, 0, times, extra);
        return 0;
    } else if (a.mode == "i8" || a.mode == "b1") {
        const auto t1 = clock_type::now();
        if (a.mode == "i8") {
            const auto q = int8_quantizer::fit(base, {.mode = a.i8_mode, .n_threads = a.threads});
            if (a.rescore == 0) {
                flat_index<l2sq, std::int8_t> index(784);
                index.add(q.quantize(base, a.threads));
                const auto codes = q.quantize(queries, a.threads);
                const double build_s = seconds_since(t1);
                report(a, "flat codes", load_s, build_s,
                       timed(a.repeat, [&] { result = index.search(codes.view(), a.k, options); }));
            } else {
                rescored_index<l2, flat_index<l2sq, std::int8_t>> index(q, flat_index<l2sq, std::int8_t>(784),
                                                                        {.rescore = a.rescore});
                index.add(std::move(base), a.threads);
                const double build_s = seconds_since(t1);
                report(a, "codes + rescore", load_s, build_s,
                       timed(a.repeat, [&] { result = index.search(queries.view(), a.k, options); }));
            }
        } else {
            const auto q = binary_quantizer::fit(base, {.threshold = binary_threshold::mean});
            if (a.rescore == 0) {
                flat_index<hamming, bit> index(784);
                index.add(q.quantize(base, a.threads));
                const auto codes = q.quantize(queries, a.threads);
                const double build_s = seconds_since(t1);
                report(a, "flat codes", load_s, build_s,
                       timed(a.repeat, [&] { result = index.search(codes.view(), a.k, options); }));
            } else {
                rescored_index<l2, flat_index<hamming, bit>> index(q, flat_index<hamming, bit>(784),
                                                                   {.rescore = a.rescore});
                index.add(std::move(base), a.threads);
                const double build_s = seconds_since(t1);
                report(a, "codes + rescore", load_s, build_s,
                       timed(a.repeat, [&] { result = index.search(queries.view(), a.k, options); }));
            }
        }
    } else {
        usage();
    }
    if (!a.ids.empty()) save_npy_ids(a.ids, result);
    return 0;
}
