// SPDX-License-Identifier: MIT
// The pieces of t-SNE against naive references: the FFT against a direct DFT, the Barnes-Hut
// and FFT repulsion against the exact sums (errors bounded by theta and by the grid), the
// attraction, the perplexity calibration and the symmetrisation of P.
#include <vspace/core/random.hpp>
#include <vspace/project/tsne/optimizer.hpp>
#include <vspace/project/tsne/perplexity.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <map>
#include <vector>

namespace {

using namespace vspace;
using namespace vspace::detail;

// ---------------------------------------------------------------- references

/// The repulsion by its definition, in double, with pow for any degrees of freedom.
void naive_repulsion(const std::vector<float>& src, const std::vector<float>& dst, bool self, double dof,
                     std::vector<double>& force, std::vector<double>& sums) {
    const std::size_t n = src.size() / 2, m = dst.size() / 2;
    force.assign(2 * m, 0.0), sums.assign(m, 0.0);
    for (std::size_t t = 0; t < m; ++t)
        for (std::size_t s = 0; s < n; ++s) {
            if (self && s == t) continue;
            const double dx = double(dst[2 * t]) - src[2 * s], dy = double(dst[2 * t + 1]) - src[2 * s + 1];
            const double w = std::pow(1 + (dx * dx + dy * dy) / dof, -dof);
            const double a = std::pow(w, (dof + 1) / dof);
            sums[t] += w, force[2 * t] += a * dx, force[2 * t + 1] += a * dy;
        }
}

/// Points in a few clusters of different sizes and spreads, like a t-SNE map (span ~ `scale`).
std::vector<float> clustered_points(std::size_t n, double scale, std::uint64_t seed) {
    rng gen(seed);
    std::vector<float> y(2 * n);
    const double centres[5][2] = {{0, 0}, {0.4, 0.1}, {-0.3, 0.35}, {0.1, -0.45}, {-0.45, -0.2}};
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = gen.below(5);
        const double spread = 0.02 + 0.03 * double(c);
        y[2 * i] = float(scale * (centres[c][0] + spread * gen.normal()));
        y[2 * i + 1] = float(scale * (centres[c][1] + spread * gen.normal()));
    }
    return y;
}

struct errors {
    double force = 0;  // |F - F_exact| / |F_exact| over all coordinates
    double sum = 0;    // root mean square of the points' relative errors of their sums
    double z = 0;      // relative error of z = the sum of all sums (the normaliser of Q)
};

errors compare(const std::vector<float>& force, const std::vector<double>& sums, const std::vector<double>& f_ref,
               const std::vector<double>& s_ref) {
    double num = 0, den = 0, rms = 0, z = 0, z_ref = 0;
    for (std::size_t c = 0; c < f_ref.size(); ++c) num += std::pow(force[c] - f_ref[c], 2), den += f_ref[c] * f_ref[c];
    for (std::size_t t = 0; t < s_ref.size(); ++t) {
        rms += std::pow((sums[t] - s_ref[t]) / s_ref[t], 2);
        z += sums[t], z_ref += s_ref[t];
    }
    return {std::sqrt(num / den), std::sqrt(rms / double(s_ref.size())), std::abs(z - z_ref) / z_ref};
}

errors run_method(tsne_gradient method, const std::vector<float>& src, const std::vector<float>& dst, bool self,
                  double dof, double theta, fft_grid_settings grid, std::size_t threads = 2) {
    std::vector<double> f_ref, s_ref;
    naive_repulsion(src, dst, self, dof, f_ref, s_ref);
    repulsion_engine engine(method, theta, grid);
    std::vector<float> force(dst.size());
    std::vector<double> sums(dst.size() / 2);
    engine.compute(src, dst, self, student_t{dof}, {force.data(), sums.data()}, threads);
    for (float f : force) EXPECT_TRUE(std::isfinite(f));
    return compare(force, sums, f_ref, s_ref);
}

// ---------------------------------------------------------------- FFT

std::vector<std::complex<double>> naive_dft(const std::vector<std::complex<double>>& x, int sign) {
    const std::size_t m = x.size();
    std::vector<std::complex<double>> out(m);
    for (std::size_t k = 0; k < m; ++k)
        for (std::size_t j = 0; j < m; ++j)
            out[k] += x[j] * std::polar(1.0, sign * 2 * M_PI * double(j * k % m) / double(m));
    return out;
}

