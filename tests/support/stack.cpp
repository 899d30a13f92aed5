// stack.cpp — see stack.h.
#include "tests/support/stack.h"

#include "common/core/crypto.h"
#include "tests/support/services.h"

namespace jb::testing {

StackKeys generate_stack_keys() {
  StackKeys k;
  k.master_key = crypto::KeyRing::format(crypto::KeyRing::generate("test1"));
  k.vault_server = curve_keypair();
  k.library_client = curve_keypair();
  k.worker_client = curve_keypair();
  k.library_server = curve_keypair();
  k.events_server = curve_keypair();
  k.auth_client = curve_keypair();
  return k;
}

Stack::Stack()
    : keys(generate_stack_keys()),
      rpc_endpoint(fresh_endpoint("library-rpc")),
      events_endpoint(fresh_endpoint("events")),
      vault_endpoint(fresh_endpoint("vault")) {}

std::string Stack::fresh_endpoint(const std::string& name) const {
  static int n = 0;
  return "ipc://" + sockets.path() + "/" + name + "-" + std::to_string(++n) + ".sock";
}

Stack::~Stack() = default;

std::map<std::string, std::string> Stack::base_env() const {
  return {{"JB_REDIS_URL", redis.url()},
          {"JB_LOG_LEVEL", "info"},
          // The stand-ins run on loopback, which production refuses (outbound_policy.h);
          // tests of the guard itself pass a narrower list.
          {"JB_OUTBOUND_ALLOW",
           "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, "
           "100.64.0.0/10, 127.0.0.0/8, ::1/128"},
          {"JB_ADMIN_HOST", "127.0.0.1"},
          {"JB_ADMIN_PORT", "0"},
          {"JB_LIBRARY_RPC_URL", rpc_endpoint},
          {"JB_EVENTS_URL", events_endpoint},
          // Public keys: harmless in every service's environment.
          {"JB_LIBRARY_RPC_SERVER_PUBLIC_KEY", keys.library_server.public_z85},
          {"JB_EVENTS_SERVER_PUBLIC_KEY", keys.events_server.public_z85}};
}

std::map<std::string, std::string> Stack::library_keys_env() const {
  auto env = vault_client_env(keys.library_client);
  env["JB_LIBRARY_RPC_SERVER_SECRET_KEY"] = keys.library_server.secret_z85;
  env["JB_LIBRARY_RPC_CLIENT_KEYS"] =
      keys.auth_client.public_z85 + "," + keys.worker_client.public_z85;
  env["JB_EVENTS_CLIENT_SECRET_KEY"] = keys.library_client.secret_z85;
  return env;
}

std::map<std::string, std::string> Stack::auth_replica_env(const std::string& name) const {
  auto env = base_env();
  env["JB_HTTP_HOST"] = "127.0.0.1";
  env["JB_HTTP_PORT"] = "0";
  env["JB_EVENTS_BIND"] = fresh_endpoint(name + "-events");
  env["JB_VAULT_RPC_BIND"] = fresh_endpoint(name + "-vault");
  for (auto& [k, v] : auth_keys_env()) env[k] = v;
  return env;
}

std::map<std::string, std::string> Stack::auth_keys_env() const {
  return {{"JB_MASTER_KEY", keys.master_key},
          {"JB_VAULT_SERVER_SECRET_KEY", keys.vault_server.secret_z85},
          {"JB_VAULT_CLIENT_KEYS",
           keys.library_client.public_z85 + "," + keys.worker_client.public_z85},
          {"JB_LIBRARY_RPC_CLIENT_SECRET_KEY", keys.auth_client.secret_z85},
          {"JB_EVENTS_SERVER_SECRET_KEY", keys.events_server.secret_z85},
          {"JB_EVENTS_CLIENT_KEYS",
           keys.library_client.public_z85 + "," + keys.worker_client.public_z85}};
}

std::map<std::string, std::string> Stack::worker_keys_env() const {
  auto env = vault_client_env(keys.worker_client);
  env["JB_LIBRARY_RPC_CLIENT_SECRET_KEY"] = keys.worker_client.secret_z85;
  env["JB_EVENTS_CLIENT_SECRET_KEY"] = keys.worker_client.secret_z85;
  return env;
}

RpcClientOptions Stack::library_rpc_options(const std::optional<CurveKeyPair>& client) const {
  RpcClientOptions o;
  o.endpoint = rpc_endpoint;
  o.peer_name = "library-service";
  o.curve = client;
  if (client) o.server_public_z85 = keys.library_server.public_z85;
  return o;
}

EventPublisherOptions Stack::events_options(const std::optional<CurveKeyPair>& client) const {
  EventPublisherOptions o;
  o.curve = client;
  if (client) o.server_public_z85 = keys.events_server.public_z85;
  return o;
}

std::map<std::string, std::string> Stack::vault_client_env(const CurveKeyPair& client) const {
  return {{"JB_VAULT_RPC_URL", vault_endpoint},
          {"JB_VAULT_SERVER_PUBLIC_KEY", keys.vault_server.public_z85},
          {"JB_VAULT_CLIENT_SECRET_KEY", client.secret_z85}};
}

bool Stack::start_library(std::map<std::string, std::string> extra) {
  auto env = base_env();
  env["JB_LIBRARY_RPC_BIND"] = rpc_endpoint;
  for (auto& [k, v] : library_keys_env()) env[k] = v;
  for (auto& [k, v] : extra) env[k] = v;
  library = start_service("library-service", env);
  return library != nullptr;
}

bool Stack::start_auth(std::map<std::string, std::string> extra) {
  auto env = base_env();
  env["JB_HTTP_HOST"] = "127.0.0.1";
  env["JB_HTTP_PORT"] = "0";
  env["JB_RPC_TIMEOUT_MS"] = "500";
  env["JB_EVENTS_BIND"] = events_endpoint;
  env["JB_VAULT_RPC_BIND"] = vault_endpoint;
  for (auto& [k, v] : auth_keys_env()) env[k] = v;
  env["JB_JELLYFIN_TIMEOUT_MS"] = "3000";
  for (auto& [k, v] : extra) env[k] = v;
  json::Document ready;
  auth = start_service("auth-service", env, &ready);
  if (!auth) return false;
  http_port = static_cast<int>(json::get_int(ready, "http_port"));
  return http_port > 0;
}

Process* Stack::start_worker(const std::string& id, std::map<std::string, std::string> extra) {
  auto env = base_env();
  env["JB_WORKER_ID"] = id;
  env["JB_HEARTBEAT_INTERVAL_MS"] = "200";
  env["JB_HEARTBEAT_TTL_MS"] = "1500";
  env["JB_WORK_LEASE_MS"] = "2000";
  for (auto& [k, v] : worker_keys_env()) env[k] = v;
  for (auto& [k, v] : extra) env[k] = v;
  auto p = start_service("sync-worker", env);
  if (!p) return nullptr;
  workers.push_back(std::move(p));
  return workers.back().get();
}

Result<json::Document> Stack::get_json(const std::string& path) {
  return testing::get_json(http, api(path));
}

std::vector<std::string> Stack::all_logs() {
  std::vector<std::string> out;
  for (Process* p : {library.get(), auth.get()})
    if (p)
      for (auto& l : p->lines()) out.push_back(l);
  for (auto& w : workers)
    for (auto& l : w->lines()) out.push_back(l);
  return out;
}

}  // namespace jb::testing
