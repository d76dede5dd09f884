// SPDX-License-Identifier: MIT
/// @file
/// Search filters: predicates on row ids, applied while searching (not after), so a filtered
/// search still returns k accepted rows when k exist. `id_filter` is a non-owning reference to
/// any predicate, cheap enough to sit in `search_options`.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>

namespace vspace {

/// A predicate on row ids: true keeps the row.
template <class F>
concept id_predicate = std::predicate<const F&, std::int64_t>;

/// A non-owning reference to an id predicate; empty means "accept every row".
///
/// It refers to the callable it was made from, which must outlive the search:
/// `index.search(q, 10, {.filter = my_lambda})` is fine (the lambda lives until the call
/// returns); storing an id_filter made from a temporary is not.
class id_filter {
public:
    constexpr id_filter() noexcept = default;

    template <class F>
        requires(id_predicate<F> && !std::same_as<std::remove_cvref_t<F>, id_filter>)
    id_filter(const F& f) noexcept  // NOLINT(google-explicit-constructor): used in designated init
        : object_(std::addressof(f)), call_([](const void* o, std::int64_t id) {
              return static_cast<bool>((*static_cast<const F*>(o))(id));
          }) {}

    /// True if `id` is accepted (always true for an empty filter).
    bool operator()(std::int64_t id) const { return call_ == nullptr || call_(object_, id); }

    /// True when a predicate is set.
    explicit operator bool() const noexcept { return call_ != nullptr; }

private:
    const void* object_ = nullptr;
    bool (*call_)(const void*, std::int64_t) = nullptr;
};

}  // namespace vspace
