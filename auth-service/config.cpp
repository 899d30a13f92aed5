// config.cpp — see config.h.
#include "auth-service/config.h"

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
  return c;
}

}  // namespace jb::auth
