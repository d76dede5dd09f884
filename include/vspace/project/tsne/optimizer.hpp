// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The t-SNE optimisation, independent of the metric and the data kind: gradient descent with
/// momentum and per-coordinate gains (Jacobs 1988, as in every t-SNE since 2008), early
/// exaggeration, step clipping and recentring, over a choice of repulsion methods. Also the
/// placement of new points on a fixed map (openTSNE's transform).
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/tsne/affinities.hpp>
#include <vspace/project/tsne/attraction.hpp>
#include <vspace/project/tsne/gradient_barnes_hut.hpp>
#include <vspace/project/tsne/gradient_exact.hpp>
#include <vspace/project/tsne/gradient_fft.hpp>
#include <vspace/project/tsne/options.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace vspace::detail {

/// One of the three repulsion methods, with the state it reuses between evaluations.
class repulsion_engine {
public:
    repulsion_engine() = default;
    repulsion_engine(tsne_gradient method, double theta, fft_grid_settings fft)
        : method_(method), theta_(theta), fft_settings_(fft) {}

    tsne_gradient method() const noexcept { return method_; }

    /// `repulsion_output` (see kernel.hpp) of targets against sources.
    void compute(std::span<const float> sources, std::span<const float> targets, bool self, const student_t& kernel,
                 repulsion_output out, std::size_t n_threads) {
        switch (method_) {
            case tsne_gradient::barnes_hut:
                barnes_hut_repulsion(tree_, sources, targets, self, theta_, kernel, out, n_threads);
                break;
            case tsne_gradient::fft_interpolation:
                fft_.compute(sources, targets, self, kernel, fft_settings_, out, n_threads);
                break;
            default: exact_repulsion(sources, targets, self, kernel, out, n_threads); break;
        }
    }

    /// FFT side of the last evaluation (0 for the other methods).
    std::size_t fft_size() const noexcept { return method_ == tsne_gradient::fft_interpolation ? fft_.fft_size() : 0; }

private:
    tsne_gradient method_ = tsne_gradient::exact;
    double theta_ = 0.5;
    fft_grid_settings fft_settings_;
    quadtree tree_;
    fft_repulsion fft_;
};

/// The step-size schedule, resolved from tsne_options (no automatic values left).
struct tsne_schedule {
    std::size_t iterations = 750;
    std::size_t early_iterations = 250;
    double early_exaggeration = 12, exaggeration = 1;
    double momentum = 0.5, final_momentum = 0.8;
    double learning_rate = 200;
    double max_step_norm = 5;
    std::size_t kl_every = 50;
};

/// Gradient descent with momentum and gains (delta-bar-delta): a coordinate's gain grows by
/// 0.2 while its gradient keeps pointing against its last step, and shrinks by 0.8 when it
/// flips; gains stay >= 0.01. Steps longer than `max_step` are shortened.
inline void descend(std::span<float> y, std::span<const float> grad, std::span<float> update, std::span<float> gains,
                    double momentum, double learning_rate, double max_step, std::size_t n_threads) {
    const auto mom = static_cast<float>(momentum), lr = static_cast<float>(learning_rate);
    const auto max_step2 = static_cast<float>(max_step * max_step);
    parallel_for(n_threads, y.size() / 2, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i) {
            for (std::size_t c = 2 * i; c < 2 * i + 2; ++c) {
                const bool agree = (grad[c] > 0) == (update[c] > 0) && (grad[c] == 0) == (update[c] == 0);
                gains[c] = agree ? std::max(gains[c] * 0.8f, 0.01f) : gains[c] + 0.2f;
                update[c] = mom * update[c] - lr * gains[c] * grad[c];
            }
            const float norm2 = update[2 * i] * update[2 * i] + update[2 * i + 1] * update[2 * i + 1];
            if (max_step2 > 0 && norm2 > max_step2) {
                const float shrink = std::sqrt(max_step2 / norm2);
                update[2 * i] *= shrink, update[2 * i + 1] *= shrink;
            }
            y[2 * i] += update[2 * i];
            y[2 * i + 1] += update[2 * i + 1];
        }
    });
}

/// The optimisation of a whole map. Not templated: the metric and data kind only matter for
/// P, which it receives built.
class tsne_optimizer {
public:
    tsne_optimizer(sparse_rows p, std::vector<float> y, student_t kernel, repulsion_engine engine,
                   tsne_schedule schedule, std::size_t n_threads)
        : p_(std::move(p)), y_(std::move(y)), kernel_(kernel), engine_(std::move(engine)), schedule_(schedule),
          n_threads_(n_threads) {
        const std::size_t n = y_.size() / 2;
        attract_.resize(2 * n), repulse_.resize(2 * n), grad_.resize(2 * n), sums_.resize(n);
        update_.assign(2 * n, 0.0f), gains_.assign(2 * n, 1.0f);
        p_log_p_ = sum_p_log_p(p_, n_threads_);
        p_sum_ = blocked_sum(p_.n, n_threads_, [&](std::size_t i) {
            double s = 0;
            for (std::size_t e = p_.row_begin(i); e < p_.row_end(i); ++e) s += p_.values[e];
            return s;
        });
    }

    /// Runs up to `count` more iterations; returns how many ran. The final KL divergence is
    /// computed when the last iteration has run.
    std::size_t step(std::size_t count) {
        std::size_t ran = 0;
        for (; ran < count && iteration_ < schedule_.iterations; ++ran, ++iteration_) iterate();
        if (done() && !final_kl_) {
            final_kl_ = true;
            final_kl_value_ = kl_divergence();
            history_.push_back({iteration_, final_kl_value_});
        }
        return ran;
    }

