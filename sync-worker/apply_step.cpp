// apply_step.cpp — sync.apply: performs one slice of a run's plan and proves
// it with batch reads; sync.release: a confirmed held run goes on.
//
// Each planned write is sent to every id of its group on its side (duplicate
// copies), as an absolute request (writes.h), then one GET /Items?ids=… per
// batch of ids reads the user data back. The requests of a slice (its writes,
// then its reads) run concurrently on the worker's fan-out threads (fanout.h),
// as many at once as each server's shared budget admits. The outcome of a plan position is
// recorded once (HSETNX), with its counter, in one script, so a redelivered
// slice skips what is recorded and counts nothing twice. A failed write
// restores the group's old baseline (the next run plans it again) and counts
// towards the item's quarantine; a success clears that count. Transient
// failures (timeouts, 5xx, 503/429 after the client's own retries) leave the
// position unrecorded and the slice is retried later — on its last delivery
// they are recorded as failed.
//
// Leases (lease_keeper.h): the keeper renews this step's entry by time; no
// request task starts once the entry is lost or the worker stops, every
// request (each retry too) first asks the step's WorkControl whether the entry
// is still ours, and the outcomes are recorded by a script that checks
// ownership, so a step that lost its entry stops before its next write and
// records nothing — the new owner redoes the slice with the same absolute
// writes and records what it sent.
#include <algorithm>
#include <atomic>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "common/redis/script.h"
#include "sync-worker/lease_keeper.h"
#include "sync-worker/steps.h"
#include "sync-worker/sync_context.h"
#include "sync-worker/writes.h"

