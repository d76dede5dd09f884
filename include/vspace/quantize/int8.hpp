// SPDX-License-Identifier: MIT
/// @file
/// `int8_quantizer`: float vectors to int8 codes with a scale and offset fitted on the data, and
/// back. Codes take a quarter of the memory and are searched with the VNNI int8 kernels; a
/// `rescored_index` re-ranks their candidates in float to recover the exact order.
///
/// A code c of dimension j stands for offset_j + scale_j * c. Three ways to fit them:
///  - `per_dimension`: each dimension's own range [lo_j, hi_j] onto [-128, 127]. Smallest
///    reconstruction error; but code-space distances weight dimension j by 1 / scale_j^2.
///  - `uniform`: one range for all dimensions. L2 between codes is L2 between the vectors
///    divided by scale^2 (up to rounding): the mode for l2 search on codes.
///  - `symmetric`: one scale, zero offset, codes in [-127, 127] (max |x| onto 127). Dot products
///    and cosines of codes are proportional to the float ones: the mode for inner-product and
///    cosine search, and for embeddings centred on zero.
/// Values outside the fitted range are clipped. With `clip` > 0 the range ends are quantiles
/// instead of the extremes, which spends the 256 levels on the bulk of the data.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/quantize/file.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <vector>

namespace vspace {

/// How `int8_quantizer::fit` maps values to codes (stable on disk; never renumber).
enum class int8_mode : std::uint8_t {
    per_dimension = 0,  ///< each dimension's range onto [-128, 127]
    symmetric = 1,      ///< one scale, zero offset: [-max|x|, max|x|] onto [-127, 127]
    uniform = 2,        ///< one range [min x, max x] for all dimensions onto [-128, 127]
};

struct int8_options {
    /// How scales and offsets are fitted (see int8_mode). per_dimension is FAISS's SQ8
    /// (QT_8bit); symmetric is the usual choice for embedding models' int8 output.
    int8_mode mode = int8_mode::per_dimension;
    /// Fraction of the values clipped at each end of a range: the range runs from the `clip`
    /// quantile to the `1 - clip` one (of |x| for symmetric) instead of min to max. 0 (the
    /// default) keeps every value representable; 0.001 is a common choice for data with
    /// outliers. Must be in [0, 0.5). Global modes with clip > 0 copy the data once.
    double clip = 0;
    std::size_t n_threads = 0;  ///< threads for fitting (0 = all cores)
};

/// Float-to-int8 quantizer: a code c in dimension j decodes to offset_j + scale_j * c.
///
/// Fitting is deterministic (no sampling, no randomness). Quantizing is row-independent and
/// thread-safe; the object is immutable after `fit` or `load`.
class int8_quantizer {
public:
    /// Fits scales and offsets on `data` (rows x dims). Throws invalid_argument for empty data
    /// or a bad option, data_error for NaN/Inf.
    static int8_quantizer fit(matrix_view<float> data, const int8_options& options = {}) {
        constexpr const char* where = "int8_quantizer::fit";
        if (data.rows() == 0 || data.dims() == 0)
            VSPACE_THROW(invalid_argument, where, ": data is ", data.rows(), " x ", data.dims(),
                         " (expected at least one row and one dimension)");
        if (!(options.clip >= 0 && options.clip < 0.5))
            VSPACE_THROW(invalid_argument, where, ": clip = ", options.clip, " (expected 0 <= clip < 0.5)");
        if (static_cast<std::uint8_t>(options.mode) > 2)
            VSPACE_THROW(invalid_argument, where, ": unknown mode ", static_cast<int>(options.mode),
                         " (expected per_dimension, symmetric or uniform)");
        detail::check_finite(data, where);
        const std::size_t d = data.dims();
        std::vector<float> lo(d), hi(d);
        if (options.mode == int8_mode::per_dimension) {
            parallel_for(options.n_threads, d, [&](std::size_t begin, std::size_t end, std::size_t) {
                std::vector<float> column;
                for (std::size_t j = begin; j < end; ++j) {
                    column.resize(data.rows());
                    for (std::size_t i = 0; i < data.rows(); ++i) column[i] = data(i, j);
                    lo[j] = quantile(column, options.clip);
                    hi[j] = quantile(column, 1 - options.clip);
                }
            });
        } else {
            const bool symmetric = options.mode == int8_mode::symmetric;
            float a, b;
            if (options.clip == 0) {
                a = std::numeric_limits<float>::infinity();
                b = -a;
                for (std::size_t i = 0; i < data.rows(); ++i)
                    for (std::size_t j = 0; j < d; ++j) {
                        const float x = symmetric ? std::abs(data(i, j)) : data(i, j);
                        a = std::min(a, x);
                        b = std::max(b, x);
                    }
            } else {
                std::vector<float> all;
                all.reserve(data.rows() * d);
                for (std::size_t i = 0; i < data.rows(); ++i)
                    for (std::size_t j = 0; j < d; ++j) all.push_back(symmetric ? std::abs(data(i, j)) : data(i, j));
                a = quantile(all, options.clip);
                b = quantile(all, 1 - options.clip);
            }
            std::fill(lo.begin(), lo.end(), symmetric ? -b : a);
            std::fill(hi.begin(), hi.end(), b);
        }
        std::vector<float> scale(d), offset(d);
        for (std::size_t j = 0; j < d; ++j) {
            if (options.mode == int8_mode::symmetric) {
                scale[j] = hi[j] > 0 ? hi[j] / 127 : 1.f;
                offset[j] = 0;
            } else {
                // lo -> -128, hi -> 127; a constant dimension keeps scale 1 (any scale decodes it)
                scale[j] = hi[j] > lo[j] ? static_cast<float>((double(hi[j]) - lo[j]) / 255) : 1.f;
                offset[j] = static_cast<float>(double(lo[j]) + 128.0 * scale[j]);
            }
        }
        return int8_quantizer(options.mode, std::move(scale), std::move(offset));
    }

