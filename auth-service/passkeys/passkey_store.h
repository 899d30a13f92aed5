// passkey_store.h — the users' passkeys (WebAuthn credentials) in Redis: the
// public key (DER SubjectPublicKeyInfo) and its algorithm, the signature
// counter, the backup flags, transports, a name, when it was added and last
// used, and whether it may sign in instead of the password ("passwordless").
// A passkey's public handle (`id`, 32 hex characters) is not its credential id.
//
// Redis keys:
//   jb:passkey:<id>                    hash  uid, name, cred (base64url), spki (base64url), alg,
//                                            count, pwl, be, bs, tr (comma list), created, used
//   jb:user:<uid>:passkeys             set   the user's passkey ids
//   jb:passkey:cred:<sha256(cred id)>  str   the passkey id of a credential id (unique: a
//                                            credential is registered once, by anyone)
// add() is one Lua script (uniqueness, the per-user cap and all three keys);
// remove() checks the owner and deletes the three together; record_use() moves
// the counter forward only when it grows (the rule of webauthn::counter_regressed,
// inside Lua), so two concurrent uses of one counter value cannot both pass.
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth-service/passkeys/cose_key.h"
#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* passkey_not_found = "passkey_not_found";                    // 404
constexpr const char* passkey_already_registered = "passkey_already_registered";  // 409
constexpr const char* passkey_limit = "passkey_limit";  // 409: the per-user cap is reached
}  // namespace jb::errc

namespace jb::auth {

struct Passkey {
  std::string id;  // public handle
  std::string user_id, name;
  std::string credential_id;  // raw bytes
  webauthn::PublicKey key;
  uint32_t sign_count = 0;
  bool passwordless = false, backup_eligible = false, backed_up = false;
  std::vector<std::string> transports;
  int64_t created_ms = 0, last_used_ms = 0;
};

struct PasskeyCounts {
  int64_t count = 0, passwordless = 0;
};

// What recording a use found.
enum class PasskeyUse { kRecorded, kRegressed, kGone };

class PasskeyStore {
 public:
  static constexpr int64_t kMaxPerUser = 20;

  explicit PasskeyStore(RedisPool& redis) : redis_(redis) {}

  // Stores `p` (its id is made here): 409 passkey_already_registered, 409 passkey_limit.
  Result<Passkey> add(Passkey p);
  // The user's passkeys, oldest first.
  Result<std::vector<Passkey>> list(const std::string& user_id);
  Result<PasskeyCounts> counts(const std::string& user_id);
  // The user's passkey `id`, or nullopt (unknown or another user's).
  Result<std::optional<Passkey>> get(const std::string& user_id, const std::string& id);
  // The passkey of a credential id, whoever owns it.
  Result<std::optional<Passkey>> by_credential(const std::string& credential_id);
  // Renames it and/or changes passwordless: false when the user has no such passkey.
  Result<bool> update(const std::string& user_id, const std::string& id,
                      const std::optional<std::string>& name,
                      const std::optional<bool>& passwordless);
  // false when the user has no such passkey.
  Result<bool> remove(const std::string& user_id, const std::string& id);
  // Removes all of the user's passkeys (an administrator's reset): how many.
  Result<int64_t> remove_all(const std::string& user_id);
  // A verified use: the new counter (kept only when it grows, or both are 0),
  // the backed-up flag and the time.
  Result<PasskeyUse> record_use(const Passkey& p, uint32_t sign_count, bool backed_up,
                                int64_t now_ms);

  static std::string key(const std::string& id);
  static std::string user_key(const std::string& user_id);
  static std::string credential_key(const std::string& credential_id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
