// diff_step.cpp — sync.diff: decides every match group of every feature.
//
// Streams the run's group hashes (source S, target T) and the pair's
// baseline in batches (HSCAN + HMGET), so memory never holds a library:
//   1. groups the source lists (with the target's entry and the baseline),
//   2. groups only the target lists,
//   3. groups only the baseline remembers (gone from both: no write).
// planner.h decides each; writes go to the plan list (one entry per write,
// with the ids to write and the old baseline to restore if it fails), every
// decision with a write or a reason goes to the run's item list, and the
// agreed baseline to jb:run:<id>:<feature>:A. Then the safety checks:
// removals above mass_delete_percent of a baseline, or a side that suddenly
// lists under a tenth of a big baseline, hold the run for confirmation.
// A redelivered diff starts over (nothing was applied yet); once it has moved
// the run to "apply" it only re-enqueues the applies.
#include <set>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/client.h"
#include "sync-worker/match.h"
#include "sync-worker/shard_order.h"
#include "sync-worker/steps.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

constexpr int kBatch = 500;

struct FeatureTotals {
  int64_t planned = 0, skipped = 0, unmatched = 0, removals = 0;
  int64_t base_size = 0, present_source = 0, present_target = 0;
};

struct DiffJob {
  SyncContext& ctx;
  const LoadedRun& run;
  std::string run_id;
  std::set<std::string> playing_source, playing_target;
  std::map<std::string, std::string> fails;
  int64_t plan_size = 0;
  bool history_scanned = false;    // the history listings exist (enabled, or scanned for progress)
  std::vector<RedisArgv> pending;  // flushed per batch
};

std::optional<sync::SideEntry> entry_of(const RedisReply& r) {
  if (!r.is_string()) return std::nullopt;
  sync::SideEntry e;
  if (!sync::decode_entry(r.str, e)) return std::nullopt;
  return e;
}

std::optional<sync::Baseline> baseline_of(const RedisReply& r) {
  if (!r.is_string()) return std::nullopt;
  sync::Baseline b;
  if (!sync::decode_baseline(r.str, b)) return std::nullopt;
  return b;
}

bool any_in(const std::vector<std::string>& ids, const std::set<std::string>& set) {
  for (const auto& id : ids)
    if (set.count(id)) return true;
  return false;
}