TEST(TsneFft, ForwardMatchesDftInBitReversedOrderForEveryLane) {
    for (std::size_t m : {2u, 8u, 64u, 256u})
        for (std::size_t valid : {m, m / 2, m / 4 + 1}) {
            if (valid == 0) continue;
            const std::size_t lanes = 3, stride = 5;  // strided batch with unused columns
            rng gen(m + valid);
            std::vector<float> re(m * stride, 99.0f), im(m * stride, 99.0f);  // garbage beyond `valid`
            std::vector<std::vector<std::complex<double>>> x(lanes, std::vector<std::complex<double>>(m));
            for (std::size_t l = 0; l < lanes; ++l)
                for (std::size_t j = 0; j < valid; ++j) {
                    x[l][j] = {gen.normal(), gen.normal()};
                    re[j * stride + l] = float(x[l][j].real()), im[j * stride + l] = float(x[l][j].imag());
                }
            batched_fft fft(m);
            fft.forward(re.data(), im.data(), stride, lanes, valid);
            for (std::size_t l = 0; l < lanes; ++l) {
                const auto ref = naive_dft(x[l], -1);
                for (std::size_t i = 0; i < m; ++i) {
                    const auto k = fft.frequency(i);
                    EXPECT_NEAR(re[i * stride + l], ref[k].real(), 1e-4 * std::sqrt(double(m))) << m << " " << i;
                    EXPECT_NEAR(im[i * stride + l], ref[k].imag(), 1e-4 * std::sqrt(double(m))) << m << " " << i;
                }
            }
        }
}

TEST(TsneFft, InverseUndoesForwardTimesM) {
    for (std::size_t m : {4u, 32u, 512u}) {
        rng gen(m);
        std::vector<float> re(m), im(m), r0(m), i0(m);
        for (std::size_t j = 0; j < m; ++j) r0[j] = re[j] = float(gen.normal()), i0[j] = im[j] = float(gen.normal());
        batched_fft fft(m);
        fft.forward(re.data(), im.data(), 1, 1, m);
        fft.inverse(re.data(), im.data(), 1, 1, m / 2);  // only the first half is needed
        for (std::size_t j = 0; j < m / 2; ++j) {
            EXPECT_NEAR(re[j] / float(m), r0[j], 1e-5) << m;
            EXPECT_NEAR(im[j] / float(m), i0[j], 1e-5) << m;
        }
    }
}

// ---------------------------------------------------------------- repulsion

TEST(TsneRepulsion, ExactMatchesDefinitionForStandardAndHeavyTails) {
    const auto y = clustered_points(300, 30, 1);
    for (double dof : {1.0, 0.5, 2.5}) {
        const errors e = run_method(tsne_gradient::exact, y, y, true, dof, 0, {});
        EXPECT_LT(e.force, 1e-5) << dof;
        EXPECT_LT(e.sum, 1e-5) << dof;
    }
}

TEST(TsneRepulsion, BarnesHutErrorShrinksWithThetaAndIsExactAtZero) {
    const auto y = clustered_points(2000, 40, 2);
    const errors at0 = run_method(tsne_gradient::barnes_hut, y, y, true, 1, 0.0, {});
    EXPECT_LT(at0.force, 1e-5);
    EXPECT_LT(at0.sum, 1e-5);
    // A cell summarised at side/distance < theta errs by O(theta^2) of its contribution (the
    // dipole term vanishes about the centre of mass); constants measured with margin.
    double previous = 0;
    for (double theta : {0.25, 0.5, 1.0}) {
        const errors e = run_method(tsne_gradient::barnes_hut, y, y, true, 1, theta, {});
        EXPECT_LT(e.force, 0.08 * theta * theta) << theta;
        EXPECT_LT(e.sum, 0.06 * theta * theta) << theta;
        EXPECT_LT(e.z, 0.03 * theta * theta) << theta;
        EXPECT_GT(e.force, previous) << theta;
        previous = e.force;
    }
}

TEST(TsneRepulsion, BarnesHutHeavyTailsAndNewPoints) {
    const auto map = clustered_points(1500, 40, 3);
    const auto fresh = clustered_points(200, 45, 4);
    for (double dof : {1.0, 0.6}) {
        const errors e = run_method(tsne_gradient::barnes_hut, map, fresh, false, dof, 0.5, {});
        EXPECT_LT(e.force, 0.02) << dof;
        EXPECT_LT(e.sum, 0.015) << dof;
        EXPECT_LT(e.z, 0.0075) << dof;
    }
}

TEST(TsneRepulsion, FftErrorBoundedByTheGridAndShrinksWithMoreNodes) {
    // From a fresh start (span 0.01) to a grown map (span ~75): FIt-SNE's default grid (3 nodes
    // per box, boxes <= 1 wide, here up to 1.25 where that halves the FFT) beats Barnes-Hut at
    // theta = 0.5 (its bounds: force 0.02, sum 0.015, z 0.0075) by an order of magnitude; 5
    // nodes per box is ~5x finer.
    for (double scale : {0.01, 5.0, 60.0}) {
        const auto y = clustered_points(3000, scale, 5);
        const errors coarse = run_method(tsne_gradient::fft_interpolation, y, y, true, 1, 0, {3, 50, 1.0});
        const errors fine = run_method(tsne_gradient::fft_interpolation, y, y, true, 1, 0, {5, 50, 1.0});
        EXPECT_LT(coarse.force, 6e-3) << scale;
        EXPECT_LT(coarse.sum, 2e-3) << scale;
        EXPECT_LT(coarse.z, 5e-4) << scale;
        EXPECT_LT(fine.force, 1e-3) << scale;
        EXPECT_LT(fine.sum, 3e-4) << scale;
        EXPECT_LT(fine.z, 5e-5) << scale;
        EXPECT_LE(fine.force, coarse.force + 1e-6) << scale;
    }
}

