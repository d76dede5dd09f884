// SPDX-License-Identifier: MIT
// `vspace info [FILE] [--simd]`: what a vector file holds, or (no file / --simd) the version and
// the SIMD levels of this CPU and build.
#include "command.hpp"

#include <vspace/core/parallel.hpp>
#include <vspace/simd/kernel_table.hpp>
#include <vspace/simd/level.hpp>
#include <vspace/version.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

class info_command final : public vspace::cli::command {
public:
    void declare(CLI::App& app, vspace::cli::common_options&) override {
        app.add_option("FILE", file_, "Vector file to describe (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)");
        app.add_flag("--simd", simd_, "Print the version and SIMD levels (the default without FILE)");
    }

    void run(const vspace::cli::common_options&) override {
        if (file_.empty() || simd_) print_build();
        if (!file_.empty()) {
            if (simd_) std::printf("\n");
            VSPACE_THROW(vspace::cli::usage_error, "reading FILE needs io/load.hpp (not merged yet)");
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

    std::string file_;
    bool simd_ = false;
};

const vspace::cli::registration<info_command> registered{
    "info", "Describe a vector file, or print the version and SIMD levels"};

}  // namespace
