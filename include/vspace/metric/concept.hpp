// SPDX-License-Identifier: MIT
/// @file
/// The `metric` concept every distance satisfies, built-in or the user's own, and
/// `metric_traits`, which reads a metric's optional members with safe defaults.
///
/// A metric is any copyable type callable on two rows that returns something convertible to
/// float. That is all a user must write (see examples/custom_metric.cpp). Optional members:
///  - `static constexpr bool smaller_is_closer` (default true). Set it to false for a
///    similarity; indexes then rank larger values first and report them unchanged.
///  - `static constexpr metric_id id` and `static constexpr std::string_view name`: built-ins
///    only; saved in index files so that a file is loaded with the metric it was built with.
///  - `static simd::kernel<S> kernel(const simd::kernel_table<T>&)`: the SIMD kernel that
///    computes the metric's *search distance* for kind T. Built-ins have one; a custom metric
///    is called directly (inlined, compiled with the user's flags).
///  - `static float to_distance(float search_distance)`: the monotone map from the search
///    distance to the reported one (`l2` searches with squared L2 and reports its root).
#pragma once

#include <vspace/core/scalar.hpp>

#include <concepts>
#include <cstdint>
#include <string_view>

namespace vspace {

/// Stable on-disk identifier of the built-in metrics (never renumber).
enum class metric_id : std::uint8_t {
    custom = 0,
    l2sq = 1,
    l2 = 2,
    inner_product = 3,
    cosine = 4,
    hamming = 5,
    jaccard = 6,
};

/// A distance (or similarity) over two rows of kind T.
///
/// A type that is not callable on two `row<T>` fails here with a one-line diagnostic
/// ("the required expression 'm(a, b)' is invalid") instead of pages of template errors.
/// @tparam M the metric type
/// @tparam T float, std::int8_t or vspace::bit
template <class M, class T>
concept metric = scalar<T> && std::copy_constructible<M> &&
                 requires(const M& m, row<T> a, row<T> b) {
                     { m(a, b) } -> std::convertible_to<float>;
                 };

/// The optional members of a metric, with their defaults.
template <class M>
struct metric_traits {
    static constexpr bool smaller_is_closer = [] {
        if constexpr (requires { M::smaller_is_closer; }) return bool{M::smaller_is_closer};
        else return true;
    }();
    static constexpr metric_id id = [] {
        if constexpr (requires { M::id; }) return metric_id{M::id};
        else return metric_id::custom;
    }();
    static constexpr std::string_view name = [] {
        if constexpr (requires { M::name; }) return std::string_view{M::name};
        else return std::string_view{"custom"};
    }();
};

/// Name of a built-in metric as the CLI spells it.
constexpr std::string_view metric_name(metric_id id) noexcept {
    switch (id) {
        case metric_id::custom: return "custom";
        case metric_id::l2sq: return "l2sq";
        case metric_id::l2: return "l2";
        case metric_id::inner_product: return "ip";
        case metric_id::cosine: return "cosine";
        case metric_id::hamming: return "hamming";
        case metric_id::jaccard: return "jaccard";
    }
    return "unknown";
}

}  // namespace vspace
