// stack.h — test support: the whole suite on loopback for end-to-end tests:
// a real redis-server, library-service, auth-service (with a freshly generated
// vault master key and CURVE keys) and any number of sync-workers, each a real
// binary. Nothing guesses a free port: the ZeroMQ endpoints are ipc:// sockets
// in a folder of the stack's own (known before anything starts, so start
// order does not matter), and auth-service binds HTTP port 0 and reports the
// port it got in its ready line. Jellyfin stand-ins are started separately
// (standin.h) and passed in as the home server URL.
//
// Thread-safety: one test thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/net/events.h"
#include "common/net/http_client.h"
#include "common/net/rpc.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

namespace jb::testing {

// Every CURVE key pair of the internal bus: the servers' (vault, library-service's
// RPC, auth-service's events channel) and the clients' (one per service, used for
// every server it talks to).
struct StackKeys {
  std::string master_key;  // "id:base64"
  CurveKeyPair vault_server, library_client, worker_client;
  CurveKeyPair library_server, events_server, auth_client;
};
StackKeys generate_stack_keys();

class Stack {
 public:
  Stack();
  ~Stack();

  RedisServer redis;
  StackKeys keys;
  TempDir sockets;
  std::string rpc_endpoint, events_endpoint, vault_endpoint;  // ipc://…
  int http_port = 0;  // auth-service's, known once start_auth() returns
  std::unique_ptr<Process> library, auth;
  std::vector<std::unique_ptr<Process>> workers;
  HttpClient http;

  std::map<std::string, std::string> base_env() const;
  std::map<std::string, std::string> vault_client_env(const CurveKeyPair& client) const;
  // The keys each service needs (what start_library/start_auth/start_worker pass),
  // for tests that start a replica with an environment of their own.
  std::map<std::string, std::string> library_keys_env() const;
  std::map<std::string, std::string> auth_keys_env() const;
  std::map<std::string, std::string> worker_keys_env() const;
  // The environment of another auth-service replica on this stack's Redis: its own
  // HTTP port (0), events and vault endpoints ("<name>-events", "<name>-vault"), the keys.
  std::map<std::string, std::string> auth_replica_env(const std::string& name) const;
  // A client of library-service's RPC / a publisher on the events channel with
  // this key pair (allowed: keys.auth_client, keys.worker_client; keys.library_client
  // for events); nullopt = no CURVE at all.
  RpcClientOptions library_rpc_options(const std::optional<CurveKeyPair>& client) const;
  EventPublisherOptions events_options(const std::optional<CurveKeyPair>& client) const;
  bool start_library(std::map<std::string, std::string> extra = {});
  bool start_auth(std::map<std::string, std::string> extra = {});
  Process* start_worker(const std::string& id, std::map<std::string, std::string> extra = {});

  std::string api(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(http_port) + path;
  }
  // Another ipc:// endpoint in the stack's folder (a replica's own sockets).
  std::string fresh_endpoint(const std::string& name) const;
  Result<json::Document> get_json(const std::string& path);
  // Everything the service processes printed so far (for secret scans).
  std::vector<std::string> all_logs();
};

}  // namespace jb::testing
