// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// FFT-accelerated interpolation of the repulsive forces (Linderman et al. 2019, "FIt-SNE"):
/// the map is covered by a square grid of equispaced nodes (FIt-SNE's boxes times p nodes per
/// box and side); every source spreads its charges (1, x, y) onto the p x p nodes nearest to it
/// with Lagrange weights, the node potentials are a discrete convolution with the kernel (a 2-D
/// Toeplitz product, done by FFT), and every target interpolates the potentials back from its
/// p x p nearest nodes. O(n p^2 + M^2 log M) per evaluation, M the FFT side.
///
/// Unlike FIt-SNE, which interpolates from the p nodes of the box a point falls in, each point
/// uses the p nodes around the grid cell it is in: the Lagrange error term prod (u - u_j) is
/// then at most 0.375 node spacings^3 for p = 3 instead of 1.875 at the same grid and FFT cost,
/// and the interpolated forces are continuous (box edges make them jump, and the jumps cost
/// gradient descent about 0.02 of final KL divergence on the digits data).
#pragma once

#include <vspace/core/parallel.hpp>
#include <vspace/project/tsne/fft.hpp>
#include <vspace/project/tsne/kernel.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vspace::detail {

/// Grid settings of the FFT method (the fields of `tsne_options` with the `fft_` prefix).
struct fft_grid_settings {
    std::size_t interpolation_points = 3;  ///< p, nodes per box and side
    std::size_t min_boxes = 50;            ///< boxes per side, at least
    double max_box_width = 1;              ///< box side in map units, at most
};

/// The FFT method's state: the plan, the kernel spectra (kept while the grid spacing does not
/// change) and the buffers, all reused between evaluations.
///
/// Layout: a grid is M x M complex values in split arrays with rows padded to `ld_` floats
/// (row = x node, column = y node). The 2-D transform runs down the columns, transposes into
/// a second buffer and runs down its columns again, so spectra are held transposed and in
/// bit-reversed order on both axes; both kernels are symmetric in x and y, so their spectra
/// are the same either way round and the pointwise product needs no reordering.
class fft_repulsion {
public:
    /// Interpolated `repulsion_output` of `targets` against `sources` (layout as in
    /// gradient_exact.hpp). With `self` the targets are the sources and each point's own
    /// contribution to its sum (w(0) = 1) is removed. Deterministic for any thread count: each
    /// grid row is accumulated by one task, in a fixed point order.
    void compute(std::span<const float> sources, std::span<const float> targets, bool self, const student_t& kernel,
                 const fft_grid_settings& settings, repulsion_output out, std::size_t n_threads) {
        plan(sources, targets, kernel, settings, n_threads);
        clear_grid(n_threads);
        locate(sources, src_, n_threads);
        spread(sources, n_threads);
        convolve(n_threads);
        const bool same = self || targets.data() == sources.data();
        if (!same) locate(targets, dst_, n_threads);
        gather(targets, same ? src_ : dst_, self, out, n_threads);
    }

    /// FFT side M of the last evaluation, boxes per side, box width.
    std::size_t fft_size() const noexcept { return m_; }
    std::size_t boxes() const noexcept { return boxes_; }
    double box_width() const noexcept { return h_; }
    /// How often the kernel spectrum was recomputed (the grid spacing changed).
    std::size_t kernel_updates() const noexcept { return kernel_updates_; }

private:
    static constexpr std::size_t lanes = 32;  // columns per batch of a transform pass
    /// The grid stops growing here (10 arrays of 2048^2 floats, 170 MB); a wider map gets
    /// wider boxes instead, so a diverging map costs accuracy, not memory.
    static constexpr std::size_t max_fft_size = 2048;
    /// Rows are padded by a cache line: with a power-of-two stride every row of a column block
    /// would map to the same cache sets and evict the others.
    static constexpr std::size_t row_pad = 16;
    static constexpr std::size_t block = 16;  // side of a transposed block

    struct located {
        std::vector<std::uint32_t> sx, sy;  // first node of each point's window, per axis
        std::vector<float> wx, wy;          // p Lagrange weights per point and axis
        std::vector<std::uint32_t> order;   // points sorted by (sx, sy), stable
        std::vector<std::size_t> row_start; // order[row_start[r] .. row_start[r+1]) have sx = r
    };

    /// One complex M x M array (split parts).
    struct plane {
        float* re;
        float* im;
    };

