// vault_client.h — how library-service and the workers obtain a connection's
// Jellyfin credentials: a CURVE-authenticated RPC to auth-service's vault.
// Configuration: JB_VAULT_RPC_URL, JB_VAULT_SERVER_PUBLIC_KEY (the vault's
// CURVE public key), JB_VAULT_CLIENT_SECRET_KEY (this service's CURVE secret
// key; its public key must be in the vault's JB_VAULT_CLIENT_KEYS).
// Credentials (and notification channels' secrets) are kept in memory only for
// the job that needs them.
//
// Thread-safety: thread-safe (a pool of RPC clients).
#pragma once

#include <memory>
#include <string>

#include "common/core/config.h"
#include "common/core/result.h"
#include "common/net/rpc_pool.h"
#include "common/notify/notification.h"

namespace jb {

struct VaultCredentials {
  std::string connection_id, owner, server_url, server_id, user_id, device_id, method, status;
  std::string token;  // secret
};

struct VaultClientConfig {
  std::string url = "tcp://127.0.0.1:5558";
  CurveKeyPair client;
  std::string server_public;
  int timeout_ms = 2000;
  int64_t max_msg_bytes = kDefaultRpcMaxMsgBytes;  // JB_ZMQ_MAX_MSG_BYTES
};

// Reads the variables above; problems go to the reader (exit 2 at start-up).
VaultClientConfig load_vault_client_config(ConfigReader& r);

class VaultClient {
 public:
  VaultClient(zmq::context_t& ctx, const VaultClientConfig& cfg);
  Result<VaultCredentials> credentials(const std::string& connection_id);
  // A user's notification channel with its secret (the vault's notify_channel;
  // 404 channel_not_found when it was deleted).
  Result<notify::Target> notify_channel(const std::string& user_id, const std::string& channel_id);
  // An account messages' channel with its secret (the vault's message_channel;
  // 404 channel_not_found when it is not configured or disabled).
  Result<notify::Target> message_channel(const std::string& type);

 private:
  RpcClientPool pool_;
};

}  // namespace jb
