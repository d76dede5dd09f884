// SPDX-License-Identifier: MIT
/// @file
/// `bound_metric<M, T>`: a metric resolved once for use in an index's inner loops. Built-ins
/// bind to the SIMD kernel of the active level (one indirect call per distance, no per-call
/// dispatch); custom metrics are called directly. Either way the index sees one "search
/// distance", where smaller is always closer, and converts to the user's units only for the
/// k results it returns.
#pragma once

#include <vspace/metric/concept.hpp>
#include <vspace/simd/kernel_table.hpp>

#include <cstddef>
#include <utility>

namespace vspace {

/// A metric ready for hot loops. Cheap to copy (a metric instance and two pointers).
/// @tparam M satisfies `metric<M, T>`
/// @tparam T float, std::int8_t or vspace::bit
template <class M, class T>
    requires metric<M, T>
class bound_metric {
public:
    using storage_type = storage_t<T>;

    /// True when M names a SIMD kernel for T (the built-ins do).
    static constexpr bool has_kernel = requires(const simd::kernel_table<T>& t) {
        { M::kernel(t) } -> std::same_as<simd::kernel<storage_type>>;
    };
    static constexpr bool smaller_is_closer = metric_traits<M>::smaller_is_closer;

    explicit bound_metric(M m = M{}) : metric_(std::move(m)) {
        if constexpr (has_kernel) kernel_ = M::kernel(simd::kernels<T>());
    }

    /// The search distance between two rows of `n` storage elements (smaller is closer).
    float operator()(const storage_type* a, const storage_type* b, std::size_t n) const {
        if constexpr (has_kernel) {
            return kernel_.one(a, b, n);
        } else {
            const float d = static_cast<float>(metric_(row<T>(a, n), row<T>(b, n)));
            return smaller_is_closer ? d : -d;
        }
    }

    /// out[i] = search distance from `q` to row i of a block of `rows` rows.
    void many(const storage_type* q, const storage_type* base, std::size_t stride, std::size_t rows,
              std::size_t n, float* out) const {
        if constexpr (has_kernel) {
            kernel_.many(q, base, stride, rows, n, out);
        } else {
            for (std::size_t i = 0; i < rows; ++i) out[i] = (*this)(q, base + i * stride, n);
        }
    }

    /// The reported distance for a search distance (square root for l2, sign back for a
    /// similarity, identity otherwise).
    float to_distance(float search_distance) const noexcept {
        if constexpr (requires { M::to_distance(search_distance); })
            return M::to_distance(search_distance);
        else
            return smaller_is_closer ? search_distance : -search_distance;
    }

    /// The kernel this metric is bound to (only when `has_kernel`).
    simd::kernel<storage_type> kernel() const noexcept
        requires has_kernel
    {
        return kernel_;
    }

    const M& get() const noexcept { return metric_; }

private:
    M metric_;
    simd::kernel<storage_type> kernel_{};
};

}  // namespace vspace
