// SPDX-License-Identifier: MIT
/// @file
/// `logistic_regression`: multinomial (softmax) logistic regression on embeddings, trained by
/// L-BFGS (Nocedal 1980; Nocedal & Wright 2006, algorithm 7.4) with an L2 penalty. The usual
/// "linear probe": usually the most accurate of the three classifiers here, at the cost of a
/// training step. Uses Eigen for the matrix products (analyze/ bodies may).
#pragma once

#include <vspace/analyze/labels.hpp>
#include <vspace/core/eigen.hpp>
#include <vspace/detail/validate.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace vspace {

/// Settings of `logistic_regression`.
struct logistic_regression_options {
    /// L2 penalty lambda in  mean log-loss + lambda / 2 |W|^2  (the intercepts are not
    /// penalised). scikit-learn's C corresponds to lambda = 1 / (C n); its default C = 1 on
    /// 1000 rows is lambda = 1e-3.
    double l2 = 1e-3;
    /// Most L-BFGS iterations (scikit-learn: 100; more is cheap here).
    std::size_t max_iter = 500;
    /// Stop when the largest gradient component is below this.
    double tol = 1e-6;
    /// Correction pairs L-BFGS keeps ("m" in Nocedal & Wright; 10 is theirs and scipy's).
    std::size_t history = 10;
};

/// How training went. Not converging is not an error: the weights of the last step are kept.
struct logistic_fit_report {
    std::size_t iterations = 0;
    bool converged = false;
    double loss = 0;  ///< final penalised mean log-loss
};

/// Multinomial logistic regression: P(class c | x) = softmax(W^T x + b)_c.
/// `fit` is deterministic (single-threaded Eigen, fixed start at zero); `predict` is const.
class logistic_regression {
public:
    explicit logistic_regression(const logistic_regression_options& options = {}) : options_(options) {}

    /// Trains on rows of `data` with class ids `labels` (n_classes = 0: largest id + 1; at
    /// least 2 classes). Memory: a double copy of the data. Throws shape_error when labels and
    /// rows differ in count, invalid_argument for bad options or ids, data_error for NaN.
    logistic_fit_report fit(matrix_view<float> data, std::span<const std::uint32_t> labels, std::size_t n_classes = 0) {
        const std::size_t k = detail::check_labels(data.rows(), labels, n_classes, "logistic_regression::fit");
        if (k < 2) VSPACE_THROW(invalid_argument, "logistic_regression::fit: ", k, " class (expected at least 2)");
        if (!(options_.l2 >= 0)) VSPACE_THROW(invalid_argument, "logistic_regression::fit: l2 = ", options_.l2, " (expected >= 0)");
        if (options_.history == 0) VSPACE_THROW(invalid_argument, "logistic_regression::fit: history = 0 (expected >= 1)");
        detail::check_finite(data, "logistic_regression::fit");
        const auto n = static_cast<Eigen::Index>(data.rows()), d = static_cast<Eigen::Index>(data.dims());
        const auto c = static_cast<Eigen::Index>(k);
        Eigen::MatrixXd x = as_eigen(data).cast<double>();
        Eigen::MatrixXd y = Eigen::MatrixXd::Zero(n, c);
        for (Eigen::Index i = 0; i < n; ++i) y(i, labels[static_cast<std::size_t>(i)]) = 1.0;

        // parameters: W (d x c) then b (c), column-major in one vector
        const Eigen::Index dim = (d + 1) * c;
        auto objective = [&](const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
            const Eigen::Map<const Eigen::MatrixXd> w(theta.data(), d, c);
            const Eigen::Map<const Eigen::RowVectorXd> b(theta.data() + d * c, c);
            Eigen::MatrixXd z = x * w;
            z.rowwise() += b;
            double loss = 0;
            for (Eigen::Index i = 0; i < n; ++i) {  // softmax with the max subtracted: no overflow
                const double m = z.row(i).maxCoeff();
                const double s = (z.row(i).array() - m).exp().sum();
                loss += m + std::log(s) - (z.row(i).array() * y.row(i).array()).sum();
                z.row(i) = ((z.row(i).array() - m).exp() / s).matrix();
            }
            z -= y;  // P - Y
            grad.resize(dim);
            Eigen::Map<Eigen::MatrixXd> gw(grad.data(), d, c);
            gw.noalias() = x.transpose() * z / double(n) + options_.l2 * w;
            Eigen::Map<Eigen::RowVectorXd>(grad.data() + d * c, c) = z.colwise().sum() / double(n);
            return loss / double(n) + 0.5 * options_.l2 * w.squaredNorm();
        };

        Eigen::VectorXd theta = Eigen::VectorXd::Zero(dim), grad, next, next_grad;
        double f = objective(theta, grad);
        std::deque<std::pair<Eigen::VectorXd, Eigen::VectorXd>> pairs;  // (s, y) = (step, gradient change)
        logistic_fit_report report;
        for (report.iterations = 0; report.iterations < options_.max_iter; ++report.iterations) {
            if (grad.lpNorm<Eigen::Infinity>() < options_.tol) {
                report.converged = true;
                break;
            }
            // two-loop recursion: direction = -H grad
            Eigen::VectorXd q = grad;
            std::vector<double> alpha(pairs.size());
            for (std::size_t j = pairs.size(); j-- > 0;) {
                alpha[j] = pairs[j].first.dot(q) / pairs[j].second.dot(pairs[j].first);
                q -= alpha[j] * pairs[j].second;
            }
            if (!pairs.empty()) q *= pairs.back().first.dot(pairs.back().second) / pairs.back().second.squaredNorm();
            for (std::size_t j = 0; j < pairs.size(); ++j) {
                const double beta = pairs[j].second.dot(q) / pairs[j].second.dot(pairs[j].first);
                q += (alpha[j] - beta) * pairs[j].first;
            }
            Eigen::VectorXd dir = -q;
            double slope = grad.dot(dir);
            if (!(slope < 0)) {  // not a descent direction (numerical trouble): restart from -grad
                pairs.clear();
                dir = -grad;
                slope = -grad.squaredNorm();
            }
            // backtracking line search with the Armijo condition
            double step = pairs.empty() ? 1.0 / std::max(1.0, grad.lpNorm<Eigen::Infinity>()) : 1.0, fn = f;
            bool moved = false;
            for (int tries = 0; tries < 40; ++tries, step *= 0.5) {
                next = theta + step * dir;
                fn = objective(next, next_grad);
                if (fn <= f + 1e-4 * step * slope) {
                    moved = true;
                    break;
                }
            }
            if (!moved) break;  // no decrease possible at this precision: keep the current weights
            Eigen::VectorXd s = next - theta, yv = next_grad - grad;
            if (s.dot(yv) > 1e-12 * yv.squaredNorm()) {  // keep the curvature pair only if it is positive
                pairs.emplace_back(std::move(s), std::move(yv));
                if (pairs.size() > options_.history) pairs.pop_front();
            }
            theta.swap(next);
            grad.swap(next_grad);
            f = fn;
        }
        report.loss = f;
        weights_ = matrix<float>(static_cast<std::size_t>(c), data.dims());
        for (Eigen::Index j = 0; j < c; ++j)
            for (Eigen::Index i = 0; i < d; ++i)
                weights_(static_cast<std::size_t>(j), static_cast<std::size_t>(i)) = static_cast<float>(theta(j * d + i));
        bias_.assign(static_cast<std::size_t>(c), 0.f);
        for (Eigen::Index j = 0; j < c; ++j) bias_[static_cast<std::size_t>(j)] = static_cast<float>(theta(d * c + j));
        return report;
    }