void decide_group(DiffJob& job, sync::Feature f, FeatureTotals& tot, const std::string& group,
                  const std::optional<sync::SideEntry>& s, const std::optional<sync::SideEntry>& t,
                  const std::optional<sync::Baseline>& b) {
  const sync::Pair& pair = job.run.pair;
  const std::string fname = sync::feature_name(f);
  sync::Inputs in;
  in.feature = f;
  in.two_way = pair.two_way;
  in.config = pair.feature(f);
  if (s) in.source = s->state;
  if (t) in.target = t->state;
  in.baseline = b;
  // The ids each side would be written to.
  // (An entry may carry only a played flag from the history listings, without ids.)
  std::vector<std::string> target_ids = s && !s->other_ids.empty() ? s->other_ids
                                        : t                        ? t->own_ids
                                                                   : std::vector<std::string>{};
  std::vector<std::string> source_ids = t && !t->other_ids.empty() ? t->other_ids
                                        : s                        ? s->own_ids
                                                                   : std::vector<std::string>{};
  in.target_playing_now = any_in(target_ids, job.playing_target);
  in.source_playing_now = any_in(source_ids, job.playing_source);
  const auto& rules = job.ctx.opts.rules;
  if (s && sync::present(f, s->state, rules)) tot.present_source++;
  if (t && sync::present(f, t->state, rules)) tot.present_target++;

  sync::Decision d = sync::decide(in, rules);
  std::string name = s && !s->name.empty() ? s->name : t ? t->name : "";
  std::string fail_key = fname + ":" + group;
  std::string old_base = b ? sync::encode_baseline(*b) : "";
  auto item_json = [&](const std::string& action, const std::string& side, const std::string& item,
                       const std::string& reason, int64_t plan, bool removal) {
    sync::RunItem it{fname, action, side, item, name, reason, removal, std::nullopt};
    if (plan >= 0) it.plan = plan;
    return sync::encode_run_item(it);
  };
  std::string items_key = sync::run_items_key(job.run_id);

  if (!d.writes.empty()) {
    auto fc = job.fails.find(fail_key);
    if (fc != job.fails.end() && std::atoll(fc->second.c_str()) >= job.ctx.opts.quarantine_after) {
      const auto& w0 = d.writes.front();
      const auto& ids = w0.side == sync::Side::target ? target_ids : source_ids;
      job.pending.push_back(
          {"RPUSH", items_key,
           item_json(
               "quarantined", w0.side == sync::Side::target ? "target" : "source",
               ids.empty() ? "" : ids.front(),
               "failed in " + fc->second + " runs in a row; quarantined until the pair is edited",
               -1, false)});
      tot.skipped++;
      if (b)
        job.pending.push_back({"HSET", sync::run_feature_key(job.run_id, f, 'A'), group, old_base});
      return;
    }
  }
  for (const auto& w : d.writes) {
    const auto& ids = w.side == sync::Side::target ? target_ids : source_ids;
    if (ids.empty()) continue;  // cannot happen for matched groups; never guess
    const char* side = w.side == sync::Side::target ? "target" : "source";
    int64_t count = w.side == sync::Side::target ? (s ? s->state.play_count : 0)
                                                 : (t ? t->state.play_count : 0);
    sync::PlanEntry entry;
    entry.feature = fname;
    entry.group = group;
    entry.side = side;
    entry.action = sync::action_name(w.action);
    entry.ids = ids;
    entry.position_ticks = w.position_ticks;
    entry.play_count = count;
    entry.last_played_us = w.last_played_us;
    entry.old_baseline = old_base;
    entry.removal = w.removal;
    int64_t idx = job.plan_size++;
    job.pending.push_back(
        {"RPUSH", sync::run_plan_key(job.run_id), sync::encode_plan_entry(entry)});
    job.pending.push_back(
        {"RPUSH", items_key,
         item_json(sync::action_name(w.action), side, ids.front(), "", idx, w.removal)});
    tot.planned++;
    if (w.removal) tot.removals++;
  }
  if (d.writes.empty() && !d.skip.empty()) {
    std::string side = t ? "target" : "source";
    const auto& ids = t ? t->own_ids : s ? s->own_ids : target_ids;
    job.pending.push_back(
        {"RPUSH", items_key,
         item_json("skip", side, ids.empty() ? "" : ids.front(), d.skip, -1, false)});
    tot.skipped++;
  }
  if (d.agreed.present)
    job.pending.push_back({"HSET", sync::run_feature_key(job.run_id, f, 'A'), group,
                           sync::encode_baseline(d.agreed)});
}

Status flush(DiffJob& job) {
  if (job.pending.empty()) return Status::Ok();
  auto r = job.ctx.redis.pipeline(job.pending);
  job.pending.clear();
  if (!r.ok()) return r.error();
  return Status::Ok();
}

// HSCANs `key` in batches; calls fn with the batch's fields and values.
Status scan_hash(
    SyncContext& ctx, const std::string& key,
    const std::function<Status(std::vector<std::string>&, std::vector<std::string>&)>& fn) {
  std::string cursor = "0";
  do {
    auto r = ctx.redis.command({"HSCAN", key, cursor, "COUNT", std::to_string(kBatch)});
    if (!r.ok()) return r.error();
    if (!r->is_array() || r->elements.size() != 2)
      return Error(errc::redis_protocol, "unexpected HSCAN answer");
    cursor = r->elements[0].str;
    std::vector<std::string> fields, values;
    const auto& kv = r->elements[1].elements;
    for (size_t i = 0; i + 1 < kv.size(); i += 2) {
      fields.push_back(kv[i].str);
      values.push_back(kv[i + 1].str);
    }
    if (!fields.empty())
      if (auto s = fn(fields, values); !s.ok()) return s;
  } while (cursor != "0");
  return Status::Ok();
}

Result<std::vector<RedisReply>> hmget(SyncContext& ctx, const std::string& key,
                                      const std::vector<std::string>& fields) {
  RedisArgv argv{"HMGET", key};
  argv.insert(argv.end(), fields.begin(), fields.end());
  auto r = ctx.redis.command(argv);
  if (!r.ok()) return r.error();
  return r->elements;
}

using Entry = std::optional<sync::SideEntry>;

