// SPDX-License-Identifier: MIT
// The command-line parser (command_line.hpp): parsing, checks and the help page.
#include "command_line.hpp"

#include "command.hpp"

#include <vspace/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vspace::cli {

namespace {

/// Stands for a space inside a word of the help page; printed as a space.
constexpr char glue = '\x1f';

/// The number `text` holds, if it holds exactly one finite number.
bool parse_real(std::string_view text, double& value) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc{} && ptr == end && !text.empty() && std::isfinite(value);
}

/// Joins the words of `text` so that line wrapping keeps them together ("[default: 10]").
std::string unbreakable(std::string text) {
    std::replace(text.begin(), text.end(), ' ', glue);
    return text;
}

/// Appends `text` to `out` in lines of at most `width` characters, each later line indented
/// by `indent` spaces (words longer than a line are not split).
void append_wrapped(std::string& out, std::string_view text, std::size_t indent, std::size_t width) {
    std::size_t column = indent;
    bool first = true;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        if (word.empty()) continue;
        if (!first && column + 1 + word.size() > width) {
            out.append("\n").append(indent, ' ');
            column = indent;
        } else if (!first) {
            out.push_back(' ');
            ++column;
        }
        for (const char c : word) out.push_back(c == glue ? ' ' : c);
        column += word.size();
        first = false;
    }
}

}  // namespace

std::string real_text(double x) {
    char buf[32];
    return {buf, static_cast<std::size_t>(std::snprintf(buf, sizeof buf, "%g", x))};
}

check one_of(std::initializer_list<std::string_view> choices) {
    std::vector<std::string> allowed(choices.begin(), choices.end());
    std::string shape;
    for (const std::string& c : allowed) shape.append(shape.empty() ? "" : "|").append(c);
    return {[allowed, shape](std::string_view text) -> std::string {
                if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return {};
                std::string list;
                for (const std::string& c : allowed) list.append(list.empty() ? "" : ", ").append(c);
                return "is not one of " + list;
            },
            shape};
}

check in_range(double lo, double hi) {
    return {[lo, hi](std::string_view text) -> std::string {
                double x = 0;
                if (parse_real(text, x) && x >= lo && x <= hi) return {};
                return "is not in the range [" + real_text(lo) + ", " + real_text(hi) + "]";
            },
            {}};
}

check positive() {
    return {[](std::string_view text) -> std::string {
                double x = 0;
                return parse_real(text, x) && x > 0 ? std::string{} : "is not a number above 0";
            },
            {}};
}

option* option::check(cli::check c) {
    if (!c.shape.empty()) value_name_ = c.shape;
    checks_.push_back(std::move(c));
    return this;
}

command_line::command_line(std::string usage_name, std::string summary)
    : usage_name_(std::move(usage_name)), summary_(std::move(summary)) {}

