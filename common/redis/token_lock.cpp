// token_lock.cpp — see token_lock.h.
#include "common/redis/token_lock.h"

#include "common/redis/script.h"

namespace jb::token_lock {

namespace {

const RedisScript kRelease(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

const RedisScript kRenew(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
)lua");

}  // namespace

Result<bool> release(RedisConnection& c, const std::string& key, const std::string& token) {
  auto r = kRelease.run(c, {key}, {token});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<bool> renew(RedisConnection& c, const std::string& key, const std::string& token,
                   int64_t ttl_ms) {
  auto r = kRenew.run(c, {key}, {token, std::to_string(ttl_ms)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

}  // namespace jb::token_lock
