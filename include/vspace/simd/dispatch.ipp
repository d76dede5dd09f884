// SPDX-License-Identifier: MIT
// The level-independent part of the `vspace::simd` library: picks the level once at run time
// and hands out the tables. Compiled with baseline flags; it calls into a per-level unit only
// after checking that the CPU supports that level.
#include <vspace/simd/kernel_table.hpp>
#include <vspace/simd/serial_tables.hpp>

namespace vspace::simd {

namespace detail {
template <level L>
kernel_tables tables_at() noexcept;
}  // namespace detail

const kernel_tables& tables_for(level l) {
    if (l > cpu_level())
        VSPACE_THROW(invalid_argument, "simd::tables_for: level ", level_name(l),
                     " is not supported by this CPU (best: ", level_name(cpu_level()), ")");
    switch (l) {
        case level::serial: {
            static const kernel_tables t = make_serial_tables();
            return t;
        }
#if defined(__x86_64__)
        case level::sse2: {
            static const kernel_tables t = detail::tables_at<level::sse2>();
            return t;
        }
        case level::sse4_2: {
            static const kernel_tables t = detail::tables_at<level::sse4_2>();
            return t;
        }
        case level::avx2: {
            static const kernel_tables t = detail::tables_at<level::avx2>();
            return t;
        }
        case level::avx512: {
            static const kernel_tables t = detail::tables_at<level::avx512>();
            return t;
        }
        case level::avx512_vnni: {
            static const kernel_tables t = detail::tables_at<level::avx512_vnni>();
            return t;
        }
#endif
        default: break;
    }
    VSPACE_THROW(invalid_argument, "simd::tables_for: level ", level_name(l), " is not built in");
}

level active_level() {
    static const level chosen = [] {
        const level cpu = cpu_level(), cap = env_cap();
        return cap < cpu ? cap : cpu;
    }();
    return chosen;
}

const kernel_tables& active_tables() {
    static const kernel_tables& t = tables_for(active_level());
    return t;
}

}  // namespace vspace::simd
