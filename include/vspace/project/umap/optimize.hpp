// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// UMAP's layout optimisation (McInnes et al. 2018, section 3.2 and Alg. 5): stochastic
/// gradient descent on the fuzzy-set cross entropy, with edges sampled in proportion to their
/// weight and `negative_sample_rate` random vertices per positive sample for the repulsion.
///
/// The low-dimensional similarity is q(d) = 1 / (1 + a d^(2b)); for squared distance s = d^2
///   attraction  step = -2ab s^(b-1) / (1 + a s^b) * (y_i - y_j)
///   repulsion   step = 2 gamma b / ((0.001 + s)(1 + a s^b)) * (y_i - y_k),
/// each coordinate clipped to [-4, 4] and scaled by the learning rate alpha = alpha0 (1 - e/E).
///
/// Deterministic in parallel: in each epoch a vertex reads every *other* vertex from a
/// snapshot taken at the start of the epoch and only ever writes its own coordinates, with its
/// own random stream (seed, epoch, vertex). No update depends on which thread ran which
/// vertex, so the output bytes are the same for any thread count. umap-learn moves both ends
/// of an edge when it samples i -> j and again when it samples j -> i; here each end moves
/// itself when its own copy of the edge is sampled, by twice the step, which is the same pull.
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/core/random.hpp>
#include <vspace/project/umap/fuzzy_graph.hpp>
#include <vspace/project/umap/sgd_state.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace vspace::detail {

/// Eight floats (GCC/Clang vector extension): one AVX register, or two SSE registers on
/// the x86-64 baseline. The negative samples are evaluated eight at a time in these.
using float8 = float __attribute__((vector_size(32)));
using int8x = std::int32_t __attribute__((vector_size(32)));
using uint8x = std::uint32_t __attribute__((vector_size(32)));
inline constexpr std::size_t sgd_lanes = 8;

// The helpers below take and give float8 by reference: by value, GCC warns that the calling
// convention of 32-byte vectors differs with and without AVX (-Wpsabi), although they inline.
// For the same reason bits are reinterpreted with memcpy rather than std::bit_cast (which
// returns its result by value).

/// `to` <- the bits of `from` (same size).
template <class To, class From>
inline void reinterpret_into(To& to, const From& from) noexcept {
    static_assert(sizeof(To) == sizeof(From));
    std::memcpy(&to, &from, sizeof to);
}

/// x <- log2(x) for positive normal floats: the exponent plus a degree-7 polynomial in the
/// mantissa (least-squares fit on [1, 2); absolute error < 1e-6).
inline void fast_log2(float8& x) noexcept {
    uint8x bits;
    reinterpret_into(bits, x);
    const float8 e = __builtin_convertvector(bits >> 23, float8) - 127.0f;
    const uint8x mantissa = (bits & 0x007FFFFFu) | 0x3F800000u;  // in [1, 2)
    float8 u;
    reinterpret_into(u, mantissa);
    u -= 1.0f;
    float8 p = u * 0.015251047f - 0.078356914f;
    p = p * u + 0.19230710f;
    p = p * u - 0.32429487f;
    p = p * u + 0.47289339f;
    p = p * u - 0.72045833f;
    p = p * u + 1.4426593f;
    x = e + p * u;
}

/// y <- 2^y for y in [-126, 126] (clamped): the integer part into the exponent bits, the
/// fraction by a degree-5 polynomial (least-squares fit on [0, 1); relative error < 3e-7).
inline void fast_exp2(float8& y) noexcept {
    y = y < -126.0f ? float8{} - 126.0f : y;
    y = y > 126.0f ? float8{} + 126.0f : y;
    int8x n = __builtin_convertvector(y, int8x);  // truncates toward zero ...
    n += __builtin_convertvector(n, float8) > y;  // ... (true is -1) so step down below zero
    const float8 f = y - __builtin_convertvector(n, float8);
    float8 q = f * 0.0018943794f + 0.0089405822f;
    q = q * f + 0.055876557f;
    q = q * f + 0.24013169f;
    q = q * f + 0.69315678f;
    q = q * f + 0.99999976f;
    const int8x exponent = (n + 127) << 23;
    float8 scale;
    reinterpret_into(scale, exponent);
    y = q * scale;
}

/// x <- x^p for positive normal x, eight at a time. The SGD evaluates one power per negative
/// sample; exp2(p log2 x) with the polynomials above is accurate to ~1e-6 relative (far
/// below the noise of stochastic gradients) and vectorises, which std::pow does not.
inline void pow_positive(float8& x, float p) noexcept {
    fast_log2(x);
    x *= p;
    fast_exp2(x);
}

inline void clip4(float8& v) noexcept {
    v = v < -4.0f ? float8{} - 4.0f : v;
    v = v > 4.0f ? float8{} + 4.0f : v;
}

