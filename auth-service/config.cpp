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
  c.session_idle_s = r.integer("JB_SESSION_IDLE_S", c.session_idle_s, 60, 365LL * 24 * 3600);
  c.session_max_s = r.integer("JB_SESSION_MAX_S", c.session_max_s, 60, 3650LL * 24 * 3600);
  c.session_cache_ms = r.integer("JB_SESSION_CACHE_MS", c.session_cache_ms, 0, 60000);
  c.jellyfin_timeout_ms =
      static_cast<int>(r.integer("JB_JELLYFIN_TIMEOUT_MS", c.jellyfin_timeout_ms, 100, 300000));
  c.jellyfin_tls_verify = r.boolean("JB_JELLYFIN_TLS_VERIFY", c.jellyfin_tls_verify);
  c.jellyfin_ca_file = r.str("JB_JELLYFIN_CA_FILE", "");
  c.check_interval_s =
      r.integer("JB_CONNECTION_CHECK_INTERVAL_S", c.check_interval_s, 10, 7 * 24 * 3600);
  c.check_tick_ms =
      static_cast<int>(r.integer("JB_CONNECTION_CHECK_TICK_MS", c.check_tick_ms, 50, 600000));
  c.quickconnect_poll_ms =
      static_cast<int>(r.integer("JB_QUICKCONNECT_POLL_MS", c.quickconnect_poll_ms, 200, 60000));
  c.sse_heartbeat_ms = r.integer("JB_SSE_HEARTBEAT_MS", c.sse_heartbeat_ms, 50, 300000);
  c.sse_max_streams = r.integer("JB_SSE_MAX_STREAMS", c.sse_max_streams, 1, 100000);
  c.sse_max_streams_per_user =
      r.integer("JB_SSE_MAX_STREAMS_PER_USER", c.sse_max_streams_per_user, 1, 10000);

  c.vault_bind = r.zmq_endpoint("JB_VAULT_RPC_BIND", c.vault_bind);
  std::string secret = r.secret("JB_VAULT_SERVER_SECRET_KEY");
  std::string pub = curve_public_from_secret(secret);
  if (!r.is_set("JB_VAULT_SERVER_SECRET_KEY"))
    r.missing("JB_VAULT_SERVER_SECRET_KEY",
              "the vault's 40-character Z85 CURVE secret key; `auth-service "
              "generate-curve-keypair` makes one");
  else if (pub.empty())
    r.add_problem(
        "JB_VAULT_SERVER_SECRET_KEY",
        "config error: JB_VAULT_SERVER_SECRET_KEY must be a 40-character Z85 CURVE secret key "
        "(`auth-service generate-curve-keypair` makes one)");
  c.vault_keys = CurveKeyPair{pub, secret};
  c.vault_clients = r.list("JB_VAULT_CLIENT_KEYS", {});
  for (const auto& k : c.vault_clients)
    if (k.size() != 40)
      r.add_problem(
          "JB_VAULT_CLIENT_KEYS",
          "config error: JB_VAULT_CLIENT_KEYS entries must be 40-character Z85 public keys");
  auto v = Vault::from_config(r);
  if (v.ok()) c.vault.emplace(std::move(*v));
  return c;
}

}  // namespace jb::auth
