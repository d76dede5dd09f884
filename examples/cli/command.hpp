// SPDX-License-Identifier: MIT
/// @file
/// The subcommand registry of the `vspace` tool. Each subcommand lives in its own file under
/// examples/cli/ and registers itself; main.cpp never names a subcommand.
///
/// How to add a subcommand (say `vspace frobnicate`):
///  1. Create examples/cli/frobnicate.cpp (CMake globs examples/cli/*.cpp into the tool and links
///     the objects directly, so the static registration object below is always kept).
///  2. In an anonymous namespace, derive from `vspace::cli::command`:
///       - `declare(app, common)`: add positionals and options to the `command_line`
///         (command_line.hpp), bound to members. `--threads` and `--quiet` are already there for
///         every command; call `add_seed_option(app, common)` if the command is randomized. Use
///         checks (`->check(one_of({...}))`, `in_range`) for closed choices and ranges: parse
///         errors are reported for you.
///       - `run(common)`: read inputs, call the library, write outputs. Report problems by
///         throwing: a `vspace::error` (a reader's, the library's, or your own `VSPACE_THROW`)
///         becomes exactly one line on stderr and exit status 1; `usage_error` gives status 2.
///         Name the file in the message (`load_input` and `output_file` do that for you).
///         Write every output through `vspace::atomic_file` (see `output_file`), so a failure
///         never leaves a partial file and an existing file survives.
///         Progress output goes to stderr only via progress.hpp (terminal only, off with --quiet).
///  3. Register it: `const vspace::cli::registration<frobnicate_command> registered{"frobnicate",
///     "one-line summary for 'vspace --help'"};`
///  4. Document it in docs/cli.md and add bad-input cases to tests/cli/.
#pragma once

#include "command_line.hpp"

#include <vspace/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace vspace::cli {

/// Options shared by all subcommands. main.cpp adds the flags and fills the struct before
/// calling `command::run`.
struct common_options {
    /// `--threads N`: worker threads for parallel steps (0 = all cores).
    std::size_t n_threads = 0;
    /// `--quiet`: no progress bars or notes on stderr (errors are still printed).
    bool quiet = false;
    /// `--seed S`: seed of randomized steps; only commands that call `add_seed_option` take it.
    std::uint64_t seed = 42;
};

/// A wrong or missing command-line argument (exit status 2): thrown by the parser, and by a
/// command for what the parser cannot know, e.g. a required positional that `--demo` makes
/// optional.
class usage_error : public vspace::invalid_argument {
public:
    using vspace::invalid_argument::invalid_argument;
};

/// One subcommand. Objects are created for every registered command (cheap: members are the
/// parsed arguments), but only the selected one runs.
class command {
public:
    virtual ~command() = default;
    /// Adds this command's positionals and options to `app`, bound to members of `*this`.
    virtual void declare(command_line& app, common_options& common) = 0;
    /// Does the work after a successful parse. Throws on failure (see the file comment).
    virtual void run(const common_options& common) = 0;
};

/// A registered subcommand: its name, one-line summary and factory.
struct command_entry {
    std::string_view name;
    std::string_view summary;
    std::unique_ptr<command> (*make)();
};

/// All registered subcommands, in registration order (unspecified across files; main sorts).
inline std::vector<command_entry>& registry() {
    static std::vector<command_entry> entries;  // function-local: safe during static init
    return entries;
}

/// Registers command type C under `name` when constructed; define one at namespace scope in the
/// command's file.
template <class C>
struct registration {
    registration(std::string_view name, std::string_view summary) {
        registry().push_back({name, summary, [] { return std::unique_ptr<command>(new C()); }});
    }
};

/// Adds `--seed S` for randomized commands.
inline void add_seed_option(command_line& app, common_options& common) {
    app.add_option("--seed", common.seed, "Seed of the randomized steps (same seed and threads: same output)")
        ->show_default();
}

}  // namespace vspace::cli
