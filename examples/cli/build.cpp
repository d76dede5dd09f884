// SPDX-License-Identifier: MIT
// `vspace build BASE -o INDEX.vsi`: builds an HNSW index over the float vectors of BASE and saves
// it (hnsw_index::save: versioned, checksummed, written atomically), for `vspace search` to open
// later without rebuilding. The graph is the one `vspace knn --index hnsw` builds from the same
// BASE, options and seed, so `search` on the file gives the same ids as that command.
//
// Only float indexes are saved: a code index with float re-ranking (knn --type i8|b1) is a
// quantizer, the float rows and a graph over the codes, and the library has no file format for
// that whole (rescored_index has no save), so build refuses --type i8|b1 and --metric hamming
// rather than write something search could not re-rank with.
#include "command.hpp"
#include "files.hpp"
#include "float_metric.hpp"
#include "hnsw_flags.hpp"
#include "progress.hpp"

#include <vspace/index/hnsw.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

namespace cli = vspace::cli;

class build_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options& common) override {
        app.add_option("BASE", base_, "Vectors to index (.npy, .fvecs, .bvecs, word2vec, GloVe, idx)");
        app.add_option("-o,--output", output_, "Output index file (conventionally .vsi)");
        app.add_option("--metric", metric_, "Distance: l2, cosine or ip (inner product)")
            ->check(cli::one_of({"l2", "cosine", "ip", "hamming"}))
            ->show_default();
        app.add_option("--index", index_, "Index kind saved: hnsw (the only one with a file format)")
            ->check(cli::one_of({"flat", "hnsw"}))
            ->show_default();
        app.add_option("--type", type_, "Vector kind indexed: f32 (i8 and b1 cannot be saved yet)")
            ->check(cli::one_of({"f32", "i8", "b1"}))
            ->show_default();
        hnsw_.declare_build(app);
        cli::add_seed_option(app, common);
    }

    void run(const cli::common_options& common) override {
        if (base_.empty()) VSPACE_THROW(cli::usage_error, "BASE is required");
        if (output_.empty()) VSPACE_THROW(cli::usage_error, "-o INDEX.vsi is required");
        if (index_ != "hnsw")
            VSPACE_THROW(cli::usage_error, "--index ", index_,
                         " has no file format (expected hnsw; exact search needs no build: use 'vspace knn')");
        if (type_ != "f32" || metric_ == "hamming")
            VSPACE_THROW(cli::usage_error, metric_ == "hamming" ? std::string("--metric hamming") : "--type " + type_,
                         ": build saves float indexes only (a code index with float re-ranking has no file "
                         "format yet; use 'vspace knn --index hnsw --type i8|b1' to search codes)");
        cli::check_output(output_);

        cli::stopwatch total;
        const vspace::loaded_vectors base = cli::load_input(base_, common);
        cli::require_finite(base, base_);
        const auto rows = base.vectors.view();
        const std::string summary = cli::with_float_metric(metric_, [&]<class M>() {
            vspace::hnsw_index<M, float> index(rows.dims(), hnsw_.build_options(common));
            cli::add_in_batches(rows.rows(), "build hnsw", common,
                                [&](std::size_t first, std::size_t n) { index.add(rows.subview(first, n)); });
            index.save(output_);
            char line[160];
            std::snprintf(line, sizeof line, "%zu vectors of %zu dims, metric %s, M %zu, ef-construction %zu",
                          index.size(), index.dims(), metric_.c_str(), hnsw_.m, hnsw_.ef_construction);
            return std::string(line);
        });
        if (!common.quiet) {
            std::error_code ec;
            const auto bytes = std::filesystem::file_size(output_, ec);
            std::printf("wrote %s: %s, %.1f MB in %.2f s\n", output_.c_str(), summary.c_str(),
                         static_cast<double>(bytes) / 1e6, total.seconds());
        }
    }

private:
    std::string base_, output_;
    std::string metric_ = "l2", index_ = "hnsw", type_ = "f32";
    cli::hnsw_flags hnsw_;
};

const cli::registration<build_command> registered{"build", "Build an HNSW index over BASE and save it for 'search'"};

}  // namespace
