// SPDX-License-Identifier: MIT
// Must-not-compile cases: a type that is not a metric for the scalar kind is rejected by the
// `metric` concept at the point of use, with a diagnostic that names the concept and the
// required expression. VSPACE_CASE selects the case; case 0 is the control that must compile
// (so a failure of the others cannot come from a broken include).
#include <vspace/index/flat.hpp>
#include <vspace/metric/l2.hpp>

#include <span>

// Has a distance, but under a member name the concept does not know.
struct not_a_metric {
    float distance(std::span<const float>, std::span<const float>) const { return 0; }
};

// A metric for float rows only; binary rows are spans of 64-bit words.
struct float_only_metric {
    float operator()(std::span<const float>, std::span<const float>) const { return 0; }
};

#if VSPACE_CASE == 0
using index_type = vspace::flat_index<vspace::l2, float>;
static_assert(vspace::metric<float_only_metric, float>);
#elif VSPACE_CASE == 1
using index_type = vspace::flat_index<not_a_metric, float>;
#elif VSPACE_CASE == 2
using index_type = vspace::flat_index<float_only_metric, vspace::bit>;
#endif

int main() {
    index_type idx(4);
    return static_cast<int>(idx.size());
}
