// channel_store.h — each user's notification channels (ntfy, Gotify, webhook;
// common/notify/notification.h), in Redis. The secret (ntfy token, Gotify
// application token, webhook secret) is sealed by the vault with the
// associated data "<user id>:<channel id>", so it is never in clear in Redis
// and a sealed value copied to another channel or user does not open.
//
// Redis keys:
//   jb:notify:channels:<uid>  hash  channel id → JSON {id, type, name, url,
//                             events, created_at, secret_sealed}
//   jb:notify:routes:<uid>    hash  channel id → ",event,event," or "*" (every
//                             event): what the outbox's script reads (outbox.h)
// Both are written together (MULTI) so they always agree.
//
// Thread-safety: thread-safe (state in Redis, RedisPool; the vault is immutable).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth-service/vault/vault.h"
#include "common/core/result.h"
#include "common/notify/notification.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* channel_limit = "channel_limit";  // 409: too many channels
}  // namespace jb::errc

namespace jb::auth {

struct NotifyChannel {
  std::string id, user_id, type, name, url;
  std::vector<std::string> events;  // empty = every event
  int64_t created_ms = 0;
  bool has_secret = false;
};

class ChannelStore {
 public:
  ChannelStore(RedisPool& redis, const Vault& vault, int64_t max_per_user)
      : redis_(redis), vault_(vault), max_(max_per_user) {}

  Result<std::vector<NotifyChannel>> list(const std::string& user_id);
  Result<std::optional<NotifyChannel>> get(const std::string& user_id, const std::string& id);
  // Stores a validated channel (notify::validate) with its secret sealed; channel_limit at the cap.
  Result<NotifyChannel> create(const std::string& user_id, const notify::ChannelInput& in);
  Result<bool> remove(const std::string& user_id, const std::string& id);
  // The channel with its secret opened, for the worker (through the vault RPC).
  Result<std::optional<notify::Target>> target(const std::string& user_id, const std::string& id);

  // After a vault key rotation (`auth-service rotate-vault`): re-seals every
  // channel secret not under the primary key yet; answers how many changed.
  Result<int> reseal();

  static std::string channels_key(const std::string& user_id);
  static std::string routes_key(const std::string& user_id);

 private:
  Result<std::optional<std::string>> raw(const std::string& user_id, const std::string& id);
  RedisPool& redis_;
  const Vault& vault_;
  int64_t max_;
};

}  // namespace jb::auth