/// Sum of the eight lanes (pairwise, by halves).
inline float lane_sum(const float8& v) noexcept {
    const float8 h = v + __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3);
    const float8 q = h + __builtin_shufflevector(h, h, 2, 3, 0, 1, 2, 3, 0, 1);
    return q[0] + q[1];
}

/// A uniform index in [0, n) from 32 random bits by multiply-shift (Lemire 2019 without the
/// rejection step: the bias is below n / 2^32, under 2e-5 for a million points, far below the
/// noise of negative sampling). One 64-bit draw gives two.
inline std::uint32_t scale32(std::uint32_t bits, std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(bits) * n) >> 32);
}

/// Per-worker scratch of the epoch loop.
struct sgd_scratch {
    std::vector<std::uint32_t> due;  ///< the vertex's edges sampled this epoch
    std::vector<float> lanes;        ///< dim x sgd_lanes: the other ends of one batch, by dimension
};

/// One vertex's samples of epoch `st.epoch`. It writes only its own row of `head`, and reads
/// other vertices from `others` (the epoch's snapshot, or the fixed tail of a transform).
///
/// A sampled edge and its negative samples are evaluated together, at the vertex's position
/// before the sample: lane 0 of an eight-lane batch holds the edge's other end (attraction),
/// lanes 1.. the random vertices (repulsion), and their clipped steps are summed. umap-learn
/// applies them one after another; together they form no dependency chain and fill a vector
/// register. Each step is clipped and small, so the order within a sample does not matter to
/// the layout (the tests hold map quality to umap-learn's).
template <std::size_t Dim>
void sgd_vertex(sgd_state& st, const fuzzy_graph& g, std::size_t dynamic_dim, float* head, const float* others,
                bool self_tail, const sgd_params& p, float alpha, std::size_t i, sgd_scratch& scratch) noexcept {
    const std::size_t dim = Dim == 0 ? dynamic_dim : Dim;
    const std::size_t first = g.offsets[i], last = g.offsets[i + 1];
    const auto now = static_cast<float>(st.epoch + 1);
    float* const next_sample = st.next_sample.data();
    float* const next_negative = st.next_negative.data();
    const float* const epochs_per_sample = st.epochs_per_sample.data();
    const std::uint32_t* const targets = g.targets.data();

    // The due edges, gathered without a branch per edge (which is due is unpredictable).
    std::uint32_t* const due = scratch.due.data();
    std::size_t n_due = 0;
    for (std::size_t e = first; e < last; ++e) {
        due[n_due] = static_cast<std::uint32_t>(e);
        n_due += next_sample[e] <= now ? 1 : 0;
    }
    if (n_due == 0) return;

    // Everything the loops read goes to locals: stores through float pointers could otherwise
    // alias them, and the compiler would reload them after every step.
    const float a = p.a, b = p.b, negative_rate = p.negative_rate;
    const float attract = -2.0f * a * b, repel = 2.0f * p.gamma * b;
    const float attract_step = p.attraction_scale * alpha, push = 4.0f * alpha;
    const auto n_tail = static_cast<std::uint32_t>(g.cols);
    rng gen(p.seed, static_cast<std::uint64_t>(st.epoch) * g.rows + i);
    float* const y = head + i * dim;
    float* const lanes = scratch.lanes.data();
    float8 lane0{};  // 1 in lane 0: the attraction lane
    lane0[0] = 1.0f;

    for (std::size_t c = 0; c < n_due; ++c) {
        const std::size_t e = due[c];
        const float eps = epochs_per_sample[e];
        next_sample[e] += eps;
        const float per_negative = eps / negative_rate;
        const float owed = negative_rate > 0 ? (now - next_negative[e]) / per_negative : 0.0f;
        const auto negatives = static_cast<std::size_t>(std::max(owed, 0.0f));
        next_negative[e] += static_cast<float>(negatives) * per_negative;

        // Batches of eight lanes: the edge in lane 0 of the first, negatives in the rest.
        for (std::size_t done = 0, batch = 0; batch == 0 || done < negatives; ++batch) {
            std::uint32_t pick[sgd_lanes];
            float8 use{};
            for (std::size_t q = 0; q < sgd_lanes; q += 2) {
                const std::uint64_t bits = gen();
                pick[q] = scale32(static_cast<std::uint32_t>(bits), n_tail);
                pick[q + 1] = scale32(static_cast<std::uint32_t>(bits >> 32), n_tail);
            }
            const std::size_t from = batch == 0 ? 1 : 0;
            const std::size_t upto = std::min(sgd_lanes, from + (negatives - done));
            for (std::size_t q = 0; q < sgd_lanes; ++q) use[q] = q >= from && q < upto && !(self_tail && pick[q] == i);
            if (batch == 0) {
                pick[0] = targets[e];
                use[0] = 1.0f;
            }
            done += upto - from;
            for (std::size_t q = 0; q < sgd_lanes; ++q) {
                const float* other = others + static_cast<std::size_t>(pick[q]) * dim;
                for (std::size_t d = 0; d < dim; ++d) lanes[d * sgd_lanes + q] = y[d] - other[d];
            }
            float8 t{};
            for (std::size_t d = 0; d < dim; ++d) {
                float8 v;
                std::memcpy(&v, lanes + d * sgd_lanes, sizeof v);
                v *= use;  // unused lanes count as coincident points, then contribute nothing
                t += v * v;
            }
            const float8 is_attraction = batch == 0 ? lane0 : float8{};
            const float8 safe = t > 0.0f ? t : float8{} + 1.0f;
            float8 tb = safe;
            pow_positive(tb, b);
            // attraction: -2ab t^(b-1) / (1 + a t^b); repulsion: 2 gamma b / ((0.001 + t)(1 + a t^b))
            const float8 numerator = is_attraction > 0.0f ? attract * tb : float8{} + repel;
            const float8 denominator = is_attraction > 0.0f ? safe : 0.001f + safe;
            const float8 coeff = numerator / (denominator * (1.0f + a * tb));
            const float8 rate = is_attraction > 0.0f ? float8{} + attract_step : float8{} + alpha;
            // coincident points: no pull, and a push by the largest step (as umap-learn)
            const float8 coincident = is_attraction > 0.0f ? float8{} : float8{} + push;
            for (std::size_t d = 0; d < dim; ++d) {
                float8 v;
                std::memcpy(&v, lanes + d * sgd_lanes, sizeof v);
                v *= coeff;
                clip4(v);
                y[d] += lane_sum(use * (t > 0.0f ? rate * v : coincident));
            }
        }
    }
}

