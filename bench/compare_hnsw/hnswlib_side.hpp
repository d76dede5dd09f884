// SPDX-License-Identifier: MIT
// The anchor of the HNSW comparison: hnswlib 0.6.2 (Debian libhnswlib-dev) behind a small
// interface, so that its header is compiled alone with -O3 -march=native (as its authors
// recommend) while vspace's side keeps the project's flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

class hnswlib_side {
public:
    /// Builds an L2 index over n rows of `dims` floats (row stride `stride` floats) with
    /// `threads` threads inserting concurrently, as hnswlib's own examples do.
    hnswlib_side(const float* data, std::size_t n, std::size_t dims, std::size_t stride, std::size_t m,
                 std::size_t ef_construction, std::size_t threads);
    ~hnswlib_side();
    void set_ef(std::size_t ef);
    /// The k nearest rows of `query`, nearest first, into ids.
    void search(const float* query, std::size_t k, std::int64_t* ids) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};
