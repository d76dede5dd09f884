// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// A small radix-2 complex FFT for the convolutions of the FFT-accelerated t-SNE gradient.
/// Our own rather than FFTW (GPL) or a general library: convolution needs no bit-reversal pass
/// (forward DIF leaves the spectrum in bit-reversed order, the inverse DIT takes it there), and
/// every butterfly acts on a batch of contiguous lanes, so the compiler vectorises it whole.
/// The stages run depth first: once a sub-transform fits in L1 it is finished there.
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

namespace vspace::detail {

/// FFT of one power-of-two size m along a strided axis, for a batch of contiguous lanes:
/// element i of lane l is at `re[i * stride + l]` (and `im[...]`). Split real and imaginary
/// arrays keep every butterfly a plain loop over lanes.
class batched_fft {
public:
    batched_fft() = default;

    /// Plans size m, a power of two >= 2.
    explicit batched_fft(std::size_t m) : m_(m), cos_(m / 2), sin_(m / 2), bitrev_(m) {
        for (std::size_t j = 0; j < m / 2; ++j) {
            const double angle = 2 * std::numbers::pi * static_cast<double>(j) / static_cast<double>(m);
            cos_[j] = static_cast<float>(std::cos(angle));
            sin_[j] = static_cast<float>(std::sin(angle));
        }
        std::size_t bits = 0;
        while ((std::size_t{1} << bits) < m) ++bits;
        for (std::size_t i = 0; i < m; ++i) {
            std::size_t r = 0;
            for (std::size_t b = 0; b < bits; ++b) r |= ((i >> b) & 1u) << (bits - 1 - b);
            bitrev_[i] = r;
        }
    }

    std::size_t size() const noexcept { return m_; }

    /// The frequency held at storage position i of a forward transform (bit reversal).
    std::size_t frequency(std::size_t i) const noexcept { return bitrev_[i]; }

    /// Forward transform, X_k = sum_j x_j e^(-2 pi i jk/m), natural order in, bit-reversed out.
    /// Only x_0 .. x_(valid-1) are read; the rest count as zero (valid <= m/2 saves the first
    /// stage's reads, and the caller need not clear the upper half). valid = m reads all.
    void forward(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t valid) const noexcept {
        switch (lanes) {
            case 16: return forward_top<16>(re, im, stride, 16, valid);
            case 32: return forward_top<32>(re, im, stride, 32, valid);
            default: return forward_top<0>(re, im, stride, lanes, valid);
        }
    }

    /// Unscaled inverse transform (m times the true inverse), x_j = sum_k X_k e^(2 pi i jk/m),
    /// bit-reversed order in, natural out. Only outputs x_0 .. x_(needed-1) are guaranteed;
    /// needed <= m/2 skips half of the last stage.
    void inverse(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t needed) const noexcept {
        switch (lanes) {
            case 16: return inverse_top<16>(re, im, stride, 16, needed);
            case 32: return inverse_top<32>(re, im, stride, 32, needed);
            default: return inverse_top<0>(re, im, stride, lanes, needed);
        }
    }

private:
    /// Sub-transforms at most this large (in bytes of both parts) run their stages back to back.
    static constexpr std::size_t l1_bytes = 24 * 1024;

    // Lanes = 0: the lane count is the run-time `lanes`; otherwise it is Lanes, a constant the
    // compiler turns into whole vector operations.
    template <std::size_t Lanes>
    static constexpr std::size_t count(std::size_t lanes) noexcept { return Lanes ? Lanes : lanes; }

    template <std::size_t Lanes>
    void forward_top(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t valid) const noexcept {
        if (valid > m_ / 2 || m_ < 2) return forward_block<Lanes>(re, im, stride, lanes, m_);
        const std::size_t half = m_ / 2;  // first stage with a zero upper half: a' = a, b' = a w
        for (std::size_t j = 0; j < half; ++j) {
            float* __restrict ar = re + j * stride;
            float* __restrict ai = im + j * stride;
            float* __restrict br = re + (j + half) * stride;
            float* __restrict bi = im + (j + half) * stride;
            if (j >= valid) {
                for (std::size_t l = 0; l < count<Lanes>(lanes); ++l) ar[l] = ai[l] = br[l] = bi[l] = 0;
                continue;
            }
            const float wr = cos_[j], wi = -sin_[j];
            for (std::size_t l = 0; l < count<Lanes>(lanes); ++l) {
                const float xr = ar[l], xi = ai[l];
                br[l] = xr * wr - xi * wi;
                bi[l] = xr * wi + xi * wr;
            }
        }
        forward_block<Lanes>(re, im, stride, lanes, half);
        forward_block<Lanes>(re + half * stride, im + half * stride, stride, lanes, half);
    }

