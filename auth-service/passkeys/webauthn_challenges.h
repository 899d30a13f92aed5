// webauthn_challenges.h — the challenges of passkey registration and of sign-in
// with a passkey instead of the password. (A passkey answering a sign-in
// challenge as its second factor uses a challenge bound to that sign-in
// challenge instead: ChallengeStore::set_passkey_challenge.)
//
// A challenge is 32 random bytes; the client gets them (base64url) with a
// handle, challenge_id ("jbw_" + 256 random bits), to send back with the
// answer. Only hashes are stored: jb:webauthn:<sha256(challenge_id)> is a hash
// with the purpose ("register" | "signin"), the user (registration), whether
// the passkey is to be passwordless, and the SHA-256 of the challenge bytes;
// it lives kLifetimeMs (2 minutes). take() reads and deletes it in one Lua
// call, so each challenge is answered at most once, on any replica.
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::auth {

struct WebAuthnChallenge {
  std::string id;                // challenge_id, shown once
  std::string challenge;         // the raw bytes (only when created; never stored)
  std::string challenge_sha256;  // hex
  std::string purpose;           // "register" | "signin"
  std::string user_id;           // registration: whose passkey
  bool passwordless = false;     // registration: the passkey may replace the password
  int64_t expires_ms = 0;
};

class WebAuthnChallenges {
 public:
  static constexpr int64_t kLifetimeMs = 2 * 60 * 1000;
  static constexpr size_t kBytes = 32;

  explicit WebAuthnChallenges(RedisPool& redis) : redis_(redis) {}

  Result<WebAuthnChallenge> create(const std::string& purpose, const std::string& user_id = "",
                                   bool passwordless = false);
  // The challenge with this id and purpose, used up; nullopt when unknown,
  // expired, already taken or of another purpose.
  Result<std::optional<WebAuthnChallenge>> take(const std::string& id, const std::string& purpose);

  static std::string key(const std::string& id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
