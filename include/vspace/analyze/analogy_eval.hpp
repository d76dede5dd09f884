// SPDX-License-Identifier: MIT
/// @file
/// The word-analogy benchmark: reading the Google analogy test set (Mikolov et al. 2013,
/// `questions-words.txt`: ": section" lines, then "a b c d" per question) and scoring a
/// `word_space` on it, as the word2vec and gensim tools do.
#pragma once

#include <vspace/analyze/word_space.hpp>
#include <vspace/core/parallel.hpp>
#include <vspace/io/lines.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace vspace {

/// One question: a is to b as c is to d.
struct analogy_question {
    std::string section;
    std::string a, b, c, d;
};

/// Accuracy on one section (or on all).
struct analogy_score {
    std::string section;
    std::size_t questions = 0;  ///< questions in the file
    std::size_t answered = 0;   ///< questions whose four words are all in the vocabulary
    std::size_t correct = 0;    ///< answered questions whose best answer is d
    /// correct / answered (0 when nothing was answered).
    double accuracy() const noexcept { return answered ? double(correct) / double(answered) : 0.0; }
};

/// Result of `evaluate_analogies`: the total and one score per section, in file order.
struct analogy_evaluation {
    analogy_score total{"total"};
    std::vector<analogy_score> sections;
};

/// Parses the analogy file format. Blank lines are skipped; a question line must have exactly
/// four words. Throws format_error naming the line otherwise.
inline std::vector<analogy_question> parse_analogy_questions(std::span<const std::string> lines, std::string_view name) {
    std::vector<analogy_question> out;
    std::string section;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        if (line.front() == ':') {
            line.remove_prefix(1);
            const auto b = line.find_first_not_of(" \t");
            section = b == std::string_view::npos ? std::string() : std::string(line.substr(b));
            continue;
        }
        std::vector<std::string> words;
        std::size_t at = 0;
        while (at < line.size()) {
            const auto b = line.find_first_not_of(" \t", at);
            if (b == std::string_view::npos) break;
            const auto e = std::min(line.find_first_of(" \t", b), line.size());
            words.emplace_back(line.substr(b, e - b));
            at = e;
        }
        if (words.size() != 4)
            VSPACE_THROW(format_error, "read_analogy_questions: ", name, ": line ", i + 1, " has ", words.size(),
                         " words (expected ': section' or four words 'a b c d')");
        out.push_back({section, std::move(words[0]), std::move(words[1]), std::move(words[2]), std::move(words[3])});
    }
    return out;
}

/// Reads an analogy file such as `questions-words.txt`.
inline std::vector<analogy_question> read_analogy_questions(const std::filesystem::path& path) {
    const auto lines = read_lines(path);
    return parse_analogy_questions(lines, path.string());
}

/// Scores `space` on `questions`: a question counts when all four words are in the vocabulary
/// (looked up as `word_space::find` does: exact, else lower case), and is correct when the best
/// answer, excluding a, b and c, is d. Questions run in parallel; the result does not depend
/// on `n_threads` (0 = all cores).
inline analogy_evaluation evaluate_analogies(const word_space& space, std::span<const analogy_question> questions,
                                             analogy_method method = analogy_method::add, std::size_t n_threads = 0) {
    std::vector<signed char> outcome(questions.size(), -1);  // -1 not answered, 0 wrong, 1 right
    parallel_for_dynamic(n_threads, questions.size(), 16, [&](std::size_t b, std::size_t e, std::size_t) {
        for (std::size_t i = b; i < e; ++i) {
            const auto& q = questions[i];
            const auto ra = space.find(q.a), rb = space.find(q.b), rc = space.find(q.c), rd = space.find(q.d);
            if (!ra || !rb || !rc || !rd) continue;
            const auto best = space.analogy_rows(*ra, *rb, *rc, 1, method);
            outcome[i] = !best.empty() && best[0].row == *rd;
        }
    });
    analogy_evaluation ev;
    for (std::size_t i = 0; i < questions.size(); ++i) {
        if (ev.sections.empty() || ev.sections.back().section != questions[i].section)
            ev.sections.push_back({questions[i].section});
        for (auto* s : {&ev.total, &ev.sections.back()}) {
            ++s->questions;
            s->answered += outcome[i] >= 0;
            s->correct += outcome[i] == 1;
        }
    }
    return ev;
}

}  // namespace vspace
