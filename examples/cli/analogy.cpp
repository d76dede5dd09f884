// SPDX-License-Identifier: MIT
// `vspace analogy VECTORS A B C [-k 5]`: A is to B as C is to ?, i.e. the words nearest to
// B - A + C (3CosAdd; --method mul for 3CosMul), without A, B and C. One WORD<TAB>COSINE line
// each, best first.
#include "command.hpp"
#include "files.hpp"

#include <vspace/analyze/word_space.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

namespace cli = vspace::cli;

/// The word vectors of `path`; throws format_error when the file has no words.
vspace::word_space load_word_space(const std::string& path, const cli::common_options& common) {
    vspace::loaded_vectors v = cli::load_input(path, common);
    cli::require_finite(v, path);
    if (v.vocab.empty())
        VSPACE_THROW(vspace::format_error, "'", path,
                     "' holds vectors without words (expected a word2vec, GloVe or fastText file)");
    return vspace::word_space(std::move(v.vocab), v.vectors.view());
}

/// One answer per line: WORD<TAB>SCORE, best first.
void print_words(const std::vector<vspace::similar_word>& words) {
    for (const auto& w : words) std::printf("%s\t%.6f\n", w.word.c_str(), static_cast<double>(w.score));
}

class analogy_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options&) override {
        app.add_option("VECTORS", vectors_, "Word vectors (word2vec text or binary, GloVe, fastText .vec)")->required();
        app.add_option("A", a_, "A in 'A is to B as C is to ?'")->required();
        app.add_option("B", b_, "B")->required();
        app.add_option("C", c_, "C")->required();
        app.add_option("-k", k_, "Answers to print")->show_default();
        app.add_option("--method", method_, "add (3CosAdd: cosine to B - A + C) or mul (3CosMul score)")
            ->check(cli::one_of({"add", "mul"}))
            ->show_default();
    }

    void run(const cli::common_options& common) override {
        if (k_ < 1) VSPACE_THROW(cli::usage_error, "-k ", k_, " (expected k >= 1)");
        const auto space = load_word_space(vectors_, common);
        const auto method = method_ == "mul" ? vspace::analogy_method::mul : vspace::analogy_method::add;
        print_words(space.analogy(a_, b_, c_, static_cast<std::size_t>(k_), method));
    }

private:
    std::string vectors_, a_, b_, c_, method_ = "add";
    std::int64_t k_ = 5;
};

const cli::registration<analogy_command> registered{"analogy", "A is to B as C is to ? (nearest to B - A + C)"};

}  // namespace