    /// Class probabilities, one row per query (rows sum to 1). Throws before `fit`.
    matrix<float> predict_proba(matrix_view<float> queries) const {
        if (weights_.empty()) VSPACE_THROW(invalid_argument, "logistic_regression::predict: not fitted (call fit first)");
        detail::check_dims(queries.dims(), weights_.dims(), "logistic_regression::predict", "queries");
        detail::check_finite(queries, "logistic_regression::predict");
        matrix<float> p(queries.rows(), weights_.rows());
        auto out = as_eigen(p);
        out.noalias() = as_eigen(queries) * as_eigen(weights_).transpose();
        for (Eigen::Index i = 0; i < out.rows(); ++i) {
            for (Eigen::Index j = 0; j < out.cols(); ++j) out(i, j) += bias_[static_cast<std::size_t>(j)];
            const float m = out.row(i).maxCoeff();
            out.row(i) = (out.row(i).array() - m).exp().matrix();
            out.row(i) /= out.row(i).sum();
        }
        return p;
    }

    /// The most probable class of each query.
    std::vector<std::uint32_t> predict(matrix_view<float> queries) const {
        const auto p = predict_proba(queries);
        std::vector<std::uint32_t> out(queries.rows());
        for (std::size_t i = 0; i < p.rows(); ++i) {
            std::size_t best = 0;
            for (std::size_t j = 1; j < p.dims(); ++j)
                if (p(i, j) > p(i, best)) best = j;
            out[i] = static_cast<std::uint32_t>(best);
        }
        return out;
    }

    /// Row c = weight vector of class c.
    matrix_view<float> weights() const noexcept { return weights_.view(); }
    std::span<const float> bias() const noexcept { return bias_; }

private:
    logistic_regression_options options_;
    matrix<float> weights_;
    std::vector<float> bias_;
};

}  // namespace vspace
