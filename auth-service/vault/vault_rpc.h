// vault_rpc.h — the vault's ZeroMQ RPC: the only way other services obtain a
// connection's Jellyfin credentials. It is served on a CURVE-encrypted ROUTER
// whose ZAP handler admits only the allow-listed service keys
// (JB_VAULT_CLIENT_KEYS); a peer without an allowed key never completes the
// handshake and gets nothing.
//
// Methods:
//   ping        → {"service":"vault"}
//   credentials {"connection_id"} → {"connection_id","server_url","server_id",
//               "user_id","device_id","method","token"}
//               404 unknown; 409 when the connection is not usable (pending/expired)
//   notify_channel {"user_id","channel_id"} → {"type","url","secret"}: a
//               notification channel with its secret opened (sync-worker's
//               delivery, notify_step.h); 404 when the channel is gone. An
//               email channel answers url "mailto:<the user's confirmed
//               address>", looked up now; without a confirmed address (removed
//               or changed since) it answers 404 as for a deleted channel, so
//               the worker drops the notification (logged, address masked)
//   message_channel {"type"} → {"type","url","secret"}: an account messages'
//               channel an admin configured (auth-service/messages), its
//               secret opened (sync-worker's delivery, message_step.h); 404
//               channel_not_found when it is not configured or disabled
//
// Thread-safety: dispatch() is called concurrently from RPC pool threads.
#pragma once

#include <string>

#include "auth-service/connections/connection_store.h"
#include "auth-service/messages/message_channel_store.h"
#include "auth-service/notify/channel_store.h"
#include "auth-service/security/email_store.h"
#include "auth-service/vault/vault.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* connection_not_active = "connection_not_active";  // 409
}  // namespace jb::errc

namespace jb::auth {

class VaultRpc {
 public:
  VaultRpc(ConnectionStore& store, const Vault& vault) : store_(store), vault_(vault) {}
  Result<std::string> dispatch(const std::string& method, const std::string& payload);
  // Serves notify_channel from these channels (set before serving; null: not served).
  void set_channels(ChannelStore* channels) { channels_ = channels; }
  // Where email channels deliver (set before serving; null: they are dropped).
  void set_emails(EmailStore* emails) { emails_ = emails; }
  // Serves message_channel from these channels (set before serving; null: not served).
  void set_message_channels(MessageChannelStore* m) { messages_ = m; }

 private:
  Result<std::string> credentials(const std::string& payload);
  Result<std::string> notify_channel(const std::string& payload);
  Result<std::string> message_channel(const std::string& payload);
  MessageChannelStore* messages_ = nullptr;
  ConnectionStore& store_;
  ChannelStore* channels_ = nullptr;
  EmailStore* emails_ = nullptr;
  const Vault& vault_;
};

}  // namespace jb::auth
