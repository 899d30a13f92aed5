// vault_client.cpp — see vault_client.h.
#include "common/jellyfin/vault_client.h"

#include "common/core/json.h"
#include "common/net/bus_config.h"
#include "common/net/rpc.h"

namespace jb {

VaultClientConfig load_vault_client_config(ConfigReader& r) {
  VaultClientConfig c;
  c.url = r.zmq_endpoint("JB_VAULT_RPC_URL", c.url);
  auto keys =
      load_curve_client(r, "JB_VAULT_SERVER_PUBLIC_KEY", "JB_VAULT_CLIENT_SECRET_KEY", "the vault");
  c.client = keys.client;
  c.server_public = keys.server_public;
  c.timeout_ms = static_cast<int>(r.integer("JB_RPC_TIMEOUT_MS", c.timeout_ms, 50, 60000));
  c.max_msg_bytes = load_rpc_max_msg_bytes(r);
  return c;
}

namespace {
RpcClientOptions options(const VaultClientConfig& cfg) {
  RpcClientOptions o;
  o.endpoint = cfg.url;
  o.timeout_ms = cfg.timeout_ms;
  o.attempts = 2;
  o.peer_name = "the vault (auth-service)";
  o.curve = cfg.client;
  o.server_public_z85 = cfg.server_public;
  o.max_msg_bytes = cfg.max_msg_bytes;
  return o;
}
}  // namespace

VaultClient::VaultClient(zmq::context_t& ctx, const VaultClientConfig& cfg)
    : pool_(ctx, options(cfg), 16) {}

Result<VaultCredentials> VaultClient::credentials(const std::string& connection_id) {
  json::Writer w;
  w.begin_object().kv("connection_id", connection_id).end_object();
  auto r = pool_.call("credentials", w.str());
  if (!r.ok()) return r.error();
  auto d = json::parse(*r);
  if (!d.ok()) return Error(jb::errc::rpc_protocol, "The vault sent an unreadable answer.", 502);
  VaultCredentials c;
  c.connection_id = json::get_string(*d, "connection_id");
  c.owner = json::get_string(*d, "owner");
  c.server_url = json::get_string(*d, "server_url");
  c.server_id = json::get_string(*d, "server_id");
  c.user_id = json::get_string(*d, "user_id");
  c.device_id = json::get_string(*d, "device_id");
  c.method = json::get_string(*d, "method");
  c.status = json::get_string(*d, "status");
  c.token = json::get_string(*d, "token");
  return c;
}

Result<notify::Target> VaultClient::notify_channel(const std::string& user_id,
                                                   const std::string& channel_id) {
  json::Writer w;
  w.begin_object().kv("user_id", user_id).kv("channel_id", channel_id).end_object();
  auto r = pool_.call("notify_channel", w.str());
  if (!r.ok()) return r.error();
  auto d = json::parse(*r);
  if (!d.ok()) return Error(jb::errc::rpc_protocol, "The vault sent an unreadable answer.", 502);
  return notify::Target{json::get_string(*d, "type"), json::get_string(*d, "url"),
                        json::get_string(*d, "secret")};
}

Result<notify::Target> VaultClient::message_channel(const std::string& type) {
  json::Writer w;
  w.begin_object().kv("type", type).end_object();
  auto r = pool_.call("message_channel", w.str());
  if (!r.ok()) return r.error();
  auto d = json::parse(*r);
  if (!d.ok()) return Error(jb::errc::rpc_protocol, "The vault sent an unreadable answer.", 502);
  return notify::Target{json::get_string(*d, "type"), json::get_string(*d, "url"),
                        json::get_string(*d, "secret")};
}

}  // namespace jb
