// capped_set.cpp — see capped_set.h.
#include "common/redis/capped_set.h"

#include "common/redis/script.h"

namespace jb {

namespace {
// KEYS[1] the set, ARGV[1] the member, ARGV[2] the cap. 1 admitted, 0 full.
const RedisScript kCappedAdd(R"lua(
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
)lua");
}  // namespace

Result<bool> capped_set_add(RedisPool& redis, const std::string& key, const std::string& member,
                            int64_t cap) {
  if (cap <= 0) {
    auto r = redis.command({"SADD", key, member});
    if (!r.ok()) return r.error();
    return true;
  }
  auto c = redis.acquire();
  auto r = kCappedAdd.run(*c, {key}, {member, std::to_string(cap)});
  if (!r.ok()) return r.error();
  if (!r->is_integer()) return Error(errc::redis_protocol, "capped_set_add: unexpected reply", 500);
  return r->integer == 1;
}

}  // namespace jb
