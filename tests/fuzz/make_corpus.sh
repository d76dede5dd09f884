#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets (tests/fuzz/<target>/corpus/) from the real data
# sets: a few rows of each, rewritten as small valid files (most under 4 KB). Files it writes
# have fixed names and are overwritten on each run; other files in a corpus (the hand-made
# hand_* seeds, inputs found by fuzzing) are left alone.
#   bash tests/fuzz/make_corpus.sh [FUZZ_BUILD_DIR]
# FUZZ_BUILD_DIR: a build with -DVSPACE_BUILD_FUZZ=ON whose fuzz_hnsw writes the valid index
# files of hnsw/corpus (skipped without it). Data: VSPACE_SHARED_DATA (default ../shared/data)
# and VSPACE_FASHION_MNIST (default /usr/share/datasets/fashion-mnist); a missing set is skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${VSPACE_SHARED_DATA:-$root/../shared/data}
fmnist=${VSPACE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
build=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in npy texmex word_vectors idx load map_text hnsw; do mkdir -p "$here/$t/corpus"; done
npy=$here/npy/corpus texmex=$here/texmex/corpus wv=$here/word_vectors/corpus idx=$here/idx/corpus
load=$here/load/corpus map=$here/map_text/corpus

skip() { echo "make_corpus: skipping $1 (not found)"; }
be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))"; printf "\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
# gz_bytes FILE.gz SKIP COUNT: COUNT bytes of the uncompressed file after its first SKIP
gz_bytes() { (set +o pipefail; zcat "$1" | head -c $(($2 + $3)) | tail -c "$3"); }

# npy (sklearn digits, MiniLM embeddings), texmex (BIGANN), word2vec binary: the vspace writers
if [ -f "$data/sklearn-digits/digits.csv.gz" ] && [ -f "$data/bigann-10k/bigann10k_base.bvecs" ]; then
    ${CXX:-g++} -std=c++20 -O1 -I"$root/include" "$here/corpus_writer.cpp" -o "$tmp/corpus_writer"
    (set +o pipefail; zcat "$data/sklearn-digits/digits.csv.gz" | head -n 4) | "$tmp/corpus_writer" "$data" "$here"
else
    skip "$data (digits, BIGANN)"
fi

# word-vector text: heads of the GloVe file and the gensim fixtures, headers fixed to the rows kept
fx=$data/format-fixtures
if [ -d "$fx" ]; then
    head -n 3 "$data/glove-6B-100d-top10000/glove.6B.100d.top10000.txt" >"$wv/glove_6B_100d_3.txt"
    head -n 6 "$fx/test_glove.txt" >"$wv/glove_50d_utf8_6.txt"  # words ö, é, हु in lines 2-4
    { echo "5 10"; sed -n 2,6p "$fx/word2vec_pre_kv_c"; } >"$wv/word2vec_text_5.txt"
    { echo "5 10"; sed -n 2,6p "$fx/lee_fasttext.vec"; } >"$wv/fasttext_10d_5.vec"  # trailing spaces
    { echo "2 100"; sed -n 2,3p "$fx/pang_lee_polarity_fasttext.vec"; } >"$wv/fasttext_100d_2.vec"
    # 300-d word2vec text with long exponent values, cut to its first 20 values
    { echo "2 20"; awk 'NR > 1 && NR <= 3 { s = $1; for (i = 2; i <= 21; ++i) s = s " " $i; print s }' \
        "$fx"/EN.1-10.*.txt; } >"$wv/word2vec_exp_20d_2.txt"
else
    skip "$fx"
fi

# idx: the first Fashion-MNIST test images and labels, as idx3 / idx1 with their counts fixed, and gzip'd
if [ -f "$fmnist/t10k-images-idx3-ubyte.gz" ]; then
    { printf '\x00\x00\x08\x03'; be32 2; be32 28; be32 28; gz_bytes "$fmnist/t10k-images-idx3-ubyte.gz" 16 1568; } \
        >"$idx/fashion_images_2-idx3-ubyte"
    { printf '\x00\x00\x08\x01'; be32 16; gz_bytes "$fmnist/t10k-labels-idx1-ubyte.gz" 8 16; } \
        >"$idx/fashion_labels_16-idx1-ubyte"
    for f in fashion_images_2-idx3-ubyte fashion_labels_16-idx1-ubyte; do gzip -9nc "$idx/$f" >"$idx/$f.gz"; done
else
    skip "$fmnist"
fi

# load: one file of each format the detection tells apart
for f in "$npy/digits_f32.npy" "$npy/digits_bits.npy" "$npy/digits_i8.npy" "$texmex/bigann.fvecs" \
         "$texmex/bigann.ivecs" "$texmex/bigann.bvecs" "$idx/fashion_images_2-idx3-ubyte" \
         "$idx/fashion_images_2-idx3-ubyte.gz" "$wv/glove_50d_utf8_6.txt" "$wv/word2vec_text_5.txt" \
         "$wv/euclidean_vectors_6.bin"; do
    if [ -f "$f" ]; then cp "$f" "$load/"; fi
done

# map_text: "label<TAB>title" lines of the SAP Fiori documentation set (three places, other
# categories), labels alone, titles alone
ms=$data/minilm-sap-fiori-778
if [ -f "$ms/labels.txt" ]; then
    paste "$ms/labels.txt" "$ms/titles.txt" >"$tmp/pairs"
    sed -n 1,12p "$tmp/pairs" >"$map/fiori_label_title_1"
    sed -n 300,311p "$tmp/pairs" >"$map/fiori_label_title_300"
    sed -n 700,711p "$tmp/pairs" >"$map/fiori_label_title_700"
    sed -n 100,115p "$ms/labels.txt" >"$map/fiori_labels_100"
    sed -n 500,510p "$ms/titles.txt" >"$map/fiori_titles_500"
else
    skip "$ms"
fi

# map_text, hand-made: text that must stay text (script tags, comment and CDATA openers,
# entities, U+2028, a NUL, invalid UTF-8, a lone '<', tabs, CRLF)
printf 'ok\t<script>alert(1)</script>\n</script><script>x()</script>\t<SCRIPT src=//a>\n<!--\t]]><![CDATA[\n&lt;b&gt;\t&#60;i&#62;\n\xe2\x80\xa8<img onerror=x>\t\x00<\xff\n<\r\nlabel\t\t<svg onload=y>\n' \
    >"$map/markup_mixed"
printf '<title>\t</title><script>\n</textarea></style></title>\tplain words here\n<b>bold</b>\t<b>bold</b>\n' >"$map/markup_tags"

# hnsw: small valid index files of the three kinds, written by the fuzz target itself
if [ -n "$build" ] && [ -x "$build/tests/fuzz/fuzz_hnsw" ]; then
    mkdir -p "$tmp/none"
    VSPACE_FUZZ_WRITE_SEEDS="$here/hnsw/corpus" "$build/tests/fuzz/fuzz_hnsw" -runs=0 "$tmp/none" >"$tmp/hnsw.log" 2>&1 ||
        { cat "$tmp/hnsw.log"; exit 1; }
else
    skip "fuzz_hnsw (give a FUZZ_BUILD_DIR to write the hnsw seeds)"
fi

for t in npy texmex word_vectors idx load map_text hnsw; do
    printf '  %-13s %4d files %7d bytes\n' "$t" "$(ls "$here/$t/corpus" | wc -l)" "$(cat "$here/$t/corpus"/* 2>/dev/null | wc -c)"
done
