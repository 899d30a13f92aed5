// worker_registry.h — liveness of sync workers, shared through Redis.
//
// Each worker calls heartbeat() every interval; its entry expires ttl_ms later
// (by the Redis server's clock, so worker clock skew does not matter).
// count_live() removes expired entries and counts the rest. deregister() is
// called on graceful shutdown so the count drops at once; a SIGKILLed worker
// drops out when its TTL passes.
//
// Thread-safety: stateless functions over the caller's connection.
#pragma once

#include <string>
#include <vector>

#include "common/redis/client.h"

namespace jb::workers {

Status heartbeat(RedisConnection& c, const std::string& worker_id, int ttl_ms);
Result<int64_t> count_live(RedisConnection& c);
Result<std::vector<std::string>> list_live(RedisConnection& c);
Status deregister(RedisConnection& c, const std::string& worker_id);

}  // namespace jb::workers
