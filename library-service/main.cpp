// library-service: library discovery, whitelists and the provider-id index.
// main() only wires components together: config → logs → Redis → vault client
// → index store/builder/scheduler → RPC server (CURVE + ZAP allowlist) → admin
// HTTP (/healthz, /metrics) → wait for SIGTERM → drain → exit 0.
#include <zmq.hpp>

#include "common/core/log.h"
#include "common/core/memory_trim.h"
#include "common/core/metrics.h"
#include "common/jellyfin/connection_access.h"
#include "common/jellyfin/vault_client.h"
#include "common/net/events.h"
#include "common/net/http_server.h"
#include "common/net/rpc.h"
#include "common/net/zap.h"
#include "common/redis/client.h"
#include "common/service/admin_routes.h"
#include "common/service/signals.h"
#include "library-service/config.h"
#include "library-service/index_builder.h"
#include "library-service/index_scheduler.h"
#include "library-service/index_store.h"
#include "library-service/libraries.h"
#include "library-service/rpc_handlers.h"

int main() {
  // Bounded memory: few malloc arenas, so freed bursts are reused and trimmed.
  jb::mem::limit_malloc_arenas(4);
  jb::block_shutdown_signals();
  jb::log::set_service("library-service");
  jb::Env env = jb::Env::from_process();
  jb::ConfigReader reader(env);
  jb::library::Config cfg = jb::library::load_config(reader);
  reader.exit_on_error();
  jb::log::set_level(cfg.common.log_level);

  auto& registry = jb::metrics::global();
  jb::RedisPool redis(cfg.common.redis, cfg.common.redis_pool);
  zmq::context_t zctx;
  jb::VaultClient vault(zctx, cfg.vault);
  jb::EventPublisherOptions po;
  po.curve = cfg.events_curve.client;
  po.server_public_z85 = cfg.events_curve.server_public;
  po.max_msg_bytes = cfg.events_max_msg_bytes;
  jb::EventPublisher events(zctx, cfg.events_url, "library-service", po);

  jb::ServerBudget budget(redis, cfg.budget, &registry);
  jb::ConnectionAccess access(vault, cfg.jellyfin_http, jb::jf::RetryPolicy{}, &budget);
  jb::library::Libraries libraries(redis);
  jb::library::IndexStore index(redis);
  jb::library::BuildOptions bo;
  bo.page_size = cfg.page_size;
  jb::library::IndexBuilder builder(index, bo);
  jb::library::SchedulerOptions so;
  so.tick_ms = cfg.tick_ms;
  so.refresh_interval_ms = cfg.refresh_s * 1000;
  so.full_interval_ms = cfg.full_rebuild_s * 1000;
  so.max_concurrent = cfg.concurrency;
  jb::library::IndexScheduler scheduler(redis, index, builder, libraries, access, so,
                                        [&](const std::string& topic, const std::string& payload) {
                                          events.publish(topic, payload);  // thread-safe
                                        });

  jb::library::RpcHandlers handlers(redis, &libraries, &index, &scheduler, &access);
  jb::RpcServerOptions ro;
  ro.bind = cfg.rpc_bind;
  ro.threads = cfg.rpc_threads;
  ro.name = "library-service";
  ro.curve = cfg.rpc_curve.keys;
  ro.max_msg_bytes = cfg.rpc_max_msg_bytes;
  // CURVE: only the allow-listed clients (auth-service, the workers) get an answer.
  // The ZAP handler runs before the socket binds, so no handshake precedes it.
  jb::ZapAuthenticator zap(zctx, cfg.rpc_curve.allowed);
  jb::RpcServer rpc(zctx, ro, [&](const std::string& m, const std::string& p) {
    registry.counter("jb_rpc_requests_total", "RPC requests served", {{"method", m}}).inc();
    return handlers.dispatch(m, p);
  });
  for (jb::Status s : {zap.start(), rpc.start()}) {
    if (!s.ok()) {
      jb::log::error("cannot start", {{"error", s.error().message}});
      return 1;
    }
  }

  jb::HealthState health;
  jb::http::Server admin(
      jb::admin_server_options("library-admin", cfg.common.admin_host, cfg.admin_port, 2),
      registry);
  jb::add_admin_routes(admin, registry, health, "library-service");
  if (auto s = admin.start(); !s.ok()) {
    jb::log::error("cannot start", {{"error", s.error().message}});
    rpc.stop(0);
    return 1;
  }
  scheduler.start();
  jb::log::lifecycle("ready", {{"rpc_endpoint", rpc.endpoint()},
                               {"rpc_public_key", cfg.rpc_curve.keys.public_z85},
                               {"admin_port", static_cast<int>(admin.port())},
                               {"events_url", cfg.events_url}});

  int sig = jb::wait_for_shutdown_signal();
  jb::log::lifecycle("shutting down", {{"signal", jb::signal_name(sig)}});
  health.stopping = true;
  rpc.stop(3000);    // finish in-flight requests
  scheduler.stop();  // running builds finish; their lock expires otherwise
  admin.stop();
  zap.stop();
  jb::log::lifecycle("stopped");
  return 0;
}
