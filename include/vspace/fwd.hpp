// SPDX-License-Identifier: MIT
/// @file
/// Forward declarations of the public class templates, for headers that only name them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vspace {

struct bit;
template <class T> class matrix;
template <class T> class matrix_view;
template <class T> class mutable_matrix_view;
template <class Metric, class T> class flat_index;

}  // namespace vspace
