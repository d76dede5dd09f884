// SPDX-License-Identifier: MIT
/// @file
/// The command-line parser of the `vspace` tool: options and positionals bound to variables,
/// checks on their values, and the `--help` page, in a few hundred lines without iostreams.
///
/// Why our own and not CLI11: CLI11 formats through `std::ostream`, which links the whole
/// locale machinery (every facet, wide characters included) into the static tool: 0.7 MB of
/// its 3.3 MB. It also cost 1.6 s of parsing per source file. The tool needs a small subset:
///  - `-k 5`, `-k5`, `--metric cosine`, `--metric=cosine`, flags (`--quiet`), positionals in
///    declaration order, `--` before positionals that start with '-';
///  - typed values (text, whole numbers, finite reals) with checks (`one_of`, `in_range`);
///  - a clear one-line error for anything else: an unknown option, a missing value, a value of
///    the wrong type or out of range, an option given twice, a missing required argument.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace vspace::cli {

/// "0.1", "30", "1e+06": how help pages and messages write a real number.
std::string real_text(double x);

/// Checks one value given on the command line: returns why it is refused ("is not one of a,
/// b"), or an empty string when it is fine.
struct check {
    std::function<std::string(std::string_view)> refuse;
    /// For the help page: the value's shape, e.g. "l2|cosine" (empty: the type's name).
    std::string shape;
};

/// Accepts exactly one of `choices` (shown in the help page as `a|b|c`).
check one_of(std::initializer_list<std::string_view> choices);
/// Accepts numbers from `lo` to `hi`, both included.
check in_range(double lo, double hi);
/// Accepts numbers above zero.
check positive();

/// One declared option or positional. `command_line` owns it; the pointer that `add_option`
/// returns stays valid for the parser's lifetime, so commands may keep it to ask `given()`.
class option {
public:
    /// The command fails unless this option or positional is given.
    option* required() {
        required_ = true;
        return this;
    }
    /// Refuses values that `c` refuses; checks run in the order they were added.
    option* check(cli::check c);
    /// Shows the bound variable's value at declaration time as "[default: ...]" in the help.
    option* show_default() {
        show_default_ = true;
        return this;
    }
    /// Names the value in the help page ("FILE", "TEXT", "N"...), instead of the type's name.
    option* value_name(std::string name) {
        value_name_ = std::move(name);
        return this;
    }
    /// Whether the command line gave this option (or positional).
    bool given() const { return count_ > 0; }
    /// How the option is named in messages: its longest name ("--output"), or the positional.
    const std::string& name() const { return names_.back(); }

private:
    friend class command_line;
    std::vector<std::string> names_;  // "-o", "--output"; or one name for a positional
    std::string description_;
    std::string value_name_;  // empty for flags
    std::string default_text_;
    std::function<std::string(std::string_view)> assign_;  // converts and stores; returns the refusal
    std::vector<cli::check> checks_;
    bool positional_ = false;
    bool flag_ = false;
    bool required_ = false;
    bool show_default_ = false;
    std::size_t count_ = 0;
};

/// The options and positionals of one command, and their parser.
class command_line {
public:
    /// `usage_name` is how the help page calls the command ("vspace knn").
    command_line(std::string usage_name, std::string summary);

    /// Declares an option (`names` like "-o,--output", each starting with '-') or a positional
    /// (one name without '-', e.g. "INPUT") whose value is stored into `target`: text, a whole
    /// number (refused if out of `target`'s range) or a finite real number.
    template <class T>
    option* add_option(std::string_view names, T& target, std::string_view description) {
        return add(names, description, shape_of<T>(), text_of(target),
                   [&target](std::string_view text) { return parse_into(text, target); });
    }

    /// Declares a flag: an option without a value that sets `target` to true.
    option* add_flag(std::string_view names, bool& target, std::string_view description);

    /// Parses the arguments after the command name and stores the values. Returns false when
    /// they asked for `--help` (the caller prints `help()` and stops). Throws usage_error
    /// (command.hpp) on the first argument it cannot accept.
    bool parse(std::span<char* const> args);

    /// The help page: usage line, summary, positionals and options with their defaults.
    std::string help() const;

private:
    option* add(std::string_view names, std::string_view description, std::string shape, std::string default_text,
                std::function<std::string(std::string_view)> assign);
    option* find(std::string_view name) const;
    void store(option& o, std::string_view text) const;

    template <class T>
    static std::string shape_of() {
        if constexpr (std::floating_point<T>) return "X";
        else if constexpr (std::integral<T>) return "N";
        else return "FILE";
    }
    template <class T>
    static std::string text_of(const T& value) {
        if constexpr (std::floating_point<T>) {
            return real_text(static_cast<double>(value));
        } else if constexpr (std::integral<T>) {
            char buf[24];
            return {buf, std::to_chars(buf, buf + sizeof buf, value).ptr};
        } else {
            return std::string(value);
        }
    }
    static std::string parse_into(std::string_view text, std::string& target);
    static std::string parse_into(std::string_view text, double& target);
    static std::string parse_into(std::string_view text, float& target);
    template <std::integral T>
    static std::string parse_into(std::string_view text, T& target) {
        T value{};
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc::result_out_of_range) return "is out of range";
        if (ec != std::errc{} || ptr != end || text.empty())
            return std::is_signed_v<T> ? "is not a whole number" : "is not a whole number >= 0";
        target = value;
        return {};
    }

    std::string usage_name_;
    std::string summary_;
    std::vector<std::unique_ptr<option>> options_;  // unique_ptr: the returned pointers stay valid
};

}  // namespace vspace::cli
