// SPDX-License-Identifier: MIT
/// @file
/// The `quantizer` concept: what `rescored_index` needs from a float-to-code quantizer
/// (`int8_quantizer` and `binary_quantizer` satisfy it, and so can yours).
#pragma once

#include <vspace/core/matrix.hpp>

#include <concepts>
#include <cstddef>
#include <span>

namespace vspace {

/// Maps float vectors of `dims()` dimensions to codes of kind Code, one row or a batch.
/// @tparam Q the quantizer type
/// @tparam Code std::int8_t or vspace::bit
template <class Q, class Code>
concept quantizer = requires(const Q& q, matrix_view<float> data, std::span<const float> x,
                             std::span<storage_t<Code>> out, std::size_t n_threads) {
    { q.dims() } -> std::convertible_to<std::size_t>;
    { q.quantize(data, n_threads) } -> std::same_as<matrix<Code>>;
    q.quantize(x, out);
};

}  // namespace vspace
