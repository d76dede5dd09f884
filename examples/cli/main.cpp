// SPDX-License-Identifier: MIT
// The `vspace` command-line tool: builds the CLI11 parser from the subcommands that registered
// themselves (see command.hpp), runs the chosen one, and turns every failure into exactly one
// line on stderr and a non-zero exit status (1: the data or a file, 2: the command line).
#include "command.hpp"

#include <vspace/core/error.hpp>
#include <vspace/version.hpp>

#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
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

int run_tool(int argc, char** argv) {
    using namespace vspace::cli;

    CLI::App app{"vspace " VSPACE_VERSION_STRING ": search, project, map and analyse embedding vectors", "vspace"};
    app.set_version_flag("--version", VSPACE_VERSION_STRING);
    app.require_subcommand(0, 1);
    app.footer("Run 'vspace COMMAND --help' for a command's options. Documentation: docs/cli.md");

    std::vector<command_entry> entries = registry();
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });

    common_options common;
    struct selected {
        CLI::App* app;
        std::string_view name;
        std::unique_ptr<command> cmd;
    };
    std::vector<selected> commands;
    for (const command_entry& e : entries) {
        CLI::App* sub = app.add_subcommand(std::string(e.name), std::string(e.summary));
        sub->add_option("--threads", common.n_threads, "Worker threads (0 = all cores)")
            ->check(CLI::Range(0, 4096))
            ->capture_default_str();
        sub->add_flag("--quiet", common.quiet, "No progress output on stderr");
        auto cmd = e.make();
        cmd->declare(*sub, common);
        commands.push_back({sub, e.name, std::move(cmd)});
    }

    // The command named on the line, for error messages (also when parsing fails part-way).
    std::string_view current;
    if (argc > 1)
        for (const auto& c : commands)
            if (c.name == argv[1]) current = c.name;

    const auto names = [&] {
        std::string out;
        for (const auto& c : commands) out.append(out.empty() ? "" : ", ").append(c.name);
        return out;
    };
    if (argc > 1 && current.empty() && argv[1][0] != '-') {
        report({}, "unknown command '" + std::string(argv[1]) + "' (expected one of " + names() + ")",
               "; see 'vspace --help'");
        return usage;
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
        report(current, e.what(), current.empty() ? "; see 'vspace --help'"
                                                  : "; see 'vspace " + std::string(current) + " --help'");
        return usage;
    }

    auto chosen = std::find_if(commands.begin(), commands.end(), [](const auto& c) { return c.app->parsed(); });
    if (chosen == commands.end()) {
        report({}, "a command is required (one of " + names() + ")", "; see 'vspace --help'");
        return usage;
    }

    try {
        chosen->cmd->run(common);
    } catch (const usage_error& e) {
        report(chosen->name, e.what(), "; see 'vspace " + std::string(chosen->name) + " --help'");
        return usage;
    } catch (const CLI::ParseError& e) {
        report(chosen->name, e.what());
        return usage;
    } catch (const vspace::error& e) {
        report(chosen->name, e.what());
        return failure;
    } catch (const std::bad_alloc&) {
        report(chosen->name, "out of memory (the input is too large for this machine)");
        return failure;
    } catch (const std::exception& e) {
        report(chosen->name, std::string("unexpected error: ") + e.what());
        return failure;
    }

    // Output printed to a full disk or closed pipe must not pass as success.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        report(chosen->name, "cannot write to standard output");
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
