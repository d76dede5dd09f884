// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// `slab<W>`: the array type behind every part of an HNSW index (vectors, links, ids). It either
/// owns its elements (and grows) or borrows read-only memory from a mapped file, so one code
/// path serves both a built index and `hnsw_index::view`. Also the atomic word accessors that
/// make link lists safe to rewrite while searches read them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include <sys/mman.h>

namespace vspace::detail {

/// Link words are rewritten by `add` while concurrent searches read them, so every access is
/// atomic: acquire/release, which is a plain load/store on x86 and ARMv8.3+. A reader may see
/// a mix of old and new entries of one list; each entry is a node whose data was complete
/// before the release store that published it.
inline std::uint32_t load_word(const std::uint32_t& w) noexcept { return __atomic_load_n(&w, __ATOMIC_ACQUIRE); }
inline void store_word(std::uint32_t& w, std::uint32_t v) noexcept { __atomic_store_n(&w, v, __ATOMIC_RELEASE); }
inline std::uint8_t load_byte(const std::uint8_t& b) noexcept { return __atomic_load_n(&b, __ATOMIC_ACQUIRE); }
inline void store_byte(std::uint8_t& b, std::uint8_t v) noexcept { __atomic_store_n(&b, v, __ATOMIC_RELEASE); }

/// Allocator for the big arrays of an index. Blocks of 2 MB or more are 2 MB-aligned and
/// advised to use transparent huge pages: a graph walk touches rows all over the block, and
/// with 4 KB pages nearly every row costs a TLB miss (huge pages measured +6 % search speed on
/// Fashion-MNIST). Smaller blocks are 64-byte aligned, so padded rows start on cache lines.
template <class W>
struct big_allocator {
    using value_type = W;
    static constexpr std::size_t huge = std::size_t{2} << 20;

    big_allocator() noexcept = default;
    template <class U>
    big_allocator(const big_allocator<U>&) noexcept {}

    W* allocate(std::size_t n) {
        constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) - huge;
        if (n > most / sizeof(W)) throw std::bad_alloc();
        const std::size_t bytes = n * sizeof(W);
        const std::size_t align = bytes >= huge ? huge : 64;
        void* p = ::operator new((bytes + align - 1) / align * align, std::align_val_t{align});
#if defined(MADV_HUGEPAGE)
        if (bytes >= huge) ::madvise(p, (bytes + align - 1) / align * align, MADV_HUGEPAGE);  // advice only
#endif
        return static_cast<W*>(p);
    }
    void deallocate(W* p, std::size_t n) noexcept {
        ::operator delete(static_cast<void*>(p), std::align_val_t{n * sizeof(W) >= huge ? huge : 64});
    }
    template <class U>
    bool operator==(const big_allocator<U>&) const noexcept {
        return true;
    }
};

template <class W>
using big_vector = std::vector<W, big_allocator<W>>;

/// A growable array, or a borrowed read-only one. Growing may move the elements: the index
/// holds its exclusive lock while it does.
template <class W>
class slab {
public:
    W* data() noexcept { return ptr_; }
    const W* data() const noexcept { return ptr_; }
    std::size_t size() const noexcept { return size_; }
    bool borrowed() const noexcept { return borrowed_; }
    W& operator[](std::size_t i) noexcept { return ptr_[i]; }
    const W& operator[](std::size_t i) const noexcept { return ptr_[i]; }

    /// Room for `n` elements without moving (owned slabs only).
    void reserve(std::size_t n) {
        own_.reserve(n);
        repoint();
    }
    std::size_t capacity() const noexcept { return borrowed_ ? size_ : own_.capacity(); }

    /// Sets the size; new elements are `fill`. Within the capacity nothing moves and the data
    /// pointer is not even rewritten, so concurrent readers of the existing elements are
    /// unaffected. (Readers use `data()` and `[]`, never `size()`.)
    void resize(std::size_t n, W fill = W{}) {
        own_.resize(n, fill);
        repoint();
        size_ = n;
    }

    /// Frees unused capacity (moves the elements).
    void shrink_to_fit() {
        own_.shrink_to_fit();
        repoint();
    }

    /// Refers to `n` elements at `p` (memory the caller keeps alive) instead of owning.
    void borrow(const W* p, std::size_t n) noexcept {
        own_ = {};
        ptr_ = const_cast<W*>(p);  // never written through: borrowing indexes are read-only
        size_ = n;
        borrowed_ = true;
    }

    /// Takes a copy of `n` elements at `p`.
    void assign(const W* p, std::size_t n) {
        own_.assign(p, p + n);
        ptr_ = own_.data();
        size_ = n;
        borrowed_ = false;
    }

    /// Takes over `v` as the owned elements.
    void adopt(big_vector<W>&& v) noexcept {
        own_ = std::move(v);
        ptr_ = own_.data();
        size_ = own_.size();
        borrowed_ = false;
    }

    std::size_t memory_bytes() const noexcept { return borrowed_ ? 0 : own_.capacity() * sizeof(W); }

private:
    void repoint() noexcept {
        if (ptr_ != own_.data()) ptr_ = own_.data();
    }

    big_vector<W> own_;
    W* ptr_ = nullptr;
    std::size_t size_ = 0;
    bool borrowed_ = false;
};

}  // namespace vspace::detail
/// @endcond
