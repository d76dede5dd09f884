// SPDX-License-Identifier: MIT
// Text formats: UTF-8 repair, read_lines, the vocabulary lookup, and word2vec / fastText /
// GloVe text and word2vec binary — against byte fixtures, a naive strtof reader, the gensim
// fixture files and the GloVe analogy the data README documents.
#include "io_test_util.hpp"
#include "test_data.hpp"

#include <vspace/io/lines.hpp>
#include <vspace/io/word_vectors.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <set>

namespace {

using namespace vspace;
using namespace vspace::test;

std::string hex_of(std::string_view s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) out += digits[c >> 4], out += digits[c & 15];
    return out;
}

word_vectors text(std::string_view s, word_vectors_options o = {}) {
    return parse_word_vectors_text(span_of(from_text(s)), "w.txt", o);
}

// ---- UTF-8 ----------------------------------------------------------------------------------

TEST(utf8, replaces_maximal_subparts_like_python) {
    // expected = bytes.decode('utf-8', 'replace') in CPython, which follows the same Unicode rule
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"a\x80" "b", "61efbfbd62"},       {"\xe2\x82", "efbfbd"},
        {"\xe2\x82x", "efbfbd78"},         {"\xc0\xaf", "efbfbdefbfbd"},
        {"\xed\xa0\x80", "efbfbdefbfbdefbfbd"}, {"\xf4\x90\x80\x80", "efbfbdefbfbdefbfbdefbfbd"},
        {"\xf5", "efbfbd"},                {"\xf0\x9f\x98", "efbfbd"},
        {"\xf0\x9f\x98\x80", "f09f9880"},  {"\xe0\x80\x80", "efbfbdefbfbdefbfbd"},
        {"\xc3\xa9\xff", "c3a9efbfbd"},
    };
    for (const auto& [in, want] : cases) {
        EXPECT_EQ(hex_of(sanitize_utf8(in)), want) << hex_of(in);
        EXPECT_EQ(is_valid_utf8(in), hex_of(in) == want) << hex_of(in);
        EXPECT_TRUE(is_valid_utf8(sanitize_utf8(in)));
    }
    EXPECT_EQ(sanitize_utf8("plain ascii"), "plain ascii");
    EXPECT_EQ(sanitize_utf8("h\xc3\xa9 \xe0\xa4\xb9\xe0\xa5\x81"), "h\xc3\xa9 \xe0\xa4\xb9\xe0\xa5\x81");
}

TEST(utf8, every_two_byte_string_is_repaired_to_valid_utf8) {
    for (unsigned a = 0; a < 256; ++a)
        for (unsigned b = 0; b < 256; ++b) {
            const char s[2] = {static_cast<char>(a), static_cast<char>(b)};
            ASSERT_TRUE(is_valid_utf8(sanitize_utf8(std::string_view(s, 2)))) << a << "," << b;
        }
}

// ---- lines ----------------------------------------------------------------------------------

