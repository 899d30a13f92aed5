// config.cpp — see config.h.
#include "library-service/config.h"

namespace jb::library {

Config load_config(ConfigReader& r) {
  Config c;
  c.common = load_common_config(r);
  c.rpc_bind = r.zmq_endpoint("JB_LIBRARY_RPC_BIND", c.rpc_bind);
  c.rpc_threads = static_cast<int>(r.integer("JB_LIBRARY_RPC_THREADS", c.rpc_threads, 1, 256));
  c.rpc_curve = load_curve_server(r, "JB_LIBRARY_RPC_SERVER_SECRET_KEY",
                                  "JB_LIBRARY_RPC_CLIENT_KEYS", "library-service's RPC");
  c.rpc_max_msg_bytes = load_rpc_max_msg_bytes(r);
  c.admin_port = r.port("JB_ADMIN_PORT", c.admin_port);
  c.events_url = r.zmq_endpoint("JB_EVENTS_URL", c.events_url);
  c.events_curve = load_curve_client(r, "JB_EVENTS_SERVER_PUBLIC_KEY",
                                     "JB_EVENTS_CLIENT_SECRET_KEY", "the events channel");
  c.events_max_msg_bytes = load_events_max_msg_bytes(r);
  c.vault = load_vault_client_config(r);
  c.jellyfin_http = load_jellyfin_http(r, 30000);
  c.budget = load_server_budget(r);
  c.page_size = static_cast<int>(r.integer("JB_INDEX_PAGE_SIZE", c.page_size, 1, 1000));
  c.refresh_s = r.integer("JB_INDEX_REFRESH_S", c.refresh_s, 10, 7 * 86400);
  c.full_rebuild_s = r.integer("JB_INDEX_FULL_REBUILD_S", c.full_rebuild_s, 60, 30 * 86400);
  c.tick_ms = static_cast<int>(r.integer("JB_INDEX_TICK_MS", c.tick_ms, 20, 60000));
  c.concurrency = static_cast<int>(r.integer("JB_INDEX_CONCURRENCY", c.concurrency, 1, 64));
  return c;
}

}  // namespace jb::library
