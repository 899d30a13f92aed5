// sync-worker: executes work items from the Redis Stream; any number of replicas.
// main() only wires components: config → logs → heartbeat → sync pipeline
// (library RPC, vault, server budget) → one queue consumer per lane (urgent, normal) → scheduler → events
// publisher → admin HTTP → wait for SIGTERM → hand back → exit 0.
#include <algorithm>
#include <zmq.hpp>

#include "common/accounts/account_clock.h"
#include "common/accounts/bulk_job.h"
#include "common/core/log.h"
#include "common/core/memory_trim.h"
#include "common/core/metrics.h"
#include "common/jellyfin/connection_access.h"
#include "common/jellyfin/vault_client.h"
#include "common/net/events.h"
#include "common/net/http_server.h"
#include "common/net/rpc_pool.h"
#include "common/net/smtp_client.h"
#include "common/service/admin_routes.h"
#include "common/service/signals.h"
#include "common/sync/store.h"
#include "sync-worker/admin_client.h"
#include "sync-worker/bulk_step.h"
#include "sync-worker/config.h"
#include "sync-worker/consumer.h"
#include "sync-worker/expiry_scheduler.h"
#include "sync-worker/expiry_step.h"
#include "sync-worker/heartbeat.h"
#include "sync-worker/message_step.h"
#include "sync-worker/noop_handler.h"
#include "sync-worker/notify_step.h"
#include "sync-worker/scheduler.h"
#include "sync-worker/steps.h"

