// auth.cpp — see auth.h.
#include "common/jellyfin/auth.h"

#include "common/core/text.h"

namespace jb::jf {

namespace {
std::string enc(std::string_view v) {
  std::string s(text::trim(v));
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return text::url_encode(s);
}
}  // namespace

std::string authorization_header(const ClientIdentity& id, std::string_view token) {
  std::string h = "MediaBrowser Client=\"" + enc(id.client) + "\", Version=\"" + enc(id.version) +
                  "\", DeviceId=\"" + enc(id.device_id) + "\", Device=\"" + enc(id.device) + "\"";
  if (!token.empty()) h += ", Token=\"" + enc(token) + "\"";
  return h;
}

}  // namespace jb::jf
