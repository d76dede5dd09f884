// SPDX-License-Identifier: MIT
// Google Benchmark of every distance kernel at every level this CPU has, at the embedding sizes
// {96, 384, 768, 784, 1536}, in three shapes:
//   <kernel>/pair/<level>/<dims>    one pair of vectors in L1: ns per call, GB/s of both vectors
//   <kernel>/many/<level>/<dims>    one query against 32 KiB of rows in L1 (flat scan): per row
//   <kernel>/gather/<level>/<dims>  32 rows at random from 128 MiB (HNSW neighbour list): per row
// plus the alternatives in alternatives.hpp, named after what they change. For bit kernels
// <dims> counts bits. Run under `flock /tmp/vspace-bench.lock` (docs/benchmarks.md).
#include "alternatives.hpp"

#include <vspace/core/random.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

namespace simd = vspace::simd;

constexpr std::size_t bench_dims[] = {96, 384, 768, 784, 1536};
constexpr std::size_t gather_dims[] = {96, 768};
constexpr std::size_t gather_list = 32;           // a neighbour list of HNSW's layer 0 (2 M)
constexpr std::size_t gather_bytes = 128u << 20;  // far past the last-level cache

// Storage elements per row of `dims` dimensions, and the padded stride rows are stored at
// (64-byte rows, as in vspace::matrix).
template <class S>
std::size_t elements(std::size_t dims) {
    return std::is_same_v<S, std::uint64_t> ? (dims + 63) / 64 : dims;
}
template <class S>
std::size_t padded(std::size_t n) {
    constexpr std::size_t per_line = 64 / sizeof(S);
    return (n + per_line - 1) / per_line * per_line;
}

// 64-byte aligned random storage.
template <class S>
class random_rows {
public:
    random_rows(std::size_t count, std::uint64_t seed) : storage_(count + 64 / sizeof(S)) {
        auto p = reinterpret_cast<std::uintptr_t>(storage_.data());
        data_ = reinterpret_cast<S*>((p + 63) & ~std::uintptr_t{63});
        vspace::rng gen(seed);
        for (std::size_t i = 0; i < count; ++i) {
            if constexpr (std::is_same_v<S, float>) data_[i] = static_cast<float>(gen.normal());
            else if constexpr (std::is_same_v<S, std::int8_t>) data_[i] = static_cast<std::int8_t>(gen() >> 56);
            else data_[i] = gen();
        }
    }
    const S* data() const noexcept { return data_; }

private:
    std::vector<S> storage_;
    S* data_;
};

template <class S>
void bench_pair(benchmark::State& state, simd::kernel<S> k, std::size_t dims) {
    const std::size_t n = elements<S>(dims);
    const random_rows<S> a(n, 1), b(n, 2);
    for (auto _ : state) benchmark::DoNotOptimize(k.one(a.data(), b.data(), n));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n * sizeof(S)));
}

