// SPDX-License-Identifier: MIT
// The tool's command-line parser (examples/cli/command_line.hpp): every accepted spelling
// stores the value, and every refused one throws usage_error naming the option, before the
// command runs.
#include "command.hpp"
#include "command_line.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace {

using vspace::cli::command_line;
using vspace::cli::usage_error;

/// The options of a typical command, bound to members.
struct fixture {
    std::string input, output, metric = "l2";
    std::size_t k = 10;
    std::int64_t shift = 0;
    double min_dist = 0.1;
    float clip = 0.0f;
    bool quiet = false;
    command_line line{"vspace test", "A command to test the parser"};
    vspace::cli::option* k_option;

    fixture() {
        line.add_option("INPUT", input, "Vectors")->required();
        k_option = line.add_option("-k", k, "Neighbours")->check(vspace::cli::in_range(1, 100))->show_default();
        line.add_option("-o,--output", output, "Output file")->required();
        line.add_option("--metric", metric, "Distance")->check(vspace::cli::one_of({"l2", "cosine"}))->show_default();
        line.add_option("--shift", shift, "A signed number");
        line.add_option("--min-dist", min_dist, "Smallest distance")->check(vspace::cli::in_range(0.0, 1.0));
        line.add_option("--clip", clip, "A float")->check(vspace::cli::positive());
        line.add_flag("--quiet", quiet, "No progress");
    }

    /// Parses `args`; true unless they asked for help.
    bool parse(const std::vector<const char*>& args) {
        std::vector<char*> argv;
        for (const char* a : args) argv.push_back(const_cast<char*>(a));
        return line.parse(argv);
    }
};

/// The message of the usage_error that parsing `args` throws ("" if none).
std::string refusal(const std::vector<const char*>& args) {
    fixture f;
    try {
        f.parse(args);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "";
}

TEST(command_line, stores_every_accepted_spelling) {
    fixture f;
    ASSERT_TRUE(f.parse({"--metric=cosine", "in.npy", "-k", "7", "--output", "out.npy", "--quiet", "--shift", "-3",
                         "--min-dist", "0.5", "--clip", "2.5"}));
    EXPECT_EQ(f.input, "in.npy");
    EXPECT_EQ(f.output, "out.npy");
    EXPECT_EQ(f.metric, "cosine");
    EXPECT_EQ(f.k, 7u);
    EXPECT_EQ(f.shift, -3);
    EXPECT_EQ(f.min_dist, 0.5);
    EXPECT_EQ(f.clip, 2.5f);
    EXPECT_TRUE(f.quiet);
    EXPECT_TRUE(f.k_option->given());

    fixture g;
    ASSERT_TRUE(g.parse({"-k5", "-o", "x", "--", "-starts-with-a-dash"}));
    EXPECT_EQ(g.k, 5u);
    EXPECT_EQ(g.input, "-starts-with-a-dash");
    EXPECT_EQ(g.metric, "l2");  // the default stays
    EXPECT_FALSE(g.quiet);
}

TEST(command_line, help_stops_parsing_and_lists_everything) {
    fixture f;
    EXPECT_FALSE(f.parse({"in.npy", "--help"}));
    EXPECT_FALSE(f.parse({"-h"}));
    EXPECT_FALSE(f.parse({"--metric", "manhattan", "--help"}));  // help wins over a wrong argument
    EXPECT_THROW(f.parse({"in.npy", "-o", "x", "--", "--help"}), usage_error);  // after "--": a positional
    const std::string help = f.line.help();
    for (const char* part : {"Usage: vspace test [OPTIONS] INPUT", "A command to test the parser", "-o, --output FILE",
                             "--metric l2|cosine", "[default: l2]", "[default: 10]", "-k N", "--min-dist X",
                             "--quiet", "-h, --help"})
        EXPECT_NE(help.find(part), std::string::npos) << part << " in\n" << help;
    EXPECT_EQ(help.find('\x1f'), std::string::npos);  // the glue of unbreakable words never shows
}

TEST(command_line, refuses_with_the_option_named) {
    const std::vector<std::pair<std::vector<const char*>, std::string>> cases{
        {{"in", "-o", "x", "-k", "ten"}, "-k: 'ten' is not a whole number >= 0"},
        {{"in", "-o", "x", "-k", "-3"}, "-k: '-3' is not a whole number >= 0"},
        {{"in", "-o", "x", "-k", "0"}, "-k: '0' is not in the range [1, 100]"},
        {{"in", "-o", "x", "-k", "99999999999999999999999"}, "-k: '99999999999999999999999' is out of range"},
        {{"in", "-o", "x", "-k", "3", "-k", "4"}, "-k is given twice"},
        {{"in", "-o", "x", "--metric", "manhattan"}, "--metric: 'manhattan' is not one of l2, cosine"},
        {{"in", "-o", "x", "--min-dist", "nan"}, "--min-dist: 'nan' is not a finite number"},
        {{"in", "-o", "x", "--min-dist", "1.5"}, "--min-dist: '1.5' is not in the range [0, 1]"},
        {{"in", "-o", "x", "--clip", "1e99"}, "--clip: '1e99' is not a finite number"},  // beyond float
        {{"in", "-o", "x", "--clip", "0"}, "--clip: '0' is not a number above 0"},
        {{"in", "-o", "x", "--shift", "3.5"}, "--shift: '3.5' is not a whole number"},
        {{"in", "-o", "x", "--frobnicate"}, "unknown option '--frobnicate'"},
        {{"in", "-o", "x", "--frobnicate=2"}, "unknown option '--frobnicate'"},
        {{"in", "-o", "x", "--quiet=yes"}, "--quiet takes no value (got 'yes')"},
        {{"in", "-o", "x", "-k"}, "-k needs a value (N)"},
        {{"in", "-o", "x", "extra"}, "unexpected argument 'extra'"},
        {{"in"}, "option -o/--output is required"},
        {{"-o", "x"}, "INPUT is required"},
    };
    for (const auto& [args, message] : cases) EXPECT_EQ(refusal(args), message);
}

}  // namespace
