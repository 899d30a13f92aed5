// config.cpp — see config.h.
#include "auth-service/config.h"

#include "common/core/text.h"
#include "common/jellyfin/url.h"

namespace jb::auth {

Config load_config(ConfigReader& r) {
  Config c;
  c.common = load_common_config(r);
  c.http_host = r.str("JB_HTTP_HOST", c.http_host);
  c.http_port = r.port("JB_HTTP_PORT", c.http_port);
  c.http_threads = static_cast<int>(r.integer("JB_HTTP_THREADS", c.http_threads, 1, 64));
  c.handler_threads = static_cast<int>(r.integer("JB_HANDLER_THREADS", c.handler_threads, 1, 512));
  c.max_body_bytes = r.integer("JB_HTTP_MAX_BODY_BYTES", c.max_body_bytes, 1024, 8 << 20);
  c.library_rpc_url = r.zmq_endpoint("JB_LIBRARY_RPC_URL", c.library_rpc_url);
  c.rpc_timeout_ms = static_cast<int>(r.integer("JB_RPC_TIMEOUT_MS", c.rpc_timeout_ms, 50, 60000));
  c.events_bind = r.zmq_endpoint("JB_EVENTS_BIND", c.events_bind);

  std::string home = r.http_url("JB_JELLYFIN_URL", "", true);
  if (!home.empty()) {
    auto n = jf::normalize_server_url(home);
    if (n.ok())
      c.home_url = *n;
    else
      r.add_problem("JB_JELLYFIN_URL",
                    "config error: JB_JELLYFIN_URL='" + home + "' " + n.error().message);
  }
  c.public_url = r.http_url("JB_PUBLIC_URL", "", true);
  c.ui_dir = r.str("JB_UI_DIR", "");
  c.trusted_proxies = net::read_cidrs(r, "JB_TRUSTED_PROXIES", "");
  c.lan_cidrs = net::read_cidrs(r, "JB_LAN_CIDRS", net::kLanDefault);
  c.admin_set.extra = parse_user_list(r.str("JB_ADMIN_USERS", ""));
  c.admin_set.exclude = parse_user_list(r.str("JB_ADMIN_EXCLUDE", ""));
  c.session_idle_s = r.integer("JB_SESSION_IDLE_S", c.session_idle_s, 60, 365LL * 24 * 3600);
  c.session_max_s = r.integer("JB_SESSION_MAX_S", c.session_max_s, 60, 3650LL * 24 * 3600);
  c.session_cache_ms = r.integer("JB_SESSION_CACHE_MS", c.session_cache_ms, 0, 60000);
  c.jellyfin_timeout_ms =
      static_cast<int>(r.integer("JB_JELLYFIN_TIMEOUT_MS", c.jellyfin_timeout_ms, 100, 300000));
  c.jellyfin_tls_verify = r.boolean("JB_JELLYFIN_TLS_VERIFY", c.jellyfin_tls_verify);
  c.jellyfin_ca_file = r.str("JB_JELLYFIN_CA_FILE", "");
  c.outbound = load_outbound_policy(r, c.home_url);
  c.check_interval_s =
      r.integer("JB_CONNECTION_CHECK_INTERVAL_S", c.check_interval_s, 10, 7 * 24 * 3600);
  c.home_check_interval_s =
      r.integer("JB_HOME_CHECK_INTERVAL_S", c.home_check_interval_s, 1, 24 * 3600);
  c.check_tick_ms =
      static_cast<int>(r.integer("JB_CONNECTION_CHECK_TICK_MS", c.check_tick_ms, 50, 600000));
  c.caps.max_connections =
      r.integer("JB_MAX_CONNECTIONS_PER_USER", c.caps.max_connections, 0, 100000);
  c.caps.max_pairs = r.integer("JB_MAX_PAIRS_PER_USER", c.caps.max_pairs, 0, 100000);
  c.quickconnect_poll_ms =
      static_cast<int>(r.integer("JB_QUICKCONNECT_POLL_MS", c.quickconnect_poll_ms, 200, 60000));
  c.sse_heartbeat_ms = r.integer("JB_SSE_HEARTBEAT_MS", c.sse_heartbeat_ms, 50, 300000);
  c.sse_max_streams = r.integer("JB_SSE_MAX_STREAMS", c.sse_max_streams, 1, 100000);
  c.sse_max_streams_per_user =
      r.integer("JB_SSE_MAX_STREAMS_PER_USER", c.sse_max_streams_per_user, 1, 10000);
  // The edge's limits (edge/signin_guard.h): a rule is a burst and the seconds to refill it.
  auto rule = [&r](const std::string& burst_var, const std::string& period_var, LimitRule d) {
    d.burst = r.integer(burst_var, d.burst, 1, 1000000);
    d.per_period_ms = r.integer(period_var, d.per_period_ms / 1000, 1, 30LL * 24 * 3600) * 1000;
    return d;
  };
  EdgePolicy& e = c.edge;
  e.signin_ip = rule("JB_SIGNIN_IP_BURST", "JB_SIGNIN_IP_PERIOD_S", e.signin_ip);
  e.signin_user = rule("JB_SIGNIN_USER_BURST", "JB_SIGNIN_USER_PERIOD_S", e.signin_user);
  e.quickconnect_ip =
      rule("JB_QUICKCONNECT_IP_BURST", "JB_QUICKCONNECT_IP_PERIOD_S", e.quickconnect_ip);
  e.signup_ip = rule("JB_SIGNUP_IP_BURST", "JB_SIGNUP_IP_PERIOD_S", e.signup_ip);
  e.reset_ip = rule("JB_RESET_IP_BURST", "JB_RESET_IP_PERIOD_S", e.reset_ip);
  c.signup_contact_invite = rule("JB_SIGNUP_CONTACT_INVITE_BURST",
                                 "JB_SIGNUP_CONTACT_INVITE_PERIOD_S", c.signup_contact_invite);
  e.reset_account = rule("JB_RESET_ACCOUNT_BURST", "JB_RESET_ACCOUNT_PERIOD_S", e.reset_account);
  e.connection_create =
      rule("JB_CONNECTION_CREATE_BURST", "JB_CONNECTION_CREATE_PERIOD_S", e.connection_create);
  e.second_factor_user =
      rule("JB_SECOND_FACTOR_BURST", "JB_SECOND_FACTOR_PERIOD_S", e.second_factor_user);
  e.pairing_ip = rule("JB_PAIRING_IP_BURST", "JB_PAIRING_IP_PERIOD_S", e.pairing_ip);
  e.pairing_user = rule("JB_PAIRING_USER_BURST", "JB_PAIRING_USER_PERIOD_S", e.pairing_user);
  e.device_authorize_user = rule("JB_DEVICE_AUTHORIZE_USER_BURST",
                                 "JB_DEVICE_AUTHORIZE_USER_PERIOD_S", e.device_authorize_user);
  e.device_authorize_connection =
      rule("JB_DEVICE_AUTHORIZE_CONNECTION_BURST", "JB_DEVICE_AUTHORIZE_CONNECTION_PERIOD_S",
           e.device_authorize_connection);
  e.email_user = rule("JB_EMAIL_CODE_USER_BURST", "JB_EMAIL_CODE_USER_PERIOD_S", e.email_user);
  e.email_address =
      rule("JB_EMAIL_CODE_ADDRESS_BURST", "JB_EMAIL_CODE_ADDRESS_PERIOD_S", e.email_address);
  e.lockout_failures = r.integer("JB_LOCKOUT_FAILURES", e.lockout_failures, 1, 1000);
  e.lockout_window_ms =
      r.integer("JB_LOCKOUT_WINDOW_S", e.lockout_window_ms / 1000, 1, 30LL * 24 * 3600) * 1000;
  e.lockout_ms = r.integer("JB_LOCKOUT_S", e.lockout_ms / 1000, 1, 30LL * 24 * 3600) * 1000;
  e.ban_failures = r.integer("JB_BAN_FAILURES", e.ban_failures, 1, 100000);
  e.ban_window_ms =
      r.integer("JB_BAN_WINDOW_S", e.ban_window_ms / 1000, 1, 30LL * 24 * 3600) * 1000;
  e.ban_ms = r.integer("JB_BAN_S", e.ban_ms / 1000, 1, 365LL * 24 * 3600) * 1000;
  e.failure_min_ms = r.integer("JB_SIGNIN_FAILURE_MIN_MS", e.failure_min_ms, 0, 10000);
  c.pairing_ttl_s = r.integer("JB_PAIRING_TTL_S", c.pairing_ttl_s, 1, 3600);
  c.audit_retention_days =
      r.integer("JB_AUDIT_RETENTION_DAYS", c.audit_retention_days, 0, 100LL * 365);
  c.audit_max_entries = r.integer("JB_AUDIT_MAX_ENTRIES", c.audit_max_entries, 0, 1000000000);
  c.audit_trim_interval_s =
      r.integer("JB_AUDIT_TRIM_INTERVAL_S", c.audit_trim_interval_s, 1, 7 * 24 * 3600);
  c.trusted_browser_ttl_s =
      r.integer("JB_TRUSTED_BROWSER_TTL_S", c.trusted_browser_ttl_s, 0, 365LL * 24 * 3600);
  c.smtp = load_smtp_options(r);
  if (c.smtp.enabled() && c.public_url.empty())
    r.missing("JB_PUBLIC_URL", "JB_SMTP_URL is set: email confirmation links start with it");
  c.email_code_ttl_s = r.integer("JB_EMAIL_CODE_TTL_S", c.email_code_ttl_s, 1, 3600);
  auto& pw = c.password_rules;
  pw.min_length = static_cast<int>(r.integer("JB_PASSWORD_MIN_LENGTH", pw.min_length, 8, 256));
  pw.max_length = static_cast<int>(r.integer("JB_PASSWORD_MAX_LENGTH", pw.max_length, 64, 4096));
  pw.min_upper = static_cast<int>(r.integer("JB_PASSWORD_MIN_UPPER", pw.min_upper, 0, 64));
  pw.min_lower = static_cast<int>(r.integer("JB_PASSWORD_MIN_LOWER", pw.min_lower, 0, 64));
  pw.min_digit = static_cast<int>(r.integer("JB_PASSWORD_MIN_DIGIT", pw.min_digit, 0, 64));
  pw.min_symbol = static_cast<int>(r.integer("JB_PASSWORD_MIN_SYMBOL", pw.min_symbol, 0, 64));
  pw.check_common = r.boolean("JB_PASSWORD_CHECK_COMMON", pw.check_common);
  c.human_check_maxnumber =
      r.integer("JB_HUMAN_CHECK_MAXNUMBER", c.human_check_maxnumber, 1000, 10000000);
  c.human_check_ttl_s = r.integer("JB_HUMAN_CHECK_TTL_S", c.human_check_ttl_s, 30, 3600);
  c.signup_hold_s = r.integer("JB_SIGNUP_HOLD_S", c.signup_hold_s, 1, 3600);
  c.reset_answer_ms = r.integer("JB_RESET_ANSWER_MS", c.reset_answer_ms, 0, 10000);
  c.test_clock = r.boolean("JB_TEST_CLOCK", c.test_clock);
  c.second_factor_lan_bypass = r.boolean("JB_SECOND_FACTOR_LAN_BYPASS", c.second_factor_lan_bypass);
  c.second_factor_policy = parse_factor_policy(r.one_of("JB_SECOND_FACTOR_POLICY", "optional",
                                                        {"optional", "admins", "everyone"}))
                               .value_or(FactorPolicy::kOptional);
  c.second_factor_grace_s =
      r.integer("JB_SECOND_FACTOR_GRACE_S", c.second_factor_grace_s, 0, 365LL * 24 * 3600);

  c.vault_bind = r.zmq_endpoint("JB_VAULT_RPC_BIND", c.vault_bind);
  c.vault_server =
      load_curve_server(r, "JB_VAULT_SERVER_SECRET_KEY", "JB_VAULT_CLIENT_KEYS", "the vault");
  // The internal bus: library-service's RPC (as a client) and the workers' events.
  c.library_client = load_curve_client(r, "JB_LIBRARY_RPC_SERVER_PUBLIC_KEY",
                                       "JB_LIBRARY_RPC_CLIENT_SECRET_KEY", "library-service's RPC");
  c.events_server = load_curve_server(r, "JB_EVENTS_SERVER_SECRET_KEY", "JB_EVENTS_CLIENT_KEYS",
                                      "the events channel");
  c.rpc_max_msg_bytes = load_rpc_max_msg_bytes(r);
  c.events_max_msg_bytes = load_events_max_msg_bytes(r);
  auto v = Vault::from_config(r);
  if (v.ok()) c.vault.emplace(std::move(*v));
  return c;
}

}  // namespace jb::auth
