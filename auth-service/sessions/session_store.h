// session_store.h — suite sessions in Redis.
//
// A session token is 256 bits from the CSPRNG, base64url ("jbs_" + 43 chars).
// Only its SHA-256 is stored (key jb:session:<hash>), so a Redis dump does not
// reveal usable tokens; the token is high-entropy, so a fast hash is the right
// tool (no password KDF needed). Expiry slides: every successful lookup pushes
// the idle expiry forward (one pipelined round trip with the read), bounded by
// an absolute maximum lifetime. Each session also carries a CSRF token for
// cookie-authenticated mutations. A user's sessions are indexed so "log out
// everywhere" and account actions can revoke them all.
//
// Thread-safety: thread-safe (uses the RedisPool only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* unauthenticated = "unauthenticated";  // 401
}  // namespace jb::errc

namespace jb::auth {

struct SessionUser {
  std::string id, name;
  bool is_admin = false;
};

struct Session {
  std::string token;  // only set on create(); never stored in clear
  std::string token_hash;
  std::string csrf;
  SessionUser user;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // idle expiry after this use
};

struct SessionPolicy {
  int64_t idle_ms = 14LL * 24 * 3600 * 1000;  // sliding
  int64_t max_ms = 90LL * 24 * 3600 * 1000;   // absolute
};

class SessionCache;

class SessionStore {
 public:
  SessionStore(RedisPool& redis, SessionPolicy policy, SessionCache* cache = nullptr)
      : redis_(redis), policy_(policy), cache_(cache) {}
  // Redis Pub/Sub channel on which revocations are announced to every instance.
  static constexpr const char* kRevokedChannel = "jb:session:revoked";
  // Applies a revocation announced by any instance (hash, or "user:<id>").
  void on_revoked(const std::string& message);
  // Cache hit only (never touches Redis); nullopt when not cached.
  std::optional<Session> cached(const std::string& token);

  Result<Session> create(const SessionUser& user);
  // Looks the token up and slides its expiry. "unauthenticated" (401) when
  // unknown, expired or malformed.
  Result<Session> lookup(const std::string& token);
  Status revoke(const std::string& token);
  Status revoke_all(const std::string& user_id);
  const SessionPolicy& policy() const { return policy_; }

  static bool looks_like_token(const std::string& t);

 private:
  RedisPool& redis_;
  SessionPolicy policy_;
  SessionCache* cache_;
};

}  // namespace jb::auth
