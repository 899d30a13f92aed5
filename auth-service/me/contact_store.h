// contact_store.h — each user's own Telegram and Matrix contact ids (issue 14,
// "my account"): set pending with a confirmation code, confirmed by the code,
// removed. Only confirmed ids are where the message worker sends a user's
// messages; a pending id is never used for anything but its own confirmation.
//
// A code is 6 digits (uniform), single use, valid 30 minutes (by the caller's
// clock: tests move it), with kMaxTries wrong answers before it is forgotten;
// only code_hash() of it is stored. Setting an id again replaces the pending
// one and its code. Confirming is one Lua script: two answers with the same
// code cannot both succeed, and a wrong one counts atomically.
//
// Redis keys:
//   jb:contacts:<uid>          hash  telegram, matrix = CONFIRMED ids only (read by the
//                                    message worker)
//   jb:contacts_pending:<uid>  hash  <kind> = pending id, <kind>:code = code hash,
//                                    <kind>:expires = ms, <kind>:tries = wrong answers left
//                                    (PX 30 min + 1 day after the last set)
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* contact_code_invalid =
    "contact_code_invalid";  // 400: a wrong confirmation code (some tries are left)
constexpr const char* contact_code_expired =
    "contact_code_expired";  // 410: the code is older than 30 minutes or had too many wrong tries
constexpr const char* contact_not_pending =
    "contact_not_pending";  // 409: nothing of that kind is waiting for a confirmation
}  // namespace jb::errc

namespace jb::me {

struct ContactState {
  std::string confirmed;  // "" = none
  std::string pending;    // "" = none (or its code expired)
};

struct Contacts {
  ContactState telegram, matrix;
};

class ContactStore {
 public:
  static constexpr int64_t kCodeLifetimeMs = 30LL * 60 * 1000;
  static constexpr int64_t kMaxTries = 5;

  explicit ContactStore(RedisPool& redis) : redis_(redis) {}

  Result<Contacts> get(const std::string& user_id, int64_t now_ms);
  // Sets `id` pending for `kind`: its new code (shown only in the confirmation message).
  Result<std::string> set_pending(const std::string& user_id, const std::string& kind,
                                  const std::string& id, int64_t now_ms);
  // Confirms the pending id of `kind` with `code`: the id confirmed, or
  // contact_not_pending (409), contact_code_expired (410), contact_code_invalid (400).
  Result<std::string> confirm(const std::string& user_id, const std::string& kind,
                              const std::string& code, int64_t now_ms);
  // Removes the confirmed and the pending id of `kind`: true when there was one.
  Result<bool> remove(const std::string& user_id, const std::string& kind);

  static std::string contacts_key(const std::string& user_id);
  static std::string pending_key(const std::string& user_id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::me