    /// DIF on `size` consecutive elements: one stage, then each half depth first.
    template <std::size_t Lanes>
    void forward_block(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t size) const noexcept {
        if (size < 2) return;
        if (size * count<Lanes>(lanes) * 2 * sizeof(float) > l1_bytes) {
            dif_stage<Lanes>(re, im, stride, lanes, size, size / 2);
            forward_block<Lanes>(re, im, stride, lanes, size / 2);
            forward_block<Lanes>(re + size / 2 * stride, im + size / 2 * stride, stride, lanes, size / 2);
            return;
        }
        for (std::size_t half = size / 2; half >= 1; half /= 2) dif_stage<Lanes>(re, im, stride, lanes, size, half);
    }

    /// All DIF butterflies of distance `half` within `size` elements.
    template <std::size_t Lanes>
    void dif_stage(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t size,
                   std::size_t half) const noexcept {
        const std::size_t step = m_ / (2 * half);
        for (std::size_t start = 0; start < size; start += 2 * half)
            for (std::size_t j = 0; j < half; ++j) {
                float* __restrict ar = re + (start + j) * stride;
                float* __restrict ai = im + (start + j) * stride;
                float* __restrict br = re + (start + j + half) * stride;
                float* __restrict bi = im + (start + j + half) * stride;
                const float wr = cos_[j * step], wi = -sin_[j * step];
                for (std::size_t l = 0; l < count<Lanes>(lanes); ++l) {
                    const float xr = ar[l] - br[l], xi = ai[l] - bi[l];
                    ar[l] += br[l];
                    ai[l] += bi[l];
                    br[l] = xr * wr - xi * wi;
                    bi[l] = xr * wi + xi * wr;
                }
            }
    }

    template <std::size_t Lanes>
    void inverse_top(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t needed) const noexcept {
        if (needed > m_ / 2 || m_ < 2) return inverse_block<Lanes>(re, im, stride, lanes, m_);
        const std::size_t half = m_ / 2;
        inverse_block<Lanes>(re, im, stride, lanes, half);
        inverse_block<Lanes>(re + half * stride, im + half * stride, stride, lanes, half);
        for (std::size_t j = 0; j < needed; ++j) {  // last stage, first half of the outputs only
            float* __restrict ar = re + j * stride;
            float* __restrict ai = im + j * stride;
            const float* __restrict br = re + (j + half) * stride;
            const float* __restrict bi = im + (j + half) * stride;
            const float wr = cos_[j], wi = sin_[j];
            for (std::size_t l = 0; l < count<Lanes>(lanes); ++l) {
                ar[l] += br[l] * wr - bi[l] * wi;
                ai[l] += br[l] * wi + bi[l] * wr;
            }
        }
    }

    /// DIT on `size` consecutive elements: each half depth first, then the combining stage.
    template <std::size_t Lanes>
    void inverse_block(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t size) const noexcept {
        if (size < 2) return;
        if (size * count<Lanes>(lanes) * 2 * sizeof(float) > l1_bytes) {
            inverse_block<Lanes>(re, im, stride, lanes, size / 2);
            inverse_block<Lanes>(re + size / 2 * stride, im + size / 2 * stride, stride, lanes, size / 2);
            dit_stage<Lanes>(re, im, stride, lanes, size, size / 2);
            return;
        }
        for (std::size_t half = 1; half < size; half *= 2) dit_stage<Lanes>(re, im, stride, lanes, size, half);
    }

    template <std::size_t Lanes>
    void dit_stage(float* re, float* im, std::size_t stride, std::size_t lanes, std::size_t size,
                   std::size_t half) const noexcept {
        const std::size_t step = m_ / (2 * half);
        for (std::size_t start = 0; start < size; start += 2 * half)
            for (std::size_t j = 0; j < half; ++j) {
                float* __restrict ar = re + (start + j) * stride;
                float* __restrict ai = im + (start + j) * stride;
                float* __restrict br = re + (start + j + half) * stride;
                float* __restrict bi = im + (start + j + half) * stride;
                const float wr = cos_[j * step], wi = sin_[j * step];
                for (std::size_t l = 0; l < count<Lanes>(lanes); ++l) {
                    const float tr = br[l] * wr - bi[l] * wi, ti = br[l] * wi + bi[l] * wr;
                    br[l] = ar[l] - tr;
                    bi[l] = ai[l] - ti;
                    ar[l] += tr;
                    ai[l] += ti;
                }
            }
    }

    std::size_t m_ = 0;
    std::vector<float> cos_, sin_;  // cos, sin of 2 pi j / m, j < m/2
    std::vector<std::size_t> bitrev_;
};

}  // namespace vspace::detail
/// @endcond
