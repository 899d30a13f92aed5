// rate_limiter.h — a generic rate limiter shared by every process through
// Redis: GCRA (the generic cell rate algorithm, a token bucket written as one
// timestamp), decided in ONE Lua call on the Redis clock (redis.call('TIME')),
// so replicas with skewed clocks and any number of racing callers agree and
// no two of them can both take the last unit.
//
// A rule allows `burst` units at once and refills them evenly over
// `per_period_ms` (one every per_period_ms / burst): {10, 60000} is "10 a
// minute, all ten at once if need be". A bucket is a name ("signin_ip") and a
// key within it (an address, a user name); callers decide both, the limiter
// knows nothing of what they mean.
//
// Redis keys:
//   jb:rl:<bucket>:<key>   str  the bucket's theoretical arrival time (µs, Redis clock);
//                               expires when the bucket is full again
//
// Thread-safety: RateLimiter is thread-safe (stateless over a RedisPool).
#pragma once

#include <cstdint>
#include <string>

#include "common/redis/client.h"

namespace jb {

struct LimitRule {
  int64_t burst = 1;             // units available at once (≥ 1)
  int64_t per_period_ms = 1000;  // time to refill `burst` units (≥ 1)
};

struct LimitDecision {
  bool allowed = false;
  int64_t retry_after_ms = 0;  // when denied: the wait until `cost` units are available
  int64_t remaining = 0;       // units left after this decision
  int64_t reset_after_ms = 0;  // until the bucket is full again
};

// Pure helpers (unit-tested).
// "" when the rule and cost can be used, else why not.
std::string check_rule(const LimitRule& rule, int64_t cost);
// A Retry-After header value: whole seconds, rounded up, at least 1.
int64_t retry_after_seconds(int64_t retry_after_ms);

class RateLimiter {
 public:
  explicit RateLimiter(RedisPool& redis) : redis_(redis) {}

  // Takes `cost` units from the bucket when they are all there (a denied take
  // takes nothing). Errors: invalid_request (a bad rule or cost), redis_*.
  Result<LimitDecision> take(const std::string& bucket, const std::string& key,
                             const LimitRule& rule, int64_t cost = 1);
  // Whether take() would allow `cost` now, without taking anything; `remaining`
  // is what the bucket holds now.
  Result<LimitDecision> peek(const std::string& bucket, const std::string& key,
                             const LimitRule& rule, int64_t cost = 1);
  // Refills the bucket completely (an administrator lifting a limit, a test).
  Status reset(const std::string& bucket, const std::string& key);

  static std::string redis_key(const std::string& bucket, const std::string& key);

 private:
  Result<LimitDecision> run(const std::string& bucket, const std::string& key,
                            const LimitRule& rule, int64_t cost, bool write);
  RedisPool& redis_;
};

}  // namespace jb
