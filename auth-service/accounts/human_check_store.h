// human_check_store.h — the human check of the public sign-up API
// (human_check.h) with single use: issue() makes a signed challenge, redeem()
// verifies the client's answer and redeems it once, on any replica.
//
// ALTCHA alone accepts a solved answer again and again until it expires; here
// the first redeem() of an answer marks its challenge used in one atomic
// command, SET <key> 1 NX PX <ms until the challenge expires>, so a second
// redeem() of the same answer — also one racing it on another thread or
// replica — gets human_check_reused. The mark lives exactly as long as the
// answer would otherwise pass, then expires with it.
//
// Redis keys (built only by used_key()):
//   jb:human:used:<sha256(challenge hex)>   str  "1"   (PX until the challenge's expiry)
//
// A failed redeem() (malformed, wrong, expired) writes nothing. If the
// connection breaks after Redis ran the SET but before its answer came back,
// the pool's one retry finds the mark and the client is told
// human_check_reused: it solves a new challenge (never the other way round).
//
// Thread-safety: thread-safe (immutable after construction; RedisPool).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth-service/accounts/human_check.h"
#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::accounts {

class HumanCheck {
 public:
  // hmac_key: the server's secret (≥ 32 random bytes), the same on every
  // replica; maxnumber and ttl_s as make_pow_challenge takes them
  // (kDefaultMaxNumber, kDefaultTtlS).
  HumanCheck(RedisPool& redis, std::string hmac_key, int64_t maxnumber = kDefaultMaxNumber,
             int64_t ttl_s = kDefaultTtlS);

  // A new challenge, expiring at now_s + ttl_s.
  PowChallenge issue(int64_t now_s) const;
  // Verifies the payload and redeems it once. Errors: human_check_failed
  // (400) for a bad or expired payload, human_check_reused (400) when the same
  // answer comes again, Redis errors passed through.
  Status redeem(std::string_view payload, int64_t now_s);

  // The key that marks a challenge (its hex, as the payload carries it) used.
  static std::string used_key(std::string_view challenge);

 private:
  RedisPool& redis_;
  const std::string hmac_key_;
  const int64_t maxnumber_;
  const int64_t ttl_s_;
};

}  // namespace jb::accounts
