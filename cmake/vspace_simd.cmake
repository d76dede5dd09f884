# SPDX-License-Identifier: MIT
# vspace_add_simd_library(<target>)
#
# Builds the run-time dispatch library from the vspace headers: one generated translation unit
# per instruction-set level, each compiled with that level's flags and nothing else, plus one
# baseline unit that picks the level at run time. Only the per-level units carry wide-vector
# code, so the rest of a program stays runnable on any x86-64 CPU. Used by our own build and by
# the installed package config (so users build the same library with one call).
function(vspace_add_simd_library target)
    set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_generated)
    file(GENERATE OUTPUT ${dir}/dispatch.cpp CONTENT "#include <vspace/simd/dispatch.ipp>\n")
    set(sources ${dir}/dispatch.cpp)
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
        # level number (see VSPACE_SIMD_TU in simd/instantiate.ipp) and compiler flags
        set(levels sse2 sse4_2 avx2 avx512)
        set(number_sse2 1)
        set(number_sse4_2 2)
        set(number_avx2 3)
        set(number_avx512 4)
        set(flags_sse2 -msse2)
        set(flags_sse4_2 -msse4.2 -mpopcnt)
        set(flags_avx2 -mavx2 -mfma -mbmi -mbmi2 -mpopcnt -mf16c)
        # VNNI and VPOPCNTDQ are not here: their kernels carry target attributes, so the avx512
        # and avx512_vnni levels share one unit compiled with identical flags.
        set(flags_avx512 -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx512cd -mavx2 -mfma -mbmi
                         -mbmi2 -mpopcnt -mf16c)
        foreach(level IN LISTS levels)
            set(src ${dir}/simd_${level}.cpp)
            file(GENERATE OUTPUT ${src} CONTENT
                 "#define VSPACE_SIMD_TU ${number_${level}}\n#include <vspace/simd/instantiate.ipp>\n")
            set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${flags_${level}}")
            list(APPEND sources ${src})
        endforeach()
    endif()
    add_library(${target} STATIC ${sources})
    target_link_libraries(${target} PUBLIC vspace::vspace)
    target_compile_definitions(${target} PUBLIC VSPACE_SIMD_DISPATCH)
    # Kernels are always optimized, also in Debug builds of the program around them; -O2 for the
    # small static tool (-O3's extra unrolling costs size, and the kernels unroll themselves).
    if(VSPACE_STATIC_CLI)
        target_compile_options(${target} PRIVATE -O2)
    else()
        target_compile_options(${target} PRIVATE -O3)
    endif()
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