// Decides a batch of groups. Progress decisions also see whether each side
// has played the item (the history listings), so a position is never pushed
// onto a played item and a play is never undone by a stale position.
Status decide_batch(DiffJob& job, sync::Feature f, FeatureTotals& tot,
                    const std::vector<std::string>& groups, std::vector<Entry>& s,
                    std::vector<Entry>& t, const std::vector<std::optional<sync::Baseline>>& b) {
  if (groups.empty()) return flush(job);
  if (f == sync::Feature::progress && job.history_scanned) {
    auto hs =
        hmget(job.ctx, sync::run_feature_key(job.run_id, sync::Feature::history, 'S'), groups);
    if (!hs.ok()) return hs.error();
    auto ht =
        hmget(job.ctx, sync::run_feature_key(job.run_id, sync::Feature::history, 'T'), groups);
    if (!ht.ok()) return ht.error();
    for (size_t i = 0; i < groups.size(); ++i) {
      auto played = [](const RedisReply& r) {
        sync::SideEntry e;
        return r.is_string() && sync::decode_entry(r.str, e) && e.state.played;
      };
      if (played((*hs)[i])) {
        if (!s[i]) s[i] = sync::SideEntry{};
        s[i]->state.played = true;
      }
      if (played((*ht)[i])) {
        if (!t[i]) t[i] = sync::SideEntry{};
        t[i]->state.played = true;
      }
    }
  }
  for (size_t i = 0; i < groups.size(); ++i) decide_group(job, f, tot, groups[i], s[i], t[i], b[i]);
  return flush(job);
}

Status diff_feature(DiffJob& job, sync::Feature f, FeatureTotals& tot) {
  std::string S = sync::run_feature_key(job.run_id, f, 'S');
  std::string T = sync::run_feature_key(job.run_id, f, 'T');
  std::string B = sync::baseline_key(job.run.pair.id, f);
  auto len = job.ctx.redis.command({"HLEN", B});
  if (!len.ok()) return len.error();
  tot.base_size = len->integer;
  auto entries = [](const std::vector<RedisReply>& r) {
    std::vector<Entry> out;
    for (const auto& x : r) out.push_back(entry_of(x));
    return out;
  };
  auto baselines = [](const std::vector<RedisReply>& r) {
    std::vector<std::optional<sync::Baseline>> out;
    for (const auto& x : r) out.push_back(baseline_of(x));
    return out;
  };

  // 1. Groups the source lists.
  if (auto st = scan_hash(job.ctx, S,
                          [&](std::vector<std::string>& g, std::vector<std::string>& v) -> Status {
                            auto t = hmget(job.ctx, T, g);
                            if (!t.ok()) return t.error();
                            auto b = hmget(job.ctx, B, g);
                            if (!b.ok()) return b.error();
                            std::vector<Entry> se;
                            for (const auto& x : v) {
                              sync::SideEntry e;
                              se.push_back(sync::decode_entry(x, e) ? Entry(e) : std::nullopt);
                            }
                            auto te = entries(*t);
                            return decide_batch(job, f, tot, g, se, te, baselines(*b));
                          });
      !st.ok())
    return st;
  // 2. Groups only the target lists.
  if (auto st = scan_hash(job.ctx, T,
                          [&](std::vector<std::string>& g, std::vector<std::string>& v) -> Status {
                            auto in_s = hmget(job.ctx, S, g);
                            if (!in_s.ok()) return in_s.error();
                            auto b = hmget(job.ctx, B, g);
                            if (!b.ok()) return b.error();
                            std::vector<std::string> groups;
                            std::vector<Entry> se, te;
                            std::vector<std::optional<sync::Baseline>> be;
                            for (size_t i = 0; i < g.size(); ++i) {
                              sync::SideEntry e;
                              if ((*in_s)[i].is_string() || !sync::decode_entry(v[i], e)) continue;
                              groups.push_back(g[i]);
                              se.push_back(std::nullopt);
                              te.push_back(e);
                              be.push_back(baseline_of((*b)[i]));
                            }
                            return decide_batch(job, f, tot, groups, se, te, be);
                          });
      !st.ok())
    return st;
  // 3. Groups only the baseline remembers: gone from both sides, nothing to write.
  if (auto st = scan_hash(job.ctx, B,
                          [&](std::vector<std::string>& g, std::vector<std::string>& v) -> Status {
                            auto in_s = hmget(job.ctx, S, g);
                            if (!in_s.ok()) return in_s.error();
                            auto in_t = hmget(job.ctx, T, g);
                            if (!in_t.ok()) return in_t.error();
                            std::vector<std::string> groups;
                            std::vector<Entry> se, te;
                            std::vector<std::optional<sync::Baseline>> be;
                            for (size_t i = 0; i < g.size(); ++i) {
                              sync::Baseline base;
                              if ((*in_s)[i].is_string() || (*in_t)[i].is_string() ||
                                  !sync::decode_baseline(v[i], base))
                                continue;
                              groups.push_back(g[i]);
                              se.push_back(std::nullopt);
                              te.push_back(std::nullopt);
                              be.push_back(base);
                            }
                            return decide_batch(job, f, tot, groups, se, te, be);
                          });
      !st.ok())
    return st;
  return Status::Ok();
}