    /// Chooses the grid (FIt-SNE's rule: boxes no wider than max_box_width, at least
    /// min_boxes; here up to 1.25 x max_box_width where that halves the FFT side) and the FFT side, then recomputes the kernel spectrum if the spacing changed.
    /// The box width is rounded up to a power of 2^(1/16), so that it changes only every ~4 %
    /// of growth of the map and the spectrum is reused in between; the FFT side is a power of
    /// two and the boxes fill it, which only makes the interpolation finer.
    void plan(std::span<const float> sources, std::span<const float> targets, const student_t& kernel,
              const fft_grid_settings& s, std::size_t n_threads) {
        float lo_x = sources[0], hi_x = sources[0], lo_y = sources[1], hi_y = sources[1];
        for (auto pts : {sources, targets})
            for (std::size_t i = 0; i < pts.size(); i += 2) {
                lo_x = std::min(lo_x, pts[i]), hi_x = std::max(hi_x, pts[i]);
                lo_y = std::min(lo_y, pts[i + 1]), hi_y = std::max(hi_y, pts[i + 1]);
            }
        const double range = std::max({static_cast<double>(hi_x) - lo_x, static_cast<double>(hi_y) - lo_y, 1e-10});
        const std::size_t p = s.interpolation_points;
        const auto needed = std::max<std::size_t>(
            s.min_boxes, static_cast<std::size_t>(std::ceil(range * 1.05 / s.max_box_width)));
        std::size_t m = 64;
        while (m < 2 * needed * p && m < max_fft_size) m *= 2;
        // A power of two can overshoot the nodes needed by almost 2x, and the FFT costs 4x per
        // doubling: take the smaller grid when its boxes stay within 1.25 x max_box_width. The
        // centred windows keep the error below a box-based window's at full width even then.
        if (m > 64 && 5 * (m / 2) >= 4 * (2 * needed * p) && m / 2 >= 2 * s.min_boxes * p) m /= 2;
        const std::size_t boxes = m / (2 * p);
        const double h = std::exp2(std::ceil(16 * std::log2(range / static_cast<double>(boxes))) / 16);
        lo_x_ = lo_x, lo_y_ = lo_y;
        if (m == m_ && boxes == boxes_ && h == h_ && p == p_ && kernel.dof == dof_) return;
        if (m != m_) {
            m_ = m, ld_ = m + row_pad;
            fft_ = batched_fft(m);
            for (auto* a : {&g1r_, &g1i_, &g2r_, &g2i_, &s1r_, &s1i_, &s2r_, &s2i_, &kernel_a_, &kernel_w_})
                a->assign(m_ * ld_, 0.0f);
        }
        boxes_ = boxes, h_ = h, p_ = p, dof_ = kernel.dof;
        inv_denominator_.assign(p_, 1.0f);  // Lagrange basis denominators, prod_(k != j) (j - k)
        for (std::size_t j = 0; j < p_; ++j) {
            double d = 1;
            for (std::size_t k = 0; k < p_; ++k)
                if (k != j) d *= static_cast<double>(j) - static_cast<double>(k);
            inv_denominator_[j] = static_cast<float>(1.0 / d);
        }
        kernel_spectrum(kernel, n_threads);
        ++kernel_updates_;
    }

    /// Kernel values at every node offset (the first column of the Toeplitz matrix, wrapped
    /// circularly into the M x M grid), both kernels at once: the force kernel w^((a+1)/a) in
    /// the real part, w in the imaginary part. Both are real and even, so their spectra are real
    /// and come back as the real and imaginary parts of one transform.
    void kernel_spectrum(const student_t& kernel, std::size_t n_threads) {
        const std::size_t g = boxes_ * p_;
        std::fill(g1r_.begin(), g1r_.end(), 0.0f);
        std::fill(g1i_.begin(), g1i_.end(), 0.0f);
        const double delta = h_ / static_cast<double>(p_);
        for (std::size_t ix = 0; ix < g; ++ix)
            for (std::size_t iy = 0; iy < g; ++iy) {
                float w, a;
                kernel.weights(static_cast<float>(delta * delta * static_cast<double>(ix * ix + iy * iy)), w, a);
                for (std::size_t rx : {ix, (m_ - ix) % m_})
                    for (std::size_t ry : {iy, (m_ - iy) % m_}) g1r_[rx * ld_ + ry] = a, g1i_[rx * ld_ + ry] = w;
            }
        const plane in{g1r_.data(), g1i_.data()}, out{s1r_.data(), s1i_.data()};
        forward_2d({&in, 1}, {&out, 1}, m_, m_, n_threads);
        const float scale = 1.0f / static_cast<float>(m_ * m_);  // folds in the inverse's 1/M^2
        for (std::size_t i = 0; i < kernel_a_.size(); ++i) kernel_a_[i] = s1r_[i] * scale, kernel_w_[i] = s1i_[i] * scale;
    }

