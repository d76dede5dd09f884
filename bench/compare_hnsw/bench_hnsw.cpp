// SPDX-License-Identifier: MIT
// Approximate search: vspace's hnsw_index against hnswlib 0.6.2 in one process, on the same
// data (Fashion-MNIST: the 60,000 train images as base, the 10,000 test images as queries,
// L2, k = 10, M = 16, ef_construction = 200), plus int8 and binary codes re-ranked in float,
// and the MiniLM sample (cosine) when ../shared/data is present.
//
//   bench_hnsw [--queries N] [--repeat R] [--builds B] [--threads T] [--ef 10,20,...]
//              [--no-anchor] [--no-quantized] [--markdown]
//
// Build: T threads (default 2), median wall time of B builds. Search: one thread, one query
// at a time; for each ef the two libraries run alternately R times (median queries/s), so a
// change in machine load hits both. Recall@10 is against exact search (flat index). Memory is
// the growth of the resident set during the build (what the process really holds).
#include <vspace/index/flat.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/index/rescored.hpp>
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/metric/hamming.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/int8.hpp>
#include <vspace/simd/kernel_table.hpp>

#if VSPACE_BENCH_HNSWLIB
#include "hnswlib_side.hpp"
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using namespace vspace;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double resident_mb() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct args {
    std::size_t queries = 10000, repeat = 3, builds = 1, threads = 2;
    std::vector<std::size_t> efs = {10, 16, 20, 24, 32, 40, 48, 64, 80, 128, 160, 240, 320};
    bool anchor = true, quantized = true, markdown = false;
};

args parse(int argc, char** argv) {
    args a;
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bench_hnsw: %s needs a value\n", s.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (s == "--queries") a.queries = std::stoul(value());
        else if (s == "--repeat") a.repeat = std::max<std::size_t>(1, std::stoul(value()));
        else if (s == "--builds") a.builds = std::max<std::size_t>(1, std::stoul(value()));
        else if (s == "--threads") a.threads = std::stoul(value());
        else if (s == "--ef") {
            a.efs.clear();
            const std::string list = value();
            for (std::size_t p = 0; p < list.size();) {
                const std::size_t q = std::min(list.find(',', p), list.size());
                a.efs.push_back(std::stoul(list.substr(p, q - p)));
                p = q + 1;
            }
        } else if (s == "--no-anchor") a.anchor = false;
        else if (s == "--no-quantized") a.quantized = false;
        else if (s == "--markdown") a.markdown = true;
        else {
            std::fprintf(stderr, "usage: bench_hnsw [--queries N] [--repeat R] [--builds B] [--threads T] "
                                 "[--ef 10,20,...] [--no-anchor] [--no-quantized] [--markdown]\n");
            std::exit(2);
        }
    }
    return a;
}

/// Recall@k of rows of ids against the exact ones (k per row).
double recall(const std::vector<std::int64_t>& got, const search_result& truth, std::size_t k) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < truth.queries(); ++q) {
        const auto t = truth.ids(q);
        for (std::size_t j = 0; j < k; ++j) hits += std::find(t.begin(), t.end(), got[q * k + j]) != t.end();
    }
    return static_cast<double>(hits) / static_cast<double>(truth.queries() * k);
}

struct point {
    std::size_t ef;
    double recall, qps;
};

/// Queries/s at `target` recall, interpolated (log q/s linear in recall) between the two
/// measured points around it; 0 when no point reaches it.
double qps_at(const std::vector<point>& curve, double target) {
    for (std::size_t i = 0; i < curve.size(); ++i) {
        if (curve[i].recall < target) continue;
        if (i == 0) return curve[0].qps;
        const point& a = curve[i - 1];
        const point& b = curve[i];
        if (b.recall <= a.recall) return b.qps;
        const double t = (target - a.recall) / (b.recall - a.recall);
        return std::exp(std::log(a.qps) + t * (std::log(b.qps) - std::log(a.qps)));
    }
    return 0;
}

/// One timed pass: search every query once with `one(q, out)`; returns queries/s.
double timed_pass(std::size_t n, const std::function<void(std::size_t, std::int64_t*)>& one,
                  std::vector<std::int64_t>& ids, std::size_t k) {
    const auto t0 = clock_type::now();
    for (std::size_t q = 0; q < n; ++q) one(q, ids.data() + q * k);
    return static_cast<double>(n) / seconds_since(t0);
}

