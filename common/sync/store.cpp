// store.cpp — see store.h.
#include "common/sync/store.h"

#include <algorithm>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/capped_set.h"
#include "common/redis/client.h"
#include "common/redis/due_set.h"
#include "common/redis/script.h"
#include "common/redis/token_lock.h"

namespace jb::sync {

namespace {

// KEYS[1] the pair's run slot; ARGV[1] new run id, ARGV[2] ttl ms, ARGV[3] run
// key prefix → {1, new id} taken, or {0, holder} a run of the pair is queued
// or running. A slot whose run has already finished counts as free: a run's
// final state is written just before its slot is released, so a caller that
// saw it succeed may start the next run at once.
const RedisScript kTakeRunSlot(R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local st = redis.call('HGET', ARGV[3] .. cur, 'state')
  if st ~= 'succeeded' and st ~= 'failed' then return {0, cur} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, ARGV[1]}
)lua");

}  // namespace

Result<bool> SyncStore::claim_pair_slot(const std::string& owner, const std::string& id,
                                        int64_t cap) {
  return capped_set_add(redis_, user_pairs_key(owner), id, cap);
}

Status SyncStore::save_pair(const Pair& p) {
  auto r = redis_.pipeline({{"HSET", pair_key(p.id), "owner", p.owner, "json", pair_to_json(p),
                             "every_minutes", std::to_string(p.every_minutes)},
                            {"SADD", user_pairs_key(p.owner), p.id}});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::optional<Pair>> SyncStore::get_pair(const std::string& id) {
  if (id.size() != 32 || !text::is_hex(id)) return std::optional<Pair>{};
  auto r = redis_.command({"HMGET", pair_key(id), "owner", "json"});
  if (!r.ok()) return r.error();
  if (r->elements.size() < 2 || !r->elements[1].is_string()) return std::optional<Pair>{};
  auto p = pair_from_stored(r->elements[1].str);
  if (!p.ok()) return p.error();
  p->owner = r->elements[0].str;
  return std::optional<Pair>(*p);
}

Result<std::optional<Pair>> SyncStore::get_owned_pair(const std::string& id,
                                                      const std::string& owner) {
  auto p = get_pair(id);
  if (!p.ok() || !p->has_value()) return p;
  if ((*p)->owner != owner) return std::optional<Pair>{};
  return p;
}

Result<std::vector<Pair>> SyncStore::list_pairs(const std::string& owner) {
  auto ids = redis_.command({"SMEMBERS", user_pairs_key(owner)});
  if (!ids.ok()) return ids.error();
  std::vector<Pair> out;
  for (const auto& e : ids->elements) {
    auto p = get_pair(e.str);
    if (!p.ok()) return p.error();
    if (p->has_value()) out.push_back(**p);
  }
  std::sort(out.begin(), out.end(), [](const Pair& a, const Pair& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

Status SyncStore::delete_pair(const Pair& p) {
  std::vector<RedisArgv> cmds{{"DEL", pair_key(p.id)},
                              {"SREM", user_pairs_key(p.owner), p.id},
                              {"ZREM", scheduled_pairs_key(), p.id},
                              {"DEL", pair_runs_key(p.id)},
                              {"DEL", pair_active_key(p.id)},
                              {"DEL", pair_fails_key(p.id)}};
  for (Feature f : kFeatures) cmds.push_back({"DEL", baseline_key(p.id, f)});
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status SyncStore::clear_failures(const std::string& pair_id) {
  auto r = redis_.command({"DEL", pair_fails_key(pair_id)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status SyncStore::schedule(const Pair& p, int64_t next_ms) {
  auto r = p.every_minutes > 0
               ? redis_.command({"ZADD", scheduled_pairs_key(), std::to_string(next_ms), p.id})
               : redis_.command({"ZREM", scheduled_pairs_key(), p.id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<std::string>> SyncStore::claim_due_pairs(int64_t now_ms, int limit) {
  // Each claimed pair moves on by its own interval (from its record), so a
  // worker outage causes no burst of catch-up runs; unscheduled pairs leave.
  auto lease = redis_.acquire();
  return due::claim_due_every(*lease, scheduled_pairs_key(), now_ms, pair_key(""), "every_minutes",
                              limit);
}

Result<RunCreated> SyncStore::create_run(const Pair& p, const std::string& trigger) {
  RunCreated out;
  out.run_id = rnd::id128();
  {
    auto lease = redis_.acquire();
    auto slot = kTakeRunSlot.run(*lease, {pair_active_key(p.id)},
                                 {out.run_id, std::to_string(6LL * 3600 * 1000), run_key("")});
    if (!slot.ok()) return slot.error();
    if (!slot->is_array() || slot->elements.size() != 2)
      return Error(errc::redis_protocol, "unexpected answer while taking the pair's run slot");
    if (slot->elements[0].integer == 0) {
      out.run_id = slot->elements[1].str;
      out.already_active = true;
      return out;
    }
  }
  int64_t now = timeutil::now_unix_ms();
  auto r = redis_.pipeline({{"HSET",       run_key(out.run_id),
                             "id",         out.run_id,
                             "pair",       p.id,
                             "owner",      p.owner,
                             "state",      run_state::queued,
                             "phase",      "queued",
                             "trigger",    trigger,
                             "dry_run",    p.dry_run ? "1" : "0",
                             "mode",       p.two_way ? "two-way" : "one-way",
                             "created_ms", std::to_string(now)},
                            {"ZADD", pair_runs_key(p.id), std::to_string(now), out.run_id},
                            {"ZREMRANGEBYRANK", pair_runs_key(p.id), "0", "-201"}});
  bool written = r.ok() && std::none_of(r->begin(), r->end(),
                                        [](const RedisReply& x) { return x.is_error(); });
  if (!written) {
    log::best_effort(release_active(p.id, out.run_id), "releasing the pair after a failed enqueue");
    return r.ok() ? Error(errc::redis_error, "The run could not be recorded.", 503) : r.error();
  }
  auto q = enqueue({{"type", "sync.plan"}, {"run", out.run_id}});
  if (!q.ok()) {
    log::best_effort(
        redis_.command({"HSET", run_key(out.run_id), "state", run_state::failed, "phase", "done",
                        "error", "The run could not be queued: " + q.error().message, "finished_ms",
                        std::to_string(now)}),
        "marking a run that could not be enqueued as failed");
    log::best_effort(release_active(p.id, out.run_id), "releasing the pair after a failed enqueue");
    return q.error();
  }
  return out;
}

Result<std::string> SyncStore::enqueue(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string type;
  for (const auto& [k, v] : fields)
    if (k == "type") type = v;
  auto lease = redis_.acquire();
  return workq::enqueue(*lease, urgent_work(type) ? queue_.urgent_lane() : queue_.normal_lane(),
                        fields);
}

bool urgent_work(const std::string& type) {
  // The steps that carry a run already under way to its end go before the ones that start runs.
  return type == "sync.diff" || type == "sync.apply" || type == "sync.release";
}

Result<RunRecord> SyncStore::get_run(const std::string& id) {
  if (id.size() != 32 || !text::is_hex(id)) return RunRecord{};
  auto r = redis_.command({"HGETALL", run_key(id)});
  if (!r.ok()) return r.error();
  return RunRecord{r->as_map()};
}

Result<SyncStore::ItemsPage> SyncStore::run_items(const std::string& run_id, int64_t start,
                                                  int64_t count) {
  ItemsPage page;
  if (count <= 0) return page;
  auto items = redis_.pipeline(
      {{"LRANGE", run_items_key(run_id), std::to_string(start), std::to_string(start + count - 1)},
       {"LLEN", run_items_key(run_id)}});
  if (!items.ok()) return items.error();
  page.total = (*items)[1].integer;
  RedisArgv outcomes{"HMGET", run_outcomes_key(run_id)};
  std::vector<size_t> planned;  // positions in page.items of planned writes
  for (const auto& e : (*items)[0].elements) {
    auto it = decode_run_item(e.str);
    if (!it) continue;  // never written by us; not shown
    if (it->plan) {
      planned.push_back(page.items.size());
      outcomes.push_back(std::to_string(*it->plan));
    }
    page.items.emplace_back(std::move(*it), std::nullopt);
  }
  if (!planned.empty()) {
    auto o = redis_.command(outcomes);
    if (!o.ok()) return o.error();
    for (size_t i = 0; i < planned.size() && i < o->elements.size(); ++i)
      if (o->elements[i].is_string())
        page.items[planned[i]].second = decode_outcome(o->elements[i].str);
  }
  return page;
}

Status SyncStore::confirm_run(const std::string& run_id) {
  if (auto s =
          set_run(run_id, {{run_field::state, run_state::running},
                           {run_field::phase, "apply"},
                           {run_field::confirmed_ms, std::to_string(timeutil::now_unix_ms())}});
      !s.ok())
    return s;
  auto q = enqueue({{"type", "sync.release"}, {"run", run_id}});
  if (!q.ok()) return q.error();
  return Status::Ok();
}

Status SyncStore::set_run(const std::string& id, const std::map<std::string, std::string>& fields) {
  auto r = redis_.command(hset_argv(run_key(id), fields));
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<std::string>> SyncStore::list_runs(const std::string& pair_id, int limit) {
  if (limit <= 0) return std::vector<std::string>{};
  auto r = redis_.command({"ZREVRANGE", pair_runs_key(pair_id), "0", std::to_string(limit - 1)});
  if (!r.ok()) return r.error();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

Status SyncStore::release_active(const std::string& pair_id, const std::string& run_id) {
  // Compare and delete in one step: never free a newer run's slot.
  auto lease = redis_.acquire();
  auto r = token_lock::release(*lease, pair_active_key(pair_id), run_id);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb::sync
