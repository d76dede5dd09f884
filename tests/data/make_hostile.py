#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hostile-file corpus of tests/data/hostile/ and its MANIFEST.tsv.

Every file is one that a reader must refuse cleanly: truncated at each boundary of its header,
with a wrong magic, sizes that overflow size_t, negative or zero dimensions, unknown dtypes, a
wrong checksum, deep nesting or very long words and lines. A few valid files ("expected: none")
are controls: they prove that the edits, not the base, make the others fail.

The manifest has one row per file: name, reader kind, the expected exception class
(format_error, io_error or none) and a one-line reason. tests/io/test_hostile.cpp reads it and
runs the library readers and the `vspace` tool on every file.

Standard library only; the output is deterministic (run it again and `git diff` shows nothing).
Usage: python3 tests/data/make_hostile.py [OUTPUT_FOLDER]   (default: tests/data/hostile)

Not in the corpus: a text line above read_lines' 1 MiB limit (the file would break the size
budget of this folder); the test writes that one at run time.
"""

import gzip
import os
import shutil
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")
rows = []  # (name, kind, expected, reason)
files = {}  # name -> bytes


def add(name, kind, expected, reason, data):
    assert name not in files, name
    assert "\t" not in reason and "\n" not in reason
    files[name] = bytes(data)
    rows.append((name, kind, expected, reason))


def bad(name, kind, reason, data):
    add(name, kind, "format_error", reason, data)


# ---- .npy ---------------------------------------------------------------------------------

def npy(header_dict, payload, major=1):
    """A .npy file with the given header text, padded as numpy pads it."""
    h = header_dict.encode("latin-1")
    prefix = 10 if major == 1 else 12
    while (prefix + len(h) + 1) % 64:
        h += b" "
    h += b"\n"
    length = struct.pack("<H", len(h)) if major == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([major, 0]) + length + h + payload


def npy_dict(descr="'<f4'", order="False", shape="(2, 3)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, order, shape)


F6 = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
good_npy = npy(npy_dict(), F6)
add("npy_valid.npy", "npy", "none", "control: 2 x 3 float32", good_npy)
bad("npy_empty.npy", "npy", "empty file", b"")
for cut, what in [(3, "inside the magic"), (6, "after the magic"), (7, "after the major version"),
                  (8, "after the version"), (9, "inside the header length"), (10, "after the header length"),
                  (40, "inside the header dict"), (63, "one byte before the end of the header"),
                  (64, "after the header, no data"), (64 + 10, "inside the data"),
                  (len(good_npy) - 1, "one byte short of the data")]:
    bad("npy_cut_%d.npy" % cut, "npy", "truncated " + what, good_npy[:cut])
bad("npy_wrong_magic.npy", "npy", "magic \\x93NUMPZ", b"\x93NUMPZ" + good_npy[6:])
bad("npy_version_9.npy", "npy", "format version 9.0", good_npy[:6] + b"\x09" + good_npy[7:])
bad("npy_header_length_lies.npy", "npy", "header length 65535 in a 100-byte file",
    good_npy[:8] + struct.pack("<H", 65535) + good_npy[10:100])
bad("npy_header_over_limit.npy", "npy", "version 2 header length 1 GiB (limit 64 KiB)",
    b"\x93NUMPY\x02\x00" + struct.pack("<I", 1 << 30) + b"{}")
bad("npy_shape_negative.npy", "npy", "shape (-1, 4)", npy(npy_dict(shape="(-1, 4)"), F6))
bad("npy_shape_zero_dims.npy", "npy", "shape (6, 0): vectors of 0 dims", npy(npy_dict(shape="(6, 0)"), b""))
bad("npy_shape_overflow.npy", "npy", "shape 2^32 x 2^32 x 16 overflows size_t",
    npy(npy_dict(shape="(4294967296, 4294967296, 16)"), F6))
bad("npy_shape_bytes_overflow.npy", "npy", "shape (2^64 - 1, 2): the byte count overflows",
    npy(npy_dict(shape="(18446744073709551615, 2)"), F6))
bad("npy_shape_too_large.npy", "npy", "a dimension of 30 digits does not fit size_t",
    npy(npy_dict(shape="(%s, 3)" % ("9" * 30)), F6))
bad("npy_shape_lies.npy", "npy", "shape (1000, 1000) with 24 bytes of data", npy(npy_dict(shape="(1000, 1000)"), F6))
bad("npy_shape_not_tuple.npy", "npy", "shape (6) is not a tuple", npy(npy_dict(shape="(6)"), F6))
bad("npy_shape_33_dims.npy", "npy", "33 dimensions (limit 32)", npy(npy_dict(shape="(" + "1, " * 33 + ")"), F6[:4]))
bad("npy_scalar.npy", "npy", "a 0-d array (shape ())", npy(npy_dict(shape="()"), F6[:4]))
for code, what in [("'<c8'", "complex64"), ("'|O'", "Python objects"), ("'<U3'", "unicode strings"),
                   ("'<f16'", "float128"), ("'|f4'", "float32 without a byte order")]:
    tag = code.strip("'").replace("<", "").replace("|", "")
    bad("npy_dtype_%s.npy" % tag, "npy", "dtype %s (%s)" % (code, what), npy(npy_dict(descr=code), F6))
bad("npy_dtype_structured.npy", "npy", "structured dtype [('a', '<f4')]", npy(npy_dict(descr="[('a', '<f4')]"), F6))
bad("npy_bool_value_2.npy", "npy", "bool array holding the byte 2", npy(npy_dict(descr="'|b1'", shape="(1, 2)"), b"\x01\x02"))
bad("npy_fortran_3d.npy", "npy", "Fortran order with 3 dimensions", npy(npy_dict(order="True", shape="(1, 2, 3)"), F6))
bad("npy_order_not_bool.npy", "npy", "fortran_order: 'no'", npy(npy_dict(order="'no'"), F6))
bad("npy_key_twice.npy", "npy", "the key 'shape' twice",
    npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (2, 3), }", F6))
bad("npy_no_shape.npy", "npy", "no 'shape' key", npy("{'descr': '<f4', 'fortran_order': False, }", F6))
bad("npy_unterminated.npy", "npy", "unterminated string in the header", npy("{'descr': '<f4", F6))
bad("npy_trailing_text.npy", "npy", "text after the header dict", npy(npy_dict() + " junk", F6))
bad("npy_nested_parens.npy", "npy", "shape of 20,000 nested parentheses",
    npy(npy_dict(shape="(" * 20000 + "2" + ")" * 20000), F6))
bad("npy_nested_brackets.npy", "npy", "descr of 20,000 nested brackets",
    npy(npy_dict(descr="[" * 20000 + "]" * 20000), F6))
bad("npy_nested_dicts.npy", "npy", "a dict nested 8,000 deep",
    npy("{'descr': " + "{'a': " * 8000 + "1" + "}" * 8000 + "}", F6))
bad("npy_long_key.npy", "npy", "a 60,000-character key", npy("{'" + "k" * 60000 + "': 1}", F6))
bad("npy_long_descr.npy", "npy", "a 60,000-character dtype", npy(npy_dict(descr="'<" + "f" * 60000 + "'"), F6))
bad("npy_nul_in_header.npy", "npy", "NUL bytes inside the header dict", npy("{'descr'\0\0: '<f4'}", F6))

# ---- texmex: .fvecs .ivecs .bvecs --------------------------------------------------------

for ext, fmt, size in [("fvecs", "<f", 4), ("ivecs", "<i", 4), ("bvecs", "<B", 1)]:
    vals = [1, 2, 3]
    rec = struct.pack("<i", 3) + b"".join(struct.pack(fmt, v) for v in vals)
    good = rec + rec
    r = len(rec)
    add("%s_valid.%s" % (ext, ext), ext, "none", "control: 2 vectors of 3 dims", good)
    bad("%s_empty.%s" % (ext, ext), ext, "empty file", b"")
    bad("%s_cut_2.%s" % (ext, ext), ext, "truncated inside the first dimension count", good[:2])
    bad("%s_cut_4.%s" % (ext, ext), ext, "a dimension count and no values", good[:4])
    bad("%s_cut_%d.%s" % (ext, 4 + size, ext), ext, "truncated inside the first vector", good[:4 + size])
    bad("%s_cut_%d.%s" % (ext, r + 2, ext), ext, "truncated inside the second dimension count", good[:r + 2])
    bad("%s_cut_%d.%s" % (ext, r + 4, ext), ext, "second vector without values", good[:r + 4])
    bad("%s_cut_%d.%s" % (ext, len(good) - 1, ext), ext, "last value one byte short", good[:-1])
    for d, what in [(-1, "negative dimension count -1"), (0, "dimension count 0"),
                    (-2 ** 31, "dimension count INT32_MIN"), (2 ** 31 - 1, "dimension count INT32_MAX in a tiny file")]:
        bad("%s_dim_%s.%s" % (ext, str(d).replace("-", "neg"), ext), ext, what, struct.pack("<i", d) + good[4:])
    bad("%s_ragged.%s" % (ext, ext), ext, "second vector claims 2 dims", rec + struct.pack("<i", 2) + rec[4:])
    bad("%s_second_negative.%s" % (ext, ext), ext, "second vector claims -3 dims", rec + struct.pack("<i", -3) + rec[4:])

# ---- word2vec / GloVe text ---------------------------------------------------------------

def text(name, kind, reason, s):
    bad(name, kind, reason, s.encode("utf-8") if isinstance(s, str) else s)


add("w2v_valid.txt", "word2vec_text", "none", "control: 2 words of 2 dims", b"2 2\nthe 0.5 -1\nof 2 3.25\n")
text("w2v_empty.txt", "word2vec_text", "empty file", "")
text("w2v_blank.txt", "word2vec_text", "only blank lines", "\n  \n\t\r\n")
text("w2v_bom_only.txt", "word2vec_text", "only a UTF-8 byte order mark", b"\xef\xbb\xbf")
text("w2v_header_only.txt", "word2vec_text", "a header and no vectors", "3 4\n")
text("w2v_header_zero_dims.txt", "word2vec_text", "header claims 0 dims", "2 0\na 1 2\nb 3 4\n")
text("w2v_header_zero_count.txt", "word2vec_text", "header claims 0 vectors", "0 2\na 1 2\nb 3 4\n")
text("w2v_count_lies.txt", "word2vec_text", "header claims 5 vectors, the file holds 2", "5 2\na 1 2\nb 3 4\n")
text("w2v_header_overflow.txt", "word2vec_text", "header claims 10^18 - 1 dims",
     "1 999999999999999999\na 1 2\n")
text("w2v_short_line.txt", "word2vec_text", "a line with 2 values of 3", "2 3\na 1 2 3\nb 1 2\n")
text("w2v_bad_float.txt", "word2vec_text", "a value that is not a number", "2 2\na 1 2\nb 1 x\n")
text("w2v_float_overflow.txt", "word2vec_text", "a value out of float range (1e999)", "2 2\na 1 2\nb 1e999 2\n")
text("w2v_long_line.txt", "word2vec_text", "a 60 KB line of 30,000 values where 2 are expected",
     "2 2\na 1 2\nb" + " 1" * 30000 + "\n")
text("w2v_long_word.txt", "word2vec_text", "a 60,000-character word and a bad value",
     "1 2\n" + "w" * 60000 + " 1 x\n")
text("w2v_deep_brackets.txt", "word2vec_text", "a line of 30,000 nested brackets",
     "1 2\n" + "[" * 30000 + " " + "]" * 30000 + "\n")
lcg, noise = 12345, bytearray()
for _ in range(2048):
    lcg = (lcg * 6364136223846793005 + 1442695040888963407) % 2 ** 64
    noise.append(lcg >> 56)
text("w2v_binary_noise.txt", "word2vec_text", "2 KB of pseudo-random bytes", bytes(noise))
add("glove_valid.txt", "glove", "none", "control: GloVe, 2 words of 3 dims", b"the 1 2 3\nof 4 5 6\n")
text("glove_one_token.txt", "glove", "a word without values", "hello\n")
text("glove_ragged.txt", "glove", "second line has fewer values", "a 1 2 3\nb 1 2\n")
text("glove_bad_value.txt", "glove", "a value that is not a number", "a 1 2\nb 1 two\n")
text("glove_long_word.txt", "glove", "a 60,000-character word alone", "w" * 60000 + "\n")
text("glove_nul.txt", "glove", "NUL bytes where values should be", b"a 1 2\nb \0\0\0 \0\0\0\n")

# ---- word2vec binary ---------------------------------------------------------------------

def w2v_bin(header, words):
    out = header.encode()
    for w, vec in words:
        out += w.encode() + b" " + struct.pack("<%df" % len(vec), *vec) + b"\n"
    return out


good_bin = w2v_bin("2 3\n", [("ab", [1, 2, 3]), ("cd", [4, 5, 6])])
add("bin_valid.bin", "word2vec_binary", "none", "control: 2 words of 3 dims", good_bin)
bad("bin_empty.bin", "word2vec_binary", "empty file", b"")
header_end = 4
for cut, what in [(3, "inside the header line"), (4, "after the header"), (6, "inside the first word"),
                  (7, "after the first word's space"), (13, "inside the first vector"), (19, "after the first vector"),
                  (20, "after its newline"), (23, "after the second word's space"), (len(good_bin) - 2, "two bytes short")]:
    bad("bin_cut_%d.bin" % cut, "word2vec_binary", "truncated " + what, good_bin[:cut])
bad("bin_zero_dims.bin", "word2vec_binary", "header claims 0 dims", b"2 0\n" + good_bin[4:])
bad("bin_zero_count.bin", "word2vec_binary", "header claims 0 vectors", b"0 3\n" + good_bin[4:])
bad("bin_overflow.bin", "word2vec_binary", "header 10^18 vectors of 10^18 dims: the size overflows",
    b"999999999999999999 999999999999999999\n" + good_bin[4:])
bad("bin_count_lies.bin", "word2vec_binary", "header claims 3 vectors, the file holds 2", b"3 3\n" + good_bin[4:] + b"zz")
bad("bin_trailing.bin", "word2vec_binary", "bytes after the last vector", good_bin + b"extra junk")
bad("bin_long_word.bin", "word2vec_binary", "a 60,000-byte word that never ends", b"1 2\n" + b"w" * 60000)
bad("bin_header_too_long.bin", "word2vec_binary", "the header line is 80 bytes long", b" " * 76 + good_bin)

# ---- idx and idx.gz ----------------------------------------------------------------------

good_idx = b"\x00\x00\x08\x03" + struct.pack(">3I", 2, 2, 2) + bytes(range(8))
add("idx_valid.idx", "idx", "none", "control: 2 u8 images of 2 x 2", good_idx)
bad("idx_empty.idx", "idx", "empty file", b"")
for cut, what in [(2, "inside the magic"), (4, "after the magic"), (6, "inside the first dimension"),
                  (8, "after the first dimension"), (12, "after the second dimension"),
                  (16, "after the header, no data"), (19, "inside the data"), (len(good_idx) - 1, "one byte short")]:
    bad("idx_cut_%d.idx" % cut, "idx", "truncated " + what, good_idx[:cut])
bad("idx_wrong_magic.idx", "idx", "first byte 01", b"\x01" + good_idx[1:])
bad("idx_bad_type.idx", "idx", "type code 0x0A", good_idx[:2] + b"\x0a" + good_idx[3:])
bad("idx_zero_ndim.idx", "idx", "0 dimensions", good_idx[:3] + b"\x00" + good_idx[4:])
bad("idx_ndim_255.idx", "idx", "255 dimensions (limit 16)", good_idx[:3] + b"\xff" + good_idx[4:])
bad("idx_dim_zero.idx", "idx", "a dimension of 0", good_idx[:8] + struct.pack(">I", 0) + good_idx[12:])
bad("idx_overflow.idx", "idx", "4 dimensions of 2^32 - 1 overflow size_t",
    b"\x00\x00\x0d\x04" + struct.pack(">4I", *[0xFFFFFFFF] * 4) + bytes(8))
bad("idx_size_lies.idx", "idx", "header claims 60000 x 28 x 28 with 8 bytes of data",
    b"\x00\x00\x08\x03" + struct.pack(">3I", 60000, 28, 28) + bytes(8))
bad("idx_trailing.idx", "idx", "bytes after the data", good_idx + b"\x00")


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


good_gz = gz(good_idx)
add("idx_valid.gz", "idx_gz", "none", "control: the valid idx, gzip-compressed", good_gz)
for cut, what in [(2, "after the gzip magic"), (10, "after the gzip header"), (14, "inside the deflate stream"),
                  (len(good_gz) - 8, "before the CRC"), (len(good_gz) - 4, "before the size"),
                  (len(good_gz) - 1, "one byte short")]:
    bad("gz_cut_%d.gz" % cut, "idx_gz", "gzip truncated " + what, good_gz[:cut])
crc = bytearray(good_gz)
crc[-8] ^= 0xFF
bad("gz_bad_crc.gz", "idx_gz", "gzip CRC does not match", crc)
corrupt = bytearray(good_gz)
corrupt[12] ^= 0x55
bad("gz_corrupt_deflate.gz", "idx_gz", "a flipped byte in the deflate stream", corrupt)
bad("gz_inner_cut_header.gz", "idx_gz", "the idx header inside ends after 6 bytes", gz(good_idx[:6]))
bad("gz_inner_cut_data.gz", "idx_gz", "the idx data inside ends 3 bytes short", gz(good_idx[:-3]))
bad("gz_inner_wrong_magic.gz", "idx_gz", "a gzip of text, not idx", gz(b"hello, this is not an idx file\n"))
bad("gz_inner_trailing.gz", "idx_gz", "the idx inside has bytes after its data", gz(good_idx + b"\x00\x00"))
bad("gz_bomb_claim.gz", "idx_gz", "the idx inside claims 2^31 bytes, more than 40 gzip bytes can hold",
    gz(b"\x00\x00\x08\x03" + struct.pack(">3I", 2 ** 15, 2 ** 8, 2 ** 8)))
bad("gz_inner_overflow.gz", "idx_gz", "the idx inside has dimensions whose product overflows",
    gz(b"\x00\x00\x0e\x04" + struct.pack(">4I", *[0xFFFFFFFF] * 4)))
bad("gz_garbage_after.gz", "idx_gz", "non-gzip bytes after the gzip member", good_gz + b"garbage!")

# ---- hnsw index files (index/format.hpp, index/hnsw/persist.hpp) --------------------------

M64 = 2 ** 64 - 1
K1, K2 = 0x9E3779B97F4A7C15, 0xD6E8FEB86659FD93


def avalanche(z):
    z = ((z ^ (z >> 32)) * K2) & M64
    z = ((z ^ (z >> 32)) * K2) & M64
    return z ^ (z >> 32)


def checksum(data):
    """vspace::checksum of index/format.hpp: four lanes over 32-byte blocks, zero-padded tail."""
    lanes = [1, 2, 3, 4]
    data = bytes(data)
    blocks = [data[i:i + 32] for i in range(0, len(data), 32)]
    for b in blocks:
        b = b.ljust(32, b"\0")
        for i in range(4):
            w = struct.unpack_from("<Q", b, 8 * i)[0]
            x = lanes[i] ^ ((w * K1) & M64)
            lanes[i] = ((((x << 27) | (x >> 37)) & M64) * K2) & M64
    h = (len(data) * K1) & M64
    for lane in lanes:
        h = ((h ^ avalanche(lane)) * K2) & M64
    return avalanche(h)


def pad64(b):
    return b + b"\0" * (-len(b) % 64)


def hnsw_file(dims=4, m=2, ef=10, count=3, next_id=3, stride=16, entry=0, vectors=None, links=None, levels=None,
              flags=None, upper=b"", ids=None, slot_of=None, version=1, itype=2, scalar=1, metric=2, header_count=None,
              header_dims=None):
    """An hnsw_index<l2, float> file: 3 nodes on level 0, each linked to the other two."""
    vectors = vectors if vectors is not None else [float(i * 4 + j) for i in range(count) for j in range(stride)]
    links = links if links is not None else [[1, 2], [0, 2], [0, 1]]
    m0 = 2 * m
    link_words = []
    for lst in links:
        link_words += [len(lst)] + lst + [0] * (m0 - len(lst))
    sections = [
        struct.pack("<8Q", m, ef, 42, count, next_id, len(upper) // 4, stride, entry),
        struct.pack("<%df" % len(vectors), *vectors),
        struct.pack("<%dI" % len(link_words), *link_words),
        bytes(levels if levels is not None else [0] * count),
        bytes(flags if flags is not None else [0] * count),
        upper,
        struct.pack("<%dq" % count, *(ids if ids is not None else range(count))),
        struct.pack("<%dI" % next_id, *(slot_of if slot_of is not None else range(next_id))),
    ]
    payload = b"".join(pad64(s) for s in sections)
    return seal(b"VSPACEIX", version, itype, scalar, metric, header_dims if header_dims is not None else dims,
                header_count if header_count is not None else count, len(payload), checksum(payload), payload)


def seal(magic, version, itype, scalar, metric, dims, count, payload_bytes, payload_sum, payload):
    head = magic + struct.pack("<I4B5Q", version, itype, scalar, metric, 0, dims, count, payload_bytes, payload_sum, 0)
    return head + struct.pack("<Q", checksum(head)) + payload


def reseal(f):
    """Recomputes both checksums after an edit, as an attacker would."""
    payload = f[64:]
    head = bytearray(f[:56])
    struct.pack_into("<Q", head, 40, checksum(payload))
    return bytes(head) + struct.pack("<Q", checksum(head)) + payload


good_ix = hnsw_file()


def edited(dims=4, count=3, params=None):
    """The valid file with another header dims / count and parameter block, checksums fixed."""
    payload = good_ix[64:]
    if params is not None:
        payload = struct.pack("<8Q", *params) + payload[64:]
    return seal(b"VSPACEIX", 1, 2, 1, 2, dims, count, len(payload), checksum(payload), payload)


add("hnsw_valid.vsi", "hnsw", "none", "control: 3 nodes of 4 dims, l2, m = 2", good_ix)
bad("hnsw_empty.vsi", "hnsw", "empty file", b"")
for cut, what in [(4, "inside the magic"), (8, "after the magic"), (12, "after the version"), (13, "after the type"),
                  (14, "after the scalar kind"), (15, "after the metric"), (16, "after the reserved byte"),
                  (24, "after dims"), (32, "after count"), (40, "after the payload size"),
                  (48, "after the payload checksum"), (56, "after the reserved word"), (63, "inside the header checksum"),
                  (64, "after the header, no payload"), (128, "after the parameters"), (320, "after the vectors"),
                  (len(good_ix) - 1, "one byte short")]:
    bad("hnsw_cut_%d.vsi" % cut, "hnsw", "truncated " + what, good_ix[:cut])
bad("hnsw_wrong_magic.vsi", "hnsw", "magic VSPACEIY", b"VSPACEIY" + good_ix[8:])
flip = bytearray(good_ix)
flip[16] ^= 1
bad("hnsw_bad_header_checksum.vsi", "hnsw", "dims edited without fixing the header checksum", flip)
flip = bytearray(good_ix)
flip[64 + 64 + 5] ^= 1
bad("hnsw_bad_payload_checksum.vsi", "hnsw", "a vector byte edited without fixing the payload checksum", flip)
bad("hnsw_trailing.vsi", "hnsw", "64 bytes after the payload", good_ix + bytes(64))
bad("hnsw_version_2.vsi", "hnsw", "format version 2 (checksums fixed)", hnsw_file(version=2))
bad("hnsw_type_flat.vsi", "hnsw", "index type 1 (flat)", hnsw_file(itype=1))
bad("hnsw_scalar_i8.vsi", "hnsw", "scalar kind i8 in an f32 layout", hnsw_file(scalar=2))
bad("hnsw_metric_jaccard.vsi", "hnsw", "metric jaccard", hnsw_file(metric=6))
bad("hnsw_dims_zero.vsi", "hnsw", "dims = 0", hnsw_file(header_dims=0))
bad("hnsw_dims_huge.vsi", "hnsw", "dims = 2^40", hnsw_file(header_dims=2 ** 40))
bad("hnsw_vectors_overflow.vsi", "hnsw", "2^31 - 1 vectors of 2^32 dims in a 640-byte file",
    edited(dims=2 ** 32, count=2 ** 31 - 1, params=(2, 10, 42, 2 ** 31 - 1, 2 ** 31 - 1, 0, 2 ** 32, 0)))
bad("hnsw_count_mismatch.vsi", "hnsw", "header count 4, parameters count 3", hnsw_file(header_count=4))
bad("hnsw_count_huge.vsi", "hnsw", "count = 2^40", edited(count=2 ** 40, params=(2, 10, 42, 2 ** 40, 2 ** 40, 0, 16, 0)))
bad("hnsw_m_1.vsi", "hnsw", "m = 1", edited(params=(1, 10, 42, 3, 3, 0, 16, 0)))
bad("hnsw_m_huge.vsi", "hnsw", "m = 2^60", edited(params=(2 ** 60, 10, 42, 3, 3, 0, 16, 0)))
bad("hnsw_ef_zero.vsi", "hnsw", "ef_construction = 0", hnsw_file(ef=0))
bad("hnsw_stride_wrong.vsi", "hnsw", "row stride 8 for 4 dims (expected 16)", hnsw_file(stride=8))
bad("hnsw_next_id_small.vsi", "hnsw", "next id 2 below the count 3", hnsw_file(next_id=2, slot_of=[0, 1]))
bad("hnsw_entry_out.vsi", "hnsw", "entry node 9 of 3", hnsw_file(entry=9))
bad("hnsw_link_out.vsi", "hnsw", "node 0 links to node 7 of 3", hnsw_file(links=[[1, 7], [0, 2], [0, 1]]))
bad("hnsw_link_self.vsi", "hnsw", "node 1 links to itself", hnsw_file(links=[[1, 2], [1, 2], [0, 1]]))
bad("hnsw_link_count.vsi", "hnsw", "node 0 claims 200 links (at most 4)",
    reseal(good_ix[:320] + struct.pack("<I", 200) + good_ix[324:]))
bad("hnsw_level_40.vsi", "hnsw", "node 0 has level 40 (at most 31)", hnsw_file(levels=[40, 0, 0]))
bad("hnsw_level_no_lists.vsi", "hnsw", "node 0 has level 1 but no upper lists", hnsw_file(levels=[1, 0, 0]))
bad("hnsw_flags_unknown.vsi", "hnsw", "node 2 has unknown flag bits", hnsw_file(flags=[0, 0, 0x80]))
bad("hnsw_ids_not_bijective.vsi", "hnsw", "ids 0 and 1 map to the same slot", hnsw_file(slot_of=[0, 0, 2]))
bad("hnsw_nan_vector.vsi", "hnsw", "a NaN in vector 1",
    hnsw_file(vectors=[float("nan") if k == 17 else 1.0 for k in range(48)]))
bad("hnsw_payload_size_lies.vsi", "hnsw", "payload size 2^63 in the header (checksum fixed)",
    seal(b"VSPACEIX", 1, 2, 1, 2, 4, 3, 2 ** 63, checksum(good_ix[64:]), good_ix[64:]))

# ---- a folder where a file is expected ---------------------------------------------------
# (a .npy name, so every reader is pointed at it; read as io_error: it cannot be read at all)

FOLDER = "folder.npy"
add(FOLDER, "folder", "io_error", "a folder, not a file", b"")

# ---- write -------------------------------------------------------------------------------

if os.path.isdir(OUT):
    shutil.rmtree(OUT)
os.makedirs(OUT)
for name, data in files.items():
    if name == FOLDER:
        os.makedirs(os.path.join(OUT, name))
        with open(os.path.join(OUT, name, "README"), "w") as f:
            f.write("A folder named like a file: readers must refuse it with an io_error.\n")
        continue
    assert len(data) < 64 * 1024, name
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
with open(os.path.join(OUT, "MANIFEST.tsv"), "w") as f:
    f.write("# file\tkind\texpected\treason (written by tests/data/make_hostile.py; do not edit)\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
total = sum(len(d) for d in files.values())
print("wrote %d files, %d bytes, to %s" % (len(files), total, OUT))
