// config.h — library-service configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "common/core/config.h"
#include "common/jellyfin/vault_client.h"
#include "common/net/bus_config.h"
#include "common/net/events.h"
#include "common/service/config.h"

namespace jb::library {

struct Config {
  CommonConfig common;
  std::string rpc_bind = "tcp://127.0.0.1:5556";  // JB_LIBRARY_RPC_BIND
  int rpc_threads = 8;                            // JB_LIBRARY_RPC_THREADS
  CurveServerConfig rpc_curve;  // JB_LIBRARY_RPC_SERVER_SECRET_KEY, JB_LIBRARY_RPC_CLIENT_KEYS
  int64_t rpc_max_msg_bytes = kDefaultRpcMaxMsgBytes;  // JB_ZMQ_MAX_MSG_BYTES
  uint16_t admin_port = 9101;                          // JB_ADMIN_PORT
  std::string events_url = "tcp://127.0.0.1:5557";     // JB_EVENTS_URL
  CurveClientConfig events_curve;  // JB_EVENTS_SERVER_PUBLIC_KEY, JB_EVENTS_CLIENT_SECRET_KEY
  int64_t events_max_msg_bytes = kDefaultEventMaxMsgBytes;  // JB_EVENTS_MAX_MSG_BYTES
  VaultClientConfig vault;                                  // JB_VAULT_*
  HttpClientOptions jellyfin_http;  // JB_JELLYFIN_TIMEOUT_MS (30 s), _TLS_VERIFY, _CA_FILE
  ServerBudgetOptions budget;       // JB_SERVER_CONCURRENCY
  int page_size = 1000;             // JB_INDEX_PAGE_SIZE (500-1000)
  int64_t refresh_s = 900;          // JB_INDEX_REFRESH_S
  int64_t full_rebuild_s = 86400;   // JB_INDEX_FULL_REBUILD_S
  int tick_ms = 1000;               // JB_INDEX_TICK_MS
  int concurrency = 2;              // JB_INDEX_CONCURRENCY
};

Config load_config(ConfigReader& r);

}  // namespace jb::library
