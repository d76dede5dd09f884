// SPDX-License-Identifier: MIT
/// @file
/// `mapped_file`: the read-only bytes of a whole file. Regular files are memory-mapped (a
/// 200 MB `.npy` costs no copy before parsing); pipes and other special files are read into
/// memory. Every file reader opens its input through this and hands the bytes to the same
/// parser its in-memory form uses.
#pragma once

#include <vspace/core/error.hpp>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vspace {

/// The contents of a file as a span of bytes, valid while the object lives.
///
/// A mapped file must not be truncated by another process while it is read (the kernel would
/// raise SIGBUS); vspace never truncates in place, since it writes through `atomic_file`.
/// Move-only. Throws io_error when the file cannot be opened or read.
class mapped_file {
public:
    /// Opens `path`; `function` names the caller in error messages ("read_npy").
    explicit mapped_file(const std::filesystem::path& path, std::string_view function = "mapped_file")
        : path_(path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) fail(function, "cannot open");
        struct closer {
            int fd;
            ~closer() { ::close(fd); }
        } guard{fd};
        struct ::stat st {};
        if (::fstat(fd, &st) != 0) fail(function, "cannot stat");
        if (S_ISDIR(st.st_mode))
            VSPACE_THROW(io_error, function, ": '", path_.string(), "' is a folder (expected a file)");
        if (S_ISREG(st.st_mode)) {
            size_ = static_cast<std::size_t>(st.st_size);
            if (size_ == 0) return;
            void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (p != MAP_FAILED) {
                map_ = p;
                data_ = static_cast<const std::byte*>(p);
                return;
            }
        }
        read_all(fd, function);
    }

    mapped_file(mapped_file&& other) noexcept { swap(other); }
    mapped_file& operator=(mapped_file&& other) noexcept {
        mapped_file tmp(std::move(other));
        swap(tmp);
        return *this;
    }
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;
    ~mapped_file() {
        if (map_) ::munmap(map_, size_);
    }

    std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }
    std::size_t size() const noexcept { return size_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    /// The path as text, for messages.
    std::string name() const { return path_.string(); }

private:
    mapped_file() = default;

    void swap(mapped_file& o) noexcept {
        std::swap(path_, o.path_);
        std::swap(map_, o.map_);
        std::swap(buffer_, o.buffer_);
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
    }

    [[noreturn]] void fail(std::string_view function, const char* what) const {
        const int e = errno;  // before anything that could change it
        VSPACE_THROW(io_error, function, ": ", what, " '", path_.string(), "': ", std::strerror(e));
    }

    /// Fallback for pipes and files that cannot be mapped: read until end of file.
    void read_all(int fd, std::string_view function) {
        std::size_t capacity = 1 << 16, used = 0;
        auto buf = std::make_unique_for_overwrite<std::byte[]>(capacity);
        for (;;) {
            if (used == capacity) {
                auto bigger = std::make_unique_for_overwrite<std::byte[]>(capacity * 2);
                std::memcpy(bigger.get(), buf.get(), used);
                buf = std::move(bigger);
                capacity *= 2;
            }
            const ::ssize_t n = ::read(fd, buf.get() + used, capacity - used);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail(function, "cannot read");
            }
            if (n == 0) break;
            used += static_cast<std::size_t>(n);
        }
        buffer_ = std::move(buf);
        data_ = buffer_.get();
        size_ = used;
    }

    std::filesystem::path path_;
    void* map_ = nullptr;
    std::unique_ptr<std::byte[]> buffer_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace vspace
