// token_lock.h — keys held by a token (a lock, a run slot): only the holder
// whose random token is stored may renew or release it, each checked and done
// in one Lua call, so a holder whose key expired and was taken by another
// never frees or extends the new holder's. (Acquiring is a plain SET NX PX.)
//
// Thread-safety: stateless functions over the caller's connection.
#pragma once

#include <cstdint>
#include <string>

#include "common/redis/client.h"

namespace jb::token_lock {

// Deletes `key` if it holds `token`; true when it did.
Result<bool> release(RedisConnection& c, const std::string& key, const std::string& token);
// Sets `key`'s expiry to ttl_ms if it holds `token`; true when it did.
Result<bool> renew(RedisConnection& c, const std::string& key, const std::string& token,
                   int64_t ttl_ms);

}  // namespace jb::token_lock
