// auth-service: the public HTTP API (Pistache). main() only wires components:
// config → logs → Redis pool → ZMQ (library RPC client pool, event subscriber)
// → routes → HTTP server → wait for SIGTERM → drain → exit 0.
#include <zmq.hpp>

#include "auth-service/config.h"
#include "auth-service/health/health.h"
#include "auth-service/routes.h"
#include "common/events.h"
#include "common/http_server.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/redis.h"
#include "common/rpc_pool.h"
#include "common/signals.h"

int main() {
  jb::block_shutdown_signals();
  jb::log::set_service("auth-service");
  jb::Env env = jb::Env::from_process();
  jb::ConfigReader reader(env);
  jb::auth::Config cfg = jb::auth::load_config(reader);
  reader.exit_on_error();
  jb::log::set_level(cfg.common.log_level);

  auto& registry = jb::metrics::global();
  jb::RedisPool redis(cfg.common.redis, cfg.common.redis_pool);
  zmq::context_t zctx;

  jb::RpcClientOptions lo;
  lo.endpoint = cfg.library_rpc_url;
  lo.timeout_ms = cfg.rpc_timeout_ms;
  lo.attempts = 2;
  lo.peer_name = "library-service";
  jb::RpcClientPool library(zctx, lo, 32);

  jb::EventSubscriber events(zctx, cfg.events_bind, {}, [&](const jb::Event& e) {
    registry.counter("jb_events_received_total", "Events received from workers", {{"topic", e.topic}}).inc();
  });
  if (auto s = events.start(); !s.ok()) {
    jb::log::error("cannot start", {{"error", s.error().message}});
    return 1;
  }

  jb::HealthState health_state;
  jb::auth::HealthChecker health(redis, library);
  jb::auth::Deps deps{&registry, &health_state, &health};

  jb::http::ServerOptions ho;
  ho.name = "api";
  ho.host = cfg.http_host;
  ho.port = cfg.http_port;
  ho.reactor_threads = cfg.http_threads;
  ho.pool_threads = cfg.handler_threads;
  ho.max_body_bytes = static_cast<size_t>(cfg.max_body_bytes);
  jb::http::Server server(ho, registry);
  jb::auth::register_routes(server, deps);
  if (auto s = server.start(); !s.ok()) {
    jb::log::error("cannot start", {{"error", s.error().message}});
    events.stop();
    return 1;
  }
  jb::log::info("ready", {{"http_port", static_cast<int>(server.port())}, {"events_endpoint", events.endpoint()}});

  int sig = jb::wait_for_shutdown_signal();
  jb::log::info("shutting down", {{"signal", jb::signal_name(sig)}});
  health_state.stopping = true;
  server.stop();  // finishes queued requests, then stops the reactors
  events.stop();
  jb::log::info("stopped");
  return 0;
}
