// config.h — sync-worker configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "common/core/config.h"
#include "common/jellyfin/vault_client.h"
#include "common/net/bus_config.h"
#include "common/net/events.h"
#include "common/net/smtp_client.h"
#include "common/service/config.h"
#include "sync-worker/expiry_plan.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

struct Config {
  CommonConfig common;
  std::string worker_id;             // JB_WORKER_ID (default: hostname-pid)
  uint16_t admin_port = 9102;        // JB_ADMIN_PORT
  int heartbeat_interval_ms = 1000;  // JB_HEARTBEAT_INTERVAL_MS
  int heartbeat_ttl_ms = 5000;       // JB_HEARTBEAT_TTL_MS
  int64_t lease_ms = 30000;          // JB_WORK_LEASE_MS: idle time before others claim
  int max_deliveries = 5;            // JB_WORK_MAX_DELIVERIES: then dead-letter
  std::string events_url = "tcp://127.0.0.1:5557";  // JB_EVENTS_URL (auth-service's SUB)
  CurveClientConfig events_curve;  // JB_EVENTS_SERVER_PUBLIC_KEY, JB_EVENTS_CLIENT_SECRET_KEY
  int64_t events_max_msg_bytes = kDefaultEventMaxMsgBytes;  // JB_EVENTS_MAX_MSG_BYTES
  std::string library_rpc_url = "tcp://127.0.0.1:5556";     // JB_LIBRARY_RPC_URL
  CurveClientConfig library_curve;  // JB_LIBRARY_RPC_SERVER_PUBLIC_KEY, _CLIENT_SECRET_KEY
  int64_t rpc_max_msg_bytes = kDefaultRpcMaxMsgBytes;  // JB_ZMQ_MAX_MSG_BYTES
  VaultClientConfig vault;                             // JB_VAULT_*
  HttpClientOptions jellyfin_http;  // JB_JELLYFIN_TIMEOUT_MS (30 s), _TLS_VERIFY, _CA_FILE
  // Security notifications' receivers (notify_step.h): JB_NOTIFY_TIMEOUT_MS, and
  // the outbound policy without the home server pinned (JB_OUTBOUND_ALLOW/_DENY).
  HttpClientOptions notify_http;
  // Email notification channels' mail server: JB_SMTP_* (common/net/smtp_client.h),
  // the same settings as auth-service's; empty JB_SMTP_URL: email deliveries are
  // dead-lettered.
  SmtpOptions smtp;
  ServerBudgetOptions budget;   // JB_SERVER_CONCURRENCY
  SyncOptions sync;             // JB_SYNC_*
  int schedule_tick_ms = 5000;  // JB_SCHEDULE_TICK_MS
  int normal_lane_nice = 10;    // JB_SYNC_SCAN_NICE: CPU priority of plans and scans (0 = normal)
  // Account expiry: JB_EXPIRY_ACTION, JB_EXPIRY_DELETE_AFTER_DAYS, JB_EXPIRY_REMINDER_DAYS.
  ExpirySettings expiry;
  int64_t account_sweep_interval_s = 3600;  // JB_ACCOUNT_SWEEP_INTERVAL_S: users gone from Jellyfin
  std::string public_url;             // JB_PUBLIC_URL: links in account messages (bulk resets)
  int64_t msg_retry_base_ms = 30000;  // JB_MSG_RETRY_BASE_MS: account messages' first retry wait
  int msg_max_attempts = 8;           // JB_MSG_MAX_ATTEMPTS: attempts before a dead letter
  bool test_clock = false;  // JB_TEST_CLOCK: the account clock moved by Redis (tests only)
};

Config load_config(ConfigReader& r);

}  // namespace jb::worker
