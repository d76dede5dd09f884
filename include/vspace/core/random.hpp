// SPDX-License-Identifier: MIT
/// @file
/// The seeded random number generator every randomized algorithm uses. It is our own
/// (xoshiro256** seeded by SplitMix64) rather than <random>'s engines and distributions, whose
/// outputs differ between standard libraries: a seed must give the same map everywhere.
/// `rng(seed, stream)` gives independent streams, one per work item, so that results do not
/// depend on which thread ran which item.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <utility>

namespace vspace {

/// SplitMix64 step: a strong 64-bit mixer, used to seed and to hash (seed, stream) pairs.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

namespace detail {
__extension__ using uint128 = unsigned __int128;  // GCC/Clang extension; silences -Wpedantic
}  // namespace detail

/// xoshiro256** (Blackman & Vigna 2018): fast, 256-bit state, passes BigCrush.
/// Satisfies std::uniform_random_bit_generator.
class rng {
public:
    using result_type = std::uint64_t;

    /// A generator for `seed`; distinct `stream` values give statistically independent streams.
    explicit constexpr rng(std::uint64_t seed = 42, std::uint64_t stream = 0) noexcept {
        std::uint64_t sm = seed;
        std::uint64_t mix = splitmix64(sm) ^ (stream * 0xD1B54A32D192ED03ull);
        for (auto& s : state_) s = splitmix64(mix);
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    constexpr result_type operator()() noexcept {
        const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = std::rotl(state_[3], 45);
        return result;
    }

    /// Uniform float in [0, 1), 24 random bits.
    constexpr float uniform() noexcept { return static_cast<float>((*this)() >> 40) * 0x1.0p-24f; }

    /// Uniform double in [0, 1), 53 random bits.
    constexpr double uniform_double() noexcept {
        return static_cast<double>((*this)() >> 11) * 0x1.0p-53;
    }

    /// Uniform integer in [0, n) without modulo bias (Lemire 2019). Requires n > 0.
    constexpr std::uint64_t below(std::uint64_t n) noexcept {
        detail::uint128 m = static_cast<detail::uint128>((*this)()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<detail::uint128>((*this)()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    /// Standard normal deviate (Box-Muller; the second value of each pair is discarded so that
    /// the generator stays stateless apart from its words).
    double normal() noexcept {
        double u1 = uniform_double();
        while (u1 <= 0.0) u1 = uniform_double();
        const double u2 = uniform_double();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

    /// Fisher-Yates shuffle of [first, last), identical on every standard library.
    template <class It>
    constexpr void shuffle(It first, It last) noexcept {
        const auto n = static_cast<std::uint64_t>(last - first);
        for (std::uint64_t i = n; i > 1; --i) {
            using std::swap;
            swap(first[i - 1], first[below(i)]);
        }
    }

private:
    std::uint64_t state_[4]{};
};

}  // namespace vspace
