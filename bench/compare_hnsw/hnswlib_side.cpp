// SPDX-License-Identifier: MIT
#include "hnswlib_side.hpp"

#include <hnswlib/hnswlib.h>

#include <atomic>
#include <thread>
#include <vector>

struct hnswlib_side::impl {
    hnswlib::L2Space space;
    hnswlib::HierarchicalNSW<float> index;
    impl(std::size_t dims, std::size_t n, std::size_t m, std::size_t efc) : space(dims), index(&space, n, m, efc, 100) {}
};

hnswlib_side::hnswlib_side(const float* data, std::size_t n, std::size_t dims, std::size_t stride, std::size_t m,
                           std::size_t ef_construction, std::size_t threads)
    : impl_(std::make_unique<impl>(dims, n, m, ef_construction)) {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next++) < n;) impl_->index.addPoint(data + i * stride, i);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
}

hnswlib_side::~hnswlib_side() = default;

void hnswlib_side::set_ef(std::size_t ef) { impl_->index.setEf(ef); }

void hnswlib_side::search(const float* query, std::size_t k, std::int64_t* ids) const {
    auto found = impl_->index.searchKnn(query, k);
    for (std::size_t j = found.size(); j-- > 0;) {
        ids[j] = static_cast<std::int64_t>(found.top().second);
        found.pop();
    }
}
