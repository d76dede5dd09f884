// SPDX-License-Identifier: MIT
/// @file
/// `hnsw_index<Metric, T>`: approximate nearest-neighbour search on a Hierarchical Navigable
/// Small World graph (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor
/// search using Hierarchical Navigable Small World graphs", IEEE TPAMI 2018). For any metric,
/// built-in or custom, and all three scalar kinds. See docs/hnsw.md for the design and the
/// measured trade-offs.
#pragma once

#include <vspace/core/matrix.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/core/random.hpp>
#include <vspace/detail/top_k.hpp>
#include <vspace/detail/validate.hpp>
#include <vspace/index/format.hpp>
#include <vspace/index/hnsw/build.hpp>
#include <vspace/index/hnsw/candidates.hpp>
#include <vspace/index/hnsw/gate.hpp>
#include <vspace/index/hnsw/graph.hpp>
#include <vspace/index/hnsw/select.hpp>
#include <vspace/index/hnsw/visited.hpp>
#include <vspace/index/result.hpp>
#include <vspace/index/search_options.hpp>
#include <vspace/metric/bound.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace vspace {

/// Build options of `hnsw_index` (fixed for the life of the index; saved with it).
struct hnsw_options {
    /// Links per node on the upper layers ("M" in Malkov & Yashunin 2018); level 0 keeps up to
    /// 2M ("M_max0"). More links: higher recall at a given ef, more memory (about 8M bytes per
    /// node) and a slower build. 12 to 48 is typical; hnswlib's and FAISS's default is 16.
    std::size_t m = 16;
    /// Length of the candidate list while inserting ("efConstruction"). Larger gives a better
    /// graph (higher recall at the same search ef) for a proportionally slower build. hnswlib's
    /// default is 200, FAISS's 40.
    std::size_t ef_construction = 200;
    /// Threads for `add` and `compact` (0 = all cores). The graph does not depend on it.
    std::size_t n_threads = 0;
    /// Seeds the level of each node (drawn from its id). The same seed and the same adds give
    /// the same graph, byte for byte, whatever the thread count.
    std::uint64_t seed = 42;
};

/// Approximate k-nearest-neighbour search over rows of kind T under metric Metric.
///
/// Rows get ids 0, 1, 2, ... in the order they are added; ids stay valid through `remove` and
/// `compact`. A search walks the graph from the top layer down and returns, nearest first,
/// the best k of `ef` candidates (recall rises with ef; see `search_options::ef`).
///
/// Thread safety: searches are const and may run concurrently with each other and with `add`
/// and `remove` (adds are serialized among themselves; `compact` waits for running searches
/// and blocks new ones while it runs). The build is parallel (`hnsw_options::n_threads`) and
/// deterministic.
///
/// Costs: insertion O(ef_construction · M · log n) distances; a search about O(ef · M · log n).
/// Memory: the vectors (rows padded to 64 bytes) plus about 4(2M + 1) + 14 bytes per node,
/// plus 4 bytes per id ever handed out.
/// @tparam Metric satisfies `metric<Metric, T>` (built-in or your own; for the built-ins the
///         distances run on the SIMD kernels)
/// @tparam T float, std::int8_t or vspace::bit
template <class Metric, class T>
    requires metric<Metric, T>
class hnsw_index {
    using graph_type = detail::hnsw_graph;
    using candidate = detail::candidate;
    static constexpr std::uint32_t none = graph_type::none;

public:
    using metric_type = Metric;
    using value_type = T;
    using storage_type = storage_t<T>;
    using options_type = hnsw_options;
    /// Layout version written by `save`.
    static constexpr std::uint32_t format_version = 1;
    /// Search ef when `search_options::ef` is 0 (then max(k, this)).
    static constexpr std::size_t default_ef = 64;

