// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `hnsw_index::save` and the reader behind `load` and `view`. Included at the end of
/// index/hnsw.hpp.
///
/// Payload (format version 1), each section padded to 64 bytes:
///   parameters (8 x u64: m, ef_construction, seed, count, next_id, upper words, row stride,
///   entry node) | vectors (count x stride storage words) | level-0 lists (count x (1 + 2m)
///   u32) | levels (count u8) | flags (count u8) | upper-level lists (u32) | ids (count i64) |
///   id -> slot map (next_id u32).
/// Everything derived (upper-list offsets, the top level, counts of removed rows) is recomputed
/// and every stored relation is checked, so a file cannot make the index read out of bounds.
#pragma once

#include <vspace/index/hnsw.hpp>

namespace vspace {

template <class Metric, class T>
    requires metric<Metric, T>
void hnsw_index<Metric, T>::save(const std::filesystem::path& path) const {
    std::lock_guard write(sync_->write);  // a consistent snapshot: no add, remove or compact meanwhile
    const std::uint32_t n = graph_.size();
    const auto next = static_cast<std::uint64_t>(graph_.next_id());
    const auto e = graph_.entry();
    const file_params p{options_.m, options_.ef_construction, options_.seed, n, next, graph_.upper().size(), stride_,
                        e.node};
    file_header h;
    h.version = format_version;
    h.type = index_type::hnsw;
    h.scalar = scalar_traits<T>::kind;
    h.metric = metric_traits<Metric>::id;
    h.dims = dims_;
    h.count = n;
    const file_section sections[] = {
        {&p, sizeof p},
        {vectors_, std::size_t{n} * stride_ * sizeof(storage_type)},
        {graph_.links0().data(), std::size_t{n} * (1 + graph_.m0()) * sizeof(std::uint32_t)},
        {graph_.levels().data(), n},
        {graph_.flags().data(), n},
        {graph_.upper().data(), graph_.upper().size() * sizeof(std::uint32_t)},
        {graph_.labels().data(), std::size_t{n} * sizeof(std::int64_t)},
        {graph_.slot_of().data(), next * sizeof(std::uint32_t)},
    };
    write_index_file(path, h, sections);
}

template <class Metric, class T>
    requires metric<Metric, T>
hnsw_index<Metric, T> hnsw_index<Metric, T>::open(std::span<const std::byte> bytes, Metric metric,
                                                  std::size_t n_threads, mapped_file* map,
                                                  const std::string& name) {
    const std::string where_s = "hnsw_index::" + std::string(map ? "view" : "load") + " '" + name + "'";
    const char* where = where_s.c_str();
    const file_header h = check_index_file(bytes, index_type::hnsw, format_version, scalar_traits<T>::kind,
                                           metric_traits<Metric>::id, where);
    section_reader r(bytes.subspan(sizeof h), where);
    const file_params p = *r.take<file_params>(1, "parameters");
    if (h.dims == 0 || h.dims > (std::uint64_t{1} << 32))
        VSPACE_THROW(format_error, where, ": dims = ", h.dims, " (expected 1 to 2^32)");
    if (p.m < 2 || p.m > 2048) VSPACE_THROW(format_error, where, ": m = ", p.m, " (expected 2 to 2048)");
    if (p.ef_construction == 0 || p.ef_construction > (std::uint64_t{1} << 31))
        VSPACE_THROW(format_error, where, ": ef_construction = ", p.ef_construction, " (expected 1 to 2^31)");
    if (p.count != h.count || p.count > graph_type::max_nodes)
        VSPACE_THROW(format_error, where, ": count = ", p.count, " (expected the header's ", h.count, ", at most ",
                     graph_type::max_nodes, ")");
    if (p.stride != matrix<T>::padded_words(h.dims))
        VSPACE_THROW(format_error, where, ": row stride ", p.stride, " (expected ", matrix<T>::padded_words(h.dims),
                     " for ", h.dims, " dims)");
    if (p.next_id < p.count)
        VSPACE_THROW(format_error, where, ": next id ", p.next_id, " (expected >= count ", p.count, ")");
    if (p.count > 0 ? p.entry >= p.count : p.entry != none)
        VSPACE_THROW(format_error, where, ": entry node ", p.entry, " (expected < ", p.count, ")");
    const auto count = static_cast<std::uint32_t>(p.count);
    const std::uint64_t m0 = 2 * p.m;
    const auto* vectors = r.take<storage_type>(p.count * p.stride, "vectors");
    const auto* links0 = r.take<std::uint32_t>(p.count * (1 + m0), "level-0 links");
    const auto* levels = r.take<std::uint8_t>(p.count, "levels");
    const auto* flags = r.take<std::uint8_t>(p.count, "flags");
    const auto* upper = r.take<std::uint32_t>(p.upper_words, "upper links");
    const auto* labels = r.take<std::int64_t>(p.count, "ids");
    const auto* slot_of = r.take<std::uint32_t>(p.next_id, "id map");
    r.finish();
    if constexpr (std::same_as<T, float>)
        for (std::uint32_t i = 0; i < count; ++i)
            for (std::size_t j = 0; j < h.dims; ++j)
                if (!std::isfinite(vectors[std::size_t{i} * p.stride + j]))
                    VSPACE_THROW(format_error, where, ": vector ", i, " holds ", vectors[std::size_t{i} * p.stride + j],
                                 " at dim ", j, " (expected finite values)");

    hnsw_index index(static_cast<std::size_t>(h.dims),
                     {.m = static_cast<std::size_t>(p.m), .ef_construction = static_cast<std::size_t>(p.ef_construction),
                      .n_threads = n_threads, .seed = p.seed},
                     std::move(metric));
    auto raw = index.graph_.raw();
    const std::size_t n = count, next = static_cast<std::size_t>(p.next_id), up = static_cast<std::size_t>(p.upper_words);
    if (map != nullptr) {
        raw.links0->borrow(links0, n * (1 + m0));
        raw.upper->borrow(upper, up);
        raw.levels->borrow(levels, n);
        raw.flags->borrow(flags, n);
        raw.labels->borrow(labels, n);
        raw.slot_of->borrow(slot_of, next);
        index.vectors_ = vectors;
    } else {
        raw.links0->assign(links0, n * (1 + m0));
        raw.upper->assign(upper, up);
        raw.levels->assign(levels, n);
        raw.flags->assign(flags, n);
        raw.labels->assign(labels, n);
        raw.slot_of->assign(slot_of, next);
        index.data_.assign(vectors, n * p.stride);
        index.vectors_ = index.data_.data();
    }
    index.graph_.rebuild(count, static_cast<std::uint32_t>(p.count > 0 ? p.entry : none), where);
    index.slot_capacity_ = n;
    if (map != nullptr) index.map_ = std::make_unique<mapped_file>(std::move(*map));  // same address
    return index;
}

}  // namespace vspace
/// @endcond