TEST(TsneRepulsion, FftHeavyTailsAndNewPoints) {
    const auto map = clustered_points(2000, 50, 6);
    const auto fresh = clustered_points(300, 60, 7);  // some outside the map's box
    for (double dof : {1.0, 0.5}) {
        const errors self = run_method(tsne_gradient::fft_interpolation, map, map, true, dof, 0, {});
        const errors other = run_method(tsne_gradient::fft_interpolation, map, fresh, false, dof, 0, {});
        for (const errors& e : {self, other}) {
            EXPECT_LT(e.force, 2e-2) << dof;
            EXPECT_LT(e.sum, 1e-2) << dof;
            EXPECT_LT(e.z, 1e-3) << dof;
        }
    }
}

TEST(TsneRepulsion, ResultsDoNotDependOnTheThreadCount) {
    const auto y = clustered_points(4000, 50, 8);
    for (auto method : {tsne_gradient::exact, tsne_gradient::barnes_hut, tsne_gradient::fft_interpolation}) {
        std::vector<float> f1(y.size()), f3(y.size());
        std::vector<double> s1(y.size() / 2), s3(y.size() / 2);
        repulsion_engine a(method, 0.5, {}), b(method, 0.5, {});
        a.compute(y, y, true, student_t{1}, {f1.data(), s1.data()}, 1);
        b.compute(y, y, true, student_t{1}, {f3.data(), s3.data()}, 3);
        EXPECT_EQ(f1, f3) << tsne_gradient_name(method);
        EXPECT_EQ(s1, s3) << tsne_gradient_name(method);
    }
}

TEST(TsneRepulsion, CoincidentPointsGiveFiniteForces) {
    std::vector<float> y(2 * 500, 3.0f);  // every point at (3, 3)
    for (auto method : {tsne_gradient::exact, tsne_gradient::barnes_hut, tsne_gradient::fft_interpolation}) {
        repulsion_engine engine(method, 0.5, {});
        std::vector<float> f(y.size());
        std::vector<double> s(y.size() / 2);
        engine.compute(y, y, true, student_t{1}, {f.data(), s.data()}, 2);
        for (std::size_t t = 0; t < s.size(); ++t) {
            EXPECT_NEAR(f[2 * t], 0, 1e-3) << tsne_gradient_name(method);
            EXPECT_NEAR(s[t], 499, 499 * 1e-3) << tsne_gradient_name(method);
        }
    }
}

// ---------------------------------------------------------------- attraction, P, KL

sparse_rows random_sparse(std::size_t n, std::size_t k, std::uint64_t seed) {
    rng gen(seed);
    std::vector<std::uint32_t> ids;
    std::vector<float> vals;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::uint32_t> row;
        while (row.size() < k) {
            const auto j = static_cast<std::uint32_t>(gen.below(n));
            if (j != i && std::find(row.begin(), row.end(), j) == row.end()) row.push_back(j);
        }
        double total = 0;
        std::vector<float> v(k);
        for (auto& x : v) total += x = float(gen.uniform() + 0.01);
        for (std::size_t e = 0; e < k; ++e) ids.push_back(row[e]), vals.push_back(float(v[e] / total));
    }
    return fixed_rows(n, k, ids, vals);
}

TEST(TsneAffinities, SymmetrizeGivesTheDenseAverage) {
    const std::size_t n = 200;
    const sparse_rows c = random_sparse(n, 12, 9);
    const sparse_rows p = symmetrize(c, 2);
    std::vector<double> dense(n * n, 0.0), got(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = c.row_begin(i); e < c.row_end(i); ++e) {
            dense[i * n + c.columns[e]] += c.values[e] / (2.0 * n);
            dense[c.columns[e] * n + i] += c.values[e] / (2.0 * n);
        }
    double total = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = p.row_begin(i); e < p.row_end(i); ++e) {
            if (e > p.row_begin(i)) {
                EXPECT_LT(p.columns[e - 1], p.columns[e]);  // sorted, merged
            }
            EXPECT_NE(p.columns[e], i);
            got[i * n + p.columns[e]] = p.values[e];
            total += p.values[e];
        }
    for (std::size_t i = 0; i < n * n; ++i) EXPECT_NEAR(got[i], dense[i], 1e-9);
    EXPECT_NEAR(total, 1.0, 1e-5);
    EXPECT_EQ(symmetrize(c, 1).values, p.values);  // thread count does not matter
}

