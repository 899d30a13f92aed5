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
// Redis keys (built only by key() and user_index() in session_store.cpp):
//   jb:session:<sha256(token)>   hash  uid name admin csrf created ip ua (PEXPIRE = idle expiry)
//   jb:user:<uid>:sessions       set   the user's session hashes (members whose session hash
//                                      has expired are dropped lazily by list())
//
// A session's public handle (SessionInfo::id, what GET /api/v1/sessions shows)
// is derived from the token hash (32 hex characters of another SHA-256), so it
// names a session without being usable to authenticate or to find its key.
// Its last use is derived from the remaining idle TTL (every Redis lookup
// pushes the TTL to the full idle period), so it is exact to the session
// cache's lifetime and costs no write.
//
// Revoking all of a user's sessions is one Lua script (the index and every
// session hash together), so a session created concurrently is either revoked
// or created after the revocation, never left unindexed.
//
// Thread-safety: thread-safe (uses the RedisPool only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Where a session was created (stored with it, shown in GET /api/v1/sessions).
struct SessionOrigin {
  std::string ip;          // http::Request::client_ip
  std::string user_agent;  // the User-Agent header (trimmed to 256 printable characters)
};

// A User-Agent as it is stored and shown back: printable ASCII only, at most 256 characters.
std::string clean_user_agent(const std::string& ua);

// One of a user's sessions as listed (never the token or its hash).
struct SessionInfo {
  std::string id;  // public handle (see above)
  int64_t created_ms = 0, last_used_ms = 0, expires_ms = 0;
  std::string ip, user_agent;
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

  Result<Session> create(const SessionUser& user, const SessionOrigin& origin = {});
  // Looks the token up and slides its expiry. "unauthenticated" (401) when
  // unknown, expired or malformed.
  Result<Session> lookup(const std::string& token);
  Status revoke(const std::string& token);
  // Revokes every session of the user (atomically); answers how many there were.
  Result<int64_t> revoke_all(const std::string& user_id);
  // The user's live sessions, oldest first.
  Result<std::vector<SessionInfo>> list(const std::string& user_id);
  // Revokes the user's session with this public id; false when the user has none such.
  Result<bool> revoke_by_id(const std::string& user_id, const std::string& id);
  // Revokes every session of the user but the one whose hash is `keep_hash`;
  // answers how many were revoked.
  Result<int64_t> revoke_others(const std::string& user_id, const std::string& keep_hash);
  const SessionPolicy& policy() const { return policy_; }

  static bool looks_like_token(const std::string& t);
  // The public handle of the session with this token hash.
  static std::string public_id(const std::string& token_hash);

 private:
  // Deletes these sessions of the user (hashes), drops them from the index and
  // announces it; answers how many existed.
  Result<int64_t> revoke_hashes(const std::string& user_id, const std::vector<std::string>& hashes);
  RedisPool& redis_;
  SessionPolicy policy_;
  SessionCache* cache_;
};

}  // namespace jb::auth
