// challenge_store.h — the second step of a sign-in. After the
// password (or Quick Connect) succeeded for a user who has a second factor, the
// API answers a challenge {id, methods, expires_at} instead of a session; the
// client answers it with a code (POST /api/v1/auth/challenge/{id}).
//
// A challenge id is 256 random bits shown once; only its SHA-256 is stored
// (jb:challenge:<hash>, a hash with the user, the allowed methods, the origin
// and the wrong attempts), living 5 minutes. take() removes it in one step, so
// one challenge yields at most one session; wrong() counts a failed code and
// burns the challenge at the fifth. An email code (set_email_code) is kept in
// the same hash (fields email_code, email_expires), so it is bound to the
// challenge and goes with it. So is a passkey's WebAuthn challenge
// (set_passkey_challenge; fields pk_challenge, pk_expires: the SHA-256 of its
// bytes and when it lapses), so the passkey answers this sign-in and no other.
//
// Thread-safety: thread-safe (RedisPool).
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
constexpr const char* challenge_not_found = "challenge_not_found";    // 404: expired, used or burnt
constexpr const char* second_factor_failed = "second_factor_failed";  // 401: wrong code
}  // namespace jb::errc

namespace jb::auth {

struct Challenge {
  std::string id;  // shown once to the client
  SessionUser user;
  std::vector<std::string> methods;  // "totp", "recovery", …
  SessionOrigin origin;
  std::string device_id;  // the client's, from the sign-in ("" if none): for a remembered browser
  int64_t expires_ms = 0;
  int64_t wrong = 0;  // failed codes so far
  // The email code sent for this challenge, if any: SHA-256 of "<id>:<code>"
  // (so a Redis dump, which never holds the id, cannot be searched for it).
  std::string email_code_hash;
  int64_t email_expires_ms = 0;
  // The passkey challenge issued for this sign-in, if any: hex SHA-256 of its bytes.
  std::string passkey_challenge_sha256;
  int64_t passkey_expires_ms = 0;
};

class ChallengeStore {
 public:
  static constexpr int64_t kLifetimeMs = 5 * 60 * 1000;
  static constexpr int64_t kMaxWrong = 5;

  explicit ChallengeStore(RedisPool& redis) : redis_(redis) {}

  Result<Challenge> create(const SessionUser& user, const std::vector<std::string>& methods,
                           const SessionOrigin& origin, const std::string& device_id = "");
  // The live challenge, or nullopt (unknown, expired, burnt or already used).
  Result<std::optional<Challenge>> get(const std::string& id);
  // A wrong code: the attempts left (0: the challenge is gone).
  Result<int64_t> wrong(const std::string& id);
  // Binds an email code to the live challenge, replacing any earlier one:
  // false when the challenge is gone.
  Result<bool> set_email_code(const std::string& id, const std::string& code, int64_t expires_ms);
  // Binds a passkey challenge (hex SHA-256 of its bytes) to the live challenge,
  // replacing any earlier one: false when the challenge is gone.
  Result<bool> set_passkey_challenge(const std::string& id, const std::string& challenge_sha256,
                                     int64_t expires_ms);
  // Whether `code` is the challenge's unexpired email code (constant-time compare).
  static bool email_code_matches(const Challenge& c, const std::string& code, int64_t now_ms);
  // Uses the challenge up: true for exactly one caller.
  Result<bool> take(const std::string& id);

 private:
  static std::string key(const std::string& id);
  RedisPool& redis_;
};

}  // namespace jb::auth
