// capped_set.h — a Redis set with a maximum size, for per-user caps (a user's
// connections, a user's pairs): add a member only while the set has fewer
// than `cap` members, atomically (one Lua script), so concurrent adds can
// never take the set beyond its cap. A member already in the set is always
// admitted (saving an existing object again is not a new one). The keys are
// the owning stores' (they call this with their own key).
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb {

// True when `member` is (now) in the set at `key`; false when the set is full.
// cap <= 0 means no cap (a plain SADD).
Result<bool> capped_set_add(RedisPool& redis, const std::string& key, const std::string& member,
                            int64_t cap);

}  // namespace jb
