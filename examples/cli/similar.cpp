// SPDX-License-Identifier: MIT
// `vspace similar VECTORS WORD [-k 10]`: the k words nearest to WORD by cosine, one
// WORD<TAB>COSINE line each, best first.
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

class similar_command final : public cli::command {
public:
    void declare(cli::command_line& app, cli::common_options&) override {
        app.add_option("VECTORS", vectors_, "Word vectors (word2vec text or binary, GloVe, fastText .vec)")->required();
        app.add_option("WORD", word_, "The word to look up (exact, else lower case)")->required();
        app.add_option("-k", k_, "Words to print")->show_default();
    }

    void run(const cli::common_options& common) override {
        if (k_ < 1) VSPACE_THROW(cli::usage_error, "-k ", k_, " (expected k >= 1)");
        const auto space = load_word_space(vectors_, common);
        print_words(space.most_similar(word_, static_cast<std::size_t>(k_)));
    }

private:
    std::string vectors_, word_;
    std::int64_t k_ = 10;
};

const cli::registration<similar_command> registered{"similar", "The words most similar to a word (cosine)"};

}  // namespace