namespace jb::worker {

namespace {

// KEYS[1] out hash, KEYS[2] run hash, KEYS[3] fails hash, KEYS[4] work stream.
// ARGV[1..3]: group, consumer, entry (the recorder must own it, else -1);
// then per outcome (7): position, outcome json, counter field, fails field,
// agreed-baseline key, old baseline ("" = none), "a" applied | "f" failed.
const RedisScript kRecord(std::string(workq::owner_guard_lua()) + R"lua(
if not jb_owns(KEYS[4], ARGV[1], ARGV[2], ARGV[3]) then return -1 end
local n = 0
for i = 4, #ARGV, 7 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    n = n + 1
    redis.call('HINCRBY', KEYS[2], ARGV[i + 2], 1)
    if ARGV[i + 6] == 'f' then
      redis.call('HINCRBY', KEYS[3], ARGV[i + 3], 1)
      local g = string.match(ARGV[i + 3], ':(.*)$')
      if ARGV[i + 5] == '' then redis.call('HDEL', ARGV[i + 4], g)
      else redis.call('HSET', ARGV[i + 4], g, ARGV[i + 5]) end
    else
      redis.call('HDEL', KEYS[3], ARGV[i + 3])
    end
  end
end
return n
)lua");

struct Planned {
  int64_t pos = 0;
  std::string feature, group, side, old_base;
  std::vector<std::string> ids;
  PlannedWrite write;
  std::string outcome, reason;  // set when decided
  bool transient = false;
};

std::optional<Planned> parse_planned(int64_t pos, const std::string& v) {
  auto e = sync::decode_plan_entry(v);
  if (!e) return std::nullopt;
  Planned p;
  p.pos = pos;
  p.feature = e->feature;
  p.group = e->group;
  p.side = e->side;
  p.old_base = e->old_baseline;
  p.ids = e->ids;
  bool known = false;
  for (auto a : {sync::Action::favorite, sync::Action::unfavorite, sync::Action::played,
                 sync::Action::unplayed, sync::Action::set_last_played, sync::Action::set_position,
                 sync::Action::clear_position})
    if (e->action == sync::action_name(a)) {
      p.write.action = a;
      known = true;
    }
  if (!known) return std::nullopt;
  p.write.position_ticks = e->position_ticks;
  p.write.play_count = e->play_count;
  p.write.last_played_us = e->last_played_us;
  return p;
}

// What one request task reports.
struct TaskResult {
  bool done = false;  // ran to its end (else: not started, or stopped by the fence)
  std::optional<Error> error;
};

// Reads back the user data of one batch of ids; id → user data.
Result<std::map<std::string, jf::UserData>> read_back(jf::Client& client, const std::string& user,
                                                      const std::vector<std::string>& ids) {
  std::map<std::string, jf::UserData> out;
  auto page = client.items("userId=" + text::url_encode(user) + "&ids=" + text::join(ids, ",") +
                           "&enableImages=false&limit=" + std::to_string(ids.size()));
  if (!page.ok()) return page.error();
  for (const auto& it : page->items)
    if (it.user_data) out[it.id] = *it.user_data;
  return out;
}

}  // namespace

Status apply_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl) {
  std::string run_id = item.field("run");
  int64_t from = 0, to = 0;
  if (!text::parse_int64(item.field("from"), from) || !text::parse_int64(item.field("to"), to) ||
      from < 0 || to <= from)
    return Error(errc::bad_work_item, "sync.apply needs from < to.");
  auto rec = ctx.load(run_id);
  if (!rec.ok()) return Error(errc::retry, rec.error().message);
  if (!rec->has_value() || (*rec)->terminal() || (*rec)->get("phase") != "apply")
    return Status::Ok();
  const LoadedRun& run = **rec;
  std::string part = std::to_string(from) + "-" + std::to_string(to);
  auto member = ctx.redis.command({"SISMEMBER", sync::run_done_key(run_id, "apply"), part});
  if (!member.ok()) return Error(errc::retry, member.error().message);

  bool busy_server = false;
  std::string transient_reason;
  if (member->integer == 0) {
    auto plan = ctx.redis.pipeline(
        {{"LRANGE", sync::run_plan_key(run_id), std::to_string(from), std::to_string(to - 1)}});
    if (!plan.ok()) return Error(errc::retry, plan.error().message);
    std::vector<Planned> todo;
    {
      RedisArgv argv{"HMGET", sync::run_outcomes_key(run_id)};
      for (int64_t i = from; i < to; ++i) argv.push_back(std::to_string(i));
      auto done = ctx.redis.command(argv);
      if (!done.ok()) return Error(errc::retry, done.error().message);
      const auto& entries = (*plan)[0].elements;
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i < done->elements.size() && done->elements[i].is_string())
          continue;  // recorded before
        auto p = parse_planned(from + static_cast<int64_t>(i), entries[i].str);
        if (p) todo.push_back(std::move(*p));
      }
    }
    bool last_chance = item.deliveries >= ctx.opts.max_deliveries;
    // Credentials once per side (one vault call); each request task then makes its
    // own client on its thread, fenced by the lease and admitted by the server budget.
    std::map<std::string, VaultCredentials> creds;
    for (const auto& p : todo) {
      if (creds.count(p.side)) continue;
      auto a = ctx.access.open(p.side == "source" ? run.pair.source : run.pair.target);
      if (!a.ok()) return ctx.step_error(item, run_id, run.pair.id, a.error());
      creds[p.side] = (*a)->creds;
    }
    auto client_for = [&](const std::string& side) {
      auto a = ctx.access.client_for(creds.at(side));
      a->client.set_guard([&ctl] { return ctl.check_owned(); });
      return a;
    };
    std::atomic<bool> lost{false};
    auto may_start = [&] { return !lost.load() && ctl.check().ok(); };
    auto note = [&](TaskResult& r, const Error& e) {
      if (e.code == errc::lease_lost) lost = true;
      r.error = e;
    };

    // Writes: every id of every planned entry is one task (a dateless "played" is two
    // requests, in order, within its task); the server budget decides how many run at once.
    std::vector<std::pair<size_t, size_t>> writes;  // (entry, id)
    for (size_t e = 0; e < todo.size(); ++e)
      for (size_t k = 0; k < todo[e].ids.size(); ++k) writes.emplace_back(e, k);
    std::vector<TaskResult> wrote(writes.size());
    ctx.fanout.run(
        writes.size(),
        [&](size_t i) {
          const Planned& p = todo[writes[i].first];
          auto acc = client_for(p.side);
          for (const HttpWrite& req :
               to_requests(p.write, p.ids[writes[i].second], acc->creds.user_id)) {
            auto r = acc->client.request(req.method, req.path, req.body);
            if (!r.ok()) return note(wrote[i], r.error());
          }
          wrote[i].done = true;
        },
        may_start);
    if (lost) return Error(errc::lease_lost, "work entry " + item.id + " was taken over");
    for (size_t i = 0; i < writes.size(); ++i) {
      Planned& p = todo[writes[i].first];
      if (!wrote[i].error || !p.outcome.empty()) continue;
      p.transient = jf::is_transient(*wrote[i].error) && !last_chance;
      p.outcome = "failed";
      p.reason = wrote[i].error->message;
    }
    std::vector<bool> all_sent(todo.size(), true);  // every request of the entry was sent
    for (size_t i = 0; i < writes.size(); ++i)
      if (!wrote[i].done && !wrote[i].error) all_sent[writes[i].first] = false;

    // Verification: the ids whose writes all went out, read back in batches per side.
    std::vector<std::pair<std::string, std::vector<std::string>>> reads;
    for (const char* side : {"source", "target"}) {
      std::vector<std::string> ids;
      for (size_t e = 0; e < todo.size(); ++e)
        if (todo[e].side == side && todo[e].outcome.empty() && all_sent[e])
          ids.insert(ids.end(), todo[e].ids.begin(), todo[e].ids.end());
      auto batch = static_cast<size_t>(std::max(1, ctx.opts.apply_batch));
      for (size_t from = 0; from < ids.size(); from += batch)
        reads.emplace_back(
            side, std::vector<std::string>(
                      ids.begin() + static_cast<long>(from),
                      ids.begin() + static_cast<long>(std::min(ids.size(), from + batch))));
    }
    std::vector<TaskResult> read(reads.size());
    std::vector<std::map<std::string, jf::UserData>> seen_of(reads.size());
    ctx.fanout.run(
        reads.size(),
        [&](size_t i) {
          auto acc = client_for(reads[i].first);
          auto seen = read_back(acc->client, acc->creds.user_id, reads[i].second);
          if (!seen.ok()) return note(read[i], seen.error());
          seen_of[i] = std::move(*seen);
          read[i].done = true;
        },
        may_start);
    if (lost) return Error(errc::lease_lost, "work entry " + item.id + " was taken over");
    for (const auto& r : read)
      if (r.error) return ctx.step_error(item, run_id, run.pair.id, *r.error);
    std::map<std::string, std::map<std::string, jf::UserData>> seen;  // side → id → data
    std::map<std::string, bool> complete{{"source", true}, {"target", true}};
    for (size_t i = 0; i < reads.size(); ++i) {
      if (!read[i].done) complete[reads[i].first] = false;
      seen[reads[i].first].merge(seen_of[i]);
    }
    for (size_t e = 0; e < todo.size(); ++e) {
      Planned& p = todo[e];
      if (!p.outcome.empty() || !all_sent[e] || !complete[p.side]) continue;  // not attempted
      bool ok = true;
      for (const auto& id : p.ids) {
        auto f = seen[p.side].find(id);
        if (f == seen[p.side].end() || !in_effect(p.write, f->second)) ok = false;
      }
      p.outcome = ok ? "applied" : "failed";
      if (!ok) p.reason = "the server did not show the change when read back";
    }
    // Outcomes.
    const auto& queue = ctx.store.queue();
    std::vector<std::string> args{queue.group, ctx.consumer, item.id};
    for (const auto& p : todo) {
      if (p.outcome.empty()) continue;  // not attempted (stopping)
      if (p.transient) {
        busy_server = true;
        transient_reason = p.reason;
        continue;
      }
      sync::Feature f;
      if (!sync::parse_feature(p.feature, f)) continue;
      args.insert(args.end(), {std::to_string(p.pos), sync::encode_outcome({p.outcome, p.reason}),
                               sync::counter_field(f, p.outcome), p.feature + ":" + p.group,
                               sync::run_feature_key(run_id, f, 'A'), p.old_base,
                               p.outcome == "applied" ? "a" : "f"});
    }
    if (args.size() > 3) {
      auto lease = ctx.redis.acquire();
      auto r = kRecord.run(*lease,
                           {sync::run_outcomes_key(run_id), sync::run_key(run_id),
                            sync::pair_fails_key(run.pair.id), ctx.lane_stream(item)},
                           args);
      if (!r.ok()) return Error(errc::retry, r.error().message);
      if (r->integer < 0)
        return Error(errc::lease_lost,
                     "work entry " + item.id + " was taken over before its outcomes were recorded");
    }
    ctx.publish(run_id);
    if (ctl.stopping()) return Error(errc::interrupted, "stopping");
    if (busy_server)
      return Error(errc::retry, "some writes met a busy server: " + transient_reason);
  }
  auto left = ctx.finish_part(run_id, "apply", part, item);
  if (!left.ok()) return retry_later(left.error());
  if (*left <= 0)
    if (auto s = ctx.finalize(run_id, item); !s.ok()) return retry_later(s.error());
  return Status::Ok();
}

Status release_step(SyncContext& ctx, const workq::Item& item, const WorkControl&) {
  std::string run_id = item.field("run");
  auto rec = ctx.load(run_id);
  if (!rec.ok()) return Error(errc::retry, rec.error().message);
  if (!rec->has_value() || (*rec)->terminal()) return Status::Ok();
  const LoadedRun& run = **rec;
  if (run.get("state") != sync::run_state::running || run.get("phase") != "apply")
    return Status::Ok();
  log::info("held sync run confirmed", {{"run", run_id}, {"pair", run.pair.id}});
  return enqueue_applies(ctx, run_id, std::atoll(run.get("plan_size").c_str()), item);
}

}  // namespace jb::worker
