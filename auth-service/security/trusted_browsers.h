// trusted_browsers.h — "trust this browser for 30 days" (issue 12): a browser
// that answered a second-factor challenge with `remember` skips the second
// step on later sign-ins (the password is still asked), for the same user on
// the same device.
//
// The cookie `jb_trusted` (HttpOnly, SameSite=Strict, Secure like the session
// cookie) holds "<token>.<mac>": a 128-bit random token and
// HMAC-SHA-256(key, "jbt1|token|user id|sha256(device id)"), with a key of its
// own (derived from the vault key, so every replica has it and nothing secret
// is in Redis). The token points at a server-side record:
//   jb:trusted:<handle>       hash  uid, device (sha256), created, used, ip, ua  (PX lifetime)
//   jb:user:<uid>:trusted     zset  <handle> → last use (ms)
// where <handle> is the first 32 hex digits of sha256(token): the public id
// shown in the list, from which the cookie cannot be made. A tampered cookie,
// another user's or another device's, a revoked or an expired record: each is
// simply not recognised. Recognising slides the record's lifetime (and the
// cookie is issued again). At most kMaxPerUser records per user; remembering
// one more evicts the least recently used.
//
// Thread-safety: thread-safe (RedisPool; the key is immutable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth-service/sessions/session_store.h"
#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* trusted_browser_not_found = "trusted_browser_not_found";  // 404
}  // namespace jb::errc

namespace jb::auth {

constexpr const char* kTrustedCookie = "jb_trusted";

struct TrustedBrowser {
  std::string id;  // the handle
  int64_t created_ms = 0, last_used_ms = 0, expires_ms = 0;
  std::string ip, user_agent;
};

// The cookie value for a token (pure; exposed for tests).
std::string trusted_cookie_value(const std::string& key, const std::string& token,
                                 const std::string& uid, const std::string& device_id);

class TrustedBrowserStore {
 public:
  static constexpr size_t kMaxPerUser = 30;

  // key: 32 bytes of its own (Vault::derive_key); lifetime_ms: JB_TRUSTED_BROWSER_TTL_S.
  TrustedBrowserStore(RedisPool& redis, std::string key, int64_t lifetime_ms)
      : redis_(redis), key_(std::move(key)), lifetime_ms_(lifetime_ms) {}

  // A new record for this user and device: the cookie's value.
  Result<std::string> remember(const SessionUser& user, const std::string& device_id,
                               const SessionOrigin& origin);
  // Whether the cookie is this user's on this device and still valid; slides it.
  Result<bool> recognise(const std::string& cookie, const std::string& uid,
                         const std::string& device_id, const SessionOrigin& origin);
  Result<std::vector<TrustedBrowser>> list(const std::string& uid);
  Result<bool> revoke(const std::string& uid, const std::string& id);
  Result<int64_t> revoke_all(const std::string& uid);
  int64_t lifetime_ms() const { return lifetime_ms_; }

 private:
  RedisPool& redis_;
  std::string key_;
  int64_t lifetime_ms_;
};

}  // namespace jb::auth
