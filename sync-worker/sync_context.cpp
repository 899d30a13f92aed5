// sync_context.cpp — see sync_context.h.
#include "sync-worker/sync_context.h"

#include "common/core/log.h"
#include "common/core/result.h"
#include "common/core/time.h"
#include "common/redis/script.h"
#include "common/service/retry.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

namespace {

// KEYS[1] done set, KEYS[2] run hash, KEYS[3] work stream; ARGV[1] part,
// ARGV[2] counter field, ARGV[3..5] group, consumer, entry → parts left, or
// -1 when the entry is not ours.
const RedisScript kFinishPart(std::string(workq::owner_guard_lua()) + R"lua(
if not jb_owns(KEYS[3], ARGV[3], ARGV[4], ARGV[5]) then return -1 end
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  return redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
end
return tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
)lua");

// KEYS[1] run hash, KEYS[2] work stream; ARGV[1] entry, ARGV[2..3] group,
// consumer → 1 this entry finalises, 0 another does, -1 the entry is not ours.
const RedisScript kClaimFinalizer(std::string(workq::owner_guard_lua()) + R"lua(
if not jb_owns(KEYS[2], ARGV[2], ARGV[3], ARGV[1]) then return -1 end
redis.call('HSETNX', KEYS[1], 'finalizer', ARGV[1])
if redis.call('HGET', KEYS[1], 'finalizer') == ARGV[1] then return 1 end
return 0
)lua");

Error lease_lost(const std::string& entry) {
  return Error(errc::lease_lost,
               "this worker no longer holds work entry " + entry + "; another worker does it");
}

bool transient(const Error& e) {
  return worth_retrying_soon(e) || e.code == errc::index_not_ready;
}

}  // namespace

Error retry_later(const Error& e) {
  if (e.code == errc::interrupted || e.code == errc::lease_lost) return e;
  return Error(errc::retry, e.message);
}

Result<std::optional<LoadedRun>> SyncContext::load(const std::string& run_id) {
  auto record = store.get_run(run_id);
  if (!record.ok()) return record.error();
  if (!record->exists()) return std::optional<LoadedRun>{};
  LoadedRun rec;
  rec.fields = std::move(record->fields);
  auto pair = store.get_pair(rec.pair_id());
  if (!pair.ok()) return pair.error();
  if (!pair->has_value()) {
    if (!rec.terminal()) fail(run_id, rec.pair_id(), "The pair was deleted during the run.");
    return std::optional<LoadedRun>{};
  }
  rec.pair = std::move(**pair);
  return std::optional<LoadedRun>(std::move(rec));
}

Status SyncContext::set(const std::string& run_id,
                        const std::map<std::string, std::string>& fields) {
  return store.set_run(run_id, fields);
}

void SyncContext::publish(const std::string& run_id) {
  if (!events) return;
  auto run = store.get_run(run_id);
  if (run.ok() && run->exists()) events->publish("run", sync::run_to_json(*run));
}

void SyncContext::fail(const std::string& run_id, const std::string& pair,
                       const std::string& reason) {
  auto cur = store.get_run(run_id);
  if (!cur.ok() || !cur->exists()) return;
  const std::string& st = cur->state();
  if (st == sync::run_state::succeeded || st == sync::run_state::failed) return;
  std::string pair_id = pair.empty() ? cur->pair_id() : pair;
  log::warn("sync run failed", {{"run", run_id}, {"pair", pair_id}, {"reason", reason}});
  log::best_effort(set(run_id, {{"state", sync::run_state::failed},
                                {"phase", "done"},
                                {"error", reason},
                                {"finished_ms", std::to_string(timeutil::now_unix_ms())}}),
                   "recording a failed run");
  std::vector<RedisArgv> cleanup;
  for (sync::Feature f : sync::kFeatures)
    for (char w : {'S', 'T', 'A'}) cleanup.push_back({"DEL", sync::run_feature_key(run_id, f, w)});
  cleanup.push_back({"DEL", sync::run_unmatched_key(run_id)});
  log::best_effort(redis.pipeline(cleanup), "cleaning up a failed run");
  if (!pair_id.empty())
    log::best_effort(store.release_active(pair_id, run_id), "releasing the pair of a failed run");
  publish(run_id);
}

Result<int64_t> SyncContext::finish_part(const std::string& run_id, const std::string& stage,
                                         const std::string& part, const workq::Item& entry) {
  auto lease = redis.acquire();
  const auto& q = store.queue();
  auto r = kFinishPart.run(
      *lease, {sync::run_done_key(run_id, stage), sync::run_key(run_id), lane_stream(entry)},
      {part, stage + "s_left", q.group, consumer, entry.id});
  if (!r.ok()) return r.error();
  if (r->integer < 0) return lease_lost(entry.id);
  return r->integer;
}

std::string SyncContext::lane_stream(const workq::Item& entry) const {
  return entry.stream.empty() ? store.queue().stream : entry.stream;
}

