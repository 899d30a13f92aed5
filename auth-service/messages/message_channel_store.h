// message_channel_store.h — the account messages' channels an admin configures
// (issue 14, Messages): one per type (email, discord, telegram, matrix,
// webhook; common/notify/message_delivery.h). The secret (Discord webhook URL,
// Telegram bot token, Matrix access token, webhook HMAC key) is sealed by the
// vault with the associated data "msg-channel:<type>", never in clear in
// Redis; sync-worker gets it through the vault RPC (message_channel).
//
// Redis key:
//   jb:msg:channels  hash  type → JSON {type, enabled, url, kinds,
//                    secret_sealed, updated_at (unix ms)}
// sync-worker reads the non-secret fields (type, enabled, kinds) to fan a
// message out (sync-worker/message_step.h).
//
// Thread-safety: thread-safe (state in Redis, RedisPool; the vault is immutable).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth-service/vault/vault.h"
#include "common/core/result.h"
#include "common/notify/message_delivery.h"
#include "common/notify/notification.h"
#include "common/redis/client.h"

namespace jb::auth {

inline const char* kMessageChannelsKey = "jb:msg:channels";

struct MessageChannel {
  std::string type, url;
  bool enabled = true;
  std::vector<std::string> kinds;
  bool has_secret = false;
  int64_t updated_ms = 0;
};

class MessageChannelStore {
 public:
  MessageChannelStore(RedisPool& redis, const Vault& vault) : redis_(redis), vault_(vault) {}

  Result<std::vector<MessageChannel>> list();
  Result<std::optional<MessageChannel>> get(const std::string& type);
  // Stores validated settings (msg::validate_channel); an empty secret keeps the stored one.
  Result<MessageChannel> put(const msg::ChannelSettings& s);
  Result<bool> remove(const std::string& type);
  // The enabled channel with its secret opened, for the worker (nullopt: none or disabled).
  Result<std::optional<notify::Target>> target(const std::string& type);

 private:
  RedisPool& redis_;
  const Vault& vault_;
};

}  // namespace jb::auth
