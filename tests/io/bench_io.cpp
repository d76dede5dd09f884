// SPDX-License-Identifier: MIT
// Timing of the readers on real-sized inputs (not a test; built on demand):
//   cmake --build build --target bench_io && flock /tmp/vspace-bench.lock build/tests/io/bench_io [scratch-folder]
// Prints the median of 7 runs of each step: wall time and CPU time (user + system, all threads).
#include <vspace/io/fashion_mnist.hpp>
#include <vspace/io/load.hpp>
#include <vspace/io/npy.hpp>
#include <vspace/io/texmex.hpp>
#include <vspace/io/word_vectors.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <sys/resource.h>

namespace {

double cpu_ms() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);  // all threads of the process
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

/// Runs f `runs` times; prints the median wall time and the median CPU time (user + system,
/// all threads): on a shared machine the CPU time is the steadier figure.
template <class F>
void time_it(const char* what, F&& f, int runs = 7) {
    std::vector<double> wall, cpu;
    for (int r = 0; r < runs; ++r) {
        const double c0 = cpu_ms();
        const auto start = std::chrono::steady_clock::now();
        f();
        wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(cpu_ms() - c0);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-62s wall %7.1f ms   cpu %7.1f ms\n", what, wall[wall.size() / 2], cpu[cpu.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace vspace;
    const std::filesystem::path scratch = argc > 1 ? argv[1] : std::filesystem::temp_directory_path();
    const std::filesystem::path fm_folder = VSPACE_FASHION_MNIST;
    const std::filesystem::path glove = std::filesystem::path(VSPACE_SHARED_DATA) / "glove-6B-100d-top10000/glove.6B.100d.top10000.txt";

    matrix<float> images;
    if (std::filesystem::exists(fm_folder / "train-images-idx3-ubyte.gz")) {
        time_it("load_fashion_mnist (4 gz files -> 70000 x 784 f32), 1 thread", [&] { images = load_fashion_mnist(fm_folder, 1).images; });
        time_it("load_fashion_mnist, 2 threads", [&] { images = load_fashion_mnist(fm_folder, 2).images; });
    } else {
        images = matrix<float>(70000, 784);
    }
    const auto npy = scratch / "bench_70k_784.npy", fvecs = scratch / "bench_70k_784.fvecs";
    time_it("save_npy 70000 x 784 f32 (215 MB, with fsync)", [&] { save_npy(npy, images.view()); }, 3);
    save_fvecs(fvecs, images.view());
    std::size_t sink = 0;
    time_it("read_npy<float> 70000 x 784", [&] { sink += read_npy<float>(npy).rows(); });
    time_it("load_vectors (.npy) 70000 x 784", [&] { sink += load_vectors(npy).rows(); });
    time_it("read_fvecs 70000 x 784", [&] { sink += read_fvecs(fvecs).rows(); });
    if (std::filesystem::exists(glove)) {
        time_it("read_word_vectors GloVe 10000 x 100 (8.6 MB), 1 thread",
                [&] { sink += read_word_vectors(glove, {.n_threads = 1}).vectors.rows(); });
        time_it("read_word_vectors GloVe 10000 x 100 (8.6 MB), 2 threads",
                [&] { sink += read_word_vectors(glove, {.n_threads = 2}).vectors.rows(); });
    }
    std::filesystem::remove(npy);
    std::filesystem::remove(fvecs);
    return sink == 0;
}