    /// An empty index for vectors of `dims` dimensions (bits, for `bit`).
    /// Throws invalid_argument for dims = 0, m < 2 or > 2048, ef_construction = 0.
    explicit hnsw_index(std::size_t dims, const hnsw_options& options = {}, Metric metric = Metric{})
        : options_(options), metric_(std::move(metric)), dims_(dims), words_(scalar_traits<T>::words(dims)),
          stride_(matrix<T>::padded_words(dims)), row_bytes_(words_ * sizeof(storage_type)),
          graph_(check_options(dims, options)) {
        level_mult_ = 1.0 / std::log(static_cast<double>(options_.m));
    }

    hnsw_index(hnsw_index&&) noexcept = default;
    hnsw_index& operator=(hnsw_index&&) noexcept = default;

    /// Inserts rows; their ids continue from `next_id()`. Storage grows as needed. Uses
    /// `hnsw_options::n_threads` threads. Throws shape_error on a dimension mismatch,
    /// data_error on NaN/Inf and invalid_argument on a read-only view, leaving the index
    /// unchanged.
    void add(matrix_view<T> rows) {
        check_writable("hnsw_index::add");
        detail::check_dims(rows.dims(), dims_, "hnsw_index::add", "data");
        detail::check_finite(rows, "hnsw_index::add");
        if (rows.rows() == 0) return;
        std::lock_guard write(sync_->write);
        const std::uint32_t first = graph_.size();
        if (rows.rows() > graph_type::max_nodes - first)
            VSPACE_THROW(invalid_argument, "hnsw_index::add: ", first, " + ", rows.rows(), " rows (expected at most ",
                         graph_type::max_nodes, " in one index)");
        const auto count = static_cast<std::uint32_t>(rows.rows());
        const std::int64_t id0 = graph_.next_id();
        std::vector<std::uint8_t> levels(count);
        std::size_t upper = graph_.upper_lists();
        for (std::uint32_t i = 0; i < count; ++i) upper += levels[i] = level_for(id0 + i);
        if (upper > std::numeric_limits<std::uint32_t>::max())
            VSPACE_THROW(invalid_argument, "hnsw_index::add: the upper layers would need ", upper,
                         " lists (expected at most 2^32 - 1)");
        grow(std::size_t{first} + count, upper, static_cast<std::size_t>(id0) + count);
        data_.resize((std::size_t{first} + count) * stride_);  // within capacity: nothing moves
        for (std::uint32_t i = 0; i < count; ++i) {
            std::memcpy(data_.data() + (std::size_t{first} + i) * stride_, rows.row_data(i), row_bytes_);
            graph_.append(levels[i]);
        }
        insert(first, first + count);
    }

    /// Marks row `id` removed: searches stop returning it at once, but it still routes walks
    /// until `compact()`. Throws invalid_argument if `id` is not in the index.
    void remove(std::int64_t id) {
        check_writable("hnsw_index::remove");
        std::lock_guard write(sync_->write);
        const std::uint32_t slot = graph_.slot_of(id);
        if (slot == none || graph_.removed(slot))
            VSPACE_THROW(invalid_argument, "hnsw_index::remove: id ", id, " is not in the index (expected one of its ",
                         size(), " ids)");
        graph_.mark_removed(slot);
    }

    /// True if row `id` was added and not removed.
    bool contains(std::int64_t id) const noexcept {
        detail::shared_hold hold(sync_->gate);
        const std::uint32_t slot = graph_.slot_of(id);
        return slot != none && slot < graph_.size() && !graph_.removed(slot);
    }

    /// Drops removed rows for good: repairs the links that pointed at them (each affected node
    /// re-selects its neighbours from its live neighbours and theirs, with the heuristic), then
    /// renumbers the storage densely and frees the memory. Ids of the remaining rows do not
    /// change. Blocks searches while it runs.
    void compact();

    /// The k nearest rows to `query`, nearest first (fewer if the index, or the part of it a
    /// filter accepts, is smaller). `options.ef` trades speed for recall; a filter is applied
    /// during the walk, and when it accepts so few rows that a walk would lose recall or do
    /// more work than a scan, the accepted rows are searched exactly instead.
    /// Throws shape_error on a wrong query size, data_error on NaN, invalid_argument for k = 0.
    std::vector<neighbor> search(row<T> query, std::size_t k, const search_options& options = {}) const {
        check_query(query.size(), k, "hnsw_index::search");
        detail::check_finite(query, "hnsw_index::search");
        detail::shared_hold hold(sync_->gate);
        lease s(*this);
        return to_neighbors(find(query.data(), k, options, *s, none), *s);
    }

