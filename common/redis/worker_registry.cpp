// worker_registry.cpp — see worker_registry.h.
#include "common/redis/worker_registry.h"

#include "common/redis/keys.h"
#include "common/redis/script.h"

namespace jb::workers {

namespace {
// Server time in ms, so every worker agrees on "now".
const RedisScript kHeartbeat(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now
)lua");

const RedisScript kLive(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
)lua");
}  // namespace

Status heartbeat(RedisConnection& c, const std::string& worker_id, int ttl_ms) {
  auto r = kHeartbeat.run(c, {keys::workers()}, {worker_id, std::to_string(ttl_ms)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<std::string>> list_live(RedisConnection& c) {
  auto r = kLive.run(c, {keys::workers()}, {});
  if (!r.ok()) return r.error();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

Result<int64_t> count_live(RedisConnection& c) {
  auto r = list_live(c);
  if (!r.ok()) return r.error();
  return static_cast<int64_t>(r->size());
}

Status deregister(RedisConnection& c, const std::string& worker_id) {
  auto r = c.command({"ZREM", keys::workers(), worker_id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb::workers