    bool done() const noexcept { return iteration_ >= schedule_.iterations; }
    std::size_t iteration() const noexcept { return iteration_; }
    std::size_t n_iterations() const noexcept { return schedule_.iterations; }
    std::span<const float> positions() const noexcept { return y_; }
    const std::vector<tsne_kl_record>& kl_history() const noexcept { return history_; }
    const repulsion_engine& engine() const noexcept { return engine_; }
    const sparse_rows& affinities() const noexcept { return p_; }
    /// KL of the final map, once done (NaN before).
    double final_kl() const noexcept { return final_kl_ ? final_kl_value_ : std::nan(""); }

    /// KL(P || Q) of the current map (costs one repulsion evaluation).
    double kl_divergence() {
        engine_.compute(y_, y_, true, kernel_, {repulse_.data(), sums_.data()}, n_threads_);
        return kl_from(normaliser());
    }

private:
    double normaliser() const {
        double z = 0;
        for (double s : sums_) z += s;  // in index order: the same for any thread count
        return z;
    }

    double kl_from(double z) const {
        return p_log_p_ - sum_p_log_w(p_, y_, y_, kernel_, n_threads_) + p_sum_ * std::log(z);
    }

    void iterate() {
        const bool early = iteration_ < schedule_.early_iterations;
        const double exaggeration = early ? schedule_.early_exaggeration : schedule_.exaggeration;
        engine_.compute(y_, y_, true, kernel_, {repulse_.data(), sums_.data()}, n_threads_);
        const double z = normaliser();
        if (schedule_.kl_every != 0 && iteration_ % schedule_.kl_every == 0)
            history_.push_back({iteration_, kl_from(z)});
        attraction(p_, y_, y_, kernel_, attract_.data(), n_threads_);
        // dC/dy / 4 = exaggeration * attraction - repulsion / z (Kobak et al. 2019, eq. 3).
        const auto ex = static_cast<float>(exaggeration), inv_z = static_cast<float>(1.0 / z);
        parallel_for(n_threads_, grad_.size(), [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t c = begin; c < end; ++c) grad_[c] = ex * attract_[c] - repulse_[c] * inv_z;
        });
        descend(y_, grad_, update_, gains_, early ? schedule_.momentum : schedule_.final_momentum,
                schedule_.learning_rate, schedule_.max_step_norm, n_threads_);
        recenter();
    }

    /// Keeps the map's mean at the origin (the gradient is translation invariant; this only
    /// stops float coordinates from drifting), as FIt-SNE and openTSNE do.
    void recenter() {
        const std::size_t n = y_.size() / 2;
        double mx = 0, my = 0;
        for (std::size_t i = 0; i < n; ++i) mx += y_[2 * i], my += y_[2 * i + 1];
        if (!std::isfinite(mx) || !std::isfinite(my))
            VSPACE_THROW(data_error, "tsne: the map diverged at iteration ", iteration_,
                         " (non-finite coordinates; expected a smaller learning_rate or a max_step_norm)");
        const auto cx = static_cast<float>(mx / static_cast<double>(n)), cy = static_cast<float>(my / static_cast<double>(n));
        for (std::size_t i = 0; i < n; ++i) y_[2 * i] -= cx, y_[2 * i + 1] -= cy;
    }

    sparse_rows p_;
    std::vector<float> y_;
    student_t kernel_;
    repulsion_engine engine_;
    tsne_schedule schedule_;
    std::size_t n_threads_ = 0;
    std::size_t iteration_ = 0;
    std::vector<float> attract_, repulse_, grad_, update_, gains_;
    std::vector<double> sums_;
    double p_log_p_ = 0, p_sum_ = 1;
    std::vector<tsne_kl_record> history_;
    bool final_kl_ = false;
    double final_kl_value_ = 0;
};

/// Optimises new points against a fixed map (openTSNE's transform): `p` has one row per new
/// point over the map's points, each summing to 1; the new points attract to their rows'
/// points and are repelled by the whole map, never by each other, so each point minimises its
/// own KL(p_i || q_i), q_ij = w_ij / sum_j w_ij. `y` holds their starting positions. Momentum
/// 0.5 throughout: the points start next to their neighbours and need no long strides.
inline void place_points(const sparse_rows& p, std::span<const float> map, std::span<float> y, const student_t& kernel,
                         repulsion_engine& engine, std::size_t iterations, double learning_rate,
                         std::size_t n_threads) {
    const std::size_t m = y.size() / 2;
    std::vector<float> attract(2 * m), repulse(2 * m), grad(2 * m), update(2 * m, 0.0f), gains(2 * m, 1.0f);
    std::vector<double> sums(m);
    for (std::size_t it = 0; it < iterations; ++it) {
        engine.compute(map, y, false, kernel, {repulse.data(), sums.data()}, n_threads);
        attraction(p, y, map, kernel, attract.data(), n_threads);
        // dC_i/dy_i / 2 = attraction - repulsion / (point i's own normaliser)
        for (std::size_t t = 0; t < m; ++t)
            for (std::size_t c = 2 * t; c < 2 * t + 2; ++c)
                grad[c] = attract[c] - static_cast<float>(repulse[c] / sums[t]);
        descend(y, grad, update, gains, 0.5, learning_rate, 0, n_threads);
    }
    for (float v : y)
        if (!std::isfinite(v))
            VSPACE_THROW(data_error, "tsne::transform: the new points diverged (non-finite coordinates; expected a "
                                     "smaller transform_learning_rate)");
}

}  // namespace vspace::detail
/// @endcond
