// auth.h — the one Authorization header our Jellyfin client sends:
//   MediaBrowser Client="Jellybridge", Version="1.0.0", DeviceId="…", Device="…", Token="…"
// Values are trimmed, newlines become spaces, then URL-encoded, as the official
// Kotlin SDK does (API-NOTES §1.1). Token is omitted when empty (before login).
// We never send the legacy X-Emby-* headers or api_key (off in Jellyfin 12).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace jb::jf {

struct ClientIdentity {
  std::string client = "Jellybridge";
  std::string version = "1.0.0";
  std::string device = "Jellybridge";
  std::string device_id;  // one stable id per connection (so logins elsewhere do not revoke ours)
};

std::string authorization_header(const ClientIdentity& id, std::string_view token);

}  // namespace jb::jf
