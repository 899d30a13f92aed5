// web_bundle.h — the web front end as auth-service serves it, built once at
// start-up from the files of auth-service/web/ (plain HTML, CSS and ES modules;
// no build step):
//
//   - every file but index.html and importmap.json becomes an asset whose name
//     carries a hash of its content ("js/main.js" → "js/main.1a2b3c4d5e6f.js"),
//     served under /assets/ with a year-long, immutable cache lifetime;
//   - index.html is a template: "{{asset:PATH}}" becomes PATH's hashed URL and
//     "{{importmap}}" an import map that sends every module's plain URL
//     ("/assets/js/api.js", what a relative import resolves to) and every bare
//     name of importmap.json ("preact") to the hashed URL, so modules import each
//     other by their plain names and a changed file changes only its own URL;
//   - the page's Content-Security-Policy allows scripts from 'self' and, by its
//     SHA-256, the one inline script (the import map): no 'unsafe-inline';
//   - text files are gzip-compressed once, kept when smaller.
//
// Thread-safety: build_web_bundle() is a pure function; a built WebBundle is
// immutable and may be read from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* web_bundle_invalid =
    "web_bundle_invalid";  // the front end's files are inconsistent (start-up)
}  // namespace jb::errc

namespace jb::ui {

struct WebAsset {
  std::string content_type;
  std::string body;
  std::string gzip;  // body gzip-compressed, or "" when that is not smaller
};

struct WebBundle {
  WebAsset index;   // the rendered index.html
  std::string csp;  // the page's Content-Security-Policy
  // By hashed path under /assets/ ("js/main.1a2b3c4d5e6f.js").
  std::map<std::string, WebAsset> assets;
  // Plain path → hashed path ("js/main.js" → "js/main.1a2b3c4d5e6f.js").
  std::map<std::string, std::string> hashed;
};

// The Content-Type a file is served with, from its extension.
std::string content_type_for(std::string_view path);
// "dir/name.ext" → "dir/name.<12 hex of SHA-256(content)>.ext".
std::string hashed_path(std::string_view path, std::string_view content);

// `files`: '/'-separated paths relative to the web root → content. Needs
// index.html; importmap.json ({"imports": {name: path}}) is optional. Errors
// (web_bundle_invalid) name the file and what is wrong: a placeholder or an
// import-map path that names no file, an unknown placeholder, a path with
// characters outside [A-Za-z0-9._/-].
Result<WebBundle> build_web_bundle(const std::map<std::string, std::string>& files);

}  // namespace jb::ui
