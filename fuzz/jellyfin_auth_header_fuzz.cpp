// jellyfin_auth_header_fuzz.cpp — the Jellyfin `Authorization` header: the
// stand-in's reading of it (tests/standin/auth_header.h, Jellyfin's GetParts
// scanner, scheme check and token fallback chain) on any bytes, and our writer
// (common/jellyfin/auth.h) read back by it.
//
// Input: a header value, e.g. `MediaBrowser Client="Jellyfin%20Web", Token="…"`.
// Asserts:
//  * every key the scanner returns is whitespace-trimmed and every value is
//    valid UTF-8; `MediaBrowser <p>` (any case) reads exactly as the bare
//    parameter list <p>; `Emby` only with legacy; no space = no parameters;
//  * extract_client_auth takes Client/Device/DeviceId/Version/Token from the
//    header, X-Emby-Authorization only when legacy and Authorization is empty,
//    and the first non-empty token of the fallback chain;
//  * round trip: for identities made of the values the stand-in decoded (any
//    bytes, through percent-escapes) and of raw comma-separated pieces of the
//    input, what authorization_header() writes is printable ASCII, and the
//    stand-in reads back every value as the writer promises: trimmed, CR/LF as
//    spaces, made valid UTF-8; an empty token sends no Token.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/text.h"
#include "common/jellyfin/auth.h"
#include "fuzz/fuzz_check.h"
#include "tests/standin/auth_header.h"