TEST(lines, splits_strips_and_repairs) {
    const auto l = parse_lines(span_of(from_text("\xef\xbb\xbfone\r\ntwo\n\nth\xffree")), "l.txt");
    EXPECT_EQ(l, (std::vector<std::string>{"one", "two", "", "th\xef\xbf\xbdree"}));
    EXPECT_EQ(parse_lines(span_of(from_text("a\nb\n")), "l"), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(parse_lines({}, "empty").empty());
    EXPECT_EQ(parse_lines(span_of(from_text("\n")), "l"), (std::vector<std::string>{""}));
}

TEST(lines, rejects_absurd_lines_and_round_trips) {
    const std::string long_line(5000, 'x');
    EXPECT_THROW_MSG(parse_lines(span_of(from_text("ok\n" + long_line + "\n")), "big.txt", {.max_line_bytes = 4096}),
                     format_error, "read_lines: 'big.txt': line 2 is 5000 bytes long (limit 4096");
    const std::vector<std::string> items{"Btp Fiori Tools", "", "Überblick", "\xe6\x97\xa5\xe6\x9c\xac"};
    save_lines(temp_path("items.txt"), items);
    EXPECT_EQ(read_lines(temp_path("items.txt")), items);
    EXPECT_THROW_MSG(save_lines(temp_path("bad.txt"), std::vector<std::string>{"a", "b\nc"}), invalid_argument,
                     "item 1 contains a line break");
    EXPECT_THROW_MSG(read_lines(temp_path("absent.txt")), io_error, "read_lines: cannot open");
}

TEST(lines, reads_minilm_labels) {
    const auto path = shared_data("minilm-sap-fiori-778/labels.txt");
    VSPACE_REQUIRE_DATA(path);
    const auto labels = read_lines(path);
    EXPECT_EQ(labels.size(), 778u);
    EXPECT_EQ(std::set<std::string>(labels.begin(), labels.end()).size(), 13u);  // README: 13 categories
}

// ---- vocabulary -----------------------------------------------------------------------------

TEST(vocabulary, finds_first_rows_and_survives_copies) {
    std::vector<std::string> words;
    const auto w = [](int i) { return std::string("w").append(std::to_string(i)); };
    for (int i = 0; i < 5000; ++i) words.push_back(w(i));
    words.push_back("w17");  // duplicate: lookups give the first row
    const vocabulary v(words);
    vocabulary copy = v;
    const vocabulary moved = std::move(copy);
    for (int i = 0; i < 5000; i += 7) {
        ASSERT_EQ(v.find(w(i)), static_cast<std::size_t>(i));
        ASSERT_EQ(moved.find(w(i)), static_cast<std::size_t>(i));
    }
    EXPECT_EQ(v.at("w17"), 17u);
    EXPECT_FALSE(v.find("w5000"));
    EXPECT_FALSE(v.find(""));
    EXPECT_FALSE(vocabulary().find("x"));
    EXPECT_THROW_MSG(v.at("queen"), invalid_argument, "'queen' is not in the vocabulary (expected one of its 5001 words)");
}

// ---- word vectors: text ---------------------------------------------------------------------

TEST(word_vectors, detects_headers) {
    const auto w2v = text("2 3\nthe 1 2 3\nof -1 -2.5e-1 +3\n");
    EXPECT_EQ(w2v.format, word_vectors_format::word2vec_text);
    ASSERT_EQ(w2v.vectors.rows(), 2u);
    ASSERT_EQ(w2v.vectors.dims(), 3u);
    EXPECT_EQ(w2v.vocab[1], "of");
    EXPECT_EQ(w2v.vectors(1, 1), -0.25f);
    EXPECT_EQ(w2v.vectors(1, 2), 3.0f);

    const auto glove = text("the 1 2 3\nof 4 5 6");
    EXPECT_EQ(glove.format, word_vectors_format::glove_text);
    EXPECT_EQ(glove.vocab.size(), 2u);

    // GloVe with 1-dim vectors whose first word is a number: not a header
    const auto numeric = text("12 3\n13 4\n");
    EXPECT_EQ(numeric.format, word_vectors_format::glove_text);
    EXPECT_EQ(numeric.vocab[0], "12");
    EXPECT_EQ(numeric.vectors(1, 0), 4.0f);
    // ... but "count 1" followed by 1-dim vectors is a header
    const auto one_dim = text("2 1\na 0.5\nb 0.25\n");
    EXPECT_EQ(one_dim.format, word_vectors_format::word2vec_text);
    EXPECT_EQ(one_dim.vectors.rows(), 2u);
}

TEST(word_vectors, tolerates_real_world_text_layouts) {
    // BOM, CRLF, trailing spaces (fastText), tabs, blank lines, a word with spaces (GloVe 840B),
    // non-ASCII and invalid UTF-8 words, nan and inf
    const auto w = text("\xef\xbb\xbf" "3 2\r\n\xc3\xb6 1 2 \r\n\n. . . 3\t4\r\nb\xff\xfe nan -inf\r\n");
    ASSERT_EQ(w.vocab.size(), 3u);
    EXPECT_EQ(w.vocab[0], "\xc3\xb6");
    EXPECT_EQ(w.vocab[1], ". . .");
    EXPECT_EQ(w.vocab[2], "b\xef\xbf\xbd\xef\xbf\xbd");
    EXPECT_EQ(w.vectors(1, 1), 4.0f);
    EXPECT_TRUE(std::isnan(w.vectors(2, 0)));
    EXPECT_EQ(w.vectors(2, 1), -INFINITY);
    EXPECT_EQ(w.find(". . ."), 1u);
}

TEST(word_vectors, rejects_bad_text) {
    struct bad {
        std::string_view file, needle;
    };
    const bad cases[] = {
        {"", "the file is empty"},
        {"\n \n\t\n", "the file is empty"},
        {"3 2\na 1 2\nb 3 4\n", "header claims 3 vectors but the file holds 2 lines"},
        {"1 2\na 1 2\nb 3 4\n", "header claims 1 vectors but the file holds 2 lines"},
        {"2 0\na\nb\n", "0 dims"},
        {"0 2\n", "claims 0 vectors"},
        {"5 2\n", "not followed by vectors"},
        {"2 1000000000000\na 1 2\nb 2 3\n", "claims 1000000000000 dims, which 2 lines"},
        {"onlyword\nother\n", "line 1 has no values"},
        {"a 1 2 3\nb 1 2\n", "line 2 has 2 values (expected 3)"},
        {"a 1 2\nb 1 2 3\n", "line 2 has 3 values (expected 2)"},
        {"a 1 2\n\n\nb 1 x2\n", "line 4 value 2 'x2' is not a float"},
        {"a 1 2\nb 1 1e50\n", "line 2 value 2 '1e50' is not a float"},
        {"a 1 2\nb 1 0x10\n", "'0x10' is not a float"},
        {"a 1 2\nb 1 2.5.5\n", "'2.5.5' is not a float"},
    };
    for (const bad& c : cases)
        EXPECT_THROW_MSG(parse_word_vectors_text(span_of(from_text(c.file)), "w.txt"), format_error, c.needle);
}

TEST(word_vectors, threads_do_not_change_results_or_errors) {
    std::string big;
    for (int i = 0; i < 30000; ++i) {
        big += 'w';
        big += std::to_string(i);
        for (int j = 0; j < 8; ++j) {
            big += ' ';
            big += std::to_string((i * 31 + j * 7) % 1000 / 8.0 - 60);
        }
        big += "\n";
    }
    const auto one = text(big, {.n_threads = 1});
    const auto two = text(big, {.n_threads = 2});
    const auto four = text(big, {.n_threads = 4});
    ASSERT_EQ(one.vectors.rows(), 30000u);
    EXPECT_EQ(one.vocab.words(), four.vocab.words());
    for (std::size_t i = 0; i < 30000; ++i)
        ASSERT_EQ(std::memcmp(one.vectors.row_data(i), two.vectors.row_data(i), 8 * sizeof(float)), 0);
    EXPECT_EQ(one.vectors(29999, 7), static_cast<float>((29999 * 31 + 49) % 1000 / 8.0 - 60));
    // errors planted in two threads' blocks: the earliest is reported whatever the thread count
    std::string broken = big;
    broken.replace(broken.find("\nw25000 ") + 8, 1, "?");
    broken.replace(broken.find("\nw9000 ") + 7, 1, "!");
    for (std::size_t threads : {1u, 2u, 3u})
        EXPECT_THROW_MSG(text(broken, {.n_threads = threads}), format_error, "line 9001 value 1 '!");
    const auto head = text(big, {.max_words = 100});
    EXPECT_EQ(head.vectors.rows(), 100u);
    EXPECT_EQ(head.vocab[99], "w99");
}

/// Naive reference: split on spaces, strtof each value.
word_vectors naive_glove(const std::filesystem::path& path) {
    std::vector<std::string> words;
    std::vector<std::vector<float>> rows;
    std::string content = read_all(path);
    std::size_t at = 0;
    while (at < content.size()) {
        std::size_t nl = content.find('\n', at);
        if (nl == std::string::npos) nl = content.size();
        std::string line = content.substr(at, nl - at);
        at = nl + 1;
        char* p = line.data();
        char* sp = std::strchr(p, ' ');
        words.emplace_back(p, sp);
        rows.emplace_back();
        for (char* q = sp; *q;) {
            char* end;
            rows.back().push_back(std::strtof(q, &end));
            if (end == q) break;
            q = end;
        }
    }
    word_vectors w{vocabulary(words), matrix<float>(rows.size(), rows[0].size())};
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows[i].size(); ++j) w.vectors(i, j) = rows[i][j];
    return w;
}

