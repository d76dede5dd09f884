// SPDX-License-Identifier: MIT
// Locating real data for tests: ../shared/data and the Debian Fashion-MNIST package. A test
// that needs absent data skips with a message saying what to install.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace vspace::test {

inline std::filesystem::path shared_data(const std::string& relative) {
    return std::filesystem::path(VSPACE_SHARED_DATA) / relative;
}

inline std::filesystem::path fashion_mnist(const std::string& file) {
    return std::filesystem::path(VSPACE_FASHION_MNIST) / file;
}

/// A fresh path in the test build's scratch folder.
inline std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::path(VSPACE_TEST_TMP) / name;
}

}  // namespace vspace::test

/// Skips the current test when `path` does not exist.
#define VSPACE_REQUIRE_DATA(path)                                                          \
    do {                                                                                   \
        if (!std::filesystem::exists(path))                                                \
            GTEST_SKIP() << "data not found: " << (path)                                   \
                         << " (see ../shared/data/README.md, or apt-get install dataset-fashion-mnist)"; \
    } while (0)
