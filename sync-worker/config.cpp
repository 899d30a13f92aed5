// config.cpp — see config.h.
#include "sync-worker/config.h"

#include <unistd.h>

namespace jb::worker {

Config load_config(ConfigReader& r) {
  Config c;
  c.common = load_common_config(r);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  c.worker_id = r.str("JB_WORKER_ID", std::string(host) + "-" + std::to_string(getpid()));
  c.admin_port = r.port("JB_ADMIN_PORT", c.admin_port);
  c.heartbeat_interval_ms =
      static_cast<int>(r.integer("JB_HEARTBEAT_INTERVAL_MS", c.heartbeat_interval_ms, 50, 60000));
  c.heartbeat_ttl_ms =
      static_cast<int>(r.integer("JB_HEARTBEAT_TTL_MS", c.heartbeat_ttl_ms, 100, 600000));
  if (c.heartbeat_ttl_ms <= c.heartbeat_interval_ms)
    r.add_problem("JB_HEARTBEAT_TTL_MS",
                  "config error: JB_HEARTBEAT_TTL_MS must be larger than JB_HEARTBEAT_INTERVAL_MS");
  c.lease_ms = r.integer("JB_WORK_LEASE_MS", c.lease_ms, 100, 3600000);
  c.max_deliveries =
      static_cast<int>(r.integer("JB_WORK_MAX_DELIVERIES", c.max_deliveries, 1, 100));
  c.events_url = r.zmq_endpoint("JB_EVENTS_URL", c.events_url);
  c.events_curve = load_curve_client(r, "JB_EVENTS_SERVER_PUBLIC_KEY",
                                     "JB_EVENTS_CLIENT_SECRET_KEY", "the events channel");
  c.events_max_msg_bytes = load_events_max_msg_bytes(r);
  c.library_rpc_url = r.zmq_endpoint("JB_LIBRARY_RPC_URL", c.library_rpc_url);
  c.library_curve = load_curve_client(r, "JB_LIBRARY_RPC_SERVER_PUBLIC_KEY",
                                      "JB_LIBRARY_RPC_CLIENT_SECRET_KEY", "library-service's RPC");
  c.rpc_max_msg_bytes = load_rpc_max_msg_bytes(r);
  c.vault = load_vault_client_config(r);
  c.jellyfin_http = load_jellyfin_http(r, 30000);
  c.notify_http.timeout_ms = r.integer("JB_NOTIFY_TIMEOUT_MS", 10000, 100, 120000);
  // Account messages' retries (message_step.h).
  c.msg_retry_base_ms = r.integer("JB_MSG_RETRY_BASE_MS", c.msg_retry_base_ms, 10, 3600000);
  c.msg_max_attempts =
      static_cast<int>(r.integer("JB_MSG_MAX_ATTEMPTS", c.msg_max_attempts, 1, 50));
  c.notify_http.max_response_bytes = 64 << 10;
  c.notify_http.user_agent = "Jellybridge-Notifications/0.1";
  c.notify_http.outbound = load_outbound_policy(r, "");
  c.smtp = load_smtp_options(r);
  c.budget = load_server_budget(r);
  c.sync.page_size = static_cast<int>(r.integer("JB_SYNC_PAGE_SIZE", c.sync.page_size, 10, 1000));
  c.sync.list_pages_at_once =
      static_cast<int>(r.integer("JB_SYNC_LIST_CONCURRENCY", c.sync.list_pages_at_once, 1, 64));
  c.sync.apply_batch =
      static_cast<int>(r.integer("JB_SYNC_APPLY_BATCH", c.sync.apply_batch, 1, 100));
  c.sync.index_wait_ms = r.integer("JB_SYNC_INDEX_WAIT_MS", c.sync.index_wait_ms, 100, 3600000);
  c.sync.index_max_age_ms =
      r.integer("JB_SYNC_INDEX_MAX_AGE_MS", c.sync.index_max_age_ms, 0, 86400000);
  c.sync.max_deliveries = c.max_deliveries;
  c.normal_lane_nice = static_cast<int>(r.integer("JB_SYNC_SCAN_NICE", c.normal_lane_nice, 0, 19));
  c.schedule_tick_ms =
      static_cast<int>(r.integer("JB_SCHEDULE_TICK_MS", c.schedule_tick_ms, 50, 600000));
  // Account expiry (expiry_step.h).
  const std::string action = r.str("JB_EXPIRY_ACTION", "disable");
  if (action != "disable" && action != "delete")
    r.add_problem("JB_EXPIRY_ACTION", "must be disable or delete");
  c.expiry.delete_on_expiry = action == "delete";
  c.expiry.delete_after_days =
      static_cast<int>(r.integer("JB_EXPIRY_DELETE_AFTER_DAYS", 0, 0, 3650));
  if (auto days = parse_reminder_days(r.str("JB_EXPIRY_REMINDER_DAYS", "7,1")); days.ok())
    c.expiry.reminder_days = *days;
  else
    r.add_problem("JB_EXPIRY_REMINDER_DAYS", days.error().message);
  c.account_sweep_interval_s =
      r.integer("JB_ACCOUNT_SWEEP_INTERVAL_S", c.account_sweep_interval_s, 1, 604800);
  // Account work (bulk jobs): reset links' address, and the account clock.
  c.public_url = r.http_url("JB_PUBLIC_URL", "", true);
  c.test_clock = r.boolean("JB_TEST_CLOCK", c.test_clock);
  return c;
}

}  // namespace jb::worker
