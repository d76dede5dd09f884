// SPDX-License-Identifier: MIT
// libFuzzer target for the tool's command-line parser (examples/cli/command_line.hpp): bytes
// -> arguments (split at '\n') -> parse() of a command declared like `vspace knn` and
// `vspace project` (two positionals, text/whole/real options with ranges and choices, a
// required option, flags). Besides crashes, sanitizer reports and exceptions other than
// usage_error, it aborts when
//   - parsing succeeds but a required argument is missing, or a stored value breaks its check
//     (a choice outside its set, a number outside its range or not finite);
//   - a refusal's message does not name an option, an argument or the value refused;
//   - the help page is empty or shows the glue character of unbreakable words.
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_command_line
//   build/fuzz/tests/fuzz/fuzz_command_line tests/fuzz/command_line/corpus   (or run-fuzz.sh)
#include "command.hpp"
#include "command_line.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace vspace::cli;

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    while (!rest.empty() && args.size() < 64) {
        const std::size_t nl = rest.find('\n');
        args.emplace_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());

    std::string base, queries, output, metric = "l2", title;
    std::size_t k = 10, threads = 0;
    std::int64_t shift = 0;
    std::uint64_t seed = 42;
    double min_dist = 0.1;
    float perplexity = 30;
    bool quiet = false, demo = false;
    command_line line("vspace fuzz", "The parser under a fuzzer");
    line.add_option("--threads", threads, "Threads")->check(in_range(0, 4096))->show_default();
    line.add_flag("--quiet", quiet, "Quiet");
    line.add_option("BASE", base, "Base vectors");
    line.add_option("QUERIES", queries, "Query vectors");
    const option* k_option = line.add_option("-k", k, "Neighbours")->check(in_range(1, 1000))->show_default();
    const option* output_option = line.add_option("-o,--output", output, "Output")->required();
    line.add_option("--metric", metric, "Distance")->check(one_of({"l2", "cosine", "ip"}))->show_default();
    line.add_option("--shift", shift, "A signed number");
    line.add_option("--min-dist", min_dist, "A real in [0, 1]")->check(in_range(0.0, 1.0))->show_default();
    line.add_option("--perplexity", perplexity, "A positive real")->check(positive());
    line.add_option("--title", title, "Text")->value_name("TEXT");
    line.add_option("--seed", seed, "Seed")->show_default();
    line.add_flag("--demo", demo, "Demo");

    const std::string help = line.help();
    require(!help.empty() && help.find('\x1f') == std::string::npos);

    try {
        if (!line.parse(argv)) return 0;  // --help
        require(output_option->given());
        require(metric == "l2" || metric == "cosine" || metric == "ip");
        require(k >= 1 && k <= 1000 && threads <= 4096);
        require(std::isfinite(min_dist) && min_dist >= 0 && min_dist <= 1);
        require(std::isfinite(perplexity) && perplexity > 0);
        require(k_option->given() || k == 10);  // an option not given keeps its default
    } catch (const usage_error& e) {
        const std::string_view what = e.what();
        require(!what.empty());
        require(what.find('-') != std::string_view::npos || what.find('\'') != std::string_view::npos ||
                what.find("BASE") != std::string_view::npos || what.find("QUERIES") != std::string_view::npos);
    }
    return 0;
}