    /// The k nearest rows of every query (row q of the result = query q), on
    /// `options.n_threads` threads. Missing slots (a small index, a strict filter) hold id -1.
    search_result search(matrix_view<T> queries, std::size_t k, const search_options& options = {}) const {
        check_query(queries.words(), k, "hnsw_index::search");
        detail::check_dims(queries.dims(), dims_, "hnsw_index::search", "queries");
        detail::check_finite(queries, "hnsw_index::search");
        search_result result(queries.rows(), std::min(k, size()));
        parallel_for_dynamic(options.n_threads, queries.rows(), 16, [&](std::size_t begin, std::size_t end, std::size_t) {
            detail::shared_hold hold(sync_->gate);
            lease s(*this);
            for (std::size_t q = begin; q < end; ++q) {
                const std::size_t found = find(queries.row_data(q), result.k(), options, *s, none);
                auto ids = result.ids(q);
                auto dist = result.distances(q);
                for (std::size_t j = 0; j < found; ++j) {
                    ids[j] = graph_.label(s->best[j].node);
                    dist[j] = metric_.to_distance(s->best[j].distance);
                }
            }
        });
        return result;
    }

    /// The k nearest rows to the stored row `id`, excluding itself. The walk starts at the row
    /// (no descent through the layers), which makes this the fast way to build a kNN graph of
    /// the indexed data. Throws invalid_argument if `id` is not in the index.
    std::vector<neighbor> search_by_id(std::int64_t id, std::size_t k, const search_options& options = {}) const {
        detail::check_k(k, "hnsw_index::search_by_id");
        detail::shared_hold hold(sync_->gate);
        const std::uint32_t slot = graph_.slot_of(id);
        if (slot == none || slot >= graph_.size() || graph_.removed(slot))
            VSPACE_THROW(invalid_argument, "hnsw_index::search_by_id: id ", id,
                         " is not in the index (expected one of its ", size(), " ids)");
        lease s(*this);
        search_options o = options;
        o.ef = std::max(options.ef == 0 ? default_ef : options.ef, k + 1);
        const std::size_t found = find(vec(slot), k + 1, o, *s, slot);
        auto out = to_neighbors(found, *s);
        std::erase_if(out, [&](const neighbor& n) { return n.id == id; });
        if (out.size() > k) out.resize(k);
        return out;
    }

    /// Rows that searches can return (added, not removed).
    std::size_t size() const noexcept { return graph_.size() - graph_.removed_count(); }
    std::size_t dims() const noexcept { return dims_; }
    /// The id the next added row gets.
    std::int64_t next_id() const noexcept { return graph_.next_id(); }
    const hnsw_options& options() const noexcept { return options_; }
    const Metric& metric() const noexcept { return metric_.get(); }
    /// True for an index opened with `view` (read-only).
    bool is_view() const noexcept { return map_ != nullptr; }

    /// The stored row `id`. Throws invalid_argument if it is not in the index. The span stays
    /// valid until the next add, compact or destruction.
    row<T> vector(std::int64_t id) const {
        const std::uint32_t slot = graph_.slot_of(id);
        if (slot == none || graph_.removed(slot))
            VSPACE_THROW(invalid_argument, "hnsw_index::vector: id ", id, " is not in the index (expected one of its ",
                         size(), " ids)");
        return {vec(slot), words_};
    }

    /// Heap bytes held: vectors, links, ids (0 for the mapped parts of a view).
    std::size_t memory_bytes() const noexcept {
        return data_.memory_bytes() + graph_.memory_bytes();
    }

    /// Writes the index to `path` atomically (readers see the old file or the new one), in the
    /// versioned, checksummed format of index/format.hpp. Throws io_error.
    void save(const std::filesystem::path& path) const;