option* command_line::add(std::string_view names, std::string_view description, std::string shape,
                          std::string default_text, std::function<std::string(std::string_view)> assign) {
    auto o = std::make_unique<option>();
    while (!names.empty()) {
        const std::size_t comma = names.find(',');
        o->names_.emplace_back(names.substr(0, comma));
        names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
    }
    std::stable_sort(o->names_.begin(), o->names_.end(),
                     [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
    for ([[maybe_unused]] const std::string& n : o->names_)
        VSPACE_ASSERT(!n.empty() && find(n) == nullptr, "option names are unique and non-empty");
    o->positional_ = o->names_.front()[0] != '-';
    VSPACE_ASSERT(!o->positional_ || o->names_.size() == 1, "a positional has one name");
    o->description_ = description;
    o->value_name_ = std::move(shape);
    o->default_text_ = std::move(default_text);
    o->assign_ = std::move(assign);
    options_.push_back(std::move(o));
    return options_.back().get();
}

option* command_line::add_flag(std::string_view names, bool& target, std::string_view description) {
    option* o = add(names, description, {}, {}, [&target](std::string_view) {
        target = true;
        return std::string{};
    });
    VSPACE_ASSERT(!o->positional_, "a flag is named with '-'");
    o->flag_ = true;
    return o;
}

option* command_line::find(std::string_view name) const {
    for (const auto& o : options_)
        if (std::find(o->names_.begin(), o->names_.end(), name) != o->names_.end()) return o.get();
    return nullptr;
}

void command_line::store(option& o, std::string_view text) const {
    if (o.count_ > 0 && !o.flag_) VSPACE_THROW(usage_error, o.name(), " is given twice");
    // The type first ("'ten' is not a whole number"), then the checks on a value of that type.
    std::string why = o.assign_(text);
    for (const cli::check& c : o.checks_)
        if (why.empty()) why = c.refuse(text);
    if (!why.empty()) VSPACE_THROW(usage_error, o.name(), ": '", text, "' ", why);
    ++o.count_;
}

bool command_line::parse(std::span<char* const> args) {
    // Help wins over every other argument, even a wrong one ("--metric foo --help").
    for (const char* a : args) {
        const std::string_view arg = a;
        if (arg == "--") break;
        if (arg == "-h" || arg == "--help") return false;
    }
    std::size_t next_positional = 0;
    const auto positional = [&](std::size_t i) -> option* {
        for (const auto& o : options_)
            if (o->positional_ && i-- == 0) return o.get();
        return nullptr;
    };
    bool options_end = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (options_end || arg.size() < 2 || arg[0] != '-') {
            option* p = positional(next_positional++);
            if (p == nullptr) VSPACE_THROW(usage_error, "unexpected argument '", arg, "'");
            store(*p, arg);
            continue;
        }
        if (arg == "--") {
            options_end = true;
            continue;
        }
        // --name=value, -kVALUE, or a name whose value is the next argument.
        std::string_view name = arg, value;
        bool inline_value = false;
        if (const std::size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        option* o = find(name);
        if (o == nullptr && !arg.starts_with("--") && arg.size() > 2) {
            if (option* s = find(arg.substr(0, 2)); s != nullptr && !s->flag_) {
                o = s;
                value = arg.substr(2);
                inline_value = true;
            }
        }
        if (o == nullptr) VSPACE_THROW(usage_error, "unknown option '", name, "'");
        if (o->flag_) {
            if (inline_value) VSPACE_THROW(usage_error, o->name(), " takes no value (got '", value, "')");
            store(*o, {});
            continue;
        }
        if (!inline_value) {
            if (i + 1 == args.size()) VSPACE_THROW(usage_error, o->name(), " needs a value (", o->value_name_, ")");
            value = args[++i];
        }
        store(*o, value);
    }
    for (const auto& o : options_)
        if (o->required_ && o->count_ == 0)
            VSPACE_THROW(usage_error, o->positional_ ? "" : "option ", o->names_.size() > 1 ? o->names_.front() + "/" : "",
                         o->name(), " is required");  // "option -o/--output is required"
    return true;
}

std::string command_line::help() const {
    constexpr std::size_t width = 100, left_most = 28;
    std::string out = usage_name_ + ": " + summary_ + "\n\nUsage: " + usage_name_ + " [OPTIONS]";
    for (const auto& o : options_)
        if (o->positional_) out.append(o->required_ ? " " : " [").append(o->name()).append(o->required_ ? "" : "]");
    out.append("\n");

    struct row {
        std::string left;
        const option* o;
    };
    std::vector<row> positionals, options;
    for (const auto& o : options_) {
        std::string left;
        if (o->positional_) {
            left = o->name();
        } else {
            for (const std::string& n : o->names_) left.append(left.empty() ? "" : ", ").append(n);
            if (!o->flag_) left.append(" ").append(o->value_name_);
        }
        (o->positional_ ? positionals : options).push_back({std::move(left), o.get()});
    }
    options.insert(options.begin(), {"-h, --help", nullptr});
    std::size_t column = 0;
    for (const auto* rows : {&positionals, &options})
        for (const row& r : *rows)
            if (r.left.size() <= left_most) column = std::max(column, r.left.size());
    column += 4;

    const auto print = [&](const char* heading, const std::vector<row>& rows) {
        if (rows.empty()) return;
        out.append("\n").append(heading).append(":\n");
        for (const row& r : rows) {
            out.append("  ").append(r.left);
            if (r.left.size() + 2 <= column - 2) out.append(column - 2 - r.left.size(), ' ');
            else out.append("\n").append(column, ' ');
            std::string text = r.o == nullptr ? "Print this help and exit" : r.o->description_;
            if (r.o != nullptr && r.o->required_ && !r.o->positional_) text.append(" (required)");
            if (r.o != nullptr && r.o->show_default_) text.append(" ").append(unbreakable("[default: " + r.o->default_text_ + "]"));
            append_wrapped(out, text, column, width);
            out.append("\n");
        }
    };
    print("Arguments", positionals);
    print("Options", options);
    return out;
}

std::string command_line::parse_into(std::string_view text, std::string& target) {
    target = std::string(text);
    return {};
}

std::string command_line::parse_into(std::string_view text, double& target) {
    double value = 0;
    if (!parse_real(text, value)) return "is not a finite number";
    target = value;
    return {};
}

std::string command_line::parse_into(std::string_view text, float& target) {
    double value = 0;
    if (!parse_real(text, value) || !std::isfinite(static_cast<float>(value))) return "is not a finite number";
    target = static_cast<float>(value);
    return {};
}

}  // namespace vspace::cli
