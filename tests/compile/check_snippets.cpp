// SPDX-License-Identifier: MIT
// Keeps code in the docs identical to compiled examples, so the docs cannot rot.
//
// In an example, a region between two lines `//! [name]` (`#! [name]` in CMake files) is a
// snippet. In README.md or
// docs/*.md, the line `<!-- snippet: examples/02_search.cpp name -->` must be followed by a
// fenced code block holding exactly that region (dedented).
//   check_snippets ROOT            fails, naming each stale block, if any differs
//   check_snippets ROOT --update   rewrites the blocks from the examples
#include <vspace/io/atomic_file.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The region between the two `//! [name]` (or `#! [name]`) lines of `file`, dedented; false
// when absent.
bool snippet(const fs::path& file, const std::string& name, std::vector<std::string>& out) {
    const auto lines = read_lines(file);
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (trim(lines[i]) == "//! [" + name + "]" || trim(lines[i]) == "#! [" + name + "]") at.push_back(i);
    if (at.size() != 2) return false;
    out.assign(lines.begin() + static_cast<long>(at[0]) + 1, lines.begin() + static_cast<long>(at[1]));
    std::size_t indent = std::string::npos;
    for (const auto& l : out)
        if (!trim(l).empty()) indent = std::min(indent, l.find_first_not_of(' '));
    for (auto& l : out) l = l.size() >= indent && indent != std::string::npos ? l.substr(indent) : trim(l);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return std::fputs("usage: check_snippets ROOT [--update]\n", stderr), 2;
    const fs::path root = argv[1];
    const bool update = argc > 2 && std::string(argv[2]) == "--update";
    std::vector<fs::path> docs{root / "README.md"};
    if (fs::is_directory(root / "docs"))
        for (const auto& e : fs::recursive_directory_iterator(root / "docs"))
            if (e.path().extension() == ".md") docs.push_back(e.path());
    std::sort(docs.begin() + 1, docs.end());

    const std::string tag = "<!-- snippet: ";
    int checked = 0, problems = 0;
    for (const auto& doc : docs) {
        if (!fs::exists(doc)) continue;
        auto lines = read_lines(doc);
        bool changed = false;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string t = trim(lines[i]);
            if (t.rfind(tag, 0) != 0) continue;
            std::istringstream words(t.substr(tag.size()));
            std::string file, name;
            words >> file >> name;
            const std::string where = doc.lexically_relative(root).string() + ":" + std::to_string(i + 1);
            std::vector<std::string> want;
            if (!snippet(root / file, name, want)) {
                std::fprintf(stderr, "%s: snippet '%s' not found in %s (expected two '//! [%s]' or '#! [%s]' lines)\n",
                             where.c_str(), name.c_str(), file.c_str(), name.c_str(), name.c_str());
                ++problems;
                continue;
            }
            // The fenced block: the next line opens it, the next "```" closes it.
            const std::size_t open = i + 1;
            std::size_t close = open + 1;
            while (close < lines.size() && trim(lines[close]) != "```") ++close;
            if (open >= lines.size() || trim(lines[open]).rfind("```", 0) != 0 || close >= lines.size()) {
                std::fprintf(stderr, "%s: expected a fenced code block after the snippet line\n", where.c_str());
                ++problems;
                continue;
            }
            const std::vector<std::string> have(lines.begin() + static_cast<long>(open) + 1,
                                                lines.begin() + static_cast<long>(close));
            ++checked;
            if (have == want) continue;
            if (update) {
                lines.erase(lines.begin() + static_cast<long>(open) + 1, lines.begin() + static_cast<long>(close));
                lines.insert(lines.begin() + static_cast<long>(open) + 1, want.begin(), want.end());
                changed = true;
            } else {
                std::fprintf(stderr, "%s: code block differs from %s [%s] (run check_snippets ROOT --update)\n",
                             where.c_str(), file.c_str(), name.c_str());
                ++problems;
            }
        }
        if (changed) {
            vspace::atomic_file out(doc);
            for (const auto& l : lines) out.write(l + "\n");
            out.commit();
            std::printf("updated %s\n", doc.lexically_relative(root).c_str());
        }
    }
    std::printf("check_snippets: %d snippet(s) checked, %d problem(s)\n", checked, problems);
    return problems == 0 ? 0 : 1;
}