    /// Reads an index saved by `save` into memory. Throws io_error if the file cannot be read
    /// and format_error if it is truncated, corrupt, hostile, or was built for another kind,
    /// metric or format version. Build options come from the file; `n_threads` is for later adds.
    static hnsw_index load(const std::filesystem::path& path, Metric metric = Metric{}, std::size_t n_threads = 0) {
        mapped_file file(path, "hnsw_index::load");
        auto bytes = file.bytes();
        detail::big_vector<std::byte> copy;  // a pipe is read into memory that may be less aligned
        if (reinterpret_cast<std::uintptr_t>(bytes.data()) % file_alignment != 0) {
            copy.assign(bytes.begin(), bytes.end());
            bytes = copy;
        }
        return open(bytes, std::move(metric), n_threads, nullptr, path.string());
    }

    /// Like `load`, from a file image in memory (which must be 64-byte aligned); copies it.
    static hnsw_index load(std::span<const std::byte> image, Metric metric = Metric{}, std::size_t n_threads = 0) {
        return open(image, std::move(metric), n_threads, nullptr, "hnsw_index::load");
    }

    /// Memory-maps a saved index for read-only search without copying it: opening costs one
    /// pass over the file (checksum and structure checks), and the pages are shared with the
    /// page cache. `add`, `remove` and `compact` throw. The file must not be modified while
    /// the view is open.
    static hnsw_index view(const std::filesystem::path& path, Metric metric = Metric{}) {
        mapped_file file(path, "hnsw_index::view");
        if (reinterpret_cast<std::uintptr_t>(file.bytes().data()) % file_alignment != 0)
            VSPACE_THROW(io_error, "hnsw_index::view: '", path.string(),
                         "' cannot be mapped 64-byte aligned (expected a regular file; use load)");
        const auto bytes = file.bytes();
        return open(bytes, std::move(metric), 0, &file, path.string());
    }

private:
    /// Per-thread search state, pooled so that searches do not allocate.
    struct scratch {
        detail::visited_set visited;
        detail::candidate_list list;
        std::vector<candidate> best;    // results, and the heuristic's working set
        std::vector<candidate> heap;    // filtered walk: candidates to expand (min-heap)
        std::vector<std::uint32_t> fresh;
    };
    struct sync_state {
        std::mutex write;          // serializes add / remove / compact
        detail::shared_gate gate;  // shared: searches; exclusive: storage moves
        std::mutex pool_mutex;
        std::vector<std::unique_ptr<scratch>> pool;
    };

    /// Borrows a scratch from the pool for the duration of one search.
    class lease {
    public:
        explicit lease(const hnsw_index& index) : sync_(*index.sync_) {
            {
                std::lock_guard lock(sync_.pool_mutex);
                if (!sync_.pool.empty()) {
                    s_ = std::move(sync_.pool.back());
                    sync_.pool.pop_back();
                }
            }
            if (!s_) s_ = std::make_unique<scratch>();
        }
        ~lease() {
            std::lock_guard lock(sync_.pool_mutex);
            sync_.pool.push_back(std::move(s_));
        }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        scratch& operator*() noexcept { return *s_; }
        scratch* operator->() noexcept { return s_.get(); }

    private:
        sync_state& sync_;
        std::unique_ptr<scratch> s_;
    };

    static std::uint32_t check_options(std::size_t dims, const hnsw_options& o) {
        if (dims == 0) VSPACE_THROW(invalid_argument, "hnsw_index: dims = 0 (expected >= 1)");
        if (dims > (std::size_t{1} << 32))
            VSPACE_THROW(invalid_argument, "hnsw_index: dims = ", dims, " (expected <= 2^32)");
        if (o.m < 2 || o.m > 2048)
            VSPACE_THROW(invalid_argument, "hnsw_index: m = ", o.m, " (expected 2 <= m <= 2048)");
        if (o.ef_construction == 0)
            VSPACE_THROW(invalid_argument, "hnsw_index: ef_construction = 0 (expected >= 1)");
        return static_cast<std::uint32_t>(o.m);
    }

    void check_writable(const char* where) const {
        if (is_view())
            VSPACE_THROW(invalid_argument, where, ": the index is a read-only view of a file (use load() to modify it)");
    }