    /// An empty quantizer (dims 0); `fit` or `load` make usable ones.
    int8_quantizer() = default;

    std::size_t dims() const noexcept { return scale_.size(); }
    int8_mode mode() const noexcept { return mode_; }
    /// Scale of each dimension: one code step.
    std::span<const float> scales() const noexcept { return scale_; }
    /// Offset of each dimension: the value code 0 stands for.
    std::span<const float> offsets() const noexcept { return offset_; }

    /// The code of one vector into `out` (dims() values). Throws shape_error on a size
    /// mismatch, data_error for NaN/Inf.
    void quantize(std::span<const float> x, std::span<std::int8_t> out) const {
        check(x.size(), "int8_quantizer::quantize");
        if (out.size() != dims())
            VSPACE_THROW(shape_error, "int8_quantizer::quantize: output has ", out.size(), " dims (expected ",
                         dims(), ")");
        detail::check_finite(x, "int8_quantizer::quantize");
        encode(x.data(), out.data());
    }

    /// The codes of every row, over `n_threads` threads (0 = all cores).
    matrix<std::int8_t> quantize(matrix_view<float> data, std::size_t n_threads = 0) const {
        check(data.dims(), "int8_quantizer::quantize");
        detail::check_finite(data, "int8_quantizer::quantize");
        matrix<std::int8_t> codes(data.rows(), dims());
        parallel_for(n_threads, data.rows(), [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i) encode(data.row_data(i), codes.row_data(i));
        });
        return codes;
    }

    /// The vectors the codes stand for: offset_j + scale_j * c_j. For values inside the fitted
    /// range the error is at most scale_j / 2.
    matrix<float> dequantize(matrix_view<std::int8_t> codes, std::size_t n_threads = 0) const {
        check(codes.dims(), "int8_quantizer::dequantize");
        matrix<float> out(codes.rows(), dims());
        parallel_for(n_threads, codes.rows(), [&](std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i) {
                const std::int8_t* c = codes.row_data(i);
                float* x = out.row_data(i);
                for (std::size_t j = 0; j < dims(); ++j) x[j] = offset_[j] + scale_[j] * static_cast<float>(c[j]);
            }
        });
        return out;
    }

    /// Saves mode, scales and offsets (atomically; see quantize/file.hpp). Throws io_error.
    void save(const std::filesystem::path& path) const {
        if (dims() == 0)
            VSPACE_THROW(invalid_argument, "int8_quantizer::save: the quantizer is empty (call fit or load first)");
        detail::write_quantizer_file(path, {detail::quantizer_kind::int8, static_cast<std::uint8_t>(mode_), dims(),
                                            {scale_, offset_}});
    }

    /// Loads a quantizer saved by `save`. Throws io_error when the file cannot be read,
    /// format_error when it is corrupt, truncated or not an int8 quantizer.
    static int8_quantizer load(const std::filesystem::path& path) {
        constexpr const char* where = "int8_quantizer::load";
        auto f = detail::read_quantizer_file(path, detail::quantizer_kind::int8, 2, where);
        if (f.mode > 2)
            VSPACE_THROW(format_error, where, ": '", path.string(), "': unknown mode ", int{f.mode},
                         " (expected 0, 1 or 2: per_dimension, symmetric, uniform)");
        for (std::size_t j = 0; j < f.dims; ++j)
            if (!(f.arrays[0][j] > 0 && std::isfinite(f.arrays[0][j]) && std::isfinite(f.arrays[1][j])))
                VSPACE_THROW(format_error, where, ": '", path.string(), "': dimension ", j, " has scale ",
                             f.arrays[0][j], " and offset ", f.arrays[1][j], " (expected a finite scale > 0)");
        return int8_quantizer(static_cast<int8_mode>(f.mode), std::move(f.arrays[0]), std::move(f.arrays[1]));
    }

private:
    int8_quantizer(int8_mode mode, std::vector<float> scale, std::vector<float> offset)
        : mode_(mode), scale_(std::move(scale)), offset_(std::move(offset)) {}

    void check(std::size_t got, const char* where) const {
        if (dims() == 0) VSPACE_THROW(invalid_argument, where, ": the quantizer is empty (call fit or load first)");
        detail::check_dims(got, dims(), where, "data");
    }

    void encode(const float* x, std::int8_t* out) const noexcept {
        const float low = mode_ == int8_mode::symmetric ? -127.f : -128.f;
        for (std::size_t j = 0; j < dims(); ++j) {
            const float c = std::clamp((x[j] - offset_[j]) / scale_[j], low, 127.f);
            out[j] = static_cast<std::int8_t>(std::lround(c));
        }
    }

    /// The q-quantile of `values` (the element at rank floor(q (n - 1))); reorders them.
    static float quantile(std::vector<float>& values, double q) {
        const auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1));
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
        return values[rank];
    }

    int8_mode mode_ = int8_mode::per_dimension;
    std::vector<float> scale_, offset_;
};

}  // namespace vspace
