// health.h — GET /api/v1/health: the state of each dependency, checked live.
//
//   {"status":"ok"|"degraded","redis":"ok"|"error","library_service":"ok"|"error",
//    "workers":2,"admin_connection":{"status":"ok",...},"errors":{"library_service":"..."}}
//
// redis: a PING; library_service: a real ZeroMQ RPC round trip ("ping");
// workers: live heartbeats in Redis; admin_connection: the last check of the
// account-management credential (accounts/admin_access.h; it does not make the
// status degraded: the suite works without it). Always 200: the body says what is wrong.
//
// Thread-safety: check() is called concurrently from handler threads; it uses
// only thread-safe pools.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/net/rpc_pool.h"
#include "common/redis/client.h"

namespace jb::auth {

struct HealthReport {
  bool redis_ok = false;
  bool library_ok = false;
  std::optional<int64_t> workers;  // nullopt when Redis is down
  std::string redis_error, library_error;
  std::string admin_connection;  // a JSON object, or "" (not shown)
};

// Pure: the JSON body for a report.
std::string health_json(const HealthReport& r);

class HealthChecker {
 public:
  HealthChecker(RedisPool& redis, RpcClientPool& library) : redis_(redis), library_(library) {}
  HealthReport check();
  // The admin connection's last state as a JSON object (call before serving).
  void set_admin_state(std::function<std::string()> f) { admin_ = std::move(f); }

 private:
  std::function<std::string()> admin_;
  RedisPool& redis_;
  RpcClientPool& library_;
};

}  // namespace jb::auth
