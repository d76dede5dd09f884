// SPDX-License-Identifier: MIT
// `vspace quantize INPUT --type i8|b1 -o OUT.npy`: float vectors to compact codes. int8 codes are
// an int8 .npy (n x d, a quarter of float32); binary codes are numpy.packbits rows (uint8,
// n x ceil(d / 8), 1/32 of float32; `numpy.unpackbits(codes, axis=1)[:, :d]` restores the bits).
#include "command.hpp"
#include "files.hpp"
#include "progress.hpp"

#include <vspace/io/npy.hpp>
#include <vspace/quantize/binary.hpp>
#include <vspace/quantize/int8.hpp>

#include <cmath>
#include <map>
#include <string>

namespace {

namespace cli = vspace::cli;

/// Relative reconstruction error: sqrt(sum |x - decode(code(x))|^2 / sum |x|^2).
double relative_error(const vspace::matrix<float>& x, const vspace::matrix<float>& decoded) {
    double err = 0, norm = 0;
    for (std::size_t i = 0; i < x.rows(); ++i)
        for (std::size_t j = 0; j < x.dims(); ++j) {
            const double d = static_cast<double>(x(i, j)) - decoded(i, j);
            err += d * d;
            norm += static_cast<double>(x(i, j)) * x(i, j);
        }
    return norm > 0 ? std::sqrt(err / norm) : 0.0;
}

class quantize_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options&) override {
        app.add_option("INPUT", input_, "Vectors to quantize (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)")->required();
        app.add_option("--type", type_, "Code kind: i8 (int8 .npy) or b1 (packed bits, uint8 .npy)")
            ->required()
            ->check(cli::one_of({"i8", "b1"}));
        app.add_option("-o,--output", output_, "Output .npy of the codes")->required();
        mode_option_ = app.add_option("--mode", mode_,
                                      "i8: per_dimension (each dimension's range), symmetric (one scale, zero "
                                      "offset: for cosine/ip) or uniform (one range: for l2); default per_dimension")
                           ->check(cli::one_of({"per_dimension", "symmetric", "uniform"}));
        clip_option_ = app.add_option("--clip", clip_, "i8: fraction of values clipped at each end of a range")
                           ->check(cli::in_range(0.0, 0.4999))
                           ->show_default();
        threshold_option_ = app.add_option("--threshold", threshold_,
                                           "b1: bit j is x_j > threshold_j, with threshold the dimension's mean, "
                                           "zero (sign) or median; default mean")
                                ->check(cli::one_of({"mean", "zero", "median"}));
        app.add_option("--save-quantizer", quantizer_out_,
                       "Also save the fitted scales/thresholds, to quantize other vectors the same way");
    }

    void run(const cli::common_options& common) override {
        const bool i8 = type_ == "i8";
        if (!i8 && (mode_option_->given() || clip_option_->given()))
            VSPACE_THROW(cli::usage_error, "--mode and --clip apply to --type i8");
        if (i8 && threshold_option_->given()) VSPACE_THROW(cli::usage_error, "--threshold applies to --type b1");
        cli::check_output(output_);
        if (!quantizer_out_.empty()) {
            cli::check_output(quantizer_out_);
            cli::check_distinct_outputs(output_, quantizer_out_);
        }
        const vspace::loaded_vectors in = cli::load_input(input_, common);
        cli::require_finite(in, input_);
        const std::size_t threads = common.n_threads;

        cli::stopwatch watch;
        if (i8) {
            const auto q = vspace::int8_quantizer::fit(in.vectors,
                                                       {.mode = modes().at(mode_), .clip = clip_, .n_threads = threads});
            const auto codes = q.quantize(in.vectors, threads);
            vspace::save_npy(output_, codes.view());
            if (!quantizer_out_.empty()) q.save(quantizer_out_);
            if (cli::progress_enabled(common))
                cli::note(common, "%zu x %zu -> int8 in %.2f s; relative reconstruction error %.3g%%", in.rows(),
                          in.dims(), watch.seconds(), 100 * relative_error(in.vectors, q.dequantize(codes, threads)));
        } else {
            const auto q = vspace::binary_quantizer::fit(in.vectors,
                                                         {.threshold = thresholds().at(threshold_), .n_threads = threads});
            const auto codes = q.quantize(in.vectors, threads);
            vspace::save_npy(output_, codes.view());
            if (!quantizer_out_.empty()) q.save(quantizer_out_);
            if (cli::progress_enabled(common))
                cli::note(common, "%zu x %zu -> %zu bits per row (%zu bytes) in %.2f s; relative reconstruction error %.3g%%",
                          in.rows(), in.dims(), in.dims(), (in.dims() + 7) / 8, watch.seconds(),
                          100 * relative_error(in.vectors, q.dequantize(codes, threads)));
        }
    }

private:
    static std::map<std::string, vspace::int8_mode> modes() {
        return {{"per_dimension", vspace::int8_mode::per_dimension},
                {"symmetric", vspace::int8_mode::symmetric},
                {"uniform", vspace::int8_mode::uniform}};
    }
    static std::map<std::string, vspace::binary_threshold> thresholds() {
        return {{"mean", vspace::binary_threshold::mean},
                {"zero", vspace::binary_threshold::zero},
                {"median", vspace::binary_threshold::median}};
    }

    std::string input_, type_, output_, quantizer_out_;
    std::string mode_ = "per_dimension", threshold_ = "mean";
    double clip_ = 0;
    cli::option* mode_option_ = nullptr;
    cli::option* clip_option_ = nullptr;
    cli::option* threshold_option_ = nullptr;
};

const cli::registration<quantize_command> registered{"quantize", "Float vectors to int8 or binary codes (.npy)"};

}  // namespace