// Items the user is playing right now on a connection (GET /Sessions).
Result<std::set<std::string>> playing_now(SyncContext& ctx, const std::string& conn) {
  auto access = ctx.access.open(conn);
  if (!access.ok()) return access.error();
  auto d = (*access)->client.get_json("/Sessions");
  if (!d.ok()) return d.error();
  std::set<std::string> ids;
  if (!d->IsArray()) return ids;
  const std::string& user = (*access)->creds.user_id;
  for (const auto& s : d->GetArray()) {
    if (json::get_string(s, "UserId") != user) continue;
    if (const auto* np = json::member(s, "NowPlayingItem"); np && np->IsObject())
      ids.insert(json::get_string(*np, "Id"));
  }
  return ids;
}

}  // namespace

Status diff_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl) {
  std::string run_id = item.field("run");
  auto rec = ctx.load(run_id);
  if (!rec.ok()) return Error(errc::retry, rec.error().message);
  if (!rec->has_value() || (*rec)->terminal()) return Status::Ok();
  const LoadedRun& run = **rec;
  const std::string& phase = run.get("phase");
  if (phase == "apply")
    return enqueue_applies(ctx, run_id, std::atoll(run.get("plan_size").c_str()), item);
  if (phase != "scan" && phase != "diff") return Status::Ok();
  // One differ per run: the first entry (or that entry redelivered).
  auto claim = ctx.redis.command({"HSETNX", sync::run_key(run_id), "differ", item.id});
  if (!claim.ok()) return Error(errc::retry, claim.error().message);
  if (claim->integer == 0) {
    auto cur = ctx.redis.command({"HGET", sync::run_key(run_id), "differ"});
    if (!cur.ok()) return Error(errc::retry, cur.error().message);
    if (cur->str != item.id) return Status::Ok();
  }
  log::best_effort(
      ctx.set(run_id, {{"phase", "diff"},
                       {sync::run_field::diff_ms, std::to_string(timeutil::now_unix_ms())}}),
      "recording the diff phase");
  ctx.publish(run_id);

  DiffJob job{ctx, run, run_id, {}, {}, {}, 0, false, {}};
  job.history_scanned = run.fields.count("f:history") > 0 || run.get("aux:history") == "1";
  const sync::Pair& pair = run.pair;
  if (pair.progress.enabled) {
    auto ps = playing_now(ctx, pair.source);
    if (!ps.ok()) return ctx.step_error(item, run_id, pair.id, ps.error());
    auto pt = playing_now(ctx, pair.target);
    if (!pt.ok()) return ctx.step_error(item, run_id, pair.id, pt.error());
    job.playing_source = std::move(*ps);
    job.playing_target = std::move(*pt);
  }
  auto fails = ctx.redis.command({"HGETALL", sync::pair_fails_key(pair.id)});
  if (!fails.ok()) return Error(errc::retry, fails.error().message);
  job.fails = fails->as_map();

  // Start over: nothing of this run has been applied yet.
  if (auto s = ctl.check(); !s.ok()) return s;
  std::vector<RedisArgv> reset{{"DEL", sync::run_plan_key(run_id)},
                               {"DEL", sync::run_items_key(run_id)},
                               {"DEL", sync::run_outcomes_key(run_id)}};
  for (sync::Feature f : pair.enabled())
    reset.push_back({"DEL", sync::run_feature_key(run_id, f, 'A')});
  if (auto r = ctx.redis.pipeline(reset); !r.ok()) return Error(errc::retry, r.error().message);

  std::map<std::string, std::string> fields;
  std::vector<std::string> holds;
  int64_t removals = 0;
  for (sync::Feature f : pair.enabled()) {
    if (auto s = ctl.check(); !s.ok()) return s;
    FeatureTotals tot;
    if (auto s = diff_feature(job, f, tot); !s.ok())
      return ctx.step_error(item, run_id, pair.id, s.error());
    std::string fname = sync::feature_name(f);
    // Unmatched items of this feature go to the item list too.
    if (auto s =
            scan_hash(ctx, sync::run_unmatched_key(run_id),
                      [&](std::vector<std::string>& k, std::vector<std::string>& v) -> Status {
                        for (size_t i = 0; i < k.size(); ++i)
                          if (k[i].rfind(fname + "|", 0) == 0) {
                            job.pending.push_back({"RPUSH", sync::run_items_key(run_id), v[i]});
                            tot.unmatched++;
                          }
                        return flush(job);
                      });
        !s.ok())
      return ctx.step_error(item, run_id, pair.id, s.error());
    fields["c:" + fname + ":planned"] = std::to_string(tot.planned);
    fields["c:" + fname + ":skipped"] = std::to_string(tot.skipped);
    fields["c:" + fname + ":unmatched"] = std::to_string(tot.unmatched);
    fields["c:" + fname + ":applied"] = "0";
    fields["c:" + fname + ":failed"] = "0";
    removals += tot.removals;
    if (tot.removals > 0 && tot.base_size > 0 &&
        tot.removals * 100 > tot.base_size * ctx.opts.mass_delete_percent)
      holds.push_back("would remove " + std::to_string(tot.removals) + " of " +
                      std::to_string(tot.base_size) + " " + fname + " entries (more than " +
                      std::to_string(ctx.opts.mass_delete_percent) + " %)");
    else if (tot.removals > 0 && tot.base_size >= ctx.opts.suspect_min_baseline &&
             std::min(tot.present_source, tot.present_target) * 10 < tot.base_size)
      holds.push_back("suspect snapshot: the " +
                      std::string(tot.present_source < tot.present_target ? "source" : "target") +
                      " now lists " +
                      std::to_string(std::min(tot.present_source, tot.present_target)) + " " +
                      fname + " entries where " + std::to_string(tot.base_size) + " were agreed");
  }
  if (auto s = ctl.check(); !s.ok()) return s;
  fields["removals"] = std::to_string(removals);
  fields["plan_size"] = std::to_string(job.plan_size);
  log::info("sync run diffed", {{"run", run_id},
                                {"pair", pair.id},
                                {"planned", job.plan_size},
                                {"removals", removals},
                                {"held", !holds.empty()}});
  if (pair.dry_run || run.get("dry_run") == "1") {
    fields["phase"] = "done";
    if (auto s = ctx.set(run_id, fields); !s.ok()) return Error(errc::retry, s.error().message);
    if (auto s = ctx.finalize(run_id, item); !s.ok()) return retry_later(s.error());
    return Status::Ok();
  }
  if (!holds.empty()) {
    fields["state"] = sync::run_state::held;
    fields["phase"] = "held";
    fields["held_reason"] = text::join(holds, "; ") + ". Confirm the run to apply it.";
    if (auto s = ctx.set(run_id, fields); !s.ok()) return Error(errc::retry, s.error().message);
    ctx.publish(run_id);
    return Status::Ok();
  }
  fields["phase"] = "apply";
  fields[sync::run_field::apply_ms] = std::to_string(timeutil::now_unix_ms());
  if (auto s = ctx.set(run_id, fields); !s.ok()) return Error(errc::retry, s.error().message);
  return enqueue_applies(ctx, run_id, job.plan_size, item);
}

