// web_bundle_test.cpp — the front end's bundle: hashed names, the import map and
// its CSP hash, the template's placeholders, gzip, and each inconsistency
// refused with the file it concerns.
#include "auth-service/ui/web_bundle.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <zlib.h>

#include "auth-service/ui/gzip.h"
#include "common/core/json.h"

using namespace jb;
using namespace jb::ui;

namespace {

std::string gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  return out;
}

std::string between(const std::string& s, const std::string& a, const std::string& b) {
  size_t i = s.find(a);
  if (i == std::string::npos) return "";
  i += a.size();
  return s.substr(i, s.find(b, i) - i);
}

std::map<std::string, std::string> site() {
  return {
      {"index.html",
       "<!doctype html><head>{{importmap}}<link rel=\"stylesheet\" href=\"{{asset:css/app.css}}\">"
       "<script type=\"module\" src=\"{{asset:js/main.js}}\"></script></head>"},
      {"importmap.json", R"({"imports": {"preact": "vendor/preact.js"}})"},
      {"css/app.css", std::string(2000, ' ') + "body{color:red}"},
      {"js/main.js", "import {h} from 'preact'; import './api.js';"},
      {"js/api.js", "export const api = 1;"},
      {"vendor/preact.js", "export const h = 0;"},
  };
}

}  // namespace

TEST(WebBundle, HashedPathsCarryTheContentHashBeforeTheExtension) {
  std::string a = hashed_path("js/main.js", "one");
  std::string b = hashed_path("js/main.js", "two");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("js/main.")) << a;
  EXPECT_TRUE(a.ends_with(".js")) << a;
  EXPECT_EQ(a.size(), std::string("js/main.").size() + 12 + 3);
  EXPECT_EQ(hashed_path("js/main.js", "one"), a);  // stable
  EXPECT_TRUE(hashed_path("vendor/LICENSE", "x").starts_with("vendor/LICENSE."));
  EXPECT_TRUE(hashed_path(".hidden", "x").starts_with(".hidden."));
}

TEST(WebBundle, TheTemplateGetsHashedUrlsAndAnImportMapOfEveryModule) {
  auto b = build_web_bundle(site());
  ASSERT_TRUE(b.ok()) << b.error().message;
  const std::string& html = b->index.body;
  EXPECT_EQ(html.find("{{"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"/assets/" + b->hashed.at("css/app.css") + "\""), std::string::npos);
  EXPECT_NE(html.find("src=\"/assets/" + b->hashed.at("js/main.js") + "\""), std::string::npos);
  EXPECT_EQ(b->assets.size(), 4u);  // index.html and importmap.json are not assets
  for (const auto& [plain, hashed] : b->hashed) EXPECT_TRUE(b->assets.contains(hashed)) << plain;

  std::string map_text = between(html, "<script type=\"importmap\">", "</script>");
  auto map = json::parse(map_text);
  ASSERT_TRUE(map.ok()) << map_text;
  const json::Value* imports = json::member(*map, "imports");
  ASSERT_NE(imports, nullptr);
  EXPECT_EQ(json::get_string(*imports, "preact"), "/assets/" + b->hashed.at("vendor/preact.js"));
  EXPECT_EQ(json::get_string(*imports, "/assets/js/api.js"),
            "/assets/" + b->hashed.at("js/api.js"));
  EXPECT_EQ(json::get_string(*imports, "/assets/js/main.js"),
            "/assets/" + b->hashed.at("js/main.js"));
  EXPECT_EQ(json::member(*imports, "/assets/css/app.css"), nullptr);  // only modules

  // The CSP allows exactly that inline script, by its SHA-256, and nothing inline else.
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(map_text.data()),
                     map_text.size());
  char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
  EXPECT_NE(b->csp.find("script-src 'self' 'sha256-" + std::string(b64) + "'"), std::string::npos)
      << b->csp;
  EXPECT_EQ(b->csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(b->csp.find("frame-ancestors 'none'"), std::string::npos);
}

TEST(WebBundle, TextIsGzippedWhenThatIsSmallerAndTypesFollowExtensions) {
  auto b = build_web_bundle(site());
  ASSERT_TRUE(b.ok()) << b.error().message;
  const WebAsset& css = b->assets.at(b->hashed.at("css/app.css"));
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  ASSERT_FALSE(css.gzip.empty());
  EXPECT_LT(css.gzip.size(), css.body.size());
  EXPECT_EQ(gunzip(css.gzip), css.body);
  // Too small to gain: served as it is.
  EXPECT_TRUE(b->assets.at(b->hashed.at("js/api.js")).gzip.empty());
  EXPECT_EQ(b->assets.at(b->hashed.at("js/api.js")).content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(b->index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a/b.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a/b.bin"), "application/octet-stream");
}

TEST(WebBundle, AChangedModuleChangesOnlyItsOwnUrl) {
  auto one = build_web_bundle(site());
  auto files = site();
  files["js/api.js"] = "export const api = 2;";
  auto two = build_web_bundle(files);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_NE(one->hashed.at("js/api.js"), two->hashed.at("js/api.js"));
  EXPECT_EQ(one->hashed.at("js/main.js"), two->hashed.at("js/main.js"));
  EXPECT_NE(one->csp, two->csp);  // the import map changed, and with it its hash
}

TEST(WebBundle, InconsistentFilesAreRefusedNamingWhatIsWrong) {
  auto expect_error = [](std::map<std::string, std::string> files, const std::string& needle) {
    auto b = build_web_bundle(files);
    ASSERT_FALSE(b.ok()) << needle;
    EXPECT_EQ(b.error().code, errc::web_bundle_invalid);
    EXPECT_NE(b.error().message.find(needle), std::string::npos) << b.error().message;
  };
  auto files = site();
  files.erase("index.html");
  expect_error(files, "index.html is missing");
  files = site();
  files["index.html"] = "<link href=\"{{asset:css/nope.css}}\">";
  expect_error(files, "{{asset:css/nope.css}} names no file");
  files["index.html"] = "{{whatever}}";
  expect_error(files, "unknown placeholder {{whatever}}");
  files["index.html"] = "{{importmap";
  expect_error(files, "without \"}}\"");
  files = site();
  files["importmap.json"] = R"({"imports": {"preact": "vendor/missing.js"}})";
  expect_error(files, "vendor/missing.js, which is not a file");
  files["importmap.json"] = "{not json";
  expect_error(files, "importmap.json: The body is not valid JSON");
  files["importmap.json"] = R"({"imports": []})";
  expect_error(files, "needs an object");
  files = site();
  files["js/a b.js"] = "";
  expect_error(files, "\"js/a b.js\" is not a plain path");
  files = site();
  files["js/<script>.js"] = "";
  expect_error(files, "is not a plain path");
}

TEST(WebBundle, GzipOfNothingAndOfMuchRoundTrips) {
  for (const std::string& s : {std::string(), std::string(300000, 'x'), std::string("hello")}) {
    auto gz = gzip(s);
    ASSERT_TRUE(gz.ok());
    EXPECT_EQ(gunzip(*gz), s);
  }
}