    void check_query(std::size_t words, std::size_t k, const char* where) const {
        detail::check_k(k, where);
        if (words != words_)
            VSPACE_THROW(shape_error, where, ": query has ", words, std::same_as<T, bit> ? " words" : " dims",
                         " (expected ", words_, ")");
    }

    /// Level of the node with id `id`: floor(-ln(U) · mL), mL = 1 / ln(M) (paper, section 4),
    /// with U drawn from the id's own random stream, so it does not depend on insertion order.
    std::uint8_t level_for(std::int64_t id) const noexcept {
        rng r(options_.seed, static_cast<std::uint64_t>(id));
        const double level = -std::log(1.0 - r.uniform_double()) * level_mult_;
        return static_cast<std::uint8_t>(std::min<double>(level, graph_type::max_level));
    }

    const storage_type* vec(std::uint32_t node) const noexcept { return vectors_ + std::size_t{node} * stride_; }

    /// Asks for the first cache line of a row (cheap; enough to start the hardware prefetcher).
    void prefetch_head(std::uint32_t node) const noexcept { __builtin_prefetch(vec(node)); }

    /// Asks for a whole row. A walk evaluates the fresh neighbours of a node one after the other;
    /// fetching the next row in full while computing the current one keeps many cache misses
    /// in flight (measured: +15 % over prefetching one line, on 784-dim rows).
    void prefetch_row(std::uint32_t node) const noexcept {
        const char* p = reinterpret_cast<const char*>(vec(node));
        for (std::size_t b = 0; b < row_bytes_; b += 64) __builtin_prefetch(p + b);
    }

    /// Asks for the link list of `node` on `level`.
    void prefetch_list(std::uint32_t node, unsigned level) const noexcept {
        const char* p = reinterpret_cast<const char*>(graph_.list(node, level));
        for (std::size_t b = 0; b < (1 + graph_.cap(level)) * sizeof(std::uint32_t); b += 64) __builtin_prefetch(p + b);
    }

    /// The search distance (smaller is closer).
    float distance(const storage_type* a, const storage_type* b) const noexcept { return metric_(a, b, words_); }

    /// Greedy descent (ef = 1) from `cur` through the levels above `stop`, over nodes below
    /// `limit` (the published ones: a concurrent add links new nodes before it publishes them).
    candidate greedy(const storage_type* q, candidate cur, unsigned from, unsigned stop,
                     std::uint32_t limit) const noexcept {
        for (unsigned l = from; l > stop; --l) {
            for (bool moved = true; moved;) {
                moved = false;
                const std::uint32_t* li = graph_.list(cur.node, l);
                const std::uint32_t n = detail::load_word(li[0]);
                for (std::uint32_t j = 1; j <= n; ++j) {
                    const std::uint32_t id = detail::load_word(li[j]);
                    if (id >= limit) continue;
                    const float d = distance(q, vec(id));
                    if (d < cur.distance) {
                        cur = {d, id};
                        moved = true;
                    }
                }
            }
        }
        return cur;
    }

    /// Best-first walk on `level` from `start` (Algorithm 2) over nodes below `limit`; leaves
    /// the best ef in `s.list`.
    void walk(const storage_type* q, candidate start, std::size_t ef, unsigned level, std::uint32_t limit,
              scratch& s) const {
        s.visited.start(slot_capacity_);
        s.list.reset(ef);
        s.fresh.resize(graph_.cap(0));
        s.visited.test_and_set(start.node);
        s.list.insert(start.distance, start.node);
        std::uint32_t* fresh = s.fresh.data();
        for (std::uint32_t c; (c = s.list.next()) != none;) {
            const std::uint32_t* li = graph_.list(c, level);
            // the node expanded next is most likely the next unexpanded one now: fetch its links
            if (const std::uint32_t after = s.list.peek(); after != none) prefetch_list(after, level);
            const std::uint32_t n = detail::load_word(li[0]);
            std::uint32_t u = 0;
            for (std::uint32_t j = 1; j <= n; ++j) {
                const std::uint32_t id = detail::load_word(li[j]);
                if (id < limit && !s.visited.test_and_set(id)) {
                    fresh[u++] = id;
                    prefetch_head(id);
                }
            }
            if (u > 0) prefetch_row(fresh[0]);
            for (std::uint32_t j = 0; j < u; ++j) {
                if (j + 1 < u) prefetch_row(fresh[j + 1]);
                const float d = distance(q, vec(fresh[j]));
                if (d < s.list.bound()) s.list.insert(d, fresh[j]);
            }
        }
    }

