// due_set.cpp — see due_set.h.
#include "common/redis/due_set.h"

#include "common/redis/script.h"

namespace jb::due {

namespace {

// KEYS[1] due set; ARGV now, limit, fixed interval ms ("" = per member),
// record prefix, minutes field → the claimed members.
const RedisScript kClaimDue(R"lua(
local now = tonumber(ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local step
  if ARGV[3] ~= '' then
    step = tonumber(ARGV[3])
  else
    local minutes = tonumber(redis.call('HGET', ARGV[4] .. id, ARGV[5]) or '0') or 0
    step = minutes * 60000
  end
  if step > 0 then
    redis.call('ZADD', KEYS[1], now + step, id)
    out[#out + 1] = id
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
)lua");

Result<std::vector<std::string>> run(RedisConnection& c, const std::string& key,
                                     std::vector<std::string> args) {
  auto r = kClaimDue.run(c, {key}, args);
  if (!r.ok()) return r.error();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

}  // namespace

Result<std::vector<std::string>> claim_due(RedisConnection& c, const std::string& key,
                                           int64_t now_ms, int64_t interval_ms, int limit) {
  return run(c, key,
             {std::to_string(now_ms), std::to_string(limit), std::to_string(interval_ms), "", ""});
}

Result<std::vector<std::string>> claim_due_every(RedisConnection& c, const std::string& key,
                                                 int64_t now_ms, const std::string& record_prefix,
                                                 const std::string& minutes_field, int limit) {
  return run(c, key,
             {std::to_string(now_ms), std::to_string(limit), "", record_prefix, minutes_field});
}

}  // namespace jb::due
