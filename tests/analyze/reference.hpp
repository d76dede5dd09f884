// SPDX-License-Identifier: MIT
// Naive references for the analyze tests: plain Lloyd k-means in double precision, written for
// clarity, not speed.
#pragma once

#include <vspace/core/matrix.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace vspace::test {

struct reference_kmeans {
    std::vector<std::uint32_t> labels;
    std::vector<std::vector<double>> centers;
    double inertia = 0;
    std::size_t iterations = 0;
};

inline double squared_distance(const float* a, const std::vector<double>& c) {
    double s = 0;
    for (std::size_t j = 0; j < c.size(); ++j) s += (a[j] - c[j]) * (a[j] - c[j]);
    return s;
}

/// Lloyd's algorithm until no label changes (no empty clusters expected). `spherical`
/// normalises rows and centroids and measures 1 - cos.
inline reference_kmeans naive_kmeans(const matrix<float>& x, const matrix<float>& init, bool spherical = false,
                                     std::size_t max_iter = 1000) {
    const std::size_t n = x.rows(), d = x.dims(), k = init.rows();
    std::vector<std::vector<float>> rows(n, std::vector<float>(d));
    for (std::size_t i = 0; i < n; ++i) {
        double norm = 0;
        for (std::size_t j = 0; j < d; ++j) norm += double(x(i, j)) * x(i, j);
        const double scale = spherical ? 1.0 / std::sqrt(norm) : 1.0;
        for (std::size_t j = 0; j < d; ++j) rows[i][j] = static_cast<float>(x(i, j) * scale);
    }
    reference_kmeans r;
    r.centers.assign(k, std::vector<double>(d));
    for (std::size_t c = 0; c < k; ++c) {
        double norm = 0;
        for (std::size_t j = 0; j < d; ++j) norm += double(init(c, j)) * init(c, j);
        const double scale = spherical ? 1.0 / std::sqrt(norm) : 1.0;
        for (std::size_t j = 0; j < d; ++j) r.centers[c][j] = init(c, j) * scale;
    }
    r.labels.assign(n, std::numeric_limits<std::uint32_t>::max());
    for (r.iterations = 0; r.iterations < max_iter; ++r.iterations) {
        bool changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            std::uint32_t best = 0;
            double best_d = std::numeric_limits<double>::infinity();
            for (std::size_t c = 0; c < k; ++c) {
                const double dd = squared_distance(rows[i].data(), r.centers[c]);
                if (dd < best_d) best_d = dd, best = static_cast<std::uint32_t>(c);
            }
            changed |= best != r.labels[i];
            r.labels[i] = best;
        }
        if (!changed) break;
        std::vector<std::vector<double>> sum(k, std::vector<double>(d, 0.0));
        std::vector<std::size_t> count(k, 0);
        for (std::size_t i = 0; i < n; ++i) {
            ++count[r.labels[i]];
            for (std::size_t j = 0; j < d; ++j) sum[r.labels[i]][j] += rows[i][j];
        }
        for (std::size_t c = 0; c < k; ++c) {
            if (count[c] == 0) continue;
            double norm = 0;
            for (std::size_t j = 0; j < d; ++j) norm += sum[c][j] * sum[c][j];
            const double scale = spherical ? 1.0 / std::sqrt(norm) : 1.0 / double(count[c]);
            for (std::size_t j = 0; j < d; ++j) r.centers[c][j] = sum[c][j] * scale;
        }
    }
    r.inertia = 0;
    for (std::size_t i = 0; i < n; ++i) r.inertia += squared_distance(rows[i].data(), r.centers[r.labels[i]]);
    if (spherical) r.inertia *= 0.5;
    return r;
}

}  // namespace vspace::test
