// config.h — sync-worker configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "common/config.h"
#include "common/service_config.h"

namespace jb::worker {

struct Config {
  CommonConfig common;
  std::string worker_id;                         // JB_WORKER_ID (default: hostname-pid)
  uint16_t admin_port = 9102;                    // JB_ADMIN_PORT
  int heartbeat_interval_ms = 1000;              // JB_HEARTBEAT_INTERVAL_MS
  int heartbeat_ttl_ms = 5000;                   // JB_HEARTBEAT_TTL_MS
  int64_t lease_ms = 30000;                      // JB_WORK_LEASE_MS: idle time before others claim
  int max_deliveries = 5;                        // JB_WORK_MAX_DELIVERIES: then dead-letter
  std::string events_url = "tcp://127.0.0.1:5557";  // JB_EVENTS_URL (auth-service's SUB)
};

Config load_config(ConfigReader& r);

}  // namespace jb::worker
