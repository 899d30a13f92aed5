// config.h — settings every service reads the same way: Redis, log
// level, admin listener. Each service adds its own on top (see its config.h).
//
// Thread-safety: load once at start-up.
#pragma once

#include <memory>
#include <string>

#include "common/core/config.h"
#include "common/core/log.h"
#include "common/jellyfin/server_budget.h"
#include "common/net/http_client.h"
#include "common/redis/client.h"

namespace jb {

struct CommonConfig {
  RedisOptions redis;
  size_t redis_pool = 8;
  log::Level log_level = log::Level::info;
  std::string admin_host = "0.0.0.0";
  std::string server_name = "Jellyfin";  // JB_SERVER_NAME: {{server_name}} in account messages
};

// Reads JB_REDIS_URL, JB_REDIS_TIMEOUT_MS, JB_REDIS_POOL, JB_LOG_LEVEL, JB_ADMIN_HOST,
// JB_SERVER_NAME.
CommonConfig load_common_config(ConfigReader& r);

// Outbound Jellyfin HTTP for the back-end services: JB_JELLYFIN_TIMEOUT_MS,
// JB_JELLYFIN_TLS_VERIFY, JB_JELLYFIN_CA_FILE, and the outbound policy below
// (with JB_JELLYFIN_URL, when set, as the home server to pin).
HttpClientOptions load_jellyfin_http(ConfigReader& r, int default_timeout_ms);
// The SSRF guard's policy (common/net/outbound_policy.h): JB_OUTBOUND_ALLOW,
// JB_OUTBOUND_DENY, and the home server `home_url` ("" = none) resolved now,
// its addresses allowed at its port. A home server that does not resolve is
// logged and not pinned (the lists still decide about it).
std::shared_ptr<const net::OutboundPolicy> load_outbound_policy(ConfigReader& r,
                                                                const std::string& home_url);
// JB_SERVER_CONCURRENCY: the per-Jellyfin-server budget (server_budget.h).
ServerBudgetOptions load_server_budget(ConfigReader& r);

}  // namespace jb