Status SyncContext::finalize(const std::string& run_id, const workq::Item& entry) {
  auto rec = load(run_id);
  if (!rec.ok()) return rec.error();
  if (!rec->has_value() || (*rec)->terminal()) return Status::Ok();
  const LoadedRun& run = **rec;
  // One finalizer: the first entry to get here (or that same entry redelivered).
  {
    auto conn = redis.acquire();
    const auto& q = store.queue();
    auto claim = kClaimFinalizer.run(*conn, {sync::run_key(run_id), lane_stream(entry)},
                                     {entry.id, q.group, consumer});
    if (!claim.ok()) return claim.error();
    if (claim->integer < 0) return lease_lost(entry.id);
    if (claim->integer == 0) return Status::Ok();
  }
  bool dry = run.get("dry_run") == "1";
  bool baselined = run.get("baselined") == "1";  // a previous attempt already moved the baselines
  // Baselines move in one transaction with the marker, so a repeat never sees half of it.
  std::vector<RedisArgv> cmds{{"MULTI"}};
  int64_t failed = 0, planned = 0;
  for (sync::Feature f : sync::kFeatures) {
    std::string name = sync::feature_name(f);
    if (run.fields.count("f:" + name) == 0) continue;
    failed += std::atoll(run.get("c:" + name + ":failed").c_str());
    planned += std::atoll(run.get("c:" + name + ":planned").c_str());
    if (baselined) continue;
    std::string a = sync::run_feature_key(run_id, f, 'A');
    std::string base = sync::baseline_key(run.pair.id, f);
    if (dry) {
      cmds.push_back({"DEL", a});
      continue;
    }
    auto exists = redis.command({"EXISTS", a});
    if (!exists.ok()) return exists.error();
    if (exists->integer)
      cmds.push_back({"RENAME", a, base});
    else
      cmds.push_back({"DEL", base});
  }
  if (!dry && !baselined) cmds.push_back({"SET", sync::pair_synced_key(run.pair.id), run_id});
  cmds.push_back({"HSET", sync::run_key(run_id), "baselined", "1"});
  cmds.push_back({"EXEC"});
  if (auto r = redis.pipeline(cmds); !r.ok()) return r.error();
  cmds.clear();
  for (sync::Feature f : sync::kFeatures)
    for (char w : {'S', 'T'}) cmds.push_back({"DEL", sync::run_feature_key(run_id, f, w)});
  for (const auto& k : {sync::run_unmatched_key(run_id), sync::run_done_key(run_id, "scan"),
                        sync::run_done_key(run_id, "apply")})
    cmds.push_back({"DEL", k});
  for (const auto& k :
       {sync::run_items_key(run_id), sync::run_plan_key(run_id), sync::run_outcomes_key(run_id)})
    cmds.push_back({"EXPIRE", k, std::to_string(opts.keep_run_s)});
  if (auto r = redis.pipeline(cmds); !r.ok()) return r.error();
  std::map<std::string, std::string> fin{
      {"state", failed ? sync::run_state::failed : sync::run_state::succeeded},
      {"phase", "done"},
      {"finished_ms", std::to_string(timeutil::now_unix_ms())}};
  if (failed)
    fin["error"] = std::to_string(failed) + " of " + std::to_string(planned) +
                   " writes failed (see the run's items); they are planned again on the next run.";
  if (auto s = set(run_id, fin); !s.ok()) return s;
  log::best_effort(store.release_active(run.pair.id, run_id),
                   "releasing the pair of a finished run");
  log::info("sync run finished", {{"run", run_id},
                                  {"pair", run.pair.id},
                                  {"state", fin["state"]},
                                  {"planned", planned},
                                  {"failed", failed}});
  publish(run_id);
  return Status::Ok();
}

Status SyncContext::step_error(const workq::Item& item, const std::string& run_id,
                               const std::string& pair_id, const Error& e) {
  if (e.code == errc::interrupted || e.code == errc::lease_lost) return e;
  if (transient(e) && item.deliveries < opts.max_deliveries) {
    log::info("sync step will be retried", {{"run", run_id},
                                            {"type", item.field("type")},
                                            {"error", e.message},
                                            {"delivery", item.deliveries}});
    return Error(errc::retry, e.message);
  }
  // Permanent, or the last delivery: the consumer dead-letters the entry with
  // this error and only then fails the run (its on_dead_letter callback, with
  // the same reason), so a run seen failed always has its entry in the
  // dead-letter stream. (Should dead-lettering not happen — Redis down, the
  // entry taken over — the entry is redelivered, dead-lettered as delivered
  // too often, and the run failed then.)
  log::info(
      "sync step failed for good; its entry goes to the dead-letter stream",
      {{"run", run_id}, {"pair", pair_id}, {"type", item.field("type")}, {"error", e.message}});
  if (e.code == errc::retry) return Error(errc::unavailable, e.message, e.http_status);
  return e;
}

}  // namespace jb::worker