    /// Walk on level 0 that returns only nodes `accept` takes but routes through all of them
    /// (the filtered search of hnswlib): leaves the best ef accepted nodes in `s.list`.
    template <class Accept>
    void walk_filtered(const storage_type* q, candidate start, std::size_t ef, std::uint32_t limit, scratch& s,
                       Accept&& accept) const {
        const auto farther = [](const candidate& a, const candidate& b) { return a.distance > b.distance; };
        s.visited.start(slot_capacity_);
        s.list.reset(ef);
        s.heap.clear();
        s.visited.test_and_set(start.node);
        s.heap.push_back(start);
        if (accept(start.node)) s.list.insert(start.distance, start.node);
        while (!s.heap.empty()) {
            std::pop_heap(s.heap.begin(), s.heap.end(), farther);
            const candidate c = s.heap.back();
            s.heap.pop_back();
            if (c.distance > s.list.bound()) break;
            const std::uint32_t* li = graph_.list(c.node, 0);
            const std::uint32_t n = detail::load_word(li[0]);
            for (std::uint32_t j = 1; j <= n; ++j) {
                const std::uint32_t id = detail::load_word(li[j]);
                if (id >= limit || s.visited.test_and_set(id)) continue;
                const float d = distance(q, vec(id));
                if (d >= s.list.bound()) continue;
                s.heap.push_back({d, id});
                std::push_heap(s.heap.begin(), s.heap.end(), farther);
                if (accept(id)) s.list.insert(d, id);
            }
        }
    }

    /// Fraction of the first `n` nodes `accept` takes, estimated from up to 256 evenly spread ones.
    template <class Accept>
    static double accepted_fraction(std::uint32_t n, Accept&& accept) {
        const std::uint32_t samples = std::min<std::uint32_t>(n, 256);
        std::uint32_t hits = 0;
        for (std::uint32_t j = 0; j < samples; ++j)
            hits += accept(static_cast<std::uint32_t>(std::uint64_t{j} * n / samples)) ? 1 : 0;
        return samples == 0 ? 0.0 : static_cast<double>(hits) / samples;
    }

    /// The k best nodes for query q, into s.best (search distances, nearest first); returns how
    /// many. `start` = a node to walk from on level 0, or `none` to descend from the entry point.
    std::size_t find(const storage_type* q, std::size_t k, const search_options& o, scratch& s,
                     std::uint32_t start) const {
        const auto entry = graph_.entry();  // before the size: see hnsw_graph::entry
        const std::uint32_t n = graph_.size();
        if (n == 0 || entry.node == none) return 0;
        const std::size_t ef = std::max(k, o.ef == 0 ? default_ef : o.ef);
        const bool filtering = o.filter || graph_.removed_count() > 0;
        const auto accept = [&](std::uint32_t node) {
            return !graph_.removed(node) && (!o.filter || o.filter(graph_.label(node)));
        };
        if (filtering) {
            // A walk needs about ef·M0/(2p) distances to collect ef accepted nodes when a
            // fraction p is accepted, a scan p·n: scan when that is cheaper. At 1 % on 60k
            // rows the walk would visit most of the graph and still miss some.
            const double p = accepted_fraction(n, accept);
            if (p * p * n < 0.5 * static_cast<double>(ef) * graph_.m0()) return exact(q, k, n, s, accept);
        }
        const candidate cur = start != none
                                  ? candidate{distance(q, vec(start)), start}
                                  : greedy(q, {distance(q, vec(entry.node)), entry.node}, entry.level, 0, n);
        if (filtering) walk_filtered(q, cur, ef, n, s, accept);
        else walk(q, cur, ef, 0, n, s);
        // Fewer than k found although more may exist: the walk ran out of reachable nodes (a
        // graph can leave a few nodes unreachable, or a filter cut it). A scan finds them all.
        if (s.list.size() < k && (filtering || s.list.size() < n))
            return exact(q, k, n, s, accept);
        const std::size_t found = std::min(k, s.list.size());
        s.best.resize(std::max(s.best.size(), found));
        for (std::size_t j = 0; j < found; ++j) s.best[j] = s.list[j];
        return found;
    }