TEST(word_vectors, reads_gensim_fixtures) {
    const auto dir = shared_data("format-fixtures");
    VSPACE_REQUIRE_DATA(dir);
    const struct {
        const char* file;
        std::size_t rows, dims;
        word_vectors_format format;
    } fixtures[] = {
        {"word2vec_pre_kv_c", 1750, 10, word_vectors_format::word2vec_text},
        {"EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", 20, 300, word_vectors_format::word2vec_text},
        {"lee_fasttext.vec", 1762, 10, word_vectors_format::word2vec_text},
        {"pang_lee_polarity_fasttext.vec", 1694, 100, word_vectors_format::word2vec_text},
        {"test_glove.txt", 76, 50, word_vectors_format::glove_text},
        {"euclidean_vectors.bin", 2747, 10, word_vectors_format::word2vec_binary},
    };
    for (const auto& f : fixtures) {
        const auto w = read_word_vectors(dir / f.file);
        EXPECT_EQ(w.vectors.rows(), f.rows) << f.file;
        EXPECT_EQ(w.vectors.dims(), f.dims) << f.file;
        EXPECT_EQ(w.vocab.size(), f.rows) << f.file;
        EXPECT_EQ(w.format, f.format) << f.file;
    }
    const auto pre = read_word_vectors(dir / "word2vec_pre_kv_c");
    EXPECT_EQ(pre.vocab[0], "the");
    EXPECT_EQ(pre.vectors(0, 1), -1.975698f);
    const auto bin = read_word_vectors(dir / "euclidean_vectors.bin");
    EXPECT_EQ(bin.vocab[1], "to");
    EXPECT_EQ(bin.vectors(0, 0), 0.42145327f);
    EXPECT_EQ(bin.vectors(2, 9), 0.730954f);

    const auto glove = read_word_vectors(dir / "test_glove.txt");
    const auto naive = naive_glove(dir / "test_glove.txt");
    ASSERT_EQ(glove.vocab.words(), naive.vocab.words());
    for (std::size_t i = 0; i < 76; ++i)
        for (std::size_t j = 0; j < 50; ++j) ASSERT_EQ(glove.vectors(i, j), naive.vectors(i, j)) << i << "," << j;
    for (const char* w : {"\xc3\xb6", "\xc3\xa9", "\xe0\xa4\xb9\xe0\xa5\x81", "\xc3\xbc", "\xe0\xa4\xb9\xe0\xa4\xbf",
                          "\xe0\xa4\xaf\xe0\xa4\xbe"})
        EXPECT_TRUE(glove.find(w)) << w;
}

