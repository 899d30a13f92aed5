// connection_store.h — connections in Redis.
//
//   jb:conn:<id>            hash (connection.h fields; secrets only sealed)
//   jb:user:<uid>:conns     set of the user's connection ids
//   jb:conn:due             zset id → next background check (ms)
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth-service/connections/connection.h"
#include "common/redis.h"
#include "common/result.h"

namespace jb::auth {

class ConnectionStore {
 public:
  explicit ConnectionStore(RedisPool& redis) : redis_(redis) {}

  Status save(const Connection& c);
  Result<std::optional<Connection>> get(const std::string& id);
  // Only when owned by `owner` (another user's id looks exactly like an unknown one).
  Result<std::optional<Connection>> get_owned(const std::string& id, const std::string& owner);
  Result<std::vector<Connection>> list(const std::string& owner);
  Status remove(const Connection& c);
  // Atomically takes up to `limit` connections due for a check and pushes their
  // due time `lease_ms` ahead, so concurrent checkers never take the same one.
  Result<std::vector<std::string>> claim_due(int64_t now_ms, int64_t lease_ms, int limit);
  // Every connection id (for vault key rotation).
  Result<std::vector<std::string>> all_ids();

  static bool valid_id(const std::string& id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
