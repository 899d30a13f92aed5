// config.h — library-service configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "common/core/config.h"
#include "common/jellyfin/vault_client.h"
#include "common/service/config.h"

namespace jb::library {

struct Config {
  CommonConfig common;
  std::string rpc_bind = "tcp://0.0.0.0:5556";      // JB_LIBRARY_RPC_BIND
  int rpc_threads = 8;                              // JB_LIBRARY_RPC_THREADS
  uint16_t admin_port = 9101;                       // JB_ADMIN_PORT
  std::string events_url = "tcp://127.0.0.1:5557";  // JB_EVENTS_URL
  VaultClientConfig vault;                          // JB_VAULT_*
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
