// health.cpp — see health.h.
#include "auth-service/health/health.h"

#include "common/core/json.h"
#include "common/redis/worker_registry.h"

namespace jb::auth {

std::string health_json(const HealthReport& r) {
  json::Writer w;
  bool all_ok = r.redis_ok && r.library_ok;
  w.begin_object()
      .kv("status", all_ok ? "ok" : "degraded")
      .kv("redis", r.redis_ok ? "ok" : "error")
      .kv("library_service", r.library_ok ? "ok" : "error");
  if (r.workers)
    w.kv("workers", *r.workers);
  else
    w.kv_null("workers");
  if (!r.admin_connection.empty()) w.key("admin_connection").raw(r.admin_connection);
  if (!all_ok) {
    w.key("errors").begin_object();
    if (!r.redis_ok) w.kv("redis", r.redis_error);
    if (!r.library_ok) w.kv("library_service", r.library_error);
    w.end_object();
  }
  w.end_object();
  return w.str();
}

HealthReport HealthChecker::check() {
  HealthReport rep;
  {
    auto lease = redis_.acquire();
    auto ping = lease->command({"PING"});
    rep.redis_ok = ping.ok();
    if (!ping.ok()) {
      rep.redis_error = ping.error().message;
    } else {
      auto n = workers::count_live(*lease);
      if (n.ok()) rep.workers = *n;
    }
  }
  auto r = library_.call("ping", "{}", 0, 1);
  rep.library_ok = r.ok();
  if (!r.ok()) rep.library_error = r.error().message;
  if (admin_) rep.admin_connection = admin_();
  return rep;
}

}  // namespace jb::auth
