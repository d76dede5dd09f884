// SPDX-License-Identifier: MIT
// Helpers shared by the SIMD kernel tests: the levels this CPU has (named in test names),
// the dimensions and offsets every kernel is checked at, aligned and page-guarded buffers,
// and the float error bound.
#pragma once

#include <vspace/core/random.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

namespace vspace::simd {
// Test names and failure messages print the level's name.
inline void PrintTo(level l, std::ostream* os) { *os << level_name(l); }
}  // namespace vspace::simd

namespace vspace::simd_test {

using simd::level;

/// Every level this CPU supports, the serial reference included.
inline std::vector<level> levels_here() {
    std::vector<level> out;
    for (level l : simd::all_levels)
        if (l <= simd::cpu_level()) out.push_back(l);
    return out;
}

inline std::string level_test_name(const ::testing::TestParamInfo<level>& info) {
    return std::string(simd::level_name(info.param));
}

/// Dimensions 1-300 and the sizes real embeddings have.
inline std::vector<std::size_t> test_dims() {
    std::vector<std::size_t> d;
    for (std::size_t i = 1; i <= 300; ++i) d.push_back(i);
    for (std::size_t i : {384, 768, 784, 1024, 1536}) d.push_back(i);
    return d;
}

/// Storage for `count` elements of T plus 64 bytes of room for starting offsets; `at(k)` is
/// the element k past a 64-byte boundary, so k = 0 .. 64/sizeof(T)-1 covers offsets 0..63 bytes.
template <class T>
class offset_buffer {
public:
    explicit offset_buffer(std::size_t count) : storage_((count + 2 * 64) * sizeof(T) + 64) {
        auto p = reinterpret_cast<std::uintptr_t>(storage_.data());
        base_ = reinterpret_cast<T*>((p + 63) & ~std::uintptr_t{63});
    }
    T* at(std::size_t k) noexcept { return base_ + k; }
    static constexpr std::size_t offsets = 64 / sizeof(T);

private:
    std::vector<unsigned char> storage_;
    T* base_;
};

/// A read-write region of whole pages between two inaccessible pages: a kernel reading one
/// byte before `begin()` or past `end()` faults.
class guarded_pages {
public:
    explicit guarded_pages(std::size_t pages) : page_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))) {
        size_ = (pages + 2) * page_;
        void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
        map_ = static_cast<unsigned char*>(p);
        mprotect(map_, page_, PROT_NONE);
        mprotect(map_ + size_ - page_, page_, PROT_NONE);
    }
    ~guarded_pages() { munmap(map_, size_); }
    guarded_pages(const guarded_pages&) = delete;
    guarded_pages& operator=(const guarded_pages&) = delete;

    unsigned char* begin() noexcept { return map_ + page_; }
    unsigned char* end() noexcept { return map_ + size_ - page_; }

private:
    std::size_t page_, size_;
    unsigned char* map_;
};

/// Rounding unit of float.
inline constexpr double float_u = 0x1.0p-24;

/// Longest chain of float additions any kernel makes per result over n elements: at least 4
/// accumulators of at least 4 lanes (2 accumulators for cosine) take n/8 terms, then a few
/// for the last blocks, combining accumulators and the lane reduction.
inline double float_chain(std::size_t n) { return static_cast<double>(n) / 8 + 12; }

/// Error bound of a float sum of terms with absolute sum `abs_sum` (Higham's gamma_k).
inline double float_sum_bound(double abs_sum, std::size_t n) {
    const double k = float_chain(n);
    return k * float_u / (1 - k * float_u) * abs_sum;
}

}  // namespace vspace::simd_test
