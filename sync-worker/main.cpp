// sync-worker: executes work items from the Redis Stream; any number of replicas.
// main() only wires components: config → logs → heartbeat → queue consumer →
// events publisher → admin HTTP → wait for SIGTERM → hand back → exit 0.
#include <zmq.hpp>

#include "common/admin_routes.h"
#include "common/events.h"
#include "common/http_server.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/signals.h"
#include "sync-worker/config.h"
#include "sync-worker/consumer.h"
#include "sync-worker/heartbeat.h"
#include "sync-worker/noop_handler.h"

int main() {
  jb::block_shutdown_signals();
  jb::log::set_service("sync-worker");
  jb::Env env = jb::Env::from_process();
  jb::ConfigReader reader(env);
  jb::worker::Config cfg = jb::worker::load_config(reader);
  reader.exit_on_error();
  jb::log::set_level(cfg.common.log_level);

  auto& registry = jb::metrics::global();
  zmq::context_t zctx;
  jb::EventPublisher events(zctx, cfg.events_url, cfg.worker_id);

  jb::worker::Heartbeat heartbeat(cfg.common.redis, cfg.worker_id, cfg.heartbeat_interval_ms,
                                  cfg.heartbeat_ttl_ms);
  jb::worker::ConsumerOptions co;
  co.consumer = cfg.worker_id;
  co.lease_ms = cfg.lease_ms;
  co.max_deliveries = cfg.max_deliveries;
  jb::worker::Consumer consumer(cfg.common.redis, co, registry, &events);
  consumer.on("noop", jb::worker::noop_handler);

  jb::HealthState health;
  jb::http::ServerOptions ho;
  ho.name = "worker-admin";
  ho.host = cfg.common.admin_host;
  ho.port = cfg.admin_port;
  ho.reactor_threads = 1;
  ho.pool_threads = 1;
  ho.access_log = false;
  jb::http::Server admin(ho, registry);
  jb::add_admin_routes(admin, registry, health, "sync-worker");
  if (auto s = admin.start(); !s.ok()) {
    jb::log::error("cannot start", {{"error", s.error().message}});
    return 1;
  }
  heartbeat.start();
  consumer.start();
  jb::log::lifecycle("ready", {{"worker_id", cfg.worker_id}, {"admin_port", static_cast<int>(admin.port())}});

  int sig = jb::wait_for_shutdown_signal();
  jb::log::lifecycle("shutting down", {{"signal", jb::signal_name(sig)}});
  health.stopping = true;
  consumer.stop();   // finishes or hands back what it holds
  heartbeat.stop();  // deregisters: the live count drops at once
  admin.stop();
  jb::log::lifecycle("stopped");
  return 0;
}
