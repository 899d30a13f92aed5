// health.h — GET /api/v1/health: the state of each dependency, checked live.
//
//   {"status":"ok"|"degraded","redis":"ok"|"error","library_service":"ok"|"error",
//    "workers":2,"errors":{"library_service":"..."}}
//
// redis: a PING; library_service: a real ZeroMQ RPC round trip ("ping");
// workers: live heartbeats in Redis. Always 200: the body says what is wrong.
//
// Thread-safety: check() is called concurrently from handler threads; it uses
// only thread-safe pools.
#pragma once

#include <cstdint>
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
};

// Pure: the JSON body for a report.
std::string health_json(const HealthReport& r);

class HealthChecker {
 public:
  HealthChecker(RedisPool& redis, RpcClientPool& library) : redis_(redis), library_(library) {}
  HealthReport check();

 private:
  RedisPool& redis_;
  RpcClientPool& library_;
};

}  // namespace jb::auth
