// SPDX-License-Identifier: MIT
// A user's program: exact search with a built-in and a custom metric. Exits 0 when the answers
// are right, so the CMake packaging test fails if headers, targets or kernels are broken.
#include <vspace/core/matrix.hpp>
#include <vspace/index/flat.hpp>
#include <vspace/metric/cosine.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <cmath>
#include <cstdio>
#include <span>

struct manhattan {
    float operator()(std::span<const float> a, std::span<const float> b) const {
        float d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) d += std::abs(a[i] - b[i]);
        return d;
    }
};

int main() {
    // Row i points at angle i degrees (length i + 1): nearest by angle is the next row.
    vspace::matrix<float> data(90, 2);
    for (std::size_t i = 0; i < data.rows(); ++i) {
        const double a = static_cast<double>(i) * 3.14159265358979 / 180;
        data(i, 0) = static_cast<float>((i + 1) * std::cos(a));
        data(i, 1) = static_cast<float>((i + 1) * std::sin(a));
    }
    vspace::flat_index<vspace::cosine, float> by_angle(2);
    vspace::flat_index<manhattan, float> by_walk(2);
    by_angle.add(data);
    by_walk.add(data);
    const auto a = by_angle.search(data.row(40), 3);
    const auto w = by_walk.search(data.row(40), 1);
    const bool ok = a.size() == 3 && a[0].id == 40 && (a[1].id == 39 || a[1].id == 41) && w[0].id == 40;
    std::printf("consumer: %s (simd level %s)\n", ok ? "ok" : "WRONG RESULTS",
                std::string(vspace::simd::active_arch_name()).c_str());
    return ok ? 0 : 1;
}
