// auth_header.cpp — see auth_header.h. Mirrors AuthorizationContext.cs
// (GetAuthorizationDictionary, GetAuthorization, GetParts) of Jellyfin 10.11.
#include "tests/standin/auth_header.h"

#include "common/core/text.h"

namespace jb::standin {

namespace {

std::string_view trim_quotes(std::string_view v) {
  while (!v.empty() && v.front() == '"') v.remove_prefix(1);
  while (!v.empty() && v.back() == '"') v.remove_suffix(1);
  return v;
}

std::string decode_value(std::string_view raw) {
  return sanitize_utf8(text::form_decode(trim_quotes(raw)));
}

}  // namespace

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = u[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      if ((u[i + k] & 0xC0) != 0x80)
        ok = false;
      else
        cp = (cp << 6) | (u[i + k] & 0x3F);
    }
    if (ok) {
      // Reject overlong forms, surrogates and out-of-range code points.
      if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        ok = false;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

AuthParams parse_auth_params(std::string_view h) {
  AuthParams result;
  bool escaped = false;
  size_t start = 0;
  std::string key;
  size_t i = 0;
  for (; i < h.size(); ++i) {
    char token = h[i];
    if (token == '"' || token == ',') {
      // Jellyfin: escaped = (!escaped) == (token == '"'): a quote toggles,
      // a comma leaves the state unchanged.
      escaped = (!escaped) == (token == '"');
      if (token == ',' && !escaped) {
        if (start < i) {
          result[key] = decode_value(h.substr(start, i - start));
          key.clear();
        }
        start = i + 1;
      }
    } else if (!escaped && token == '=') {
      key = std::string(text::trim(h.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (start < i) result[key] = decode_value(h.substr(start, i - start));
  return result;
}

std::optional<AuthParams> parse_authorization(std::string_view v, bool legacy) {
  size_t space = v.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view scheme = v.substr(0, space);
  bool valid = text::iequals(scheme, "MediaBrowser") || (legacy && text::iequals(scheme, "Emby"));
  if (!valid) return std::nullopt;
  return parse_auth_params(v.substr(space + 1));
}

ClientAuth extract_client_auth(const AuthSources& in, bool legacy) {
  ClientAuth out;
  // Rule 1: Authorization; only when it is absent or empty (and legacy is on)
  // X-Emby-Authorization.
  std::optional<std::string_view> header = in.authorization;
  if ((!header || header->empty()) && legacy) header = in.x_emby_authorization;
  std::optional<AuthParams> params;
  if (header && !header->empty()) params = parse_authorization(*header, legacy);
  if (params) {
    out.has_params = true;
    auto get = [&](std::string_view k) -> std::string {
      auto it = params->find(k);
      return it == params->end() ? std::string() : it->second;
    };
    out.device_id = get("DeviceId");
    out.device = get("Device");
    out.client = get("Client");
    out.version = get("Version");
    out.token = get("Token");
  }
  // Rule 5: the token fallback chain; the first non-empty wins.
  auto take = [&](const std::optional<std::string_view>& v) {
    if (out.token.empty() && v && !v->empty()) out.token = std::string(*v);
  };
  if (legacy) {
    take(in.x_emby_token);
    take(in.x_mediabrowser_token);
  }
  take(in.query_api_key);
  if (legacy) take(in.query_api_key_legacy);
  return out;
}

}  // namespace jb::standin
