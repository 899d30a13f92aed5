// plan_step.cpp — sync.plan: the coordinator's first step.
//
// Both connections' indexes must exist and be recent (an index older than
// index_max_age_ms gets an incremental refresh first, so items added since are
// matched); the run's libraries are fixed (the pair's override, else what each
// index covers); then one scan per (feature, side, library) is enqueued.
// The scan count is stored before the scans are enqueued, so a scan can never
// finish "last" early; a redelivered plan re-enqueues the same scans, which
// count once.
#include <chrono>
#include <thread>

#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "sync-worker/steps.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

// Waits until the connection's index is usable and built after `fresh_after_ms`.
Result<IndexInfo> wait_for_index(SyncContext& ctx, const std::string& conn,
                                 const WorkControl& ctl) {
  auto info = ctx.library.index_status(conn);
  if (!info.ok()) return info.error();
  int64_t now = timeutil::now_unix_ms();
  if (info->usable() && now - info->last_build_ms <= ctx.opts.index_max_age_ms) return info;
  if (auto s = ctx.library.index_refresh(conn, false); !s.ok()) return s.error();
  int64_t asked = now;
  int64_t deadline = timeutil::monotonic_ms() + ctx.opts.index_wait_ms;
  while (timeutil::monotonic_ms() < deadline) {
    if (auto s = ctl.check(); !s.ok()) return s.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    info = ctx.library.index_status(conn);
    if (!info.ok()) return info.error();
    if (info->usable() && info->last_build_ms >= asked - 1000) return info;
    if (info->state == "failed" && info->last_build_ms < asked - 1000 &&
        !info->last_error.empty() && !info->usable())
      return Error(errc::index_failed, "The library index of connection " + conn +
                                           " could not be built: " + info->last_error);
  }
  // A refresh that takes long: an older usable index still matches almost everything.
  if (info->usable()) {
    log::warn("index refresh still running; planning with the previous index",
              {{"connection", conn}});
    return info;
  }
  return Error(errc::index_not_ready,
               "The library index of connection " + conn + " is not built yet.");
}

}  // namespace

Status plan_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl) {
  std::string run_id = item.field("run");
  auto rec = ctx.load(run_id);
  if (!rec.ok()) return Error(errc::retry, rec.error().message);
  if (!rec->has_value()) return Status::Ok();
  LoadedRun& run = **rec;
  const std::string& phase = run.get("phase");
  if (run.terminal() || (phase != "queued" && phase != "plan")) return Status::Ok();
  const sync::Pair& pair = run.pair;
  if (phase == "queued") {
    log::best_effort(ctx.set(run_id, {{"state", sync::run_state::running},
                                      {"phase", "plan"},
                                      {"started_ms", std::to_string(timeutil::now_unix_ms())}}),
                     "marking the run as running");
    ctx.publish(run_id);
  }

  std::map<std::string, std::vector<std::string>> libs;  // side → libraries
  for (const char* side : {"source", "target"}) {
    const std::string& conn = std::string(side) == "source" ? pair.source : pair.target;
    auto info = wait_for_index(ctx, conn, ctl);
    if (!info.ok()) return ctx.step_error(item, run_id, pair.id, info.error());
    const auto& override_libs =
        std::string(side) == "source" ? pair.source_libraries : pair.target_libraries;
    libs[side] = override_libs.empty() ? info->libraries : override_libs;
    if (libs[side].empty())
      return ctx.step_error(
          item, run_id, pair.id,
          Error(errc::no_libraries,
                std::string("The ") + side + " connection has no film or series library to sync."));
  }
  auto synced = ctx.redis.command({"EXISTS", sync::pair_synced_key(pair.id)});
  if (!synced.ok()) return Error(errc::retry, synced.error().message);

  struct Scan {
    std::string feature, side, library;
  };
  // Progress decisions need to know what each side has played: list history too, even when it is off.
  std::vector<sync::Feature> listed = pair.enabled();
  bool aux_history = pair.progress.enabled && !pair.history.enabled;
  if (aux_history) listed.push_back(sync::Feature::history);
  std::vector<Scan> scans;
  for (sync::Feature f : listed)
    for (const char* side : {"source", "target"})
      for (const auto& lib : libs[side]) scans.push_back({sync::feature_name(f), side, lib});

  std::map<std::string, std::string> fields{{"scans_left", std::to_string(scans.size())},
                                            {"libs:source", text::join(libs["source"], ",")},
                                            {"libs:target", text::join(libs["target"], ",")},
                                            {"bootstrap", synced->integer ? "0" : "1"}};
  for (sync::Feature f : pair.enabled()) fields[std::string("f:") + sync::feature_name(f)] = "1";
  if (aux_history) fields["aux:history"] = "1";
  if (auto s = ctl.check(); !s.ok()) return s;
  if (auto s = ctx.set(run_id, fields); !s.ok()) return Error(errc::retry, s.error().message);
  for (const auto& sc : scans) {
    auto q = ctx.store.enqueue({{"type", "sync.scan"},
                                {"run", run_id},
                                {"feature", sc.feature},
                                {"side", sc.side},
                                {"library", sc.library}});
    if (!q.ok()) return Error(errc::retry, q.error().message);
  }
  log::best_effort(
      ctx.set(run_id, {{"phase", "scan"},
                       {sync::run_field::scan_ms, std::to_string(timeutil::now_unix_ms())}}),
      "recording the scan phase");
  log::info("sync run planned",
            {{"run", run_id}, {"pair", pair.id}, {"scans", static_cast<int64_t>(scans.size())}});
  ctx.publish(run_id);
  return Status::Ok();
}

}  // namespace jb::worker
