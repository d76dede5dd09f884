// SPDX-License-Identifier: MIT
// The `vspace` command-line tool: finds the subcommand named first among those that registered
// themselves (see command.hpp), parses its options (command_line.hpp), runs it, and turns every
// failure into exactly one line on stderr and a non-zero exit status (1: the data or a file,
// 2: the command line).
#include "command.hpp"

#include <vspace/core/error.hpp>
#include <vspace/version.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace {

enum exit_status : int { ok = 0, failure = 1, usage = 2 };

/// Prints "vspace[ COMMAND]: MESSAGE" as one line: control characters inside the message
/// (newlines, NUL, from a parser or a hostile file name) become spaces.
void report(std::string_view command, std::string message, std::string_view hint = {}) {
    std::replace_if(message.begin(), message.end(), [](char c) { return c >= 0 && c < 0x20; }, ' ');
    while (!message.empty() && message.back() == ' ') message.pop_back();
    std::string line = "vspace";
    if (!command.empty()) line.append(" ").append(command);
    line.append(": ").append(message).append(hint).append("\n");
    std::fputs(line.c_str(), stderr);
}

}  // namespace

namespace {

/// The top-level help page: the commands with their summaries.
std::string tool_help(const std::vector<vspace::cli::command_entry>& entries) {
    std::string out = "vspace " VSPACE_VERSION_STRING ": search, project, map and analyse embedding vectors\n\n"
                      "Usage: vspace COMMAND [OPTIONS] [ARGUMENTS]\n       vspace --help | --version\n\nCommands:\n";
    std::size_t width = 0;
    for (const auto& e : entries) width = std::max(width, e.name.size());
    for (const auto& e : entries)
        out.append("  ").append(e.name).append(width + 4 - e.name.size(), ' ').append(e.summary).append("\n");
    out.append("\nRun 'vspace COMMAND --help' for a command's options. Documentation: docs/cli.md\n");
    return out;
}

int run_tool(int argc, char** argv) {
    using namespace vspace::cli;

    std::vector<command_entry> entries = registry();
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    const auto names = [&] {
        std::string out;
        for (const auto& e : entries) out.append(out.empty() ? "" : ", ").append(e.name);
        return out;
    };

    const std::string_view first = argc > 1 ? argv[1] : "";
    if (first == "--help" || first == "-h") {
        std::fputs(tool_help(entries).c_str(), stdout);
        return ok;
    }
    if (first == "--version") {
        std::fputs(VSPACE_VERSION_STRING "\n", stdout);
        return ok;
    }
    if (first.empty()) {
        report({}, "a command is required (one of " + names() + ")", "; see 'vspace --help'");
        return usage;
    }
    const auto entry = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == first; });
    if (entry == entries.end()) {
        report({}, (first[0] == '-' ? "unknown option '" : "unknown command '") + std::string(first) +
                       "' (expected a command: one of " + names() + ")",
               "; see 'vspace --help'");
        return usage;
    }

    const std::string name(entry->name);
    const std::string hint = "; see 'vspace " + name + " --help'";
    common_options common;
    command_line line("vspace " + name, std::string(entry->summary));
    line.add_option("--threads", common.n_threads, "Worker threads (0 = all cores)")
        ->check(in_range(0, 4096))
        ->show_default();
    line.add_flag("--quiet", common.quiet, "No progress output on stderr");
    const std::unique_ptr<command> cmd = entry->make();
    cmd->declare(line, common);

    try {
        if (!line.parse({argv + 2, static_cast<std::size_t>(argc - 2)})) {  // --help
            std::fputs(line.help().c_str(), stdout);
            return std::fflush(stdout) == 0 ? ok : failure;
        }
        cmd->run(common);
    } catch (const usage_error& e) {
        report(name, e.what(), hint);
        return usage;
    } catch (const vspace::error& e) {
        report(name, e.what());
        return failure;
    } catch (const std::bad_alloc&) {
        report(name, "out of memory (the input is too large for this machine)");
        return failure;
    } catch (const std::exception& e) {
        report(name, std::string("unexpected error: ") + e.what());
        return failure;
    }

    // Output printed to a full disk or closed pipe must not pass as success.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        report(name, "cannot write to standard output");
        return failure;
    }
    return ok;
}

}  // namespace

// Setting up the commands allocates too; nothing may escape as std::terminate's message.
int main(int argc, char** argv) {
    try {
        return run_tool(argc, argv);
    } catch (const std::exception& e) {  // fputs, not report: no allocation here
        std::fputs("vspace: cannot start: ", stderr);
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
    } catch (...) {
        std::fputs("vspace: cannot start\n", stderr);
    }
    return failure;
}
