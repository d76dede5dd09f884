// SPDX-License-Identifier: MIT
// Lesson 11: word vectors do arithmetic. "man is to king as woman is to ?" is answered by the
// word nearest to king - man + woman (3CosAdd): meaning differences are directions.
// Run: example_11_analogies                    (a tiny hand-made space, to see the mechanics)
//      example_11_analogies glove.6B.100d.txt  (real GloVe vectors: the answer is "queen")
#include <vspace/analyze/word_space.hpp>
#include <vspace/io/word_vectors.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) try {
    vspace::vocabulary vocab;
    vspace::matrix<float> vectors;
    if (argc >= 2) {
        auto wv = vspace::read_word_vectors(argv[1]);
        vocab = std::move(wv.vocab);
        vectors = std::move(wv.vectors);
    } else {  // dimensions: royalty, male, female, fruit
        const float v[][4] = {{0.1f, 1, 0, 0}, {1, 1, 0, 0}, {0.1f, 0, 1, 0}, {1, 0, 1, 0}, {0, 0, 0, 1}, {0.1f, 0, 0, 1}};
        vocab = vspace::vocabulary({"man", "king", "woman", "queen", "apple", "pear"});
        vectors = vspace::matrix<float>(6, 4);
        for (std::size_t i = 0; i < 6; ++i)
            for (std::size_t j = 0; j < 4; ++j) vectors(i, j) = v[i][j];
    }
    const vspace::word_space space(std::move(vocab), vectors.view());  // normalises every vector
    std::printf("%zu words of %zu dimensions\n", space.size(), space.dims());

    std::puts("man : king :: woman : ?   (nearest to king - man + woman, the three words excluded)");
    //! [analogy]
    for (const auto& w : space.analogy("man", "king", "woman", 3))
        std::printf("  %-10s cos %.3f\n", w.word.c_str(), w.score);
    //! [analogy]

    std::puts("3CosMul weighs the three similarities multiplicatively (Levy & Goldberg 2014):");
    for (const auto& w : space.analogy("man", "king", "woman", 3, vspace::analogy_method::mul))
        std::printf("  %-10s score %.3f\n", w.word.c_str(), w.score);

    std::puts("words most similar to 'queen':");
    for (const auto& w : space.most_similar("queen", 3)) std::printf("  %-10s cos %.3f\n", w.word.c_str(), w.score);

    try {  // a word the vocabulary does not have is an error that names it
        space.most_similar("xyzzy", 3);
    } catch (const vspace::invalid_argument& e) {
        std::printf("unknown word: %s\n", e.what());
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