template <class S>
void bench_many(benchmark::State& state, simd::kernel<S> k, std::size_t dims) {
    const std::size_t n = elements<S>(dims), stride = padded<S>(n);
    std::size_t rows = (32u << 10) / (stride * sizeof(S));  // in L1 (48 KiB on Zen 5): kernel-bound
    rows = rows < 8 ? 8 : (rows > 1024 ? 1024 : rows);
    const random_rows<S> q(n, 3), base(rows * stride, 4);
    std::vector<float> out(rows);
    for (auto _ : state) {
        k.many(q.data(), base.data(), stride, rows, n, out.data());
        benchmark::ClobberMemory();
    }
    const auto done = static_cast<double>(state.iterations() * rows);
    state.SetBytesProcessed(static_cast<std::int64_t>(done * n * sizeof(S)));
    state.counters["per_row"] = benchmark::Counter(done, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Rows of the gather benchmark: built once per kind and size, shared by every level.
template <class S>
struct scattered {
    std::size_t n, stride, rows;
    random_rows<S> base;
    std::vector<const S*> order;  // random row pointers, consumed 32 at a time
    explicit scattered(std::size_t dims)
        : n(elements<S>(dims)), stride(padded<S>(n)), rows(gather_bytes / (stride * sizeof(S))),
          base(rows * stride, 5) {
        vspace::rng gen(6);
        order.resize(1u << 16);
        for (auto& p : order) p = base.data() + gen.below(rows) * stride;
    }
    static const scattered& get(std::size_t dims) {
        static std::map<std::size_t, std::unique_ptr<scattered>> cache;
        auto& slot = cache[dims];
        if (!slot) slot = std::make_unique<scattered>(dims);
        return *slot;
    }
};

template <class S>
void bench_gather(benchmark::State& state, simd::kernel<S> k, std::size_t dims) {
    const scattered<S>& data = scattered<S>::get(dims);
    const random_rows<S> q(data.n, 7);
    float out[gather_list];
    std::size_t next = 0;
    for (auto _ : state) {
        k.gather(q.data(), data.order.data() + next, gather_list, data.n, out);
        benchmark::ClobberMemory();
        next = (next + gather_list) & (data.order.size() - 1);
    }
    const auto done = static_cast<double>(state.iterations() * gather_list);
    state.SetBytesProcessed(static_cast<std::int64_t>(done * data.n * sizeof(S)));
    state.counters["per_row"] = benchmark::Counter(done, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// With repetitions, "min" joins the mean/median/stddev rows: on a busy machine the fastest
// repetition is the one least disturbed by others.
template <class F>
void add(const std::string& name, F&& f) {
    benchmark::RegisterBenchmark(name.c_str(), std::forward<F>(f))
        ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
}

template <class S>
void register_kernel(const std::string& name, simd::level l, simd::kernel<S> k) {
    std::string at = "/";
    at.append(simd::level_name(l)).append("/");
    for (std::size_t dims : bench_dims) {
        add(name + "/pair" + at + std::to_string(dims), [=](benchmark::State& s) { bench_pair<S>(s, k, dims); });
        add(name + "/many" + at + std::to_string(dims), [=](benchmark::State& s) { bench_many<S>(s, k, dims); });
    }
    for (std::size_t dims : gather_dims)
        add(name + "/gather" + at + std::to_string(dims), [=](benchmark::State& s) { bench_gather<S>(s, k, dims); });
}

void register_alternatives(const vspace_bench::alternative* list, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto& a = list[i];
        if (a.needs > simd::cpu_level()) continue;
        if (a.f32.one) register_kernel(a.name, a.needs, a.f32);
        if (a.i8.one) register_kernel(a.name, a.needs, a.i8);
        if (a.b1.one) register_kernel(a.name, a.needs, a.b1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    for (simd::level l : simd::all_levels) {
        if (l > simd::cpu_level()) break;
        const simd::kernel_tables& t = simd::tables_for(l);
        register_kernel("f32_dot", l, t.f32.dot);
        register_kernel("f32_inner_product", l, t.f32.inner_product);
        register_kernel("f32_l2sq", l, t.f32.l2sq);
        register_kernel("f32_cosine", l, t.f32.cosine);
        register_kernel("i8_dot", l, t.i8.dot);
        register_kernel("i8_inner_product", l, t.i8.inner_product);
        register_kernel("i8_l2sq", l, t.i8.l2sq);
        register_kernel("i8_cosine", l, t.i8.cosine);
        register_kernel("b1_hamming", l, t.b1.hamming);
        register_kernel("b1_jaccard", l, t.b1.jaccard);
    }
#if defined(__x86_64__)
    std::size_t count = 0;
    if (simd::cpu_level() >= simd::level::avx2) {
        const auto* list = vspace_bench::alternatives_avx2(count);
        register_alternatives(list, count);
    }
    if (simd::cpu_level() >= simd::level::avx512) {
        const auto* list = vspace_bench::alternatives_avx512(count);
        register_alternatives(list, count);
    }
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
