// config.h — auth-service configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth-service/accounts/password_policy.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/edge/user_caps.h"
#include "auth-service/security/second_factor_policy.h"
#include "auth-service/sessions/admin_set.h"
#include "auth-service/vault/vault.h"
#include "common/core/config.h"
#include "common/net/bus_config.h"
#include "common/net/cidr.h"
#include "common/net/events.h"
#include "common/net/rpc.h"
#include "common/net/smtp_client.h"
#include "common/service/config.h"

namespace jb::auth {

struct Config {
  CommonConfig common;
  std::string http_host = "0.0.0.0";                     // JB_HTTP_HOST
  uint16_t http_port = 8080;                             // JB_HTTP_PORT
  int http_threads = 2;                                  // JB_HTTP_THREADS (Pistache reactors)
  int handler_threads = 16;                              // JB_HANDLER_THREADS
  int64_t max_body_bytes = 1 << 20;                      // JB_HTTP_MAX_BODY_BYTES
  std::string library_rpc_url = "tcp://127.0.0.1:5556";  // JB_LIBRARY_RPC_URL
  int rpc_timeout_ms = 2000;                             // JB_RPC_TIMEOUT_MS
  std::string events_bind = "tcp://127.0.0.1:5557";      // JB_EVENTS_BIND
  std::string home_url;                                  // JB_JELLYFIN_URL (normalised)
  std::string public_url;                                // JB_PUBLIC_URL (https ⇒ Secure cookies)
  std::string
      ui_dir;  // JB_UI_DIR: the web front end's files ("" = the source tree's auth-service/web)
  net::CidrSet trusted_proxies;  // JB_TRUSTED_PROXIES (whose X-Forwarded-For counts)
  LimitRule signup_contact_invite{50, 10 * 60 * 1000};  // JB_SIGNUP_CONTACT_INVITE_BURST/_PERIOD_S
  AdminSet admin_set;      // JB_ADMIN_USERS, JB_ADMIN_EXCLUDE (sessions/admin_set.h)
  net::CidrSet lan_cidrs;  // JB_LAN_CIDRS (the local network: remote-access rule, no bans)
  int64_t session_idle_s = 14 * 24 * 3600;  // JB_SESSION_IDLE_S
  int64_t session_max_s = 90 * 24 * 3600;   // JB_SESSION_MAX_S
  int64_t session_cache_ms = 2000;          // JB_SESSION_CACHE_MS (0 = off)
  int jellyfin_timeout_ms = 10000;          // JB_JELLYFIN_TIMEOUT_MS
  bool jellyfin_tls_verify = true;          // JB_JELLYFIN_TLS_VERIFY
  std::string jellyfin_ca_file;             // JB_JELLYFIN_CA_FILE
  // JB_OUTBOUND_ALLOW, JB_OUTBOUND_DENY, the home server pinned (common/service/config.h)
  std::shared_ptr<const net::OutboundPolicy> outbound;
  int64_t check_interval_s = 900;       // JB_CONNECTION_CHECK_INTERVAL_S
  int64_t home_check_interval_s = 300;  // JB_HOME_CHECK_INTERVAL_S (home connections)
  int check_tick_ms = 5000;             // JB_CONNECTION_CHECK_TICK_MS
  UserCaps caps;  // JB_MAX_CONNECTIONS_PER_USER, JB_MAX_PAIRS_PER_USER (edge/user_caps.h)
  int quickconnect_poll_ms = 5000;       // JB_QUICKCONNECT_POLL_MS
  int64_t sse_heartbeat_ms = 15000;      // JB_SSE_HEARTBEAT_MS (run event streams)
  int64_t sse_max_streams = 1000;        // JB_SSE_MAX_STREAMS (open at once, all users)
  int64_t sse_max_streams_per_user = 8;  // JB_SSE_MAX_STREAMS_PER_USER
  // JB_SIGNIN_*, JB_QUICKCONNECT_IP_*, JB_CONNECTION_CREATE_*, JB_SECOND_FACTOR_*,
  // JB_PAIRING_IP_*, JB_PAIRING_USER_*, JB_EMAIL_CODE_USER_*, JB_EMAIL_CODE_ADDRESS_*,
  // JB_DEVICE_AUTHORIZE_USER_*, JB_DEVICE_AUTHORIZE_CONNECTION_*,
  // JB_LOCKOUT_*, JB_BAN_*
  EdgePolicy edge;
  int64_t pairing_ttl_s = 600;         // JB_PAIRING_TTL_S (how long a device pairing request waits)
  int64_t audit_retention_days = 365;  // JB_AUDIT_RETENTION_DAYS (0 = no age limit)
  int64_t audit_max_entries = 1000000;             // JB_AUDIT_MAX_ENTRIES (0 = no limit)
  int64_t audit_trim_interval_s = 3600;            // JB_AUDIT_TRIM_INTERVAL_S
  int64_t trusted_browser_ttl_s = 30 * 24 * 3600;  // JB_TRUSTED_BROWSER_TTL_S (0 = never remember)
  bool second_factor_lan_bypass = false;           // JB_SECOND_FACTOR_LAN_BYPASS
  FactorPolicy second_factor_policy = FactorPolicy::kOptional;  // JB_SECOND_FACTOR_POLICY
  int64_t second_factor_grace_s = 7 * 24 * 3600;                // JB_SECOND_FACTOR_GRACE_S
  SmtpOptions smtp;                // JB_SMTP_* (empty JB_SMTP_URL: no email)
  int64_t email_code_ttl_s = 300;  // JB_EMAIL_CODE_TTL_S
  // JB_PASSWORD_MIN_LENGTH, _MAX_LENGTH, _MIN_UPPER, _MIN_LOWER, _MIN_DIGIT, _MIN_SYMBOL,
  // JB_PASSWORD_CHECK_COMMON (sign-ups and resets)
  accounts::PasswordRules password_rules;
  int64_t human_check_maxnumber = 100000;  // JB_HUMAN_CHECK_MAXNUMBER (proof-of-work difficulty)
  int64_t human_check_ttl_s = 600;         // JB_HUMAN_CHECK_TTL_S
  int64_t signup_hold_s = 300;    // JB_SIGNUP_HOLD_S (how long a sign-up holds an invite's use)
  int64_t reset_answer_ms = 500;  // JB_RESET_ANSWER_MS (the reset request's constant answer time)
  bool test_clock =
      false;  // JB_TEST_CLOCK (tests only: links expire by Redis jb:test:clock_offset_ms)
  std::string vault_bind = "tcp://127.0.0.1:5558";  // JB_VAULT_RPC_BIND
  CurveServerConfig vault_server;    // JB_VAULT_SERVER_SECRET_KEY, JB_VAULT_CLIENT_KEYS
  CurveClientConfig library_client;  // JB_LIBRARY_RPC_SERVER_PUBLIC_KEY, _CLIENT_SECRET_KEY
  CurveServerConfig events_server;   // JB_EVENTS_SERVER_SECRET_KEY, JB_EVENTS_CLIENT_KEYS
  int64_t rpc_max_msg_bytes = kDefaultRpcMaxMsgBytes;       // JB_ZMQ_MAX_MSG_BYTES
  int64_t events_max_msg_bytes = kDefaultEventMaxMsgBytes;  // JB_EVENTS_MAX_MSG_BYTES
  std::optional<Vault> vault;                               // JB_MASTER_KEY / JB_MASTER_KEY_FILE
};

Config load_config(ConfigReader& r);

}  // namespace jb::auth
