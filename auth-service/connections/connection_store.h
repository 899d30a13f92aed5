// connection_store.h — connections in Redis.
//
//   jb:conn:<id>            hash (connection.h fields; secrets only sealed)
//   jb:user:<uid>:conns     set of the user's connection ids
//   jb:conn:due             zset id → next background check (ms)
//   jb:conn:<id>:qcpoll     str  gate: a pending Quick Connect approval is polled at most this often
//
// (The home sign-in's keys are in home_signin.h.)
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth-service/connections/connection.h"
#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::auth {

class ConnectionStore {
 public:
  explicit ConnectionStore(RedisPool& redis) : redis_(redis) {}

  // Writes the connection; it is on the due list for checks exactly when
  // next_check_ms > 0. `also`: further commands sent in the same pipeline (one
  // round trip), e.g. the keys that point at the connection.
  Status save(const Connection& c, std::vector<RedisArgv> also = {});
  Result<std::optional<Connection>> get(const std::string& id);
  // Only when owned by `owner` (another user's id looks exactly like an unknown one).
  Result<std::optional<Connection>> get_owned(const std::string& id, const std::string& owner);
  Result<std::vector<Connection>> list(const std::string& owner);
  Status remove(const Connection& c);
  // How many connections the user has (their set's size).
  Result<int64_t> count(const std::string& owner);
  // Adds `id` to the owner's set unless it already holds `cap` ids (atomic:
  // common/redis/capped_set.h); false when full. save() then writes the rest.
  Result<bool> claim_slot(const std::string& owner, const std::string& id, int64_t cap);
  // Atomically takes up to `limit` connections due for a check and pushes their
  // due time `lease_ms` ahead, so concurrent checkers never take the same one.
  Result<std::vector<std::string>> claim_due(int64_t now_ms, int64_t lease_ms, int limit);
  // Drops an id from the due list (a connection deleted under a checker).
  Status forget_due(const std::string& id);
  // Every connection id (for vault key rotation).
  Result<std::vector<std::string>> all_ids();

  static bool valid_id(const std::string& id);
  static std::string qc_poll_key(const std::string& id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