template <class Index>
std::function<void(std::size_t, std::int64_t*)> searcher(const Index& index, matrix_view<float> queries,
                                                         std::size_t k, std::size_t ef) {
    return [&index, queries, k, ef](std::size_t q, std::int64_t* out) {
        const auto r = index.search(queries.row(q), k, {.ef = ef});
        for (std::size_t j = 0; j < k; ++j) out[j] = j < r.size() ? r[j].id : -1;
    };
}

void print_curve(const char* title, const std::vector<point>& curve) {
    std::printf("%s\n  %6s %9s %10s\n", title, "ef", "recall", "queries/s");
    for (const auto& p : curve) std::printf("  %6zu %9.4f %10.0f\n", p.ef, p.recall, p.qps);
}

}  // namespace

int main(int argc, char** argv) {
    const args a = parse(argc, argv);
    const std::size_t k = 10;
    const auto fm_path = std::filesystem::path(VSPACE_FASHION_MNIST);
    std::printf("vspace bench_hnsw: SIMD level %s, build threads %zu, search 1 thread\n",
                std::string(simd::active_arch_name()).c_str(), resolve_threads(a.threads));
    const auto data = load_fashion_mnist(fm_path);
    const auto base = data.images.view().subview(0, fashion_mnist_data::n_train);
    const auto queries = data.images.view().subview(fashion_mnist_data::n_train, std::min(a.queries, fashion_mnist_data::n_test));
    const std::size_t nq = queries.rows();
    search_result truth;
    {
        flat_index<l2sq, float> exact(base.dims());
        exact.add(base);
        truth = exact.search(queries, k);
    }

    // ---- builds ----
#if VSPACE_BENCH_HNSWLIB
    std::optional<hnswlib_side> anchor;
    double anchor_build = 0, anchor_cpu = 0, anchor_mb = 0;
    if (a.anchor) {
        std::vector<double> wall, cpu;
        for (std::size_t b = 0; b < a.builds; ++b) {
            anchor.reset();
            const double r0 = resident_mb(), c0 = cpu_seconds();
            const auto t0 = clock_type::now();
            anchor.emplace(base.data(), base.rows(), base.dims(), base.stride(), 16, 200, resolve_threads(a.threads));
            wall.push_back(seconds_since(t0));
            cpu.push_back(cpu_seconds() - c0);
            anchor_mb = resident_mb() - r0;
        }
        anchor_build = median(wall);
        anchor_cpu = median(cpu);
    }
#endif
    std::optional<hnsw_index<l2sq, float>> index;
    double build = 0, build_cpu = 0, index_mb = 0;
    {
        std::vector<double> wall, cpu;
        for (std::size_t b = 0; b < a.builds; ++b) {
            index.reset();
            const double r0 = resident_mb(), c0 = cpu_seconds();
            const auto t0 = clock_type::now();
            index.emplace(base.dims(), hnsw_options{.m = 16, .ef_construction = 200, .n_threads = a.threads});
            index->add(base);
            wall.push_back(seconds_since(t0));
            cpu.push_back(cpu_seconds() - c0);
            index_mb = resident_mb() - r0;
        }
        build = median(wall);
        build_cpu = median(cpu);
    }

    // ---- recall / queries-per-second curves, the two libraries alternating ----
    std::vector<point> ours, theirs;
    std::vector<std::int64_t> ids(nq * k);
    for (const std::size_t ef : a.efs) {
        std::vector<double> q_ours, q_theirs;
        double r_ours = 0, r_theirs = 0;
        for (std::size_t rep = 0; rep < a.repeat; ++rep) {
#if VSPACE_BENCH_HNSWLIB
            if (anchor) {
                anchor->set_ef(ef);
                q_theirs.push_back(timed_pass(
                    nq, [&](std::size_t q, std::int64_t* out) { anchor->search(queries.row_data(q), k, out); }, ids, k));
                r_theirs = recall(ids, truth, k);
            }
#endif
            q_ours.push_back(timed_pass(nq, searcher(*index, queries, k, ef), ids, k));
            r_ours = recall(ids, truth, k);
        }
        ours.push_back({ef, r_ours, median(q_ours)});
        if (!q_theirs.empty()) theirs.push_back({ef, r_theirs, median(q_theirs)});
    }

    // batch search on all threads at the ef of each recall target
    std::vector<std::pair<double, double>> batch;  // (recall, queries/s)
    for (const double target : {0.98, 0.995}) {
        const auto it = std::find_if(ours.begin(), ours.end(), [&](const point& p) { return p.recall >= target; });
        if (it == ours.end()) continue;
        std::vector<double> qs;
        search_result r;
        for (std::size_t rep = 0; rep < a.repeat; ++rep) {
            const auto t0 = clock_type::now();
            r = index->search(queries, k, {.ef = it->ef, .n_threads = a.threads});
            qs.push_back(static_cast<double>(nq) / seconds_since(t0));
        }
        batch.push_back({recall(r.all_ids(), truth, k), median(qs)});
    }

    // ---- int8 and binary codes, re-ranked in float ----
    struct quantized_row {
        std::string what;
        std::size_t rescore, ef;
        double build, recall, qps;
    };
    std::vector<quantized_row> qrows;
    const auto run_quantized = [&](const std::string& what, auto& qindex, double qbuild, std::size_t rescore,
                                   matrix_view<float> qv, const search_result& qtruth, std::initializer_list<std::size_t> efs) {
        std::vector<std::int64_t> qids(qv.rows() * k);
        for (const std::size_t ef : efs) {
            std::vector<double> qs;
            for (std::size_t rep = 0; rep < a.repeat; ++rep) qs.push_back(timed_pass(qv.rows(), searcher(qindex, qv, k, ef), qids, k));
            qrows.push_back({what, rescore, ef, qbuild, recall(qids, qtruth, k), median(qs)});
        }
    };
    if (a.quantized) {
        const auto i8q = int8_quantizer::fit(base);
        const auto b1q = binary_quantizer::fit(base);
        for (const std::size_t rescore : {2, 4}) {
            const auto t0 = clock_type::now();
            rescored_index<l2, hnsw_index<l2sq, std::int8_t>> i8(
                i8q, hnsw_index<l2sq, std::int8_t>(base.dims(), {.m = 16, .ef_construction = 200, .n_threads = a.threads}),
                {.rescore = rescore});
            i8.add(base, a.threads);
            run_quantized("int8 + rescore", i8, seconds_since(t0), rescore, queries, truth, {16, 24, 32, 48, 64});
        }
        for (const std::size_t rescore : {10, 20}) {
            const auto t0 = clock_type::now();
            rescored_index<l2, hnsw_index<hamming, bit>> b1(
                b1q, hnsw_index<hamming, bit>(base.dims(), {.m = 16, .ef_construction = 200, .n_threads = a.threads}),
                {.rescore = rescore});
            b1.add(base, a.threads);
            run_quantized("bit + rescore", b1, seconds_since(t0), rescore, queries, truth, {16, 32, 64, 128});
        }
    }

    // ---- MiniLM sentence embeddings (cosine): every row queries the others ----
    std::vector<quantized_row> mrows;
    const auto minilm = std::filesystem::path(VSPACE_SHARED_DATA) / "minilm-sap-fiori-778" / "embeddings.npy";
    if (std::filesystem::exists(minilm)) {
        const auto x = read_npy<float>(minilm);
        flat_index<cosine, float> exact(x.dims());
        exact.add(x);
        const auto mtruth = exact.search(x.view(), k);
        std::swap(qrows, mrows);
        {
            const auto t0 = clock_type::now();
            hnsw_index<cosine, float> f(x.dims(), {.n_threads = a.threads});
            f.add(x);
            run_quantized("float", f, seconds_since(t0), 1, x.view(), mtruth, {10, 20, 40});
        }
        if (a.quantized) {
            const auto t0 = clock_type::now();
            rescored_index<cosine, hnsw_index<cosine, std::int8_t>> i8(
                int8_quantizer::fit(x.view()), hnsw_index<cosine, std::int8_t>(x.dims(), {.n_threads = a.threads}),
                {.rescore = 2});
            i8.add(x.view(), a.threads);
            run_quantized("int8 + rescore", i8, seconds_since(t0), 2, x.view(), mtruth, {10, 20, 40});
            const auto t1 = clock_type::now();
            rescored_index<cosine, hnsw_index<hamming, bit>> b1(
                binary_quantizer::fit(x.view(), {.threshold = binary_threshold::zero}),
                hnsw_index<hamming, bit>(x.dims(), {.n_threads = a.threads}), {.rescore = 10});
            b1.add(x.view(), a.threads);
            run_quantized("bit + rescore", b1, seconds_since(t1), 10, x.view(), mtruth, {20, 40, 80});
        }
        std::swap(qrows, mrows);
    }

    // ---- report ----
    const double ours98 = qps_at(ours, 0.98), ours995 = qps_at(ours, 0.995);
    const double theirs98 = qps_at(theirs, 0.98), theirs995 = qps_at(theirs, 0.995);
    if (!a.markdown) {
        std::printf("build (%zu threads): vspace %.2f s (%.1f CPU s), %.0f MB resident (%.0f MB by memory_bytes)\n",
                    resolve_threads(a.threads), build, build_cpu, index_mb, static_cast<double>(index->memory_bytes()) / 1e6);
#if VSPACE_BENCH_HNSWLIB
        if (anchor)
            std::printf("                     hnswlib %.2f s (%.1f CPU s), %.0f MB resident; vspace/hnswlib = %.2f\n",
                        anchor_build, anchor_cpu, anchor_mb, build / anchor_build);
#endif
        print_curve("vspace, 1 thread:", ours);
        if (!theirs.empty()) print_curve("hnswlib, 1 thread:", theirs);
        std::printf("queries/s at recall 0.980: vspace %.0f, hnswlib %.0f, ratio %.2f\n", ours98, theirs98,
                    theirs98 > 0 ? ours98 / theirs98 : 0);
        std::printf("queries/s at recall 0.995: vspace %.0f, hnswlib %.0f, ratio %.2f\n", ours995, theirs995,
                    theirs995 > 0 ? ours995 / theirs995 : 0);
        for (const auto& [r, q] : batch) std::printf("batch search, %zu threads: recall %.4f at %.0f queries/s\n", resolve_threads(a.threads), r, q);
        for (const auto& r : qrows)
            std::printf("fashion-mnist %-15s rescore %2zu ef %4zu: build %.2f s, recall %.4f, %.0f queries/s\n", r.what.c_str(),
                        r.rescore, r.ef, r.build, r.recall, r.qps);
        for (const auto& r : mrows)
            std::printf("minilm (cosine) %-15s rescore %2zu ef %4zu: build %.3f s, recall %.4f, %.0f queries/s\n", r.what.c_str(),
                        r.rescore, r.ef, r.build, r.recall, r.qps);
        return 0;
    }
    std::printf("\n| ef | vspace recall@10 | vspace q/s | hnswlib recall@10 | hnswlib q/s |\n|---:|---:|---:|---:|---:|\n");
    for (std::size_t i = 0; i < ours.size(); ++i) {
        if (i < theirs.size())
            std::printf("| %zu | %.4f | %.0f | %.4f | %.0f |\n", ours[i].ef, ours[i].recall, ours[i].qps, theirs[i].recall, theirs[i].qps);
        else
            std::printf("| %zu | %.4f | %.0f | | |\n", ours[i].ef, ours[i].recall, ours[i].qps);
    }
    std::printf("\n| | vspace | hnswlib | ratio |\n|---|---:|---:|---:|\n");
#if VSPACE_BENCH_HNSWLIB
    std::printf("| build, %zu threads (s) | %.2f | %.2f | %.2f |\n", resolve_threads(a.threads), build, anchor_build,
                anchor_build > 0 ? build / anchor_build : 0);
    std::printf("| resident memory (MB) | %.0f | %.0f | %.2f |\n", index_mb, anchor_mb, anchor_mb > 0 ? index_mb / anchor_mb : 0);
#endif
    std::printf("| q/s at recall@10 = 0.980 | %.0f | %.0f | %.2f |\n", ours98, theirs98, theirs98 > 0 ? ours98 / theirs98 : 0);
    std::printf("| q/s at recall@10 = 0.995 | %.0f | %.0f | %.2f |\n", ours995, theirs995, theirs995 > 0 ? ours995 / theirs995 : 0);
    for (const auto& [r, q] : batch)
        std::printf("| batch search, %zu threads, recall %.4f (q/s) | %.0f | | |\n", resolve_threads(a.threads), r, q);
    if (!qrows.empty()) {
        std::printf("\n| Fashion-MNIST codes | rescore | ef | build (s) | recall@10 | q/s |\n|---|---:|---:|---:|---:|---:|\n");
        for (const auto& r : qrows)
            std::printf("| %s | %zu | %zu | %.2f | %.4f | %.0f |\n", r.what.c_str(), r.rescore, r.ef, r.build, r.recall, r.qps);
    }
    if (!mrows.empty()) {
        std::printf("\n| MiniLM, cosine | rescore | ef | build (s) | recall@10 | q/s |\n|---|---:|---:|---:|---:|---:|\n");
        for (const auto& r : mrows)
            std::printf("| %s | %zu | %zu | %.3f | %.4f | %.0f |\n", r.what.c_str(), r.rescore, r.ef, r.build, r.recall, r.qps);
    }
}