int main() {
  jb::mem::limit_malloc_arenas(4);  // the fan-out threads share a few arenas (memory_trim.h)
  jb::block_shutdown_signals();
  jb::log::set_service("sync-worker");
  jb::Env env = jb::Env::from_process();
  jb::ConfigReader reader(env);
  jb::worker::Config cfg = jb::worker::load_config(reader);
  reader.exit_on_error();
  jb::log::set_level(cfg.common.log_level);

  auto& registry = jb::metrics::global();
  zmq::context_t zctx;
  jb::EventPublisherOptions po;
  po.curve = cfg.events_curve.client;
  po.server_public_z85 = cfg.events_curve.server_public;
  po.max_msg_bytes = cfg.events_max_msg_bytes;
  jb::EventPublisher events(zctx, cfg.events_url, cfg.worker_id, po);

  jb::worker::Heartbeat heartbeat(cfg.common.redis, cfg.worker_id, cfg.heartbeat_interval_ms,
                                  cfg.heartbeat_ttl_ms);
  // Enough connections for the fan-out threads' budget calls besides the consumer's own.
  // (two consumers, each with fan-out threads for two servers: see below).
  jb::RedisPool redis(cfg.common.redis, std::max(cfg.common.redis_pool,
                                                 4 * static_cast<size_t>(cfg.budget.limit) + 4));
  jb::sync::SyncStore store(redis);
  jb::RpcClientOptions lo;
  lo.endpoint = cfg.library_rpc_url;
  lo.peer_name = "library-service";
  lo.timeout_ms = 10000;
  lo.curve = cfg.library_curve.client;
  lo.server_public_z85 = cfg.library_curve.server_public;
  lo.max_msg_bytes = cfg.rpc_max_msg_bytes;
  jb::RpcClientPool library_rpc(zctx, lo, 4);
  jb::worker::LibraryClient library(library_rpc);
  jb::VaultClient vault(zctx, cfg.vault);
  jb::ServerBudget budget(redis, cfg.budget, &registry);
  // Requests name the worker, so a server's log shows which replica sent what.
  cfg.jellyfin_http.user_agent += " sync-worker/" + cfg.worker_id;
  jb::jf::RetryPolicy retry;
  retry.retry_writes = true;  // our writes are absolute (writes.h)
  jb::ConnectionAccess access(vault, cfg.jellyfin_http, retry, &budget);
  // One consumer per lane of the work queue (work_queue.h): the urgent one
  // carries runs already under way to their end (diff, applies) while the
  // normal one scans for other runs, so one worker keeps a server's budget busy
  // with writes while its CPU reads listings. Each has its own fan-out threads —
  // enough for two servers' budgets at once (a pair's source and target) — so
  // neither step waits for the other's threads. The normal lane's threads run
  // at a lower CPU priority (JB_SYNC_SCAN_NICE): matching listings is bulk CPU
  // work, while the writes are latency-bound and must not wait for a CPU.
  const size_t fanout_threads = 2 * static_cast<size_t>(cfg.budget.limit);
  jb::worker::Fanout urgent_fanout(fanout_threads),
      normal_fanout(fanout_threads, cfg.normal_lane_nice);
  jb::worker::SyncContext urgent_sync(redis, store, library, access, urgent_fanout, &events,
                                      cfg.worker_id, cfg.sync);
  jb::worker::SyncContext normal_sync(redis, store, library, access, normal_fanout, &events,
                                      cfg.worker_id, cfg.sync);

  // Security notifications (notify.send, enqueued on the urgent lane by auth-service).
  // Email channels go through the mail server of JB_SMTP_URL (none: dead-lettered).
  const jb::SmtpClient smtp(cfg.smtp);
  const jb::worker::NotifyDeps notify{&vault, cfg.notify_http, &smtp};
  // Account messages (msg.send fans out to msg.deliver, one per channel; message_step.h).
  const jb::worker::MessageDeps messages{&redis,
                                         &vault,
                                         cfg.notify_http,
                                         &smtp,
                                         cfg.common.server_name,
                                         cfg.msg_retry_base_ms,
                                         cfg.msg_max_attempts};

  // Account expiry and the sweep of users gone from the home server (expiry_step.h).
  jb::worker::AdminClient admin_client(redis, access);
  jb::worker::ExpiryDeps expiry{&redis, &admin_client, cfg.expiry,
                                jb::accounts::account_clock(redis, cfg.test_clock)};
  // Bulk actions on users (bulk.user, normal lane): as the designated admin connection.
  jb::accounts::BulkJobs bulk_jobs(redis);
  jb::worker::BulkStepDeps bulk;
  bulk.redis = &redis;
  bulk.admin = &admin_client;
  bulk.jobs = &bulk_jobs;
  bulk.events = &events;
  bulk.public_url = cfg.public_url;
  bulk.now_ms = jb::accounts::account_clock(redis, cfg.test_clock);

  jb::worker::ConsumerOptions co;
  co.consumer = cfg.worker_id;
  co.lease_ms = cfg.lease_ms;
  co.max_deliveries = cfg.max_deliveries;
  co.batch = 1;  // one entry at a time, so a run's shards spread over every worker
  co.names = jb::workq::default_names().urgent_lane();
  jb::worker::Consumer urgent(cfg.common.redis, co, registry, &events);
  co.names = jb::workq::default_names().normal_lane();
  co.nice = cfg.normal_lane_nice;
  jb::worker::Consumer normal(cfg.common.redis, co, registry, &events);
  using Step = jb::Status (*)(jb::worker::SyncContext&, const jb::workq::Item&,
                              const jb::worker::WorkControl&);
  for (auto [consumer, sync] :
       {std::pair{&urgent, &urgent_sync}, std::pair{&normal, &normal_sync}}) {
    consumer->on("noop", jb::worker::noop_handler);
    consumer->on(jb::accounts::kBulkWorkType,
                 [&bulk](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
                   return jb::worker::bulk_step(bulk, item, control);
                 });
    consumer->on("notify.send",
                 [&notify](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
                   return jb::worker::notify_step(notify, item, control);
                 });
    consumer->on("msg.send",
                 [&messages](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
                   return jb::worker::message_send_step(messages, item, control);
                 });
    consumer->on("msg.deliver",
                 [&messages](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
                   return jb::worker::message_deliver_step(messages, item, control);
                 });
    consumer->on(jb::worker::kExpiryWorkType,
                 [&expiry](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
                   return jb::worker::expiry_step(expiry, item, control);
                 });
    consumer->on(jb::worker::kSweepWorkType,
                 [&expiry](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
                   return jb::worker::sweep_step(expiry, item, control);
                 });
    for (auto [type, step] : {std::pair<const char*, Step>{"sync.plan", jb::worker::plan_step},
                              {"sync.scan", jb::worker::scan_step},
                              {"sync.diff", jb::worker::diff_step},
                              {"sync.apply", jb::worker::apply_step},
                              {"sync.release", jb::worker::release_step}})
      consumer->on(
          type, [sync, step](const jb::workq::Item& item, const jb::worker::WorkControl& control) {
            return step(*sync, item, control);
          });
    consumer->on_dead_letter([sync, &bulk](const jb::workq::Item& item, const std::string& error) {
      if (item.field("type") == jb::accounts::kBulkWorkType)
        jb::worker::bulk_dead_letter(bulk, item, error);
      if (!item.field("run").empty())
        sync->fail(item.field("run"), "", item.field("type") + ": " + error);
    });
  }
  jb::worker::Scheduler scheduler(store, cfg.schedule_tick_ms, registry);
  jb::worker::ExpiryScheduler expiry_scheduler(redis, expiry.now_ms, cfg.schedule_tick_ms,
                                               cfg.account_sweep_interval_s * 1000, registry);

  jb::HealthState health;
  jb::http::Server admin(
      jb::admin_server_options("worker-admin", cfg.common.admin_host, cfg.admin_port, 1), registry);
  jb::add_admin_routes(admin, registry, health, "sync-worker");
  if (auto s = admin.start(); !s.ok()) {
    jb::log::error("cannot start", {{"error", s.error().message}});
    return 1;
  }
  heartbeat.start();
  urgent.start();
  normal.start();
  scheduler.start();
  expiry_scheduler.start();
  jb::log::lifecycle(
      "ready", {{"worker_id", cfg.worker_id}, {"admin_port", static_cast<int>(admin.port())}});

  int sig = jb::wait_for_shutdown_signal();
  jb::log::lifecycle("shutting down", {{"signal", jb::signal_name(sig)}});
  health.stopping = true;
  scheduler.stop();
  expiry_scheduler.stop();
  urgent.request_stop();  // both at once; each then finishes or hands back what it holds
  normal.request_stop();
  urgent.stop();
  normal.stop();
  heartbeat.stop();  // deregisters: the live count drops at once
  admin.stop();
  jb::log::lifecycle("stopped");
  return 0;
}
