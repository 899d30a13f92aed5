// url.cpp — see url.h.
#include "common/jellyfin/url.h"

#include <curl/curl.h>

#include "common/core/text.h"
#include "common/jellyfin/errors.h"

namespace jb::jf {

namespace {
Error bad(const std::string& why) {
  return Error(errc::invalid_server_url, why, 400);
}
}  // namespace

Result<std::string> normalize_server_url(std::string_view input) {
  std::string s(text::trim(input));
  if (s.empty()) return bad("The server URL is empty.");
  if (s.size() > 2048) return bad("The server URL is too long.");
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ')
      return bad("The server URL contains spaces or control characters.");
  if (s.find("://") == std::string::npos) s = "http://" + s;
  std::string scheme = text::to_lower(s.substr(0, s.find("://")));
  if (scheme != "http" && scheme != "https")
    return bad("The server URL must start with http:// or https:// (got " + scheme + "://).");

  CURLU* u = curl_url();
  std::string out;
  Result<std::string> result = bad("The server URL could not be parsed.");
  if (curl_url_set(u, CURLUPART_URL, s.c_str(), 0) == CURLUE_OK) {
    auto part = [&](CURLUPart p) {
      char* v = nullptr;
      std::string r;
      if (curl_url_get(u, p, &v, 0) == CURLUE_OK && v) r = v;
      curl_free(v);
      return r;
    };
    std::string user = part(CURLUPART_USER), password = part(CURLUPART_PASSWORD);
    std::string host = text::to_lower(part(CURLUPART_HOST));
    std::string port = part(CURLUPART_PORT);
    std::string path = part(CURLUPART_PATH);
    if (!user.empty() || !password.empty()) {
      result = bad("The server URL must not contain a user name or password.");
    } else if (host.empty()) {
      result = bad("The server URL has no host name.");
    } else {
      if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port.clear();
      // Collapse repeated slashes, drop the web UI suffix and trailing slashes.
      std::string p;
      for (char c : path)
        if (!(c == '/' && !p.empty() && p.back() == '/')) p += c;
      std::string lower = text::to_lower(p);
      auto web = lower.find("/web");
      if (web != std::string::npos && (web + 4 == lower.size() || lower[web + 4] == '/'))
        p = p.substr(0, web);
      while (!p.empty() && p.back() == '/') p.pop_back();
      out = scheme + "://" + host + (port.empty() ? "" : ":" + port) + p;
      result = out;
    }
  }
  curl_url_cleanup(u);
  return result;
}

}  // namespace jb::jf
