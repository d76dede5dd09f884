// SPDX-License-Identifier: MIT
// Writes the seed files of tests/fuzz/*/corpus that need the vspace writers: a few rows of the
// real data sets, rewritten as small valid files. Compiled and run by make_corpus.sh:
//   corpus_writer DATA_DIR FUZZ_DIR     (digits CSV rows come on stdin)
#include <vspace/io/npy.hpp>
#include <vspace/io/packbits.hpp>
#include <vspace/io/texmex.hpp>
#include <vspace/io/word_vectors.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace vspace;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: corpus_writer DATA_DIR FUZZ_DIR < digits.csv\n");
        return 2;
    }
    const fs::path data = argv[1], fuzz = argv[2];
    const fs::path npy = fuzz / "npy/corpus", texmex = fuzz / "texmex/corpus", wv = fuzz / "word_vectors/corpus";

    // sklearn digits: 4 images of 8 x 8 pixels (0..16) and their labels, in five dtypes
    constexpr std::size_t rows = 4, dims = 64;
    matrix<float> f(rows, dims);
    matrix<std::int8_t> i8(rows, dims);
    matrix<bit> bits(rows, dims);
    array2d<double> f64(rows, dims);
    std::vector<std::int64_t> labels;
    std::string line;
    for (std::size_t i = 0; i < rows && std::getline(std::cin, line); ++i) {
        std::istringstream in(line);
        std::string cell;
        for (std::size_t j = 0; std::getline(in, cell, ','); ++j) {
            const int v = std::stoi(cell);
            if (j == dims) labels.push_back(v);
            if (j >= dims) continue;
            f(i, j) = static_cast<float>(v), i8(i, j) = static_cast<std::int8_t>(v), f64(i, j) = v;
            bits.set_bit(i, j, v > 8);
        }
    }
    if (labels.size() != rows) {
        std::fprintf(stderr, "corpus_writer: expected %zu digits rows on stdin\n", rows);
        return 1;
    }
    save_npy(npy / "digits_f32.npy", f);
    save_npy(npy / "digits_i8.npy", i8);
    save_npy(npy / "digits_f64.npy", f64);
    save_npy(npy / "digits_bits.npy", bits);
    save_npy(npy / "digits_labels_i64.npy", labels);
    save_npy(npy / "digits_u8.npy", pack_bits(bits));

    // MiniLM sentence embeddings: 2 rows of 384 floats
    const matrix<float> e = read_npy<float>(data / "minilm-sap-fiori-778/embeddings.npy");
    matrix<float> e2(2, e.dims());
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < e.dims(); ++j) e2(i, j) = e(i, j);
    save_npy(npy / "minilm_f32.npy", e2);

    // BIGANN (SIFT) base vectors: 3 rows of 128 as fvecs, ivecs and bvecs
    const array2d<std::uint8_t> sift = read_bvecs(data / "bigann-10k/bigann10k_base.bvecs");
    array2d<std::uint8_t> b(3, sift.cols);
    array2d<std::int32_t> iv(3, sift.cols);
    matrix<float> fv(3, sift.cols);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < sift.cols; ++j) b(i, j) = sift(i, j), iv(i, j) = sift(i, j), fv(i, j) = sift(i, j);
    save_bvecs(texmex / "bigann.bvecs", b);
    save_ivecs(texmex / "bigann.ivecs", iv);
    save_fvecs(texmex / "bigann.fvecs", fv);

    // gensim's word2vec binary fixture: its first 6 vectors (a newline after each, as word2vec writes)
    const word_vectors w = read_word_vectors(data / "format-fixtures/euclidean_vectors.bin", {.max_words = 6});
    save_word2vec_binary(wv / "euclidean_vectors_6.bin", w.vocab.words(), w.vectors);
    return 0;
}
