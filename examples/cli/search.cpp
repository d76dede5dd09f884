// SPDX-License-Identifier: MIT
// `vspace search INDEX.vsi QUERIES -k K -o IDS.npy`: opens an index saved by `vspace build`
// (memory-mapped with hnsw_index::view, so opening costs one checksum pass and no copy) and
// writes the k nearest indexed rows of every query as int64 ids (queries x k, nearest first),
// optionally with their distances. The metric comes from the file.
#include "command.hpp"
#include "files.hpp"
#include "float_metric.hpp"
#include "hnsw_flags.hpp"
#include "progress.hpp"
#include "search_all.hpp"

#include <vspace/index/format.hpp>
#include <vspace/index/hnsw.hpp>
#include <vspace/io/npy.hpp>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

namespace {

namespace cli = vspace::cli;

/// Reads and checks the header of `path` enough to choose the index type to open: an HNSW
/// index of float vectors under l2, cosine or ip (what `vspace build` writes). Returns the
/// metric's command-line name. The index reader checks the header again, and the rest.
std::string float_hnsw_metric(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        VSPACE_THROW(vspace::io_error, "cannot read '", path, "': it is a folder (expected an index file)");
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!in) VSPACE_THROW(vspace::io_error, "cannot open '", path, "': ", std::strerror(errno));
    vspace::file_header h;
    const std::size_t got = std::fread(&h, 1, sizeof h, in.get());
    if (std::ferror(in.get())) VSPACE_THROW(vspace::io_error, "cannot read '", path, "': ", std::strerror(errno));
    if (got != sizeof h)
        VSPACE_THROW(vspace::format_error, "'", path, "' holds ", got,
                     " bytes, too few for an index header (expected at least ", sizeof h, ")");
    if (h.magic != vspace::index_file_magic)
        VSPACE_THROW(vspace::format_error, "'", path, "' is not a vspace index file (bad magic; expected a file from "
                     "'vspace build')");
    const auto sum = vspace::checksum::of(&h, offsetof(vspace::file_header, header_checksum));
    if (h.header_checksum != sum)
        VSPACE_THROW(vspace::format_error, "'", path, "': header checksum mismatch (expected ", h.header_checksum,
                     ", got ", sum, ": the file is corrupt)");
    if (h.type != vspace::index_type::hnsw)
        VSPACE_THROW(vspace::format_error, "'", path, "' holds index type ", static_cast<int>(h.type),
                     " (expected an HNSW index, type ", static_cast<int>(vspace::index_type::hnsw), ")");
    if (h.scalar != vspace::scalar_kind::f32)
        VSPACE_THROW(vspace::format_error, "'", path, "' holds ", vspace::scalar_name(h.scalar),
                     " vectors (expected f32: search opens the float indexes 'vspace build' writes)");
    switch (h.metric) {
        case vspace::metric_id::l2: return "l2";
        case vspace::metric_id::cosine: return "cosine";
        case vspace::metric_id::inner_product: return "ip";
        default:
            VSPACE_THROW(vspace::format_error, "'", path, "' was built with metric ", vspace::metric_name(h.metric),
                         " (expected l2, cosine or ip)");
    }
}

/// Opens the index: memory-mapped when `path` is a regular file, else (a pipe) read into memory.
template <class M>
vspace::hnsw_index<M, float> open_index(const std::string& path, const cli::common_options& common) {
    cli::stopwatch watch;
    std::error_code ec;
    auto index = std::filesystem::is_regular_file(path, ec) ? vspace::hnsw_index<M, float>::view(path)
                                                            : vspace::hnsw_index<M, float>::load(path);
    cli::note(common, "opened %s: %zu vectors of %zu dims, M %zu in %.2f s", path.c_str(), index.size(), index.dims(),
              index.options().m, watch.seconds());
    return index;
}

class search_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options&) override {
        app.add_option("INDEX", index_, "Index file written by 'vspace build'");
        app.add_option("QUERIES", queries_, "Vectors to search for (same dims as the index)");
        app.add_option("-k", k_, "Neighbours per query; more than the index holds is clamped to its size")
            ->show_default();
        app.add_option("-o,--output", ids_, "Output .npy: int64 ids of indexed rows, queries x k, nearest first");
        app.add_option("--distances", distances_,
                       "Also write their distances: float32 .npy, queries x k (l2: Euclidean, cosine: 1 - cos, "
                       "ip: -dot)");
        hnsw_.declare_search(app);
    }

    void run(const cli::common_options& common) override {
        if (k_ < 1) VSPACE_THROW(cli::usage_error, "-k ", k_, " (expected k >= 1)");
        if (index_.empty() || queries_.empty()) VSPACE_THROW(cli::usage_error, "INDEX and QUERIES are required");
        if (ids_.empty()) VSPACE_THROW(cli::usage_error, "-o IDS.npy is required");
        cli::check_output(ids_);
        if (!distances_.empty()) {
            cli::check_output(distances_);
            cli::check_distinct_outputs(ids_, distances_);
        }
        cli::with_float_metric(float_hnsw_metric(index_), [&]<class M>() { search<M>(common); });
    }

private:
    template <class M>
    void search(const cli::common_options& common) const {
        const auto index = open_index<M>(index_, common);
        if (index.size() == 0)
            VSPACE_THROW(vspace::data_error, "'", index_, "' holds no vectors (expected at least one)");
        const vspace::loaded_vectors queries = cli::load_input(queries_, common);
        cli::require_finite(queries, queries_);
        if (queries.dims() != index.dims())
            VSPACE_THROW(vspace::shape_error, "'", queries_, "' has ", queries.dims(), " dims, index '", index_,
                         "' has ", index.dims(), " (expected the same)");
        const auto k = static_cast<std::size_t>(k_);
        if (k > index.size())
            cli::warn(common, "-k %lld is more than the %zu vectors in '%s': returning %zu per query",
                      static_cast<long long>(k_), index.size(), index_.c_str(), index.size());
        const std::size_t ef = hnsw_.search_ef(std::min(k, index.size()));

        cli::stopwatch watch;
        const vspace::search_result result = cli::search_all(
            index, queries.vectors.view(), k, {.ef = ef, .n_threads = common.n_threads}, common, "search hnsw");
        const double seconds = watch.seconds();
        vspace::save_npy_ids(ids_, result);
        if (!distances_.empty()) vspace::save_npy_distances(distances_, result);
        if (!common.quiet)
            std::printf("wrote %s: %zu queries x %zu neighbours, ef %zu, searched in %.3f s (%.0f queries/s)\n",
                         ids_.c_str(), result.queries(), result.k(), ef, seconds,
                         static_cast<double>(result.queries()) / std::max(seconds, 1e-9));
    }

    std::string index_, queries_, ids_, distances_;
    std::int64_t k_ = 10;
    cli::hnsw_flags hnsw_;
};

const cli::registration<search_command> registered{"search", "Search an index saved by 'build' for each query"};

}  // namespace
