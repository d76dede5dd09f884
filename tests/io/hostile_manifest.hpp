// SPDX-License-Identifier: MIT
// The hostile-file corpus of tests/data/hostile/ (written by tests/data/make_hostile.py): its
// manifest, one row per file with the reader kind, the exception class a reader must throw
// (or "none" for the valid controls) and why. Shared by tests/io/test_hostile.cpp (the library
// readers) and tests/cli/test_cli_hostile.cpp (the tool). VSPACE_HOSTILE_DIR is the folder.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace vspace::test {

struct hostile_file {
    std::string name, kind, expected, reason;
    std::filesystem::path path() const { return std::filesystem::path(VSPACE_HOSTILE_DIR) / name; }
};

/// Every row of MANIFEST.tsv (comment lines start with '#').
inline std::vector<hostile_file> hostile_manifest() {
    const auto path = std::filesystem::path(VSPACE_HOSTILE_DIR) / "MANIFEST.tsv";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::vector<hostile_file> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        hostile_file f;
        std::getline(fields, f.name, '\t');
        std::getline(fields, f.kind, '\t');
        std::getline(fields, f.expected, '\t');
        std::getline(fields, f.reason);
        rows.push_back(f);
    }
    return rows;
}

/// The rows of one reader kind.
inline std::vector<hostile_file> hostile_files(const std::string& kind) {
    std::vector<hostile_file> out;
    for (const auto& f : hostile_manifest())
        if (f.kind == kind) out.push_back(f);
    return out;
}

}  // namespace vspace::test