    void clear_grid(std::size_t n_threads) {
        const std::size_t g = boxes_ * p_, cols = round_up(g, lanes);
        parallel_for(n_threads, g, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t r = begin; r < end; ++r)
                for (float* a : {g1r_.data(), g1i_.data(), g2r_.data(), g2i_.data()})
                    std::fill(a + r * ld_, a + r * ld_ + cols, 0.0f);
        });
    }

    /// Window and Lagrange weights of every point, and the points sorted by window. Node g
    /// sits at lo + (g + 1/2) delta; a point at u nodes (u = g at node g), in the cell between
    /// nodes floor(u) and floor(u) + 1, uses the p nodes around that cell (as many on each side
    /// as p allows, the odd one out on the left; the window is clamped at the grid's edges).
    /// Windows change only at nodes, where every window interpolates exactly, so the
    /// interpolated kernel is continuous in both points and the forces have no jumps.
    void locate(std::span<const float> pts, located& at, std::size_t n_threads) {
        const std::size_t n = pts.size() / 2, p = p_, g = boxes_ * p_;
        at.sx.resize(n), at.sy.resize(n), at.wx.resize(n * p), at.wy.resize(n * p);
        const double inv_delta = static_cast<double>(p) / h_;
        const std::size_t left_nodes = (p - 1) / 2;  // nodes of the window left of the point's cell
        const auto left = static_cast<double>(left_nodes);
        parallel_for(n_threads, n, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t axis = 0; axis < 2; ++axis) {
                    const double u =
                        (static_cast<double>(pts[2 * i + axis]) - (axis ? lo_y_ : lo_x_)) * inv_delta - 0.5;
                    const double first = std::clamp(std::floor(u) - left, 0.0, static_cast<double>(g - p));
                    const double local = u - first;  // the window's nodes are at 0 .. p-1
                    float* w = axis ? &at.wy[i * p] : &at.wx[i * p];
                    for (std::size_t j = 0; j < p; ++j) {
                        double prod = 1;
                        for (std::size_t k = 0; k < p; ++k)
                            if (k != j) prod *= local - static_cast<double>(k);
                        w[j] = static_cast<float>(prod) * inv_denominator_[j];
                    }
                    (axis ? at.sy : at.sx)[i] = static_cast<std::uint32_t>(first);
                }
        });
        // Two stable counting passes (by sy, then by sx): spreading and gathering then walk
        // the grid in order.
        scratch_.resize(n);
        counting_sort(at.sy, g, nullptr, scratch_, at.row_start);
        counting_sort(at.sx, g, &scratch_, at.order, at.row_start);
    }

    /// Stable counting sort of the points (or of `input`'s order) by key; `start` gets the
    /// bucket offsets.
    void counting_sort(const std::vector<std::uint32_t>& key, std::size_t buckets, const std::vector<std::uint32_t>* input,
                       std::vector<std::uint32_t>& out, std::vector<std::size_t>& start) {
        const std::size_t n = key.size();
        start.assign(buckets + 1, 0);
        for (std::size_t i = 0; i < n; ++i) ++start[key[i] + 1];
        for (std::size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
        fill_.assign(start.begin(), start.end() - 1);
        out.resize(n);
        for (std::size_t q = 0; q < n; ++q) {
            const std::uint32_t i = input ? (*input)[q] : static_cast<std::uint32_t>(q);
            out[fill_[key[i]]++] = i;
        }
    }

    /// Spreads the charges (1, x, y) of every source onto its window's nodes: 1 and x into the
    /// real and imaginary parts of grid 1, y into the real part of grid 2. Node rows are cut
    /// into bands of at least p rows; a point writes its own band and the next, so the even
    /// bands run in parallel, then the odd ones: no two tasks write the same node, and every
    /// node adds its contributions in the same order for any thread count.
    void spread(std::span<const float> sources, std::size_t n_threads) {
        const std::size_t p = p_, g = boxes_ * p_;
        const std::size_t band = std::max<std::size_t>(p, 8), bands = (g + band - 1) / band;
        for (std::size_t parity = 0; parity < 2; ++parity) {
            const std::size_t tasks = (bands + 1 - parity) / 2;
            parallel_for_dynamic(n_threads, tasks, 1, [&](std::size_t begin, std::size_t end, std::size_t) {
                for (std::size_t t = begin; t < end; ++t) {
                    const std::size_t b = 2 * t + parity;
                    const std::size_t first = src_.row_start[b * band], last = src_.row_start[std::min(g, (b + 1) * band)];
                    for (std::size_t q = first; q < last; ++q) {
                        const std::uint32_t i = src_.order[q];
                        const float x = sources[2 * i], y = sources[2 * i + 1];
                        const float* wx = &src_.wx[i * p];
                        const float* wy = &src_.wy[i * p];
                        for (std::size_t jx = 0; jx < p; ++jx) {
                            const std::size_t row = (src_.sx[i] + jx) * ld_ + src_.sy[i];
                            for (std::size_t jy = 0; jy < p; ++jy) {
                                const float ww = wx[jx] * wy[jy];
                                g1r_[row + jy] += ww;
                                g1i_[row + jy] += ww * x;
                                g2r_[row + jy] += ww * y;
                            }
                        }
                    }
                }
            });
        }
    }

    /// Interpolates the potentials at the targets: force = y phi_A(1) - phi_A(y), sum = phi_W(1).
    void gather(std::span<const float> targets, const located& at, bool self, repulsion_output out,
                std::size_t n_threads) const {
        const std::size_t p = p_;
        parallel_for(n_threads, targets.size() / 2, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t q = begin; q < end; ++q) {
                const std::uint32_t t = at.order[q];  // in grid order: neighbouring nodes
                float phi1 = 0, phix = 0, phiy = 0, phiw = 0;
                const float* wx = &at.wx[t * p];
                const float* wy = &at.wy[t * p];
                for (std::size_t jx = 0; jx < p; ++jx) {
                    const std::size_t row = (at.sx[t] + jx) * ld_ + at.sy[t];
                    for (std::size_t jy = 0; jy < p; ++jy) {
                        const float ww = wx[jx] * wy[jy];
                        phi1 += ww * g1r_[row + jy];
                        phix += ww * g1i_[row + jy];
                        phiy += ww * g2r_[row + jy];
                        phiw += ww * g2i_[row + jy];
                    }
                }
                const float x = targets[2 * t], y = targets[2 * t + 1];
                out.force[2 * t] = x * phi1 - phix;
                out.force[2 * t + 1] = y * phi1 - phiy;
                out.sums[t] = static_cast<double>(phiw) - (self ? 1.0 : 0.0);
            }
        });
    }

    /// Grid potentials: grid 1 <- A * (1 + i x), grid 2 <- A * y + i W * 1, A and W the kernels.
    /// The spectrum of charge 1 alone comes from grid 1's spectrum by Hermitian symmetry:
    /// F(1)_k = (F1_k + conj(F1_-k)) / 2.
    void convolve(std::size_t n_threads) {
        const std::size_t g = boxes_ * p_;
        const plane grids[2] = {{g1r_.data(), g1i_.data()}, {g2r_.data(), g2i_.data()}};
        const plane spectra[2] = {{s1r_.data(), s1i_.data()}, {s2r_.data(), s2i_.data()}};
        forward_2d(grids, spectra, g, g, n_threads);
        // In bit-reversed order, -k of the frequency at position i is at i itself for i < 2 and
        // at 3 * 2^j - 1 - i for i in [2^j, 2^(j+1)): each octave of positions reversed.
        auto partner = [](std::size_t i) -> std::size_t {
            if (i < 2) return i;
            std::size_t octave = 1;
            while (octave * 2 <= i) octave *= 2;
            return 3 * octave - 1 - i;
        };
        parallel_for(n_threads, m_, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t r = begin; r < end; ++r) {
                const std::size_t rr = partner(r);
                const float* __restrict a = &kernel_a_[r * ld_];
                const float* __restrict w = &kernel_w_[r * ld_];
                const float* __restrict f1r = &s1r_[r * ld_];
                const float* __restrict f1i = &s1i_[r * ld_];
                const float* __restrict p1r = &s1r_[rr * ld_];
                const float* __restrict p1i = &s1i_[rr * ld_];
                float* __restrict f2r = &s2r_[r * ld_];
                float* __restrict f2i = &s2i_[r * ld_];
                for (std::size_t octave = 1; octave <= m_ / 2; octave *= 2) {
                    const std::size_t lo = octave == 1 ? 0 : octave, hi = 2 * octave;
                    for (std::size_t c = lo; c < hi; ++c) {
                        const std::size_t cc = octave == 1 ? c : 3 * octave - 1 - c;
                        const float g1r = 0.5f * (f1r[c] + p1r[cc]), g1i = 0.5f * (f1i[c] - p1i[cc]);
                        const float yr = f2r[c], yi = f2i[c];
                        f2r[c] = a[c] * yr - w[c] * g1i;
                        f2i[c] = a[c] * yi + w[c] * g1r;
                    }
                }
            }
        });
        parallel_for(n_threads, s1r_.size(), [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i) s1r_[i] *= kernel_a_[i], s1i_[i] *= kernel_a_[i];
        });
        inverse_2d(spectra, grids, g, n_threads);
    }

    /// Runs `fn(plane, first_column)` for every batch of `lanes` columns below `cols` of every
    /// plane, in one parallel region.
    template <class Fn>
    void for_column_batches(std::span<const plane> planes, std::size_t cols, std::size_t n_threads, Fn&& fn) const {
        const std::size_t per_plane = cols / lanes;
        parallel_for(n_threads, planes.size() * per_plane, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t t = begin; t < end; ++t) fn(planes[t / per_plane], (t % per_plane) * lanes);
        });
    }

    /// dst[c][r] = src[r][c] for r < rows, c < cols (multiples of `block`), blocked for cache.
    void transpose(std::span<const plane> src, std::span<const plane> dst, std::size_t rows, std::size_t cols,
                   std::size_t n_threads) const {
        const std::size_t row_blocks = rows / block, col_blocks = cols / block;
        parallel_for(n_threads, src.size() * col_blocks, [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t t = begin; t < end; ++t) {
                const plane s = src[t / col_blocks], d = dst[t / col_blocks];
                const std::size_t c0 = (t % col_blocks) * block;
                for (std::size_t rb = 0; rb < row_blocks; ++rb)
                    for (float* const* part : {&s.re, &s.im}) {
                        const float* __restrict from = *part + rb * block * ld_ + c0;
                        float* __restrict to = (part == &s.re ? d.re : d.im) + c0 * ld_ + rb * block;
                        for (std::size_t r = 0; r < block; ++r)
                            for (std::size_t c = 0; c < block; ++c) to[c * ld_ + r] = from[r * ld_ + c];
                    }
            }
        });
    }

    /// 2-D forward transform of grids whose rows >= valid_rows and columns >= valid_cols count
    /// as zero, into spectra (transposed, bit-reversed). The grids are overwritten.
    void forward_2d(std::span<const plane> grids, std::span<const plane> spectra, std::size_t valid_rows,
                    std::size_t valid_cols, std::size_t n_threads) const {
        const std::size_t cols = std::min(round_up(valid_cols, lanes), m_);
        for_column_batches(grids, cols, n_threads, [&](plane a, std::size_t c) {
            fft_.forward(a.re + c, a.im + c, ld_, lanes, valid_rows);
        });
        transpose(grids, spectra, m_, cols, n_threads);
        for_column_batches(spectra, m_, n_threads, [&](plane a, std::size_t c) {
            fft_.forward(a.re + c, a.im + c, ld_, lanes, cols);
        });
    }

    /// 2-D unscaled inverse transform of spectra into grids, of which only the first g rows and
    /// columns are computed. The spectra are overwritten.
    void inverse_2d(std::span<const plane> spectra, std::span<const plane> grids, std::size_t g,
                    std::size_t n_threads) const {
        const std::size_t rows = round_up(g, lanes);
        for_column_batches(spectra, m_, n_threads, [&](plane a, std::size_t c) {
            fft_.inverse(a.re + c, a.im + c, ld_, lanes, g);
        });
        transpose(spectra, grids, rows, m_, n_threads);
        for_column_batches(grids, rows, n_threads, [&](plane a, std::size_t c) {
            fft_.inverse(a.re + c, a.im + c, ld_, lanes, g);
        });
    }

    static std::size_t round_up(std::size_t x, std::size_t to) noexcept { return (x + to - 1) / to * to; }

    batched_fft fft_;
    std::size_t m_ = 0, ld_ = 0, boxes_ = 0, p_ = 0;  // FFT side, row stride, grid
    double h_ = 0, dof_ = 0;
    double lo_x_ = 0, lo_y_ = 0;
    std::size_t kernel_updates_ = 0;
    std::vector<float> g1r_, g1i_, g2r_, g2i_;  // grids (spatial), M x ld
    std::vector<float> s1r_, s1i_, s2r_, s2i_;  // spectra (transposed), M x ld
    std::vector<float> kernel_a_, kernel_w_;    // kernel spectra scaled by 1/M^2, M x ld
    std::vector<float> inv_denominator_;
    located src_, dst_;
    std::vector<std::size_t> fill_;
    std::vector<std::uint32_t> scratch_;
};

}  // namespace vspace::detail
/// @endcond