    /// Exact search over the accepted nodes among the first n.
    template <class Accept>
    std::size_t exact(const storage_type* q, std::size_t k, std::uint32_t n, scratch& s, Accept&& accept) const {
        detail::top_k top(k);
        for (std::uint32_t i = 0; i < n; ++i) {
            if (!accept(i)) continue;
            const float d = distance(q, vec(i));
            if (d <= top.threshold()) top.push(d, i);
        }
        const auto sorted = top.take_sorted();
        s.best.resize(std::max(s.best.size(), sorted.size()));
        for (std::size_t j = 0; j < sorted.size(); ++j)
            s.best[j] = {sorted[j].distance, static_cast<std::uint32_t>(sorted[j].id)};
        return sorted.size();
    }

    std::vector<neighbor> to_neighbors(std::size_t found, const scratch& s) const {
        std::vector<neighbor> out(found);
        for (std::size_t j = 0; j < found; ++j)
            out[j] = {graph_.label(s.best[j].node), metric_.to_distance(s.best[j].distance)};
        return out;
    }

    // ---- building ----

    /// Makes room for `slots` nodes; moves storage (under the exclusive gate) only when needed,
    /// by at least half the current size, so that growing one row at a time stays amortized.
    void grow(std::size_t slots, std::size_t upper_lists, std::size_t ids) {
        if (slots <= slot_capacity_ && graph_.fits(slots, upper_lists, ids)) return;
        const auto more = [](std::size_t need, std::size_t have) { return std::max(need, have + have / 2 + 16); };
        detail::exclusive_hold hold(sync_->gate);
        if (slots > slot_capacity_) {
            slot_capacity_ = more(slots, slot_capacity_);
            data_.reserve(slot_capacity_ * stride_);
            vectors_ = data_.data();
        }
        graph_.reserve(slot_capacity_, more(upper_lists, graph_.upper_lists()),
                       more(ids, static_cast<std::size_t>(graph_.next_id())));
    }

    /// Links the appended nodes [first, last) into the graph (see hnsw/build.hpp).
    void insert(std::uint32_t first, std::uint32_t last) {
        const std::size_t workers =
            std::min(resolve_threads(options_.n_threads), std::max<std::size_t>(1, (last - first) / 64));
        std::vector<scratch> scratches(workers);
        auto outcome = detail::insert_nodes(
            graph_, first, last, workers, [&](std::uint32_t x, std::size_t w) { connect(x, scratches[w]); },
            [&](unsigned l, std::uint32_t t, std::span<const std::uint32_t> src, std::size_t w) {
                relink(l, t, src, scratches[w]);
            });
        if (outcome.error) {  // keep the published batches, drop the rest (nothing links to them)
            graph_.truncate(outcome.inserted);
            data_.resize(std::size_t{outcome.inserted} * stride_);
            std::rethrow_exception(outcome.error);
        }
    }

    /// d(a, b) < bound, for the neighbour-selection heuristic.
    bool closer(std::uint32_t a, std::uint32_t b, float bound) const noexcept {
        return distance(vec(a), vec(b)) < bound;
    }

    /// Keeps the best `cap` of s.best[0, n) by the heuristic and writes them as x's list on l.
    void write_selected(std::uint32_t x, unsigned l, std::size_t n, std::size_t cap, scratch& s) {
        const std::size_t kept = detail::select_neighbors(
            s.best.data(), n, cap, [&](std::uint32_t a, std::uint32_t b, float bound) { return closer(a, b, bound); });
        s.fresh.resize(std::max<std::size_t>(s.fresh.size(), kept));
        for (std::size_t j = 0; j < kept; ++j) s.fresh[j] = s.best[j].node;
        graph_.set_list(x, l, s.fresh.data(), static_cast<std::uint32_t>(kept));
    }

