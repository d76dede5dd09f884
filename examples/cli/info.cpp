// SPDX-License-Identifier: MIT
// `vspace info [FILE] [--simd]`: what a vector file holds, or (no file / --simd) the version and
// the SIMD levels of this CPU and build.
#include "command.hpp"
#include "files.hpp"

#include <vspace/core/parallel.hpp>
#include <vspace/simd/kernel_table.hpp>
#include <vspace/simd/level.hpp>
#include <vspace/version.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

namespace {

class info_command final : public vspace::cli::command {
public:
    void declare(vspace::cli::command_line& app, vspace::cli::common_options&) override {
        app.add_option("FILE", file_, "Vector file to describe (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)");
        app.add_flag("--simd", simd_, "Print the version and SIMD levels (the default without FILE)");
    }

    void run(const vspace::cli::common_options& common) override {
        if (file_.empty() || simd_) print_build();
        if (!file_.empty()) {
            const vspace::loaded_vectors v = vspace::cli::load_input(file_, common);
            if (simd_) std::printf("\n");
            print_file(v);
        }
    }

private:
    static void print_build() {
        namespace simd = vspace::simd;
        const std::string active(simd::active_arch_name());  // throws on a bad VSPACE_SIMD_ARCH
        std::printf("vspace %s\n", VSPACE_VERSION_STRING);
        std::printf("simd active: %s\n", active.c_str());
        std::string levels;
        for (simd::level l : simd::all_levels)
            if (l <= simd::cpu_level()) levels.append(levels.empty() ? "" : " ").append(simd::level_name(l));
        std::printf("simd cpu levels: %s\n", levels.c_str());
        const char* cap = std::getenv("VSPACE_SIMD_ARCH");
        std::printf("VSPACE_SIMD_ARCH: %s\n", cap && *cap ? cap : "(unset)");
#if defined(VSPACE_SIMD_DISPATCH)
        std::printf("simd mode: run-time dispatch (vspace::simd)\n");
#else
        std::printf("simd mode: header-only (compile-time flags)\n");
#endif
        std::printf("hardware threads: %zu\n", vspace::resolve_threads(0));
    }

    void print_file(const vspace::loaded_vectors& v) const {
        std::printf("file: %s\n", file_.c_str());
        std::printf("format: %s\n", std::string(vspace::format_name(v.format)).c_str());
        std::printf("dtype: %s%s\n", std::string(vspace::element_name(v.stored)).c_str(),
                    v.bits ? " (binary vectors)" : "");
        std::printf("shape: %zu x %zu\n", v.rows(), v.dims());
        if (!v.vocab.empty()) {
            std::string first;
            for (std::size_t i = 0; i < std::min<std::size_t>(5, v.vocab.size()); ++i)
                first.append(i ? ", \"" : "\"").append(v.vocab[i]).append("\"");
            std::printf("vocabulary: %zu words (%s%s)\n", v.vocab.size(), first.c_str(), v.vocab.size() > 5 ? ", ..." : "");
        } else {
            std::printf("vocabulary: none\n");
        }

        // One pass: value range and mean over finite values, NaN/Inf counts, row norms.
        std::size_t nan = 0, inf = 0, finite = 0, zero_rows = 0;
        double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
        std::vector<double> norms;
        norms.reserve(v.rows());
        for (std::size_t i = 0; i < v.rows(); ++i) {
            const float* r = v.vectors.row_data(i);
            double sq = 0;
            bool row_finite = true;
            for (std::size_t j = 0; j < v.dims(); ++j) {
                const double x = r[j];
                if (std::isnan(x)) ++nan, row_finite = false;
                else if (std::isinf(x)) ++inf, row_finite = false;
                else ++finite, lo = std::min(lo, x), hi = std::max(hi, x), sum += x, sq += x * x;
            }
            if (row_finite) norms.push_back(std::sqrt(sq));
            if (row_finite && sq == 0) ++zero_rows;
        }
        if (finite > 0)
            std::printf("values: min %.6g, max %.6g, mean %.6g\n", lo, hi, sum / static_cast<double>(finite));
        if (!norms.empty()) {
            std::sort(norms.begin(), norms.end());
            const bool unit = norms.front() > 0.999 && norms.back() < 1.001;
            std::printf("norms: min %.6g, median %.6g, max %.6g%s\n", norms.front(), norms[norms.size() / 2],
                        norms.back(), unit ? " (unit vectors: l2, cosine and ip rank alike)" : "");
        }
        std::printf("zero vectors: %zu\n", zero_rows);
        std::printf("non-finite: %zu NaN, %zu Inf\n", nan, inf);
    }

    std::string file_;
    bool simd_ = false;
};

const vspace::cli::registration<info_command> registered{
    "info", "Describe a vector file, or print the version and SIMD levels"};

}  // namespace