namespace {

using jb::fuzz::show;
using jb::standin::AuthParams;

bool is_trimmed(std::string_view s) {
  return jb::text::trim(s) == s;
}

std::string params_text(const AuthParams& p) {
  std::string s;
  for (const auto& [k, v] : p) s += show(k) + "=" + show(v) + " ";
  return s;
}

// What the stand-in should read for a value our writer was given.
std::string expected_value(std::string_view v) {
  std::string s(jb::text::trim(v));
  for (auto& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return jb::standin::sanitize_utf8(s);
}

void check_params(const AuthParams& p, std::string_view input) {
  for (const auto& [k, v] : p) {
    FUZZ_CHECK(is_trimmed(k), "untrimmed key " + show(k) + " from " + show(input));
    FUZZ_CHECK(jb::standin::sanitize_utf8(v) == v,
               "value is not valid UTF-8: " + show(v) + " from " + show(input));
  }
}

void round_trip(const jb::jf::ClientIdentity& id, std::string_view token) {
  std::string h = jb::jf::authorization_header(id, token);
  for (unsigned char c : h)
    FUZZ_CHECK(c >= 0x20 && c < 0x7f, "header is not printable ASCII: " + show(h));
  auto p = jb::standin::parse_authorization(h, false);
  FUZZ_CHECK(p.has_value(), "the stand-in rejects our header " + show(h));
  auto get = [&](std::string_view k) -> std::string {
    auto it = p->find(k);
    return it == p->end() ? std::string("<absent>") : it->second;
  };
  FUZZ_CHECK(get("Client") == expected_value(id.client), "Client of " + show(h));
  FUZZ_CHECK(get("Version") == expected_value(id.version), "Version of " + show(h));
  FUZZ_CHECK(get("DeviceId") == expected_value(id.device_id), "DeviceId of " + show(h));
  FUZZ_CHECK(get("Device") == expected_value(id.device), "Device of " + show(h));
  if (token.empty())
    FUZZ_CHECK(p->count("Token") == 0, "a Token without a token: " + show(h));
  else
    FUZZ_CHECK(get("Token") == expected_value(token), "Token of " + show(h));
  FUZZ_CHECK(p->size() == (token.empty() ? 4u : 5u),
             "extra parameters in " + show(h) + ": " + params_text(*p));
  jb::standin::ClientAuth a = jb::standin::extract_client_auth(
      jb::standin::AuthSources{.authorization = std::string_view(h)}, false);
  FUZZ_CHECK(a.has_params && a.token == (token.empty() ? "" : expected_value(token)),
             "extracted token of " + show(h));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace sd = jb::standin;

  // The scanner on its own, and behind each scheme.
  AuthParams bare = sd::parse_auth_params(in);
  check_params(bare, in);
  FUZZ_CHECK(bare.size() <= static_cast<size_t>(std::count(in.begin(), in.end(), ',')) + 1,
             "more parameters than commas allow: " + show(in));
  for (std::string_view scheme : {"MediaBrowser ", "mEDIAbROWSER "}) {
    auto p = sd::parse_authorization(std::string(scheme) + std::string(in), false);
    FUZZ_CHECK(p && *p == bare, "scheme " + show(scheme) + " changes the reading of " + show(in));
  }
  FUZZ_CHECK(!sd::parse_authorization("Emby " + std::string(in), false),
             "Emby accepted without legacy");
  auto emby = sd::parse_authorization("Emby " + std::string(in), true);
  FUZZ_CHECK(emby && *emby == bare, "Emby with legacy reads " + show(in) + " differently");

  // The whole input as a header value.
  auto header = sd::parse_authorization(in, false);
  if (in.find(' ') == std::string_view::npos) FUZZ_CHECK(!header, "no space, yet parsed");
  if (header) check_params(*header, in);
  for (bool legacy : {false, true}) {
    sd::ClientAuth a = sd::extract_client_auth(sd::AuthSources{.authorization = in}, legacy);
    auto h = sd::parse_authorization(in, legacy);
    FUZZ_CHECK(a.has_params == (!in.empty() && h.has_value()), "has_params for " + show(in));
    auto get = [&](std::string_view k) -> std::string {
      if (!h) return "";
      auto it = h->find(k);
      return it == h->end() ? std::string() : it->second;
    };
    FUZZ_CHECK(a.token == get("Token") && a.client == get("Client") && a.device == get("Device") &&
                   a.device_id == get("DeviceId") && a.version == get("Version"),
               "extracted fields differ from the parameters of " + show(in));
    // X-Emby-Authorization: only with legacy, and only when Authorization is absent or empty.
    sd::ClientAuth x = sd::extract_client_auth(sd::AuthSources{.x_emby_authorization = in}, legacy);
    if (legacy)
      FUZZ_CHECK(x.has_params == a.has_params && x.token == a.token,
                 "X-Emby-Authorization reads differently: " + show(in));
    else
      FUZZ_CHECK(!x.has_params && x.token.empty(), "X-Emby-Authorization without legacy");
    // The fallback chain: the header's token first, then (legacy) X-Emby-Token,
    // X-MediaBrowser-Token, then ApiKey and (legacy) api_key.
    std::string_view q = in.substr(0, in.size() / 2);
    sd::ClientAuth chain = sd::extract_client_auth(
        sd::AuthSources{.authorization = in, .x_emby_token = q, .query_api_key = "k"}, legacy);
    std::string want = !a.token.empty()       ? a.token
                       : legacy && !q.empty() ? std::string(q)
                                              : std::string("k");
    FUZZ_CHECK(chain.token == want, "fallback chain gives " + show(chain.token) + " for " +
                                        show(in) + ", expected " + show(want));
  }

  // Round trips of our writer: values decoded by the stand-in (any bytes)…
  auto val = [&](std::string_view k) -> std::string {
    auto it = bare.find(k);
    return it == bare.end() ? std::string() : it->second;
  };
  jb::jf::ClientIdentity decoded;
  decoded.client = val("Client");
  decoded.version = val("Version");
  decoded.device = val("Device");
  decoded.device_id = val("DeviceId");
  round_trip(decoded, val("Token"));
  // …and raw pieces of the input (quotes, commas, percent signs, control bytes).
  auto parts = jb::fuzz::split(in, ',', 5);
  parts.resize(5);
  jb::jf::ClientIdentity raw;
  raw.client = std::string(parts[0]);
  raw.version = std::string(parts[1]);
  raw.device = std::string(parts[2]);
  raw.device_id = std::string(parts[3]);
  round_trip(raw, parts[4]);
  return 0;
}
