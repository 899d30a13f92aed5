// url.h — normalising the Jellyfin server URLs people type or paste.
//
//   "jf.example.com"                         → "http://jf.example.com"
//   "HTTPS://JF.Example.com:443/jellyfin/"   → "https://jf.example.com/jellyfin"
//   "http://10.0.0.5:8096/web/index.html#/home.html" → "http://10.0.0.5:8096"
//
// Rules: trimmed; http:// assumed when no scheme; only http/https; scheme and
// host lower-cased; default ports dropped; query and fragment dropped; a
// trailing "/web…" (the web UI) and trailing slashes removed; a base path such
// as "/jellyfin" kept; credentials in the URL refused (never store passwords).
// Parsing uses libcurl's URL API.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::jf {

// Error code "invalid_server_url" (400) with a sentence saying what is wrong.
Result<std::string> normalize_server_url(std::string_view input);

}  // namespace jb::jf