/// Sets up the sampling schedule of graph `g`: an edge of weight w is sampled w / max_w times
/// per epoch, and `negative_rate` times as many negative samples are drawn for it.
inline void sgd_start(sgd_state& st, const fuzzy_graph& g, std::size_t dim, bool self_tail, const sgd_params& p) {
    float max_w = 0;
    for (float w : g.weights) max_w = std::max(max_w, w);
    const std::size_t m = g.edges();
    st.epochs_per_sample.resize(m);
    st.next_sample.resize(m);
    st.next_negative.resize(m);
    for (std::size_t e = 0; e < m; ++e) {
        const float eps = g.weights[e] > 0 ? max_w / g.weights[e] : std::numeric_limits<float>::infinity();
        st.epochs_per_sample[e] = eps;
        st.next_sample[e] = eps;
        st.next_negative[e] = p.negative_rate > 0 ? eps / p.negative_rate : eps;
    }
    st.snapshot.assign(self_tail ? g.rows * dim : 0, 0.0f);
    st.max_degree = 0;
    for (std::size_t i = 0; i < g.rows; ++i) st.max_degree = std::max(st.max_degree, g.offsets[i + 1] - g.offsets[i]);
    st.epoch = 0;
}

/// Runs up to `count` epochs of the layout of `head` (g.rows x dim) against `tail`
/// (g.cols x dim; pass `head` itself for a fit). Returns the epochs run.
inline std::size_t sgd_run(sgd_state& st, const fuzzy_graph& g, std::size_t dim, float* head, const float* tail,
                           const sgd_params& p, std::size_t count) {
    const bool self_tail = head == tail;
    std::size_t ran = 0;
    for (; ran < count && st.epoch < p.n_epochs; ++ran, ++st.epoch) {
        const float alpha = p.initial_alpha * (1.0f - static_cast<float>(st.epoch) / static_cast<float>(p.n_epochs));
        const float* others = tail;
        if (self_tail) {
            std::memcpy(st.snapshot.data(), head, st.snapshot.size() * sizeof(float));
            others = st.snapshot.data();
        }
        // Vertices differ in degree: chunks are handed out on demand. Results do not depend on
        // which worker takes a chunk (see the file comment).
        parallel_for_dynamic(p.n_threads, g.rows, 512, [&](std::size_t begin, std::size_t end, std::size_t) {
            sgd_scratch scratch{std::vector<std::uint32_t>(st.max_degree + 1), std::vector<float>(sgd_lanes * dim)};
            for (std::size_t i = begin; i < end; ++i) {
                // the common 2-D and 3-D maps get loops the compiler can unroll
                if (dim == 2) sgd_vertex<2>(st, g, dim, head, others, self_tail, p, alpha, i, scratch);
                else if (dim == 3) sgd_vertex<3>(st, g, dim, head, others, self_tail, p, alpha, i, scratch);
                else sgd_vertex<0>(st, g, dim, head, others, self_tail, p, alpha, i, scratch);
            }
        });
    }
    return ran;
}

}  // namespace vspace::detail
/// @endcond
