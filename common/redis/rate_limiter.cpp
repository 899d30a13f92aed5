// rate_limiter.cpp — see rate_limiter.h.
#include "common/redis/rate_limiter.h"

#include "common/redis/script.h"

namespace jb {

namespace {

// GCRA in microseconds of the Redis clock. The stored value is the
// theoretical arrival time (TAT): the bucket is full when TAT ≤ now, and a
// take of `cost` is allowed when TAT + cost·interval − period ≤ now.
// ARGV: burst, period (ms), cost, write (1/0).
// → {allowed (1/0), retry_after_ms, remaining, reset_after_ms}
const RedisScript kTake(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local burst = tonumber(ARGV[1])
local period = tonumber(ARGV[2]) * 1000
local cost = tonumber(ARGV[3])
local interval = period / burst
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local new_tat = tat + cost * interval
local allow_at = new_tat - period
local allowed = 1
local retry = 0
if allow_at > now then
  allowed = 0
  retry = math.ceil((allow_at - now) / 1000)
  new_tat = tat
elseif ARGV[4] ~= '1' then
  new_tat = tat
elseif cost > 0 then
  redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX',
             math.max(1, math.ceil((new_tat - now) / 1000)))
end
local remaining = math.floor((now + period - new_tat) / interval)
if remaining < 0 then remaining = 0 end
if remaining > burst then remaining = burst end
return {allowed, retry, remaining, math.ceil((new_tat - now) / 1000)}
)lua");

}  // namespace

std::string check_rule(const LimitRule& rule, int64_t cost) {
  if (rule.burst < 1) return "a rule's burst must be at least 1";
  if (rule.per_period_ms < 1) return "a rule's period must be at least 1 ms";
  if (rule.per_period_ms > 365LL * 24 * 3600 * 1000)
    return "a rule's period must be at most a year";
  if (cost < 0) return "a cost cannot be negative";
  if (cost > rule.burst) return "a cost cannot exceed the rule's burst (it would never be allowed)";
  return "";
}

int64_t retry_after_seconds(int64_t retry_after_ms) {
  if (retry_after_ms <= 1000) return 1;
  return (retry_after_ms + 999) / 1000;
}

std::string RateLimiter::redis_key(const std::string& bucket, const std::string& key) {
  return "jb:rl:" + bucket + ":" + key;
}

Result<LimitDecision> RateLimiter::run(const std::string& bucket, const std::string& key,
                                       const LimitRule& rule, int64_t cost, bool write) {
  if (auto why = check_rule(rule, cost); !why.empty())
    return Error(errc::invalid_request, "Rate limit '" + bucket + "': " + why + ".", 500);
  auto c = redis_.acquire();
  auto r = kTake.run(*c, {redis_key(bucket, key)},
                     {std::to_string(rule.burst), std::to_string(rule.per_period_ms),
                      std::to_string(cost), write ? "1" : "0"});
  if (!r.ok()) return r.error();
  if (!r->is_array() || r->elements.size() != 4)
    return Error(errc::redis_protocol, "The rate limit script answered an unexpected shape.");
  LimitDecision d;
  d.allowed = r->elements[0].integer == 1;
  d.retry_after_ms = r->elements[1].integer;
  d.remaining = r->elements[2].integer;
  d.reset_after_ms = r->elements[3].integer;
  return d;
}

Result<LimitDecision> RateLimiter::take(const std::string& bucket, const std::string& key,
                                        const LimitRule& rule, int64_t cost) {
  return run(bucket, key, rule, cost, true);
}

Result<LimitDecision> RateLimiter::peek(const std::string& bucket, const std::string& key,
                                        const LimitRule& rule, int64_t cost) {
  return run(bucket, key, rule, cost, false);
}

Status RateLimiter::reset(const std::string& bucket, const std::string& key) {
  auto r = redis_.command({"DEL", redis_key(bucket, key)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb
