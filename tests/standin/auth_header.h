// auth_header.h — Jellyfin 10.11's reading of client credentials from a
// request, as pure functions (API-NOTES §1.1 rules 1–5):
//   * which header carries the parameters (Authorization, else — legacy only —
//     X-Emby-Authorization; only the first value of a header counts),
//   * the scheme (`MediaBrowser`, or `Emby` with legacy; case-insensitive),
//   * the parameter scanner (Jellyfin's GetParts: '"' toggles quoting, an
//     unquoted ',' ends a value, an unquoted '=' ends a key; keys whitespace-
//     trimmed and case-sensitive; values stripped of '"' at both ends, then
//     URL-decoded with '+' → space; duplicate keys: last wins),
//   * the token fallback chain (Token → X-Emby-Token* → X-MediaBrowser-Token*
//     → ApiKey query → api_key query*; * = legacy only).
// Decoded values are made valid UTF-8 (invalid bytes → U+FFFD, as .NET does).
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace jb::standin {

// Case-sensitive key → decoded value (std::less<> allows string_view lookups).
using AuthParams = std::map<std::string, std::string, std::less<>>;

// Rule 3: scans the text after the scheme. Never fails; hostile input gives
// whatever pairs the scan finds (possibly none).
AuthParams parse_auth_params(std::string_view params);

// Rule 2: `<scheme> <params>`. Returns nullopt when there is no space or the
// scheme is not accepted (MediaBrowser; Emby only when legacy is true).
std::optional<AuthParams> parse_authorization(std::string_view header_value, bool legacy);

// The raw inputs of one request that the server looks at (first values only;
// query values already URL-decoded).
struct AuthSources {
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> x_emby_authorization;
  std::optional<std::string_view> x_emby_token;
  std::optional<std::string_view> x_mediabrowser_token;
  std::optional<std::string_view> query_api_key;         // ?ApiKey=
  std::optional<std::string_view> query_api_key_legacy;  // ?api_key=
};

// What the server extracts before looking the token up (rules 1, 4, 5).
struct ClientAuth {
  bool has_params = false;  // a MediaBrowser/Emby parameter list was parsed
  std::string device_id, device, client, version;
  std::string token;  // after the fallback chain; empty = no token
};

ClientAuth extract_client_auth(const AuthSources& in, bool legacy);

// Replaces invalid UTF-8 sequences with U+FFFD.
std::string sanitize_utf8(std::string_view s);

}  // namespace jb::standin
