# SPDX-License-Identifier: MIT
# The error-message rule of docs/reliability.md ("## Error messages"), as a test that needs
# nothing but CMake:  cmake -DROOT=<source dir> -P tests/audit_messages.cmake
#
# Extracts every VSPACE_THROW(...) statement (balanced parentheses, string and character
# literals skipped, any number of lines) from include/vspace/**/*.hpp and examples/cli/*.{cpp,hpp}
# and fails, listing file:line and the statement, for each one that breaks the rule:
#   library (include/): the message starts with the function (a "name: " literal, or a
#     where / where_ / function / fn variable holding it) and says "expected", unless it is
#       - an io_error carrying the system's reason (std::strerror),
#       - a state error: invalid_argument whose remedy is the expectation, "(call ...)" / "(use ...)",
#       - a forwarding helper whose message ends with its caller's parts (a parameter pack);
#   CLI (examples/cli, prefixed "vspace COMMAND:" by main.cpp): a usage_error names the option,
#     operand or file it is about (the parser's messages: through option::name()); any other error names the file or option and says
#     "expected", unless it is an io_error carrying std::strerror.
cmake_minimum_required(VERSION 3.25)

if(NOT ROOT)
    message(FATAL_ERROR "audit_messages: -DROOT=<source dir> is required")
endif()

