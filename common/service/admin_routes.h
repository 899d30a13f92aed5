// admin_routes.h — the /healthz and /metrics routes every service serves
// (auth-service on its API port, the others on a small admin port).
//
// /healthz answers 200 {"status":"ok"} while the process serves, 503
// {"status":"stopping"} once shutdown began (so load balancers drain it), and
// `check` can report a dependency problem as 503 {"status":"degraded", ...}.
// /metrics renders the registry in Prometheus text format.
//
// Thread-safety: the callbacks are called concurrently from server threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/core/metrics.h"
#include "common/net/http_server.h"

namespace jb {

struct HealthState {
  std::atomic<bool> stopping{false};
};

void add_admin_routes(http::Server& server, metrics::Registry& registry, HealthState& state,
                      const std::string& service);

// Options of a service's small admin server (no access log: scrapes and
// probes would flood it).
http::ServerOptions admin_server_options(const std::string& name, const std::string& host,
                                         uint16_t port, int pool_threads);

}  // namespace jb
