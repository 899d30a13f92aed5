// redis_dump.h — test support: every key and value in a Redis database as one
// text (keys, string values, hash fields and values, set/zset/list members,
// stream entries), for tests that prove a secret is not stored in clear.
//
// Thread-safety: uses the caller's connection.
#pragma once

#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::testing {

Result<std::string> redis_dump(RedisConnection& redis);

}  // namespace jb::testing
