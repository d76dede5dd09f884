// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The Student-t similarity of t-SNE's output space, with the degrees of freedom of Kobak et al.
/// (2019) as a parameter, and the sums every gradient method computes. Kept apart so that the
/// exact, Barnes-Hut and FFT methods share one definition of the kernel.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace vspace::detail {

/// log(x) for finite x >= 1 to ~1e-7 relative, in a form the compiler vectorises (libm's
/// scalar log1p made the KL divergence cost as much as three iterations): x = 2^e m with
/// m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1)/(m + 1)) by its series to s^9.
inline float log_at_least_one(float x) noexcept {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    int e = static_cast<int>(bits >> 23) - 127;
    float m = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f800000u);  // in [1, 2)
    if (m > 1.41421356f) m *= 0.5f, ++e;
    const float s = (m - 1) / (m + 1), s2 = s * s;
    const float series = s * (2 + s2 * (2.0f / 3 + s2 * (2.0f / 5 + s2 * (2.0f / 7 + s2 * (2.0f / 9)))));
    return static_cast<float>(e) * 0.693147181f + series;
}

/// w(d) = (1 + d^2 / a)^(-a), the unnormalised output similarity for a degrees of freedom
/// (a = 1 is standard t-SNE; a < 1 gives heavier tails and more separated clusters).
///
/// With q = w / Z, Z = sum over pairs, the gradient of KL(P || Q) is (Kobak et al. 2019, eq. 3)
///   dC/dy_i = 4 sum_j (p_ij - q_ij) w_ij^(1/a) (y_i - y_j),
/// so the methods need, per point, `repulsion_weight` = w^((a+1)/a) = w * w^(1/a) and the
/// normaliser `w` itself; the attraction needs `attraction_weight` = w^(1/a) = 1/(1 + d^2/a).
struct student_t {
    double dof = 1;

    bool standard() const noexcept { return dof == 1.0; }

    /// w^(1/a) = 1 / (1 + d^2 / a).
    float attraction_weight(float d2) const noexcept {
        return 1.0f / (1.0f + d2 / static_cast<float>(dof));
    }

    /// Sets `w` = w(d) and `a` = w^((a+1)/a), the weight of (y_i - y_j) in the repulsion.
    void weights(float d2, float& w, float& a) const noexcept {
        if (standard()) {  // the common case avoids pow: w = 1/(1+d^2), a = w^2
            w = 1.0f / (1.0f + d2);
            a = w * w;
            return;
        }
        const double base = 1.0 / (1.0 + static_cast<double>(d2) / dof);
        const double wd = std::pow(base, dof);
        w = static_cast<float>(wd);
        a = static_cast<float>(wd * base);
    }

    /// log w(d) = -a log(1 + d^2 / a), for the KL divergence.
    float log_w(float d2) const noexcept {
        return -static_cast<float>(dof) * log_at_least_one(1.0f + d2 / static_cast<float>(dof));
    }
};

/// The repulsive sums every method computes, for targets t against sources s:
///   sums[t]      = sum_s w(|y_t - y_s|)
///   force[2t+k]  = sum_s w^((a+1)/a) (y_t - y_s)_k
/// over all sources, or all but s = t when the targets are the sources ("self").
struct repulsion_output {
    float* force = nullptr;  ///< 2 per target, interleaved x, y
    double* sums = nullptr;  ///< 1 per target
};

}  // namespace vspace::detail
/// @endcond
