# SPDX-License-Identifier: MIT
# Builds TARGET in BUILD_DIR and passes only if the build FAILS with a diagnostic matching every
# regex PATTERN_1, PATTERN_2, ... Used by the must-not-compile tests.
#   cmake -DBUILD_DIR=... -DTARGET=... -DPATTERN_1=... [-DPATTERN_2=...] -P expect_compile_error.cmake
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(result EQUAL 0)
    message(FATAL_ERROR "${TARGET} compiled, but it must be rejected")
endif()
foreach(i RANGE 1 9)
    if(NOT DEFINED PATTERN_${i})
        continue()
    endif()
    set(pattern "${PATTERN_${i}}")
    if(NOT out MATCHES "${pattern}")
        message(FATAL_ERROR "${TARGET} failed to compile, but without the expected diagnostic "
                            "'${pattern}'. Compiler output:\n${out}")
    endif()
endforeach()
message(STATUS "${TARGET} rejected as expected")
