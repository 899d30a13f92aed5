// config.h — auth-service configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "common/config.h"
#include "common/service_config.h"

namespace jb::auth {

struct Config {
  CommonConfig common;
  std::string http_host = "0.0.0.0";                   // JB_HTTP_HOST
  uint16_t http_port = 8080;                           // JB_HTTP_PORT
  int http_threads = 2;                                // JB_HTTP_THREADS (Pistache reactors)
  int handler_threads = 16;                            // JB_HANDLER_THREADS
  int64_t max_body_bytes = 1 << 20;                    // JB_HTTP_MAX_BODY_BYTES
  std::string library_rpc_url = "tcp://127.0.0.1:5556";  // JB_LIBRARY_RPC_URL
  int rpc_timeout_ms = 2000;                           // JB_RPC_TIMEOUT_MS
  std::string events_bind = "tcp://0.0.0.0:5557";     // JB_EVENTS_BIND
};

Config load_config(ConfigReader& r);

}  // namespace jb::auth