float cosine(row<float> a, row<float> b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t j = 0; j < a.size(); ++j) ab += double(a[j]) * b[j], aa += double(a[j]) * a[j], bb += double(b[j]) * b[j];
    return static_cast<float>(ab / std::sqrt(aa * bb));
}

TEST(word_vectors, glove_top10000_solves_the_documented_analogy) {
    const auto path = shared_data("glove-6B-100d-top10000/glove.6B.100d.top10000.txt");
    VSPACE_REQUIRE_DATA(path);
    const auto g = read_word_vectors(path);
    ASSERT_EQ(g.vectors.rows(), 10000u);
    ASSERT_EQ(g.vectors.dims(), 100u);
    EXPECT_EQ(g.format, word_vectors_format::glove_text);
    // man : king :: woman : ?  -> queen, cosine 0.770 (data README; 3CosAdd on unit vectors)
    const auto unit = [&](std::string_view w, std::size_t j) {
        const auto v = g.vector(w);
        double n = 0;
        for (float x : v) n += double(x) * x;
        return static_cast<float>(v[j] / std::sqrt(n));
    };
    std::vector<float> q(100);
    for (std::size_t j = 0; j < 100; ++j) q[j] = unit("king", j) - unit("man", j) + unit("woman", j);
    std::size_t best = 0;
    float best_cos = -2;
    for (std::size_t i = 0; i < g.vectors.rows(); ++i) {
        if (g.vocab[i] == "man" || g.vocab[i] == "king" || g.vocab[i] == "woman") continue;
        const float c = cosine(g.vectors.row(i), q);
        if (c > best_cos) best_cos = c, best = i;
    }
    EXPECT_EQ(g.vocab[best], "queen");
    EXPECT_NEAR(best_cos, 0.770f, 0.0005f);
}

// ---- word vectors: binary and writers -------------------------------------------------------

