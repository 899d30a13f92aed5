// web_bundle.cpp — see web_bundle.h.
#include "auth-service/ui/web_bundle.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "auth-service/ui/gzip.h"
#include "common/core/json.h"

namespace jb::ui {
namespace {

constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kImportMap = "importmap.json";

Error invalid(const std::string& what) {
  return Error{errc::web_bundle_invalid, what};
}

std::array<unsigned char, crypto_hash_sha256_BYTES> sha256(std::string_view s) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> h{};
  crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return h;
}

bool safe_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.back() == '/') return false;
  if (p.find("..") != std::string_view::npos || p.find("//") != std::string_view::npos)
    return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '/';
  });
}

bool compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("image/svg") || content_type.starts_with("application/manifest");
}

Result<WebAsset> make_asset(std::string content_type, std::string body) {
  WebAsset a{std::move(content_type), std::move(body), {}};
  if (compressible(a.content_type) && a.body.size() > 256) {
    auto gz = gzip(a.body);
    if (!gz.ok()) return gz.error();
    if (gz->size() < a.body.size()) a.gzip = std::move(*gz);
  }
  return a;
}

// {"imports": {"/assets/<plain>": "/assets/<hashed>", <bare name>: …}} as compact JSON.
Result<std::string> import_map(const std::map<std::string, std::string>& files,
                               const std::map<std::string, std::string>& hashed) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("imports");
  w.StartObject();
  if (auto it = files.find(std::string(kImportMap)); it != files.end()) {
    auto doc = json::parse(it->second);
    if (!doc.ok()) return invalid("importmap.json: " + doc.error().message);
    const json::Value* imports = json::member(*doc, "imports");
    if (imports == nullptr || !imports->IsObject())
      return invalid("importmap.json: needs an object \"imports\" of name → path.");
    for (auto m = imports->MemberBegin(); m != imports->MemberEnd(); ++m) {
      std::string name = m->name.GetString();
      if (!m->value.IsString()) return invalid("importmap.json: \"" + name + "\" is not a path.");
      auto target = hashed.find(m->value.GetString());
      if (target == hashed.end())
        return invalid("importmap.json: \"" + name + "\" names " + m->value.GetString() +
                       ", which is not a file of the front end.");
      w.Key(name.c_str());
      w.String(("/assets/" + target->second).c_str());
    }
  }
  for (const auto& [plain, hashed_name] : hashed) {
    if (!plain.ends_with(".js")) continue;
    w.Key(("/assets/" + plain).c_str());
    w.String(("/assets/" + hashed_name).c_str());
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string content_type_for(std::string_view path) {
  static const std::array<std::pair<std::string_view, std::string_view>, 13> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/plain; charset=utf-8"},
      {"LICENSE", "text/plain; charset=utf-8"},
  }};
  for (const auto& [ext, type] : kTypes)
    if (path.ends_with(ext)) return std::string(type);
  return "application/octet-stream";
}

std::string hashed_path(std::string_view path, std::string_view content) {
  auto h = sha256(content);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag;
  for (size_t i = 0; i < 6; ++i) {
    tag += kHex[h[i] >> 4];
    tag += kHex[h[i] & 15];
  }
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash) ||
      dot == (slash == std::string_view::npos ? 0 : slash + 1))
    return std::string(path) + "." + tag;
  return std::string(path.substr(0, dot)) + "." + tag + std::string(path.substr(dot));
}

Result<WebBundle> build_web_bundle(const std::map<std::string, std::string>& files) {
  WebBundle b;
  auto index = files.find(std::string(kIndex));
  if (index == files.end()) return invalid("index.html is missing.");
  for (const auto& [path, content] : files) {
    if (!safe_path(path))
      return invalid("\"" + path + "\" is not a plain path of letters, digits and . _ / -.");
    if (path == kIndex || path == kImportMap) continue;
    std::string h = hashed_path(path, content);
    auto asset = make_asset(content_type_for(path), content);
    if (!asset.ok()) return asset.error();
    b.hashed[path] = h;
    b.assets[h] = std::move(*asset);
  }

  auto map = import_map(files, b.hashed);
  if (!map.ok()) return map.error();
  auto digest = sha256(*map);
  std::array<char,
             sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)>
      b64{};
  sodium_bin2base64(b64.data(), b64.size(), digest.data(), digest.size(),
                    sodium_base64_VARIANT_ORIGINAL);

  // Fill in the template: {{importmap}} and {{asset:PATH}}.
  const std::string& tpl = index->second;
  std::string html;
  size_t pos = 0;
  bool has_map = false;
  while (true) {
    size_t open = tpl.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = tpl.find("}}", open);
    if (close == std::string::npos) return invalid("index.html: \"{{\" without \"}}\".");
    html.append(tpl, pos, open - pos);
    std::string key = tpl.substr(open + 2, close - open - 2);
    if (key == "importmap") {
      html += "<script type=\"importmap\">" + *map + "</script>";
      has_map = true;
    } else if (key.starts_with("asset:")) {
      auto it = b.hashed.find(key.substr(6));
      if (it == b.hashed.end())
        return invalid("index.html: {{" + key + "}} names no file of the front end.");
      html += "/assets/" + it->second;
    } else {
      return invalid("index.html: unknown placeholder {{" + key + "}}.");
    }
    pos = close + 2;
  }
  html.append(tpl, pos);

  std::string script_src = "'self'";
  if (has_map) script_src += " 'sha256-" + std::string(b64.data()) + "'";
  b.csp = "default-src 'self'; script-src " + script_src +
          "; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  auto page = make_asset("text/html; charset=utf-8", std::move(html));
  if (!page.ok()) return page.error();
  b.index = std::move(*page);
  return b;
}

}  // namespace jb::ui