    /// Phase 1 of an insertion: x finds its neighbours in the published graph (Algorithm 1).
    void connect(std::uint32_t x, scratch& s) {
        const auto entry = graph_.entry();
        if (entry.node == none) return;  // the first node
        const storage_type* q = vec(x);
        const unsigned lx = graph_.level_of(x);
        const std::uint32_t limit = graph_.size();
        candidate cur{distance(q, vec(entry.node)), entry.node};
        if (entry.level > lx) cur = greedy(q, cur, entry.level, lx, limit);
        const bool skip_removed = graph_.removed_count() > 0;
        for (unsigned l = std::min(lx, entry.level) + 1; l-- > 0;) {
            walk(q, cur, options_.ef_construction, l, limit, s);
            s.best.resize(std::max(s.best.size(), s.list.size()));
            std::size_t n = 0;
            for (std::size_t j = 0; j < s.list.size(); ++j)
                if (!skip_removed || !graph_.removed(s.list[j].node)) s.best[n++] = s.list[j];
            cur = s.list[0];
            write_selected(x, l, n, graph_.m(), s);  // M links, as hnswlib; level 0 holds up to 2M
        }
    }

    /// Phase 2 of an insertion: target t takes links to the new nodes `src` on level l, and
    /// prunes its list with the heuristic when it would overflow.
    void relink(unsigned l, std::uint32_t t, std::span<const std::uint32_t> src, scratch& s) {
        const std::uint32_t* li = graph_.list(t, l);
        const std::uint32_t n = detail::load_word(li[0]), cap = graph_.cap(l);
        s.fresh.resize(std::max<std::size_t>(s.fresh.size(), n + src.size()));
        for (std::uint32_t j = 0; j < n; ++j) s.fresh[j] = detail::load_word(li[1 + j]);
        std::copy(src.begin(), src.end(), s.fresh.begin() + n);
        const std::size_t total = n + src.size();
        if (total <= cap) {
            graph_.set_list(t, l, s.fresh.data(), static_cast<std::uint32_t>(total));
            return;
        }
        s.best.resize(std::max(s.best.size(), total));
        for (std::size_t j = 0; j < total; ++j) s.best[j] = {distance(vec(t), vec(s.fresh[j])), s.fresh[j]};
        std::sort(s.best.begin(), s.best.begin() + static_cast<std::ptrdiff_t>(total),
                  [](const candidate& a, const candidate& b) {
                      return a.distance < b.distance || (a.distance == b.distance && a.node < b.node);
                  });
        write_selected(t, l, total, cap, s);
    }

    // ---- persistence ----

    /// The fixed block at the start of the payload.
    struct file_params {
        std::uint64_t m, ef_construction, seed, count, next_id, upper_words, stride, entry;
    };
    static_assert(sizeof(file_params) == 64);

    static hnsw_index open(std::span<const std::byte> bytes, Metric metric, std::size_t n_threads, mapped_file* map,
                           const std::string& name);

    hnsw_options options_;
    bound_metric<Metric, T> metric_;
    std::size_t dims_, words_, stride_, row_bytes_;  // stride: words per row, padded to 64 bytes
    detail::slab<storage_type> data_;           // the vectors, row i at i * stride_ (empty for a view)
    const storage_type* vectors_ = nullptr;     // data_ or the mapping
    std::size_t slot_capacity_ = 0;             // nodes the storage holds without moving
    double level_mult_ = 0;
    graph_type graph_;
    std::unique_ptr<mapped_file> map_;          // the file of a view
    std::unique_ptr<sync_state> sync_ = std::make_unique<sync_state>();
};

}  // namespace vspace

#include <vspace/index/hnsw/compact.hpp>
#include <vspace/index/hnsw/persist.hpp>