file(GLOB_RECURSE library_files ${ROOT}/include/vspace/*.hpp)
file(GLOB cli_files ${ROOT}/examples/cli/*.cpp ${ROOT}/examples/cli/*.hpp)
list(SORT library_files)
list(SORT cli_files)

set(marker "VSPACE_THROW(")
set(total 0)
set(failed 0)
set(report "")

# Sets `out_end` to the offset just past the parenthesis that closes the one opened before
# `start` in `text` (-1 if none), skipping string and character literals.
function(find_close text start out_end)
    string(LENGTH "${text}" n)
    set(depth 1)
    set(quote "")
    set(i ${start})
    while(i LESS n)
        string(SUBSTRING "${text}" ${i} 1 c)
        math(EXPR i "${i} + 1")
        if(quote)
            if(c STREQUAL "\\")
                math(EXPR i "${i} + 1")  # the escaped character
            elseif(c STREQUAL quote)
                set(quote "")
            endif()
        elseif(c STREQUAL "\"" OR c STREQUAL "'")
            set(quote "${c}")
        elseif(c STREQUAL "(")
            math(EXPR depth "${depth} + 1")
        elseif(c STREQUAL ")")
            math(EXPR depth "${depth} - 1")
            if(depth EQUAL 0)
                set(${out_end} ${i} PARENT_SCOPE)
                return()
            endif()
        endif()
    endwhile()
    set(${out_end} -1 PARENT_SCOPE)
endfunction()

# Counts a failure and appends it to `report` in the caller.
function(flag file line why statement)
    math(EXPR n "${failed} + 1")
    set(failed ${n} PARENT_SCOPE)
    set(report "${report}  ${file}:${line}: ${why}\n      ${statement}\n" PARENT_SCOPE)
endfunction()

# Moves `text` just past the next `marker` (sets `at` to -1 when there is none) and adds the
# lines it passed to `line`; `before` is the text that preceded the marker, `line_start` the
# part of its line. A macro: it updates the caller's variables.
macro(advance_to marker)
    string(FIND "${text}" "${marker}" at)
    if(NOT at EQUAL -1)
        string(SUBSTRING "${text}" 0 ${at} before)
        string(REGEX REPLACE "[^\n]" "" newlines "${before}")
        string(LENGTH "${newlines}" count)
        math(EXPR line "${line} + ${count}")
        string(LENGTH "${marker}" skip)
        math(EXPR skip "${at} + ${skip}")
        string(SUBSTRING "${text}" ${skip} -1 text)
        string(REGEX MATCH "[^\n]*$" line_start "${before}")
    endif()
endmacro()

# Sets `inner` to the arguments of the call whose "(" `advance_to` just passed, white space
# runs as one space; -1 in `close` when the parenthesis never closes.
macro(call_arguments)
    find_close("${text}" 0 close)
    if(NOT close EQUAL -1)
        math(EXPR inner_length "${close} - 1")
        string(SUBSTRING "${text}" 0 ${inner_length} inner)
        string(REGEX REPLACE "[ \t\r\n]+" " " inner "${inner}")
    endif()
endmacro()

foreach(path IN LISTS library_files cli_files)
    file(RELATIVE_PATH rel ${ROOT} ${path})
    set(is_cli FALSE)
    if(rel MATCHES "^examples/cli/")
        set(is_cli TRUE)
    endif()
    file(READ ${path} text)
    set(line 1)
    while(TRUE)
        advance_to("${marker}")
        if(at EQUAL -1)
            break()
        endif()
        # the macro's definition and mentions in comments are not statements
        if(line_start MATCHES "#[ \t]*define|//")
            continue()
        endif()
        call_arguments()
        if(close EQUAL -1)
            flag(${rel} ${line} "no closing parenthesis" "${marker}...")
            break()
        endif()
        set(statement "${marker}${inner})")
        math(EXPR total "${total} + 1")

        # REGEX REPLACE would apply "^" again after each match: split at the first comma by hand
        string(FIND "${inner}" "," comma)
        string(SUBSTRING "${inner}" 0 ${comma} class)
        string(REGEX REPLACE "^(vspace|cli)::" "" class "${class}")
        math(EXPR comma "${comma} + 1")
        string(SUBSTRING "${inner}" ${comma} -1 parts)
        string(STRIP "${parts}" parts)
        string(FIND "${inner}" "expected" has_expected)
        string(FIND "${inner}" "strerror(" has_strerror)

        if(NOT is_cli)
            if(NOT parts MATCHES "^\"[A-Za-z_][A-Za-z0-9_:<>~]*: " AND NOT parts MATCHES "^(where|where_|function|fn) *,")
                flag(${rel} ${line} "does not start with the function" "${statement}")
            elseif(has_expected EQUAL -1)
                if(class STREQUAL "io_error" AND NOT has_strerror EQUAL -1)
                    # the system's reason says what was found
                elseif(class STREQUAL "invalid_argument" AND parts MATCHES "[(;] ?(call|use) ")
                    # a state error: the remedy is the expectation
                elseif(parts MATCHES "[A-Za-z_][A-Za-z0-9_]*\\.\\.\\.$")
                    # a forwarding helper: its callers' parts complete the message
                else()
                    flag(${rel} ${line} "says not what was expected" "${statement}")
                endif()
            endif()
        elseif(class STREQUAL "usage_error")
            # an option or operand spelled out, a quoted value, or the parser's option (name())
            if(NOT parts MATCHES "(^|[\" (])--?[a-z]|[A-Z][A-Z][A-Z][A-Z]|'|(\\.|->)name\\(\\)")
                flag(${rel} ${line} "names no option, operand or file" "${statement}")
            endif()
        else()
            if(NOT parts MATCHES "'|(^|[\" (])--?[a-z]")
                flag(${rel} ${line} "names no file or option" "${statement}")
            elseif(has_expected EQUAL -1 AND NOT (class STREQUAL "io_error" AND NOT has_strerror EQUAL -1))
                flag(${rel} ${line} "says not what was expected" "${statement}")
            endif()
        endif()
    endwhile()
endforeach()

# The file readers' helpers: `detail::format_fail(function, file, parts...)` adds the function
# and the file, so only the parts are audited, and so are the calls of a reader's own `fail(...)`
# wrapper that forwards to it (not those of a wrapper that adds std::strerror: an io_error with
# the system's reason). The parts say what was expected and what was found: "expected", or the
# forms "the header claims X but the file holds Y", "got Y", "does not fit T", "(limit N)";
# parts ending with a variable forward a message built elsewhere.
set(helper_total 0)
foreach(path IN LISTS library_files)
    file(RELATIVE_PATH rel ${ROOT} ${path})
    file(READ ${path} text)
    string(FIND "${text}" "fail(" first)
    if(first EQUAL -1)
        continue()
    endif()
    set(strerror_wrapper FALSE)
    string(REGEX MATCH "void fail\\([^{]*\\{[^}]*strerror" wrapper "${text}")
    if(wrapper)
        set(strerror_wrapper TRUE)
    endif()
    set(line 1)
    while(TRUE)
        advance_to("fail(")
        if(at EQUAL -1)
            break()
        endif()
        set(word "")  # "format_" for format_fail
        if(before MATCHES "format_$")
            set(word "format_")
        elseif(before MATCHES "[A-Za-z0-9_]$")
            continue()  # another function whose name ends in "fail"
        endif()
        if(line_start MATCHES "//|void |#[ \t]*define")
            continue()  # a definition or a comment
        endif()
        if(word STREQUAL "" AND strerror_wrapper)
            continue()
        endif()
        call_arguments()
        if(close EQUAL -1)
            flag(${rel} ${line} "no closing parenthesis" "fail(...")
            break()
        endif()
        set(statement "${word}fail(${inner})")
        math(EXPR helper_total "${helper_total} + 1")
        if(NOT inner MATCHES "expected|claims|got |does not fit|limit|[A-Za-z_][A-Za-z0-9_]*(\\.\\.\\.)?$")
            flag(${rel} ${line} "says not what was expected and found" "${statement}")
        endif()
    endwhile()
endforeach()
math(EXPR total "${total} + ${helper_total}")

if(total LESS 100)
    message(FATAL_ERROR "audit_messages: only ${total} VSPACE_THROW statements found under ${ROOT} (wrong ROOT?)")
endif()
if(failed GREATER 0)
    message(FATAL_ERROR "audit_messages: ${failed} of ${total} statements (VSPACE_THROW and the readers' fail helpers) break the error-message rule "
                        "of docs/reliability.md:\n${report}")
endif()
message(STATUS "audit_messages: all ${total} statements follow the error-message rule "
               "(VSPACE_THROW and ${helper_total} calls of the readers' fail helpers)")