TEST(TsneAffinities, AttractionMatchesDefinition) {
    const std::size_t n = 300;
    const sparse_rows p = symmetrize(random_sparse(n, 10, 10), 2);
    const auto y = clustered_points(n, 20, 11);
    for (double dof : {1.0, 0.5}) {
        std::vector<float> f(2 * n);
        attraction(p, y, y, student_t{dof}, f.data(), 2);
        for (std::size_t i = 0; i < n; ++i) {
            double fx = 0, fy = 0;
            for (std::size_t e = p.row_begin(i); e < p.row_end(i); ++e) {
                const std::size_t j = p.columns[e];
                const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                const double w = std::pow(1 + (dx * dx + dy * dy) / dof, -dof);
                fx += p.values[e] * std::pow(w, 1 / dof) * dx, fy += p.values[e] * std::pow(w, 1 / dof) * dy;
            }
            EXPECT_NEAR(f[2 * i], fx, 1e-5 * (1 + std::abs(fx)));
            EXPECT_NEAR(f[2 * i + 1], fy, 1e-5 * (1 + std::abs(fy)));
        }
    }
}

TEST(TsneAffinities, KlPiecesMatchTheDenseDivergence) {
    const std::size_t n = 150;
    const sparse_rows p = symmetrize(random_sparse(n, 8, 12), 1);
    const auto y = clustered_points(n, 10, 13);
    const student_t k{0.7};
    std::vector<double> dense(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = p.row_begin(i); e < p.row_end(i); ++e) dense[i * n + p.columns[e]] = p.values[e];
    double z = 0, kl = 0;
    auto w = [&](std::size_t i, std::size_t j) {
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        return std::pow(1 + (dx * dx + dy * dy) / k.dof, -k.dof);
    };
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) z += w(i, j);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (dense[i * n + j] > 0) kl += dense[i * n + j] * std::log(dense[i * n + j] / (w(i, j) / z));
    const double got = sum_p_log_p(p, 2) - sum_p_log_w(p, y, y, k, 2) + std::log(z);
    EXPECT_NEAR(got, kl, 1e-4 * std::abs(kl));
}

double entropy(const std::vector<float>& p) {
    double h = 0;
    for (float v : p)
        if (v > 0) h -= v * std::log(double(v));
    return h;
}

TEST(TsnePerplexity, CalibratedEntropyIsLogPerplexity) {
    rng gen(14);
    for (double perplexity : {1.5, 5.0, 30.0, 80.0}) {
        const std::size_t k = std::size_t(3 * perplexity);
        for (int trial = 0; trial < 20; ++trial) {
            std::vector<float> d2(k), p(k);
            const double scale = std::pow(10.0, gen.uniform() * 8 - 4);  // 1e-4 .. 1e4
            for (auto& v : d2) v = float(scale * (1 + 5 * gen.uniform()));
            EXPECT_EQ(calibrate_point(d2, perplexity, p), 0);
            EXPECT_NEAR(entropy(p), std::log(perplexity), 1e-5) << perplexity << " " << scale;
            double total = 0;
            for (float v : p) total += v;
            EXPECT_NEAR(total, 1.0, 1e-5);
            for (std::size_t j = 0; j < k; ++j)  // nearer neighbours weigh more
                for (std::size_t l = 0; l < k; ++l)
                    if (d2[j] < d2[l]) {
                        EXPECT_GE(p[j], p[l]);
                    }
        }
    }
}

TEST(TsnePerplexity, DuplicatesNeverGiveNaN) {
    std::vector<float> p(30);
    // all neighbours at distance 0: uniform
    std::vector<float> zeros(30, 0.0f);
    EXPECT_EQ(calibrate_point(zeros, 10, p), 2);
    for (float v : p) EXPECT_FLOAT_EQ(v, 1.0f / 30);
    // 12 duplicates, perplexity 10: unreachable, uniform over the duplicates
    std::vector<float> d2(30, 4.0f);
    std::fill(d2.begin(), d2.begin() + 12, 0.0f);
    EXPECT_EQ(calibrate_point(d2, 10, p), 2);
    for (std::size_t j = 0; j < 30; ++j) EXPECT_FLOAT_EQ(p[j], j < 12 ? 1.0f / 12 : 0.0f);
    // 5 duplicates, perplexity 10: reachable
    std::fill(d2.begin(), d2.end(), 4.0f);
    std::fill(d2.begin(), d2.begin() + 5, 0.0f);
    d2[29] = 9.0f;
    EXPECT_EQ(calibrate_point(d2, 10, p), 0);
    EXPECT_NEAR(entropy(p), std::log(10.0), 1e-5);
}

}  // namespace
