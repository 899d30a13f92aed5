// second_factor_store.h — the Redis side of second factors that must hold
// across restarts and replicas: the TOTP replay floor and recovery codes.
//
// TOTP replay floor: a code's time step is accepted once per user. accept_step()
// is one Lua script that raises the floor only when the step lies above it,
// so a code used once is refused afterwards — on this replica, on another,
// after a restart — and of two concurrent submissions of the same code exactly
// one passes.
//
// Recovery codes (recovery_codes.h makes them): stored only as Argon2id hashes
// (libsodium crypto_pwhash, OWASP's minimum m = 19 MiB, t = 2) under a salt of
// the user's own, drawn anew each time the set is replaced. All of a user's
// codes share that salt (they are independent random codes, so nothing is
// learnt from one about another), which lets a typed code be hashed ONCE and
// then looked up, instead of trying ten slow hashes. consume() removes the
// matching hash in one Lua call: of any number of concurrent submissions of
// one code exactly one succeeds. Hashing runs at most kHashesAtOnce at a time
// per process, so a burst of attempts cannot claim unbounded memory.
//
// Redis keys:
//   jb:user:<uid>:2fa:totp_floor   string  the last accepted TOTP time step
//   jb:user:<uid>:2fa:recovery     hash    "salt" → hex salt; "<hex hash>" → "1" per unused code
//   jb:user:<uid>:2fa:grace        string  when the enrolment grace period began (unix ms)
//
// Thread-safety: thread-safe (RedisPool; the hashing gate is shared).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::auth {

class SecondFactorStore {
 public:
  static constexpr int kHashesAtOnce = 4;

  explicit SecondFactorStore(RedisPool& redis) : redis_(redis) {}

  // true: `step` was above the user's floor and is now the floor (the code may pass);
  // false: that step, or a later one, was already accepted (a replayed code).
  Result<bool> accept_step(const std::string& user_id, int64_t step);

  // Replaces the user's recovery codes by `codes` (display or normalised form).
  Status set_recovery_codes(const std::string& user_id, const std::vector<std::string>& codes);
  // Unused recovery codes left.
  Result<int64_t> recovery_codes_left(const std::string& user_id);
  // true when `typed` is one of the user's unused codes, which is now used up.
  Result<bool> consume_recovery_code(const std::string& user_id, std::string_view typed);
  // Removes the codes (second factor turned off).
  Status clear_recovery_codes(const std::string& user_id);

  // When the user's enrolment grace period began (second_factor_policy.h):
  // now_ms at their first call, the same value on every later call and replica.
  Result<int64_t> grace_started(const std::string& user_id, int64_t now_ms);
  // A fresh grace period next time (an administrator reset the second factor).
  Status reset_grace(const std::string& user_id);

  static std::string floor_key(const std::string& user_id);
  static std::string recovery_key(const std::string& user_id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
