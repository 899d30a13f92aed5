// reset_store.h — password-reset links: a token of 128 random bits
// (22 base64url characters) that lets one user set a new password once,
// within 30 minutes. Only the token's SHA-256 is stored. take() uses it up in
// one Lua script (so two requests with the same link cannot both succeed);
// put_back() restores a taken link when Jellyfin could not set the password.
//
// Expiry is decided by the caller's clock (now_ms), not by Redis's key TTL, so
// tests can move time; the record itself stays a day longer so an expired link
// is told apart from an unknown one.
//
// Redis key: jb:reset:<sha256(token)>  hash  uid name expires (PX lifetime + 1 day)
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* reset_link_invalid =
    "reset_link_invalid";  // 404: no such reset link (mistyped, or already used)
constexpr const char* reset_link_expired = "reset_link_expired";  // 410: older than 30 minutes
}  // namespace jb::errc

namespace jb::accounts {

struct ResetLink {
  std::string user_id, user_name;
  int64_t expires_ms = 0;
};

class ResetStore {
 public:
  static constexpr int64_t kLifetimeMs = 30 * 60 * 1000;
  explicit ResetStore(RedisPool& redis) : redis_(redis) {}
  // A new link for the user: its token (shown once).
  Result<std::string> create(const std::string& user_id, const std::string& user_name,
                             int64_t now_ms);
  Result<ResetLink> peek(const std::string& token, int64_t now_ms);
  Result<ResetLink> take(const std::string& token, int64_t now_ms);
  Status put_back(const std::string& token, const ResetLink& link);

 private:
  RedisPool& redis_;
};

}  // namespace jb::accounts
