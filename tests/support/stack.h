// stack.h — test support: the whole suite on loopback for end-to-end tests:
// a real redis-server, library-service, auth-service (with a freshly generated
// vault master key and CURVE keys) and any number of sync-workers, each a real
// binary on free ports. Jellyfin stand-ins are started separately
// (standin.h) and passed in as the home server URL.
//
// Thread-safety: one test thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/net/http_client.h"
#include "common/net/rpc.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

namespace jb::testing {

struct StackKeys {
  std::string master_key;  // "id:base64"
  CurveKeyPair vault_server, library_client, worker_client;
};
StackKeys generate_stack_keys();

class Stack {
 public:
  Stack();
  ~Stack();

  RedisServer redis;
  StackKeys keys;
  int http_port, rpc_port, events_port, vault_port;
  std::unique_ptr<Process> library, auth;
  std::vector<std::unique_ptr<Process>> workers;
  HttpClient http;

  std::map<std::string, std::string> base_env() const;
  std::map<std::string, std::string> vault_client_env(const CurveKeyPair& client) const;
  bool start_library(std::map<std::string, std::string> extra = {});
  bool start_auth(std::map<std::string, std::string> extra = {});
  Process* start_worker(const std::string& id, std::map<std::string, std::string> extra = {});

  std::string api(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(http_port) + path;
  }
  std::string vault_endpoint() const { return "tcp://127.0.0.1:" + std::to_string(vault_port); }
  Result<json::Document> get_json(const std::string& path);
  // Everything the service processes printed so far (for secret scans).
  std::vector<std::string> all_logs();
};

}  // namespace jb::testing
