// SPDX-License-Identifier: MIT
// Tests of the map writers: input validation, categorical fields, the PNG encoder (decoded
// again with zlib and compared pixel by pixel), what the rendered pixels show, SVG and HTML
// escaping of hostile text, the HTML page's embedded data (decoded and compared with the
// input), the Content-Security-Policy, and atomic, extension-checked writes.
#include <vspace/core/matrix.hpp>
#include <vspace/core/random.hpp>
#include <vspace/map/save.hpp>

#include "page.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using vspace::map_data;
using vspace::map_field;
using vspace::map_options;

namespace {

const std::string xss = "</script><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">";

/// Three well-separated blobs of `per` points each, labelled "a", "b", "c".
struct blobs {
    vspace::matrix<float> xy;
    std::vector<std::string> labels, texts;
    std::vector<map_field> fields;
    std::vector<std::uint32_t> neighbors;

    explicit blobs(std::size_t per, std::size_t k = 3) : xy(3 * per, 2) {
        vspace::rng r(7);
        const float cx[3] = {0, 10, 0}, cy[3] = {0, 0, 10};
        for (std::size_t i = 0; i < 3 * per; ++i) {
            const std::size_t c = i % 3;
            xy.mutable_view()(i, 0) = cx[c] + r.uniform() - 0.5f;
            xy.mutable_view()(i, 1) = cy[c] + r.uniform() - 0.5f;
            labels.push_back(std::string(1, static_cast<char>('a' + c)));
            texts.push_back("point " + std::to_string(i));
            for (std::size_t j = 1; j <= k; ++j) neighbors.push_back(static_cast<std::uint32_t>((i + 3 * j) % (3 * per)));
        }
        fields.push_back(vspace::categorical_field("label", labels, true));
    }
    map_data data(std::size_t k = 3) const {
        return {.coords = xy.view(), .texts = texts, .fields = fields, .neighbors = neighbors, .neighbor_k = k};
    }
};

fs::path tmp_dir() {
    const fs::path p = fs::path(VSPACE_TEST_TMP) / "map";
    fs::create_directories(p);
    return p;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count_of(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

/// Decodes what encode_png writes (8-bit RGB, filters None/Up), checking every chunk's CRC.
vspace::image decode_png(const std::vector<std::uint8_t>& png) {
    const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    EXPECT_TRUE(std::equal(signature, signature + 8, png.begin()));
    vspace::image img;
    std::vector<std::uint8_t> idat;
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const std::uint32_t len = be32(&png[at]);
        const std::string type(png.begin() + static_cast<long>(at) + 4, png.begin() + static_cast<long>(at) + 8);
        const std::uint8_t* data = &png[at + 8];
        EXPECT_EQ(be32(data + len), ::crc32(0, &png[at + 4], len + 4)) << type;
        if (type == "IHDR") {
            img.width = be32(data), img.height = be32(data + 4);
            EXPECT_EQ(data[8], 8);  // bit depth
            EXPECT_EQ(data[9], 2);  // truecolour
        } else if (type == "IDAT") {
            idat.insert(idat.end(), data, data + len);
        }
        at += 12 + len;
    }
    const std::size_t row = img.width * 3;
    std::vector<std::uint8_t> raw((row + 1) * img.height);
    uLongf size = raw.size();
    EXPECT_EQ(::uncompress(raw.data(), &size, idat.data(), idat.size()), Z_OK);
    EXPECT_EQ(size, raw.size());
    img.pixels.resize(row * img.height);
    for (std::size_t y = 0; y < img.height; ++y) {
        const std::uint8_t filter = raw[y * (row + 1)];
        EXPECT_TRUE(filter == 0 || filter == 2);
        for (std::size_t x = 0; x < row; ++x) {
            const std::uint8_t v = raw[y * (row + 1) + 1 + x];
            img.pixels[y * row + x] = filter == 2 && y > 0 ? static_cast<std::uint8_t>(v + img.pixels[(y - 1) * row + x]) : v;
        }
    }
    return img;
}

}  // namespace

// ---------------------------------------------------------------- validation

TEST(map_validate, rejects_too_few_points) {
    for (std::size_t n : {0, 1}) {
        vspace::matrix<float> xy(n, 2);
        const map_data d{.coords = xy.view()};
        EXPECT_THROW(vspace::render_html(d), vspace::invalid_argument) << n;
        EXPECT_THROW(vspace::render_image(d), vspace::invalid_argument) << n;
        EXPECT_THROW(vspace::render_svg(d), vspace::invalid_argument) << n;
    }
    vspace::matrix<float> xy(2, 2);
    EXPECT_NO_THROW(vspace::render_html({.coords = xy.view()}));
}

TEST(map_validate, messages_name_the_problem) {
    blobs b(10);
    map_data d = b.data();
    std::vector<std::string> short_texts(5, "x");
    d.texts = short_texts;
    try {
        vspace::render_html(d);
        FAIL() << "no exception";
    } catch (const vspace::shape_error& e) {
        EXPECT_STREQ(e.what(), "render_html: 5 texts for 30 points (expected one per point)");
    }
}

TEST(map_validate, rejects_inconsistent_input) {
    blobs b(10);
    int line = 0;
    auto expect_throw = [&](auto edit, auto exception) {
        SCOPED_TRACE(++line);
        map_data d = b.data();
        map_options o;
        std::vector<map_field> fields = b.fields;
        std::vector<std::uint32_t> ids = b.neighbors;
        vspace::matrix<float> xy(b.xy.view());
        edit(d, o, fields, ids, xy);
        d.fields = fields, d.neighbors = ids, d.coords = xy.view();
        EXPECT_THROW(vspace::render_html(d, o), decltype(exception));
    };
    expect_throw([](auto&, auto&, auto& f, auto&, auto&) { f[0].codes.pop_back(); }, vspace::shape_error(""));
    expect_throw([](auto&, auto&, auto& f, auto&, auto&) { f[0].codes[3] = 3; }, vspace::invalid_argument(""));
    expect_throw([](auto&, auto&, auto& f, auto&, auto&) { f[0].categories.clear(); }, vspace::invalid_argument(""));
    expect_throw([](auto&, auto&, auto&, auto& ids, auto&) { ids[7] = 30; }, vspace::invalid_argument(""));
    expect_throw([](auto&, auto&, auto&, auto& ids, auto&) { ids.pop_back(); }, vspace::shape_error(""));
    expect_throw([](auto& d, auto&, auto&, auto&, auto&) { d.neighbor_k = 0; }, vspace::shape_error(""));
    expect_throw([](auto&, auto&, auto&, auto&, auto& xy) { xy.mutable_view()(4, 1) = NAN; }, vspace::data_error(""));
    expect_throw([](auto&, auto&, auto&, auto&, auto& xy) { xy.mutable_view()(4, 0) = INFINITY; }, vspace::data_error(""));
    expect_throw([](auto&, auto& o, auto&, auto&, auto&) { o.color_field = 1; }, vspace::invalid_argument(""));
    expect_throw([](auto&, auto& o, auto&, auto&, auto&) { o.width = 10; }, vspace::invalid_argument(""));
    expect_throw([](auto&, auto& o, auto&, auto&, auto&) { o.alpha = 1.5f; }, vspace::invalid_argument(""));
    expect_throw([](auto&, auto& o, auto&, auto&, auto&) { o.point_size = -1; }, vspace::invalid_argument(""));
    vspace::matrix<float> xy3(30, 3);
    map_data d3{.coords = xy3.view()};
    EXPECT_THROW(vspace::render_html(d3), vspace::shape_error);
    // Queries: coordinates finite, texts and neighbours one per query.
    vspace::matrix<float> q(2, 2);
    std::vector<std::uint32_t> qn = {1, 2, 3, 4, 5, 40};
    map_data dq = b.data();
    dq.query_coords = q.view();
    dq.query_neighbors = qn;
    EXPECT_THROW(vspace::render_html(dq), vspace::invalid_argument);  // id 40 >= 30
    qn.back() = 6;
    EXPECT_NO_THROW(vspace::render_html(dq));
    std::vector<std::string> qt(3, "q");
    dq.query_texts = qt;
    EXPECT_THROW(vspace::render_html(dq), vspace::shape_error);
}

TEST(map_validate, coincident_points_are_drawable) {
    vspace::matrix<float> xy(50, 2);
    for (std::size_t i = 0; i < 50; ++i) xy.mutable_view()(i, 0) = 3, xy.mutable_view()(i, 1) = -2;
    const map_data d{.coords = xy.view()};
    const vspace::image img = vspace::render_image(d, {.width = 200, .height = 100});
    // All 50 points land in the middle of the plot.
    EXPECT_NE(img.at(100, 50), (vspace::rgb{255, 255, 255}));
    EXPECT_NO_THROW(vspace::render_html(d));
    EXPECT_NO_THROW(vspace::render_svg(d));
}

// ---------------------------------------------------------------- fields

TEST(map_field, categories_ordered_by_count) {
    const std::vector<std::string> v = {"x", "y", "y", "z", "y", "z"};
    const map_field f = vspace::categorical_field("f", v);
    EXPECT_EQ(f.categories, (std::vector<std::string>{"y", "z", "x"}));
    EXPECT_EQ(f.codes, (std::vector<std::uint32_t>{2, 0, 0, 1, 0, 1}));
    const std::vector<int> codes = {0, 2, 1};
    EXPECT_EQ(vspace::categorical_field("g", std::span<const int>(codes), {"a", "b", "c"}).codes,
              (std::vector<std::uint32_t>{0, 2, 1}));
    const std::vector<int> bad = {0, 3};
    EXPECT_THROW(vspace::categorical_field("g", std::span<const int>(bad), {"a", "b", "c"}), vspace::invalid_argument);
    const std::vector<int> negative = {-1};
    EXPECT_THROW(vspace::categorical_field("g", std::span<const int>(negative), {"a"}), vspace::invalid_argument);
}

TEST(map_field, labels_sit_on_their_category) {
    blobs b(200);
    const map_data d = b.data();
    const auto labels = vspace::detail::category_labels(d, b.fields[0]);
    ASSERT_EQ(labels.size(), 3u);
    const float cx[3] = {0, 10, 0}, cy[3] = {0, 0, 10};
    for (const auto& l : labels) {
        const int c = l.name[0] - 'a';
        EXPECT_NEAR(l.x, cx[c], 0.5) << l.name;
        EXPECT_NEAR(l.y, cy[c], 0.5) << l.name;
        EXPECT_EQ(l.count, 200u);
        EXPECT_EQ(b.fields[0].categories[l.code], l.name);
    }
}

// ---------------------------------------------------------------- PNG

TEST(map_png, encoder_round_trips) {
    vspace::image img{37, 23, std::vector<std::uint8_t>(37 * 23 * 3)};
    vspace::rng r(3);
    for (auto& p : img.pixels) p = static_cast<std::uint8_t>(r.below(256));
    for (int level : {1, 6, 9}) {
        const vspace::image back = decode_png(vspace::encode_png(img, level));
        EXPECT_EQ(back.width, 37u);
        EXPECT_EQ(back.height, 23u);
        EXPECT_EQ(back.pixels, img.pixels);
    }
    EXPECT_THROW(vspace::encode_png(vspace::image{}), vspace::invalid_argument);
    EXPECT_THROW(vspace::encode_png(img, 10), vspace::invalid_argument);
}

TEST(map_png, points_are_drawn_in_their_category_colour) {
    // Two points far apart; opaque and large, so their centre pixels carry exactly their colours.
    vspace::matrix<float> xy(2, 2);
    xy.mutable_view()(1, 0) = 1, xy.mutable_view()(1, 1) = 1;
    const std::vector<std::string> labels = {"first", "second"};
    const std::vector<map_field> fields = {vspace::categorical_field("kind", labels)};
    const map_data d{.coords = xy.view(), .fields = fields};
    const map_options o{.width = 400, .height = 300, .point_size = 12, .alpha = 1, .legend = false};
    const vspace::image img = vspace::render_image(d, o);
    const auto l = vspace::detail::make_layout(d, o, vspace::detail::bitmap_measure{});
    for (std::size_t i = 0; i < 2; ++i) {
        const auto x = static_cast<std::size_t>(l.px(xy(i, 0))), y = static_cast<std::size_t>(l.py(xy(i, 1)));
        EXPECT_EQ(img.at(x, y), vspace::category_color(fields[0].codes[i])) << i;
    }
    EXPECT_EQ(img.at(200, 150), (vspace::rgb{255, 255, 255}));  // the middle is empty
    // y grows upwards: the second point (y = 1) is above the first.
    EXPECT_LT(l.py(1), l.py(0));
}

TEST(map_png, legend_title_and_names_are_drawn_without_overlap) {
    blobs b(300);
    const map_data d = b.data();
    const map_options o{.title = "Three blobs", .width = 800, .height = 600};
    const auto l = vspace::detail::make_layout(d, o, vspace::detail::bitmap_measure{});
    ASSERT_EQ(l.legend.size(), 3u);
    EXPECT_EQ(l.labels.size(), 3u);
    for (std::size_t i = 0; i < l.labels.size(); ++i) {
        EXPECT_FALSE(l.labels[i].bounds.overlaps(l.legend_box));
        for (std::size_t j = 0; j < i; ++j) EXPECT_FALSE(l.labels[i].bounds.overlaps(l.labels[j].bounds));
    }
    const vspace::image img = vspace::render_image(d, o);
    auto dark_in = [&](const vspace::detail::box& bx) {
        std::size_t dark = 0;
        for (auto y = static_cast<std::size_t>(bx.y0); y < static_cast<std::size_t>(bx.y1); ++y)
            for (auto x = static_cast<std::size_t>(bx.x0); x < static_cast<std::size_t>(bx.x1); ++x)
                dark += img.at(x, y).r < 60 && img.at(x, y).g < 60 && img.at(x, y).b < 60;
        return dark;
    };
    EXPECT_GT(dark_in({0, 0, 800, l.plot.y0}), 50u);  // title ink
    EXPECT_GT(dark_in(l.legend_box), 50u);             // legend text
    for (const auto& label : l.labels) EXPECT_GT(dark_in(label.bounds), 20u) << label.text;
    // Overlapping names: two categories at the same place keep only the larger one's name.
    std::vector<std::string> same(d.size());
    for (std::size_t i = 0; i < same.size(); ++i) same[i] = i % 3 == 0 ? (i % 2 ? "north" : "south") : "other";
    std::vector<map_field> f2 = {vspace::categorical_field("x", same, true)};
    map_data d2 = d;
    d2.fields = f2;
    const auto l2 = vspace::detail::make_layout(d2, o, vspace::detail::bitmap_measure{});
    std::set<std::string> names;
    for (const auto& label : l2.labels) names.insert(label.text);
    EXPECT_TRUE(names.count("other"));
    EXPECT_LT(names.size(), 3u);  // "north" and "south" share the blob at (0, 0) with each other
}

TEST(map_png, auto_size_and_alpha_follow_n) {
    using vspace::detail::auto_alpha, vspace::detail::auto_point_size;
    EXPECT_GT(auto_point_size(1000, 1e6), auto_point_size(70000, 1e6));
    EXPECT_GE(auto_point_size(70000, 1e6), auto_point_size(1000000, 1e6));
    EXPECT_GE(auto_point_size(100000000, 1e6), 1.0f);
    EXPECT_EQ(auto_alpha(1000), 1.0f);
    EXPECT_GT(auto_alpha(70000), auto_alpha(1000000));
    EXPECT_GE(auto_alpha(100000000), 0.15f);
}

TEST(map_png, rendering_is_deterministic_and_density_shades) {
    blobs b(500);
    const map_data d = b.data();
    const map_options o{.width = 300, .height = 200};
    EXPECT_EQ(vspace::render_image(d, o).pixels, vspace::render_image(d, o).pixels);
    map_options shaded = o;
    shaded.density = true;
    EXPECT_NE(vspace::render_image(d, shaded).pixels, vspace::render_image(d, o).pixels);
}

// ---------------------------------------------------------------- SVG

TEST(map_svg, escapes_text_and_draws_every_point) {
    blobs b(20);
    std::vector<std::string> labels = b.labels;
    labels[0] = xss;
    labels[1] = std::string("bad \xff\xfe utf8 \x01 control");
    const std::vector<map_field> fields = {vspace::categorical_field(xss, labels, true)};
    map_data d = b.data();
    d.fields = fields;
    const std::string svg = vspace::render_svg(d, {.title = xss});
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find("<img"), std::string::npos);
    EXPECT_NE(svg.find("&lt;/script&gt;&lt;script&gt;window.__pwned=1"), std::string::npos);
    EXPECT_NE(svg.find("onerror=&quot;window.__pwned=2&quot;"), std::string::npos);
    EXPECT_NE(svg.find("bad \xef\xbf\xbd\xef\xbf\xbd utf8   control"), std::string::npos);
    EXPECT_TRUE(vspace::is_valid_utf8(svg));
    EXPECT_EQ(count_of(svg, "<circle cx="), d.size());
    EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
    EXPECT_EQ(svg.find("http://www.w3.org/2000/svg"), svg.find("http"));  // no other URL
}

