// SPDX-License-Identifier: MIT
/// @file
/// `atomic_file`: writes a file so that readers see either the old file or the complete new
/// one, never a half-written mix. Data goes to a temporary file in the same folder, is flushed
/// to disk (fsync), and only then renamed over the target. If the writer fails or is killed
/// before `commit()`, the target is untouched and the temporary is removed (or, after a kill,
/// left as `<name>.tmp-<pid>-<n>` beside it).
#pragma once

#include <vspace/core/error.hpp>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

namespace vspace {

class atomic_file {
public:
    /// Opens a temporary beside `target`. Throws io_error if the folder is not writable.
    explicit atomic_file(std::filesystem::path target) : target_(std::move(target)) {
        static std::atomic<unsigned> counter{0};
        temp_ = target_;
        temp_ += detail::message(".tmp-", static_cast<long>(::getpid()), "-", counter.fetch_add(1));
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd_ < 0) fail("cannot create temporary file", temp_);
    }

    atomic_file(const atomic_file&) = delete;
    atomic_file& operator=(const atomic_file&) = delete;

    /// Removes the temporary unless `commit()` succeeded.
    ~atomic_file() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(temp_.c_str());
    }

    /// Appends bytes. Throws io_error (disk full, ...); the target stays untouched.
    void write(const void* data, std::size_t bytes) {
        const char* p = static_cast<const char*>(data);
        while (bytes > 0) {
            const ::ssize_t n = ::write(fd_, p, bytes);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("write failed", temp_);
            }
            p += n;
            bytes -= static_cast<std::size_t>(n);
            written_ += static_cast<std::size_t>(n);
        }
    }

    void write(std::string_view text) { write(text.data(), text.size()); }

    /// Bytes written so far.
    std::size_t size() const noexcept { return written_; }

    /// Flushes the data to disk and renames it over the target, then flushes the folder entry.
    void commit() {
        if (::fsync(fd_) != 0) fail("fsync failed", temp_);
        if (::close(fd_) != 0) {
            fd_ = -1;
            fail("close failed", temp_);
        }
        fd_ = -1;
        if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot rename temporary onto", target_);
        committed_ = true;
        const auto folder = target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
        const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {  // best effort: the rename itself is already durable on most filesystems
            ::fsync(dir);
            ::close(dir);
        }
    }

    const std::filesystem::path& target() const noexcept { return target_; }

private:
    [[noreturn]] void fail(const char* what, const std::filesystem::path& path) const {
        const int e = errno;  // before anything that could change it
        VSPACE_THROW(io_error, "atomic_file: ", what, " '", path.string(), "': ", std::strerror(e));
    }

    std::filesystem::path target_;
    std::filesystem::path temp_;
    int fd_ = -1;
    bool committed_ = false;
    std::size_t written_ = 0;
};

}  // namespace vspace
