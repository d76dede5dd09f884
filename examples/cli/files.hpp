// SPDX-License-Identifier: MIT
/// @file
/// Input and output helpers shared by the subcommands: read vectors with errors that name the
/// file, reject NaN/Inf with the file, row and column, and check before any work starts that
/// an output path can be written (the write itself goes through `atomic_file`, via the io
/// writers, so a failure leaves no partial file and an existing file intact).
#pragma once

#include "command.hpp"
#include "progress.hpp"

#include <vspace/core/error.hpp>
#include <vspace/io/load.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include <unistd.h>

namespace vspace::cli {

/// Throws io_error unless `path` can be created or replaced: its folder exists and is writable,
/// and the path is not a folder. Call it for every output before reading the inputs, so that a
/// typo in `-o` fails at once rather than after a long computation.
inline void check_output(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    std::error_code ec;
    if (fs::is_directory(p, ec))
        VSPACE_THROW(io_error, "cannot write '", path, "': it is a folder (expected a file name)");
    const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, ec))
        VSPACE_THROW(io_error, "cannot write '", path, "': folder '", folder.string(),
                     "' does not exist (expected an existing folder)");
    if (::access(folder.c_str(), W_OK) != 0)
        VSPACE_THROW(io_error, "cannot write '", path, "': folder '", folder.string(), "' is not writable (",
                     std::strerror(errno), ")");
}

/// Throws usage_error when two outputs name the same file (the second would replace the first).
inline void check_distinct_outputs(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return;
    std::error_code ec;
    const auto ca = std::filesystem::weakly_canonical(a, ec), cb = std::filesystem::weakly_canonical(b, ec);
    if (ca == cb) VSPACE_THROW(usage_error, "two outputs name the same file '", a, "'");
}

/// Reads vectors from `path` (any format `load_vectors` knows). Errors name the file; a file
/// without vectors is an error. Prints a note with the shape when progress is on.
inline loaded_vectors load_input(const std::string& path, const common_options& common) {
    stopwatch watch;
    loaded_vectors v = load_vectors(path, {.n_threads = common.n_threads});
    if (v.rows() == 0 || v.dims() == 0)
        VSPACE_THROW(format_error, "'", path, "' holds ", v.rows(), " x ", v.dims(),
                     " values (expected at least one vector of at least one dimension)");
    note(common, "read %s: %zu x %zu %s (%s) in %.2f s", path.c_str(), v.rows(), v.dims(),
         std::string(element_name(v.stored)).c_str(), std::string(format_name(v.format)).c_str(), watch.seconds());
    return v;
}

/// Throws data_error naming the file, row and column of the first NaN or infinity.
inline void require_finite(const loaded_vectors& v, const std::string& path) {
    const matrix<float>& m = v.vectors;
    for (std::size_t i = 0; i < m.rows(); ++i) {
        const float* r = m.row_data(i);
        for (std::size_t j = 0; j < m.dims(); ++j)
            if (!std::isfinite(r[j]))
                VSPACE_THROW(data_error, "'", path, "': value ", r[j], " at row ", i, ", column ", j,
                             " (expected finite numbers)");
    }
}

/// Throws shape_error unless two inputs have the same number of dimensions.
inline void require_same_dims(const loaded_vectors& base, const std::string& base_path, const loaded_vectors& other,
                              const std::string& other_path) {
    if (base.dims() != other.dims())
        VSPACE_THROW(shape_error, "'", other_path, "' has ", other.dims(), " dims, '", base_path, "' has ",
                     base.dims(), " (expected the same)");
}

}  // namespace vspace::cli
