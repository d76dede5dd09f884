// SPDX-License-Identifier: MIT
/// @file
/// The float metrics of the `vspace` tool by name (`--metric l2|cosine|ip`) and how int8 codes
/// are fitted and compared so that they rank like the floats. Shared by knn, build and search.
#pragma once

#include "command.hpp"

#include <vspace/metric/cosine.hpp>
#include <vspace/metric/concept.hpp>
#include <vspace/metric/inner_product.hpp>
#include <vspace/metric/l2.hpp>
#include <vspace/quantize/int8.hpp>

#include <string>

namespace vspace::cli {

/// Calls `f.template operator()<M>()` with M the float metric named on the command line
/// (`l2`, `cosine` or `ip`). Throws usage_error for any other name (hamming needs bits).
template <class F>
decltype(auto) with_float_metric(const std::string& name, F&& f) {
    if (name == "l2") return f.template operator()<vspace::l2>();
    if (name == "cosine") return f.template operator()<vspace::cosine>();
    if (name == "ip") return f.template operator()<vspace::inner_product>();
    VSPACE_THROW(usage_error, "--metric ", name, " needs binary vectors (expected --type b1)");
}

/// How codes are compared so that they rank like floats under M, and how int8 codes are fitted
/// for it: one range for all dimensions keeps code L2 proportional to float L2; one symmetric
/// scale keeps dot products and cosines proportional.
template <class M>
struct code_search;
template <>
struct code_search<vspace::l2> {
    using int8_metric = vspace::l2sq;
    static constexpr auto mode = vspace::int8_mode::uniform;
};
template <>
struct code_search<vspace::cosine> {
    using int8_metric = vspace::cosine;
    static constexpr auto mode = vspace::int8_mode::symmetric;
};
template <>
struct code_search<vspace::inner_product> {
    using int8_metric = vspace::inner_product;
    static constexpr auto mode = vspace::int8_mode::symmetric;
};

}  // namespace vspace::cli