// ---------------------------------------------------------------- HTML

TEST(map_html, page_is_self_contained_and_locked_down) {
    blobs b(20);
    const std::string page = vspace::render_html(b.data(), {.title = "t"});
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "), std::string::npos);
    EXPECT_NE(page.find("connect-src 'none'"), std::string::npos);
    EXPECT_EQ(page.find("http://"), std::string::npos);
    EXPECT_EQ(page.find("https://"), std::string::npos);
    EXPECT_EQ(page.find("src="), std::string::npos);   // no external script, image or frame
    EXPECT_EQ(page.find("href="), std::string::npos);  // no stylesheet link
    EXPECT_EQ(count_of(page, "<script"), 2u);
    EXPECT_EQ(count_of(page, "</script>"), 2u);
    EXPECT_EQ(page.find("innerHTML"), std::string::npos);
    EXPECT_EQ(page.find("eval("), std::string::npos);
}

TEST(map_html, only_the_page_script_may_run) {
    // SHA-256 against FIPS 180-4's examples ("abc" and the two-block message).
    auto hex = [](const std::array<std::uint8_t, 32>& h) {
        std::string s;
        for (std::uint8_t b : h) s += "0123456789abcdef"[b >> 4], s += "0123456789abcdef"[b & 15];
        return s;
    };
    EXPECT_EQ(hex(vspace::detail::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(vspace::detail::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(hex(vspace::detail::sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // The policy names the hash of exactly the script the page carries.
    blobs b(10);
    const std::string page = vspace::render_html(b.data());
    const std::string open = "<script>", close = "</script>";
    const std::size_t at = page.rfind(open) + open.size();
    const std::string script = page.substr(at, page.find(close, at) - at);
    const auto h = vspace::detail::sha256(script);
    std::string expected = "script-src 'sha256-";
    vspace::detail::append_base64(expected, h.data(), h.size());
    EXPECT_NE(page.find(expected + "'"), std::string::npos);
    EXPECT_EQ(page.find("'unsafe-inline'; img-src"), page.find("'unsafe-inline'"));  // inline style only
}

TEST(map_html, hostile_text_cannot_break_out) {
    blobs b(20);
    std::vector<std::string> texts = b.texts, labels = b.labels;
    texts[5] = xss + " \xe2\x80\xa8 <!-- &amp;";
    labels[2] = xss;
    const std::vector<map_field> fields = {vspace::categorical_field(xss, labels, true)};
    map_data d = b.data();
    d.texts = texts;
    d.fields = fields;
    std::vector<std::string> qt = {xss};
    vspace::matrix<float> q(1, 2);
    d.query_coords = q.view();
    d.query_texts = qt;
    const std::string page = vspace::render_html(d, {.title = xss});
    EXPECT_EQ(count_of(page, "<script"), 2u);
    EXPECT_EQ(count_of(page, "</script>"), 2u);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<!--"), std::string::npos);
    EXPECT_EQ(page.find("\xe2\x80\xa8"), std::string::npos);
    // The strings survive intact as data.
    const nlohmann::json j = vspace::test::page_json(page);
    EXPECT_EQ(j["title"], xss);
    EXPECT_EQ(j["fields"][0]["name"], xss);
    EXPECT_EQ(j["queries"][0]["text"], xss);
    const auto cats = j["fields"][0]["categories"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(cats.begin(), cats.end(), xss), cats.end());
    const std::vector<std::uint8_t> t = vspace::test::unbase64(j["texts"].get<std::string>());
    EXPECT_NE(std::string(t.begin(), t.end()).find(xss + " \xe2\x80\xa8 <!-- &amp;"), std::string::npos);
}

TEST(map_html, embedded_data_decodes_to_the_input) {
    blobs b(400, 5);
    std::vector<std::string> texts = b.texts;
    texts[1] = "broken \xc3 utf8";
    texts[2] = std::string("nul\0inside", 10);
    map_data d = b.data(5);
    d.texts = texts;
    const std::string page = vspace::render_html(d);
    const nlohmann::json j = vspace::test::page_json(page);
    const std::size_t n = d.size();
    ASSERT_EQ(j["n"], n);
    const auto bounds = j["bounds"].get<std::vector<double>>();
    const std::vector<std::uint8_t> xy = vspace::test::unbase64(j["xy"].get<std::string>());
    ASSERT_EQ(xy.size(), 4 * n);
    for (std::size_t i = 0; i < n; ++i) {
        const double qx = xy[4 * i] | xy[4 * i + 1] << 8, qy = xy[4 * i + 2] | xy[4 * i + 3] << 8;
        const double x = bounds[0] + qx / 65535 * (bounds[2] - bounds[0]), y = bounds[1] + qy / 65535 * (bounds[3] - bounds[1]);
        EXPECT_NEAR(x, b.xy(i, 0), (bounds[2] - bounds[0]) / 65535) << i;
        EXPECT_NEAR(y, b.xy(i, 1), (bounds[3] - bounds[1]) / 65535) << i;
    }
    const std::vector<std::uint8_t> codes = vspace::test::unbase64(j["fields"][0]["codes"].get<std::string>());
    ASSERT_EQ(codes.size(), n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(codes[i], b.fields[0].codes[i]);
    // Neighbour ids: ceil(log2 n) bits each, least significant bit first.
    const unsigned bits = j["knn"]["bits"];
    EXPECT_EQ(bits, 11u);  // n = 1200
    const std::vector<std::uint8_t> packed = vspace::test::unbase64(j["knn"]["ids"].get<std::string>());
    for (std::size_t e = 0; e < b.neighbors.size(); ++e) {
        std::uint32_t v = 0;
        for (unsigned t = 0; t < bits; ++t) {
            const std::size_t pos = e * bits + t;
            v |= static_cast<std::uint32_t>(packed[pos / 8] >> (pos % 8) & 1) << t;
        }
        ASSERT_EQ(v, b.neighbors[e]) << e;
    }
    // Texts: joined by NUL; ill-formed UTF-8 replaced, NUL inside a text made a space.
    const std::vector<std::uint8_t> tb = vspace::test::unbase64(j["texts"].get<std::string>());
    std::vector<std::string> back;
    std::string cur;
    for (std::uint8_t c : tb) {
        if (c == 0) back.push_back(cur), cur.clear();
        else cur += static_cast<char>(c);
    }
    back.push_back(cur);
    ASSERT_EQ(back.size(), n);
    EXPECT_EQ(back[0], "point 0");
    EXPECT_EQ(back[1], "broken \xef\xbf\xbd utf8");
    EXPECT_EQ(back[2], "nul inside");
    // Cluster names with their anchors.
    EXPECT_EQ(j["labels"].size(), 3u);
}

TEST(map_html, bytes_per_point_before_text) {
    // 100,000 points with one label field: coordinates (4 bytes) + codes (1 byte), base64.
    const std::size_t n = 100000;
    vspace::matrix<float> xy(n, 2);
    vspace::rng r(1);
    std::vector<std::string> labels(n);
    for (std::size_t i = 0; i < n; ++i) {
        xy.mutable_view()(i, 0) = r.uniform(), xy.mutable_view()(i, 1) = r.uniform();
        labels[i] = "class " + std::to_string(r.below(10));
    }
    const std::vector<map_field> fields = {vspace::categorical_field("label", labels)};
    const std::string page = vspace::render_html({.coords = xy.view(), .fields = fields});
    const std::size_t fixed = vspace::render_html({.coords = vspace::matrix<float>(2, 2).view()}).size();
    const double per_point = static_cast<double>(page.size() - fixed) / n;
    EXPECT_LT(per_point, 7.0);  // (4 + 1) * 4 / 3 = 6.67
    EXPECT_GT(per_point, 6.6);
}

// ---------------------------------------------------------------- files

TEST(map_save, chooses_format_by_extension) {
    blobs b(10);
    const fs::path dir = tmp_dir();
    vspace::save_map(dir / "m.html", b.data());
    vspace::save_map(dir / "m.PNG", b.data());
    vspace::save_map(dir / "m.svg", b.data());
    EXPECT_EQ(read_file(dir / "m.html").rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(read_file(dir / "m.PNG").substr(1, 3), "PNG");
    EXPECT_EQ(read_file(dir / "m.svg").rfind("<?xml", 0), 0u);
    for (const char* bad : {"m.jpg", "m", "m.html.gz"}) {
        try {
            vspace::save_map(dir / bad, b.data());
            ADD_FAILURE() << bad;
        } catch (const vspace::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("(expected .html, .png or .svg)"), std::string::npos) << e.what();
        }
        EXPECT_FALSE(fs::exists(dir / bad));
    }
}

TEST(map_save, failure_leaves_the_old_file_and_no_temporary) {
    const fs::path dir = tmp_dir() / "atomic";
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        std::ofstream(dir / "old.html") << "previous";
    }
    vspace::matrix<float> one(1, 2);
    EXPECT_THROW(vspace::save_map(dir / "old.html", {.coords = one.view()}), vspace::invalid_argument);
    EXPECT_EQ(read_file(dir / "old.html"), "previous");
    blobs b(10);
    EXPECT_THROW(vspace::save_map(dir / "missing" / "m.html", b.data()), vspace::io_error);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
    EXPECT_EQ(files, 1u);
}

TEST(svg_numbers, fixed_decimals_round_the_exact_value_half_to_even_without_trailing_zeros) {
    auto text = [](double v, int decimals) {
        std::string s;
        vspace::detail::append_number(s, v, decimals);
        return s;
    };
    EXPECT_EQ(text(12.0, 1), "12");
    EXPECT_EQ(text(12.25, 1), "12.2");   // an exact tie: to even
    EXPECT_EQ(text(12.35, 1), "12.3");   // 12.35 is 12.34999999999999964 in binary: down
    EXPECT_EQ(text(2.675, 2), "2.67");   // 2.67499999999999982: down, as std::to_chars does
    EXPECT_EQ(text(0.05, 1), "0.1");     // 0.05 is just above 1/20
    EXPECT_EQ(text(-0.04, 1), "0");      // no "-0"
    EXPECT_EQ(text(-3.14159, 2), "-3.14");
    EXPECT_EQ(text(999.96, 1), "1000");
    EXPECT_EQ(text(0.5, 0), "0");
    EXPECT_EQ(text(1.5, 0), "2");
    EXPECT_EQ(text(7.000001, 6), "7.000001");
    EXPECT_EQ(text(1e20, 1), "1e+20");   // huge: the shortest form (valid SVG)
}
