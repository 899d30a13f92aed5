// admin_routes.cpp — see admin_routes.h.
#include "common/service/admin_routes.h"

#include "common/core/json.h"

namespace jb {

void add_admin_routes(http::Server& server, metrics::Registry& registry, HealthState& state,
                      const std::string& service) {
  server.route(
      "GET", "/healthz",
      [&state, service](http::Request&) {
        json::Writer w;
        bool stopping = state.stopping.load();
        w.begin_object()
            .kv("status", stopping ? "stopping" : "ok")
            .kv("service", service)
            .end_object();
        return http::Response::json(stopping ? 503 : 200, w.str());
      },
      http::Exec::inline_);
  server.route(
      "GET", "/metrics",
      [&registry](http::Request&) {
        return http::Response::text(200, registry.render(),
                                    "text/plain; version=0.0.4; charset=utf-8");
      },
      http::Exec::pool);
}

http::ServerOptions admin_server_options(const std::string& name, const std::string& host,
                                         uint16_t port, int pool_threads) {
  http::ServerOptions o;
  o.name = name;
  o.host = host;
  o.port = port;
  o.reactor_threads = 1;
  o.pool_threads = pool_threads;
  o.access_log = false;
  return o;
}

}  // namespace jb
