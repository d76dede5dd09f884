// SPDX-License-Identifier: MIT
// libFuzzer target for the word-vector readers (io/word_vectors.hpp): every input is parsed as
// word2vec/GloVe/fastText text, as word2vec binary, and by the detecting parse_word_vectors, each
// in full and stopped at max_words (taken from the last byte). A vspace::error is a clean
// rejection; a crash, a sanitizer report, another exception type or a hang is a bug, and so is
// any of: words and rows that differ in number; a detected result unlike both explicit readers';
// a max_words read that is not the first rows of a successful full read.
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DVSPACE_BUILD_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_word_vectors
//   build/fuzz/tests/fuzz/fuzz_word_vectors -max_len=8192 tests/fuzz/word_vectors/corpus   (or run-fuzz.sh)
#include <vspace/io/word_vectors.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>

namespace {

using namespace vspace;
using parser = word_vectors (*)(std::span<const std::byte>, std::string_view, const word_vectors_options&);

std::optional<word_vectors> attempt(parser parse, std::span<const std::byte> file, std::size_t max_words) {
    try {
        word_vectors w = parse(file, "f", {.max_words = max_words, .n_threads = 1});
        if (w.vocab.size() != w.vectors.rows() || w.vectors.rows() == 0 || w.vectors.dims() == 0) std::abort();
        if (max_words != 0 && w.vectors.rows() > max_words) std::abort();
        return w;
    } catch (const error&) {
        return std::nullopt;
    }
}

/// True when `part` holds the first rows of `all` (same words, same bits).
bool prefix_of(const word_vectors& part, const word_vectors& all) {
    if (part.vectors.dims() != all.vectors.dims() || part.vectors.rows() > all.vectors.rows()) return false;
    for (std::size_t i = 0; i < part.vectors.rows(); ++i)
        if (part.vocab[i] != all.vocab[i] ||
            std::memcmp(part.vectors.row_data(i), all.vectors.row_data(i), all.vectors.dims() * sizeof(float)) != 0)
            return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
    const std::size_t max_words = size ? 1 + data[size - 1] % 4 : 1;
    std::optional<word_vectors> full[3];
    const parser parsers[3] = {parse_word_vectors_text, parse_word2vec_binary, parse_word_vectors};
    for (int p = 0; p < 3; ++p) {
        full[p] = attempt(parsers[p], file, 0);
        const std::optional<word_vectors> some = attempt(parsers[p], file, max_words);
        if (full[p] && (!some || some->vectors.rows() != std::min(max_words, full[p]->vectors.rows()) ||
                        !prefix_of(*some, *full[p])))
            std::abort();
    }
    if (full[2]) {  // the detected format must be one of the explicit readers' results
        const std::optional<word_vectors>& same = full[2]->format == word_vectors_format::word2vec_binary ? full[1] : full[0];
        if (!same || same->format != full[2]->format || !prefix_of(*full[2], *same) ||
            same->vectors.rows() != full[2]->vectors.rows())
            std::abort();
    }
    return 0;
}