Status enqueue_applies(SyncContext& ctx, const std::string& run_id, int64_t planned,
                       const workq::Item& entry) {
  if (planned <= 0) {
    if (auto s = ctx.finalize(run_id, entry); !s.ok()) return retry_later(s.error());
    return Status::Ok();
  }
  int64_t batch = ctx.opts.apply_batch;
  int64_t shards = (planned + batch - 1) / batch;
  // Set once: a repeat must not reset the count of parts already finished.
  auto r =
      ctx.redis.command({"HSETNX", sync::run_key(run_id), "applys_left", std::to_string(shards)});
  if (!r.ok()) return Error(errc::retry, r.error().message);
  // Shards go out spread over the plan (shard_order), so the workers that take
  // the next few at once write different stretches of it — features and sides
  // (servers) mixed — rather than neighbours that all write to the same server.
  for (int64_t shard : shard_order(shards)) {
    const int64_t from = shard * batch;
    auto q = ctx.store.enqueue({{"type", "sync.apply"},
                                {"run", run_id},
                                {"from", std::to_string(from)},
                                {"to", std::to_string(std::min(planned, from + batch))}});
    if (!q.ok()) return Error(errc::retry, q.error().message);
  }
  ctx.publish(run_id);
  return Status::Ok();
}

}  // namespace jb::worker