TEST(word_vectors, binary_and_text_writers_round_trip) {
    const std::vector<std::string> words{"the", "caf\xc3\xa9", "x"};
    matrix<float> v(3, 5);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 5; ++j) v(i, j) = std::ldexp(static_cast<float>(i * 5 + j) + 0.1f, static_cast<int>(j) - 2);
    v(2, 4) = -0.0f;
    v(1, 0) = 3.4028235e38f;
    v(1, 1) = 1e-45f;  // subnormal: shortest text form must still read back exactly
    save_word2vec_binary(temp_path("rt.bin"), words, v.view());
    save_word_vectors_text(temp_path("rt.vec"), words, v.view());
    save_word_vectors_text(temp_path("rt.glove"), words, v.view(), false);
    const struct {
        const char* file;
        word_vectors_format format;
    } outs[] = {{"rt.bin", word_vectors_format::word2vec_binary},
                {"rt.vec", word_vectors_format::word2vec_text},
                {"rt.glove", word_vectors_format::glove_text}};
    for (const auto& o : outs) {
        const auto back = read_word_vectors(temp_path(o.file));
        EXPECT_EQ(back.format, o.format) << o.file;
        EXPECT_EQ(back.vocab.words(), words) << o.file;
        for (std::size_t i = 0; i < 3; ++i)
            EXPECT_EQ(std::memcmp(back.vectors.row_data(i), v.row_data(i), 5 * sizeof(float)), 0) << o.file << " row " << i;
    }
    EXPECT_EQ(read_word_vectors(temp_path("rt.bin"), {.max_words = 2}).vocab.size(), 2u);
    EXPECT_THROW_MSG(save_word2vec_binary(temp_path("b.bin"), std::vector<std::string>{"a b", "c", "d"}, v.view()),
                     invalid_argument, "word 0 ('a b') is empty or holds whitespace");
    EXPECT_THROW_MSG(save_word_vectors_text(temp_path("b.vec"), std::vector<std::string>{"a"}, v.view()), shape_error,
                     "1 words for 3 vectors");
}

TEST(word_vectors, rejects_bad_binary) {
    const auto bin = [](std::string head, std::initializer_list<std::pair<std::string, std::vector<float>>> rows) {
        bytes b = from_text(head);
        for (const auto& [w, v] : rows) {
            b = concat(b, from_text(w + " "));
            for (float x : v) append_le(b, x);
            b.push_back(std::byte{'\n'});
        }
        return b;
    };
    const auto parse = [](const bytes& b) { return parse_word2vec_binary(span_of(b), "w.bin"); };
    EXPECT_EQ(parse(bin("2 2\n", {{"a", {1, 2}}, {"b", {3, 4}}})).vectors(1, 1), 4.0f);
    EXPECT_THROW_MSG(parse({}), format_error, "the file is empty");
    EXPECT_THROW_MSG(parse(from_text("hello world")), format_error, "no \"count dims\" header line");
    EXPECT_THROW_MSG(parse(bin("0 2\n", {})), format_error, "claims 0 vectors of 2 dims");
    EXPECT_THROW_MSG(parse(bin("1000 300\n", {{"a", {1, 2}}})), format_error,
                     "header claims 1000 vectors of 300 dims (at least 1202000 bytes) but the file holds 11 bytes");
    EXPECT_THROW_MSG(parse(bin("999999999999999999 999999999999999999\n", {{"a", {1, 2}}})), format_error, "at least 2^64 bytes");
    bytes cut = bin("2 2\n", {{"alpha", {1, 2}}, {"beta", {3, 4}}});
    cut.resize(cut.size() - 3);  // long words: passes the size pre-check, fails in vector 1
    EXPECT_THROW_MSG(parse(cut), format_error, "vector 1 ('beta') is truncated: 6 bytes left (expected 8)");
    EXPECT_THROW_MSG(parse(bin("2 2\n", {{"a", {1, 2}}, {"b", {3, 4}}, {"c", {5, 6}}})), format_error,
                     "11 bytes follow the 2 vectors");
    bytes noword = bin("2 1\n", {{"a", {1}}});
    noword = concat(noword, from_text("abcdefgh"));
    EXPECT_THROW_MSG(parse(noword), format_error, "vector 1 (of 2): the file ends before its word does");
}

}  // namespace
