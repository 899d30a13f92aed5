// Integration tests of common/sync/store.h (pairs, the leaderless schedule,
// runs and their active slot, the run JSON) and common/jellyfin/server_budget.h (the
// per-server concurrency budget shared through Redis) against a real
// redis-server. Concurrency is checked by counting, never by timing; the only
// waits poll a condition with a generous deadline.
//
// Thread-safety: each test owns its redis-server; worker threads share the
// store/budget under test (both are documented thread-safe).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/time.h"
#include "common/jellyfin/server_budget.h"
#include "common/redis/work_queue.h"
#include "common/sync/store.h"
#include "tests/support/eventually.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/refusing_port.h"

using namespace jb;
using namespace jb::sync;
using jb::testing::eventually;
using jb::testing::RedisServer;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // ms; claim_due_pairs takes "now" from the caller
constexpr int64_t kMinute = 60'000;

RedisOptions opts_for(const RedisServer& s) {
  return *parse_redis_url(s.url());
}

Pair new_pair(const std::string& owner, int64_t every_minutes, int64_t created_ms = kNow) {
  Pair p;
  p.id = rnd::id128();
  p.owner = owner;
  p.name = "pair " + p.id.substr(0, 6);
  p.source = "c-source";
  p.target = "c-target";
  p.watchlist.enabled = true;
  p.history.enabled = true;
  p.history.remove = true;
  p.every_minutes = every_minutes;
  p.created_ms = created_ms;  // whole seconds: stored as RFC 3339
  return p;
}

std::vector<workq::Item> stream_entries(RedisPool& redis, const std::string& stream) {
  auto r = redis.command({"XRANGE", stream, "-", "+"});
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return {};
  return workq::parse_entries(*r);
}

// A gate's enter/leave, with in-flight accounting around the "request".
struct InFlight {
  std::atomic<int> now{0}, max{0}, completed{0};
  void enter() {
    int n = ++now;
    int m = max.load();
    while (n > m && !max.compare_exchange_weak(m, n)) {
    }
  }
  void leave() {
    --now;
    ++completed;
  }
};

}  // namespace

// ---------------------------------------------------------------- pairs

TEST(SyncStore, SavesGetsListsAndDeletesPairs) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);

  Pair a = new_pair("u1", 30, kNow);
  a.two_way = true;
  a.dry_run = true;
  a.source_libraries = {"lib-films"};
  a.target_libraries = {"lib-movies", "lib-4k"};
  Pair b = new_pair("u1", 0, kNow - 5000);
  Pair c = new_pair("u2", 15, kNow);
  for (const Pair* p : {&a, &b, &c}) ASSERT_TRUE(store.save_pair(*p).ok());

  auto got = store.get_pair(a.id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  const Pair& g = **got;
  EXPECT_EQ(g.id, a.id);
  EXPECT_EQ(g.owner, "u1");
  EXPECT_EQ(g.name, a.name);
  EXPECT_EQ(g.source, "c-source");
  EXPECT_EQ(g.target, "c-target");
  EXPECT_TRUE(g.two_way);
  EXPECT_TRUE(g.dry_run);
  EXPECT_TRUE(g.watchlist.enabled);
  EXPECT_TRUE(g.history.enabled);
  EXPECT_TRUE(g.history.remove);
  EXPECT_FALSE(g.progress.enabled);
  EXPECT_EQ(g.source_libraries, a.source_libraries);
  EXPECT_EQ(g.target_libraries, a.target_libraries);
  EXPECT_EQ(g.every_minutes, 30);
  EXPECT_EQ(g.created_ms, kNow);

  // Ownership: another user's pair does not exist for them.
  auto owned = store.get_owned_pair(a.id, "u1");
  ASSERT_TRUE(owned.ok());
  EXPECT_TRUE(owned->has_value());
  auto foreign = store.get_owned_pair(a.id, "u2");
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(foreign->has_value());
  auto foreign2 = store.get_owned_pair(c.id, "u1");
  ASSERT_TRUE(foreign2.ok());
  EXPECT_FALSE(foreign2->has_value());

  // Lists are per owner, oldest first.
  auto l1 = store.list_pairs("u1");
  ASSERT_TRUE(l1.ok());
  ASSERT_EQ(l1->size(), 2u);
  EXPECT_EQ((*l1)[0].id, b.id);
  EXPECT_EQ((*l1)[1].id, a.id);
  auto l2 = store.list_pairs("u2");
  ASSERT_TRUE(l2.ok());
  ASSERT_EQ(l2->size(), 1u);
  EXPECT_EQ((*l2)[0].id, c.id);
  auto none = store.list_pairs("nobody");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // Saving again updates in place.
  a.name = "renamed";
  a.every_minutes = 0;
  ASSERT_TRUE(store.save_pair(a).ok());
  auto again = store.get_pair(a.id);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->name, "renamed");
  EXPECT_EQ((*again)->every_minutes, 0);
  EXPECT_EQ(store.list_pairs("u1")->size(), 2u);

  // Deleting removes the pair, its membership, its schedule and its active run.
  ASSERT_TRUE(store.schedule(c, kNow).ok());
  auto run = store.create_run(c, "manual");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(store.delete_pair(c).ok());
  auto gone = store.get_pair(c.id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(store.list_pairs("u2")->empty());
  EXPECT_TRUE(redis.command({"ZSCORE", "jb:pairs:scheduled", c.id})->is_nil());
  EXPECT_EQ(redis.command({"EXISTS", "jb:pair:" + c.id + ":active"})->integer, 0);
  auto claimed = store.claim_due_pairs(kNow + 365 * 24 * 60 * kMinute, 100);
  ASSERT_TRUE(claimed.ok());
  EXPECT_TRUE(std::find(claimed->begin(), claimed->end(), c.id) == claimed->end());
  // The other owner's pairs are untouched.
  EXPECT_EQ(store.list_pairs("u1")->size(), 2u);
}

TEST(SyncStore, MalformedUnknownAndCorruptPairIds) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);
  for (const std::string& bad :
       {std::string(), std::string("x"), std::string("../../etc/passwd"), std::string(32, 'g'),
        std::string(31, 'a'), std::string(33, 'a'), rnd::id128() /* well-formed, unknown */}) {
    auto r = store.get_pair(bad);
    ASSERT_TRUE(r.ok()) << bad;
    EXPECT_FALSE(r->has_value()) << bad;
  }
  // A stored pair that is not JSON is an error, not an empty pair.
  std::string id = rnd::id128();
  ASSERT_TRUE(redis.command({"HSET", "jb:pair:" + id, "owner", "u1", "json", "{not json"}).ok());
  auto corrupt = store.get_pair(id);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().code, "corrupt_pair");
  // Runs: malformed and unknown ids are empty records.
  auto r1 = store.get_run("nope");
  ASSERT_TRUE(r1.ok());
  EXPECT_FALSE(r1->exists());
  auto r2 = store.get_run(rnd::id128());
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->exists());
}

// ---------------------------------------------------------------- schedule

TEST(SyncStore, ConcurrentClaimersGetEachDuePairExactlyOnce) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 8);
  SyncStore store(redis);

  std::set<std::string> due, future;
  std::vector<Pair> due_pairs;
  for (int i = 0; i < 40; ++i) {
    Pair p = new_pair("u" + std::to_string(i % 3), 15 + i % 4);
    ASSERT_TRUE(store.save_pair(p).ok());
    ASSERT_TRUE(store.schedule(p, kNow - i * 1000).ok());  // due at or before now
    due.insert(p.id);
    due_pairs.push_back(p);
  }
  for (int i = 0; i < 5; ++i) {
    Pair p = new_pair("u9", 15);
    ASSERT_TRUE(store.save_pair(p).ok());
    ASSERT_TRUE(store.schedule(p, kNow + 1 + i).ok());  // not yet
    future.insert(p.id);
  }
  Pair manual = new_pair("u9", 0);
  ASSERT_TRUE(store.save_pair(manual).ok());
  ASSERT_TRUE(store.schedule(manual, kNow - 1000).ok());

  std::mutex mu;
  std::map<std::string, int> claims;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (;;) {
        auto r = store.claim_due_pairs(kNow, 3);  // small batches: many rounds, much interleaving
        if (!r.ok()) {
          errors++;
          return;
        }
        if (r->empty()) return;
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& id : *r) claims[id]++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claims.size(), due.size());
  for (const auto& id : due) EXPECT_EQ(claims[id], 1) << id;
  for (const auto& id : future) EXPECT_EQ(claims.count(id), 0u) << id;
  EXPECT_EQ(claims.count(manual.id), 0u);

  // Nothing is due again at the same instant.
  auto again = store.claim_due_pairs(kNow, 100);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());

  // Each pair is due again exactly one interval (from the claim) later.
  for (const Pair& p : due_pairs) {
    auto score = redis.command({"ZSCORE", "jb:pairs:scheduled", p.id});
    ASSERT_TRUE(score.ok());
    EXPECT_EQ(score->str, std::to_string(kNow + p.every_minutes * kMinute)) << p.id;
  }
  auto before = store.claim_due_pairs(kNow + 15 * kMinute - 1, 100);
  ASSERT_TRUE(before.ok());
  for (const auto& id : *before)
    EXPECT_TRUE(future.count(id)) << "claimed before its interval: " << id;
  auto at = store.claim_due_pairs(kNow + 15 * kMinute, 100);
  ASSERT_TRUE(at.ok());
  std::set<std::string> at_set(at->begin(), at->end());
  for (const Pair& p : due_pairs)
    EXPECT_EQ(at_set.count(p.id), p.every_minutes == 15 ? 1u : 0u)
        << p.id << " every " << p.every_minutes;
  EXPECT_EQ(at_set.count(manual.id), 0u);
}

TEST(SyncStore, ClaimRespectsTheLimit) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    Pair p = new_pair("u1", 60);
    ASSERT_TRUE(store.save_pair(p).ok());
    ASSERT_TRUE(store.schedule(p, kNow - i).ok());
    ids.insert(p.id);
  }
  std::set<std::string> seen;
  for (size_t expect : {2u, 2u, 1u, 0u}) {
    auto r = store.claim_due_pairs(kNow, 2);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->size(), expect);
    for (const auto& id : *r) EXPECT_TRUE(seen.insert(id).second) << "claimed twice: " << id;
  }
  EXPECT_EQ(seen, ids);
}

TEST(SyncStore, ManualPairsAreNeverClaimed) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);

  // Scheduling a manual pair schedules nothing.
  Pair manual = new_pair("u1", 0);
  ASSERT_TRUE(store.save_pair(manual).ok());
  ASSERT_TRUE(store.schedule(manual, kNow - kMinute).ok());
  EXPECT_TRUE(redis.command({"ZSCORE", "jb:pairs:scheduled", manual.id})->is_nil());

  // A pair switched to manual after it was scheduled is dropped by the claim, not run.
  Pair switched = new_pair("u1", 30);
  ASSERT_TRUE(store.save_pair(switched).ok());
  ASSERT_TRUE(store.schedule(switched, kNow - kMinute).ok());
  switched.every_minutes = 0;
  ASSERT_TRUE(store.save_pair(switched).ok());
  // A scheduled id whose pair is gone is dropped too.
  std::string orphan = rnd::id128();
  ASSERT_TRUE(
      redis.command({"ZADD", "jb:pairs:scheduled", std::to_string(kNow - kMinute), orphan}).ok());

  auto r = store.claim_due_pairs(kNow, 100);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_TRUE(redis.command({"ZSCORE", "jb:pairs:scheduled", switched.id})->is_nil());
  EXPECT_TRUE(redis.command({"ZSCORE", "jb:pairs:scheduled", orphan})->is_nil());
  auto later = store.claim_due_pairs(kNow + 1000 * kMinute, 100);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());

  // Unscheduling a scheduled pair (schedule with every_minutes 0).
  Pair p = new_pair("u1", 20);
  ASSERT_TRUE(store.save_pair(p).ok());
  ASSERT_TRUE(store.schedule(p, kNow).ok());
  EXPECT_FALSE(redis.command({"ZSCORE", "jb:pairs:scheduled", p.id})->is_nil());
  p.every_minutes = 0;
  ASSERT_TRUE(store.schedule(p, kNow).ok());
  EXPECT_TRUE(redis.command({"ZSCORE", "jb:pairs:scheduled", p.id})->is_nil());
}

// ---------------------------------------------------------------- runs

TEST(SyncStore, CreateRunTakesTheActiveSlotAndEnqueuesThePlanning) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);
  Pair p = new_pair("u1", 0);
  p.two_way = true;
  p.dry_run = true;
  ASSERT_TRUE(store.save_pair(p).ok());

  int64_t t0 = timeutil::now_unix_ms();
  auto first = store.create_run(p, "manual");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->already_active);
  EXPECT_EQ(first->run_id.size(), 32u);

  auto rec = store.get_run(first->run_id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->get("id"), first->run_id);
  EXPECT_EQ(rec->get("pair"), p.id);
  EXPECT_EQ(rec->get("owner"), "u1");
  EXPECT_EQ(rec->get("state"), run_state::queued);
  EXPECT_EQ(rec->get("phase"), "queued");
  EXPECT_EQ(rec->get("trigger"), "manual");
  EXPECT_EQ(rec->get("dry_run"), "1");
  EXPECT_EQ(rec->get("mode"), "two-way");
  EXPECT_GE(std::atoll(rec->get("created_ms").c_str()), t0);

  // The planning is on the work stream.
  auto entries = stream_entries(redis, store.queue().stream);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].field("type"), "sync.plan");
  EXPECT_EQ(entries[0].field("run"), first->run_id);

  // A second run while the first is active returns the first, enqueues nothing.
  auto second = store.create_run(p, "schedule");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->already_active);
  EXPECT_EQ(second->run_id, first->run_id);
  EXPECT_EQ(stream_entries(redis, store.queue().stream).size(), 1u);
  EXPECT_EQ(store.get_run(first->run_id)->get("trigger"), "manual");

  // Releasing with another run's id frees nothing.
  ASSERT_TRUE(store.release_active(p.id, rnd::id128()).ok());
  auto still = store.create_run(p, "manual");
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->already_active);
  EXPECT_EQ(still->run_id, first->run_id);

  // Releasing the active run frees the slot for a new run.
  ASSERT_TRUE(store.release_active(p.id, first->run_id).ok());
  auto third = store.create_run(p, "schedule");
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->already_active);
  EXPECT_NE(third->run_id, first->run_id);
  EXPECT_EQ(store.get_run(third->run_id)->get("trigger"), "schedule");
  entries = stream_entries(redis, store.queue().stream);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].field("type"), "sync.plan");
  EXPECT_EQ(entries[1].field("run"), third->run_id);

  // A run that has finished frees the slot even before it is released (its
  // final state is written first): whoever saw it end may start the next one.
  for (const char* running : {"running", "held"}) {
    ASSERT_TRUE(store.set_run(third->run_id, {{"state", running}}).ok());
    auto busy = store.create_run(p, "manual");
    ASSERT_TRUE(busy.ok());
    EXPECT_TRUE(busy->already_active) << running;
    EXPECT_EQ(busy->run_id, third->run_id);
  }
  ASSERT_TRUE(store.set_run(third->run_id, {{"state", run_state::succeeded}}).ok());
  auto fourth = store.create_run(p, "manual");
  ASSERT_TRUE(fourth.ok());
  EXPECT_FALSE(fourth->already_active);
  EXPECT_NE(fourth->run_id, third->run_id);
  // The finished run's late release does not free the new run's slot.
  ASSERT_TRUE(store.release_active(p.id, third->run_id).ok());
  auto fifth = store.create_run(p, "manual");
  ASSERT_TRUE(fifth.ok());
  EXPECT_TRUE(fifth->already_active);
  EXPECT_EQ(fifth->run_id, fourth->run_id);

  // Runs of the pair, newest first.
  auto runs = store.list_runs(p.id, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 3u);
  auto newest = store.list_runs(p.id, 1);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 1u);
  std::set<std::string> both(runs->begin(), runs->end());
  EXPECT_TRUE(both.count(first->run_id));
  EXPECT_TRUE(both.count(third->run_id));
  EXPECT_TRUE(both.count(fourth->run_id));
  // Other pairs have their own slot.
  Pair other = new_pair("u1", 0);
  ASSERT_TRUE(store.save_pair(other).ok());
  auto o = store.create_run(other, "manual");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->already_active);
}

TEST(SyncStore, ConcurrentCreateRunMakesOneRun) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 8);
  SyncStore store(redis);
  Pair p = new_pair("u1", 15);
  ASSERT_TRUE(store.save_pair(p).ok());

  std::mutex mu;
  std::vector<RunCreated> results;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      auto r = store.create_run(p, "schedule");
      if (!r.ok()) {
        errors++;
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      results.push_back(*r);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_EQ(results.size(), 8u);
  int created = 0;
  for (const auto& r : results) {
    if (!r.already_active) created++;
    EXPECT_EQ(r.run_id, results[0].run_id);
  }
  EXPECT_EQ(created, 1);
  auto entries = stream_entries(redis, store.queue().stream);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].field("run"), results[0].run_id);
  EXPECT_EQ(store.list_runs(p.id, 50)->size(), 1u);
}

TEST(SyncStore, CreateRunThatCannotEnqueueFreesTheSlot) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);
  Pair p = new_pair("u1", 0);
  ASSERT_TRUE(store.save_pair(p).ok());
  // The work stream's key holds a string: XADD fails with WRONGTYPE.
  ASSERT_TRUE(redis.command({"SET", store.queue().stream, "not a stream"}).ok());
  auto failed = store.create_run(p, "manual");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "redis_error");
  EXPECT_EQ(redis.command({"EXISTS", "jb:pair:" + p.id + ":active"})->integer, 0);
  // Once the queue works again, a run can be created at once.
  ASSERT_TRUE(redis.command({"DEL", store.queue().stream}).ok());
  auto ok = store.create_run(p, "manual");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->already_active);
  auto entries = stream_entries(redis, store.queue().stream);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].field("run"), ok->run_id);
}

TEST(SyncStore, CreateRunUsesTheStoresQueueNames) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  workq::Names names{"test:work", "test:group", "test:dlq"};
  SyncStore store(redis, names);
  EXPECT_EQ(store.queue().stream, "test:work");
  Pair p = new_pair("u1", 0);
  ASSERT_TRUE(store.save_pair(p).ok());
  auto r = store.create_run(p, "manual");
  ASSERT_TRUE(r.ok());
  auto entries = stream_entries(redis, "test:work");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].field("run"), r->run_id);
  EXPECT_TRUE(stream_entries(redis, workq::default_names().stream).empty());
}

// The steps that finish runs under way (diff, apply, release) go on the urgent
// lane; plans and scans (which start runs) on the normal one.
TEST(SyncStore, WorkThatFinishesARunGoesOnTheUrgentLane) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  workq::Names names{"test:work", "test:group", "test:dlq", "test:work:urgent"};
  SyncStore store(redis, names);
  for (const char* type : {"sync.plan", "sync.scan", "sync.diff", "sync.apply", "sync.release"})
    ASSERT_TRUE(store.enqueue({{"type", type}, {"run", "r1"}}).ok());
  std::vector<std::string> normal, urgent;
  for (const auto& e : stream_entries(redis, "test:work")) normal.push_back(e.field("type"));
  for (const auto& e : stream_entries(redis, "test:work:urgent")) urgent.push_back(e.field("type"));
  EXPECT_EQ(normal, (std::vector<std::string>{"sync.plan", "sync.scan"}));
  EXPECT_EQ(urgent, (std::vector<std::string>{"sync.diff", "sync.apply", "sync.release"}));
}

TEST(SyncStore, RunJsonShowsCountersOnlyForFlaggedFeatures) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SyncStore store(redis);
  Pair p = new_pair("u1", 0);
  ASSERT_TRUE(store.save_pair(p).ok());
  auto run = store.create_run(p, "manual");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(store
                  .set_run(run->run_id, {{"f:history", "1"},
                                         {"c:history:planned", "5"},
                                         {"c:history:applied", "4"},
                                         {"c:history:failed", "1"},
                                         {"c:history:unmatched", "7"},
                                         // counted but not flagged: hidden
                                         {"c:watchlist:planned", "9"},
                                         {"f:progress", "1"},
                                         {"removals", "2"},
                                         {"held_reason", "too many removals"},
                                         {"started_ms", std::to_string(kNow)}})
                  .ok());
  auto rec = store.get_run(run->run_id);
  ASSERT_TRUE(rec.ok());
  std::string text = run_to_json(*rec);
  auto d = json::parse(text);
  ASSERT_TRUE(d.ok()) << text;
  EXPECT_EQ(json::get_string(*d, "id"), run->run_id);
  EXPECT_EQ(json::get_string(*d, "pair"), p.id);
  EXPECT_EQ(json::get_string(*d, "state"), "queued");
  EXPECT_EQ(json::get_string(*d, "trigger"), "manual");
  EXPECT_EQ(json::get_string(*d, "mode"), "one-way");
  EXPECT_FALSE(json::get_bool(*d, "dry_run", true));
  EXPECT_EQ(json::get_int(*d, "removals"), 2);
  EXPECT_EQ(json::get_string(*d, "held_reason"), "too many removals");
  EXPECT_EQ(json::member(*d, "error"), nullptr);
  EXPECT_EQ(json::get_string(*d, "started_at"), "2023-11-14T22:13:20Z");
  EXPECT_TRUE(json::opt_string(*d, "created_at").has_value());
  const auto* finished = json::member(*d, "finished_at");
  ASSERT_NE(finished, nullptr);
  EXPECT_TRUE(finished->IsNull());

  const auto* counters = json::member(*d, "counters");
  ASSERT_NE(counters, nullptr);
  ASSERT_TRUE(counters->IsObject());
  EXPECT_EQ(counters->MemberCount(), 2u) << text;
  EXPECT_EQ(json::member(*counters, "watchlist"), nullptr) << text;
  const auto* history = json::member(*counters, "history");
  ASSERT_NE(history, nullptr);
  EXPECT_EQ(json::get_int(*history, "planned", -1), 5);
  EXPECT_EQ(json::get_int(*history, "applied", -1), 4);
  EXPECT_EQ(json::get_int(*history, "skipped", -1), 0);
  EXPECT_EQ(json::get_int(*history, "failed", -1), 1);
  EXPECT_EQ(json::get_int(*history, "unmatched", -1), 7);
  EXPECT_EQ(history->MemberCount(), 5u);
  const auto* progress = json::member(*counters, "progress");
  ASSERT_NE(progress, nullptr);
  for (const char* k : {"planned", "applied", "skipped", "failed", "unmatched"})
    EXPECT_EQ(json::get_int(*progress, k, -1), 0) << k;

  // A record without feature flags has an empty counters object.
  auto bare = json::parse(run_to_json(RunRecord{{{"id", "x"}, {"c:history:planned", "3"}}}));
  ASSERT_TRUE(bare.ok());
  const auto* empty = json::member(*bare, "counters");
  ASSERT_NE(empty, nullptr);
  ASSERT_TRUE(empty->IsObject());
  EXPECT_EQ(empty->MemberCount(), 0u);
  const auto* created = json::member(*bare, "created_at");
  ASSERT_NE(created, nullptr);
  EXPECT_TRUE(created->IsNull());
  EXPECT_EQ(json::member(*bare, "held_reason"), nullptr);
}

// ---------------------------------------------------------------- server budget

TEST(ServerBudget, ManyThreadsNeverExceedTheLimit) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 16);
  ServerBudgetOptions o;
  o.limit = 3;
  o.hold_ttl_ms = 120000;
  o.max_wait_ms = 240000;  // never overdraft inside this test
  ServerBudget budget(redis, o);

  InFlight counter;
  std::atomic<int64_t> max_seen_in_redis{0};
  constexpr int kThreads = 12, kRequests = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      auto gate = budget.gate("srv-1");
      for (int i = 0; i < kRequests; ++i) {
        gate->enter();
        counter.enter();
        auto n = budget.in_flight("srv-1");
        if (n.ok()) {
          int64_t m = max_seen_in_redis.load();
          while (*n > m && !max_seen_in_redis.compare_exchange_weak(m, *n)) {
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // hold the slot a little
        counter.leave();
        gate->leave();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.completed.load(), kThreads * kRequests);
  EXPECT_GE(counter.max.load(), 1);
  EXPECT_LE(counter.max.load(), 3);
  EXPECT_GE(max_seen_in_redis.load(), 1);
  EXPECT_LE(max_seen_in_redis.load(), 3);
  auto left = budget.in_flight("srv-1");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 0);
}

TEST(ServerBudget, AFullBudgetMakesANewRequestWaitUntilOneLeaves) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 4);
  ServerBudgetOptions o;
  o.limit = 3;
  o.max_wait_ms = 240000;
  ServerBudget budget(redis, o);

  std::vector<std::unique_ptr<jf::RequestGate>> holders;
  for (int i = 0; i < 3; ++i) {
    holders.push_back(budget.gate("srv-1"));
    holders.back()->enter();
  }
  auto n = budget.in_flight("srv-1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);
  // Full: a direct attempt is refused and counted as a wait.
  EXPECT_FALSE(budget.try_enter(ServerBudget::key("srv-1"), "probe"));
  EXPECT_EQ(budget.waits(), 1u);
  // Another server has its own budget.
  auto elsewhere = budget.gate("srv-2");
  elsewhere->enter();
  EXPECT_EQ(*budget.in_flight("srv-2"), 1);
  elsewhere->leave();

  std::atomic<bool> entered{false};
  auto fourth = budget.gate("srv-1");
  std::thread t([&] {
    fourth->enter();
    entered = true;
  });
  // Once it has been refused at least once, it is provably waiting (no slot was freed).
  ASSERT_TRUE(eventually([&] { return budget.waits() >= 2; }));
  EXPECT_FALSE(entered.load());
  holders[0]->leave();
  t.join();
  EXPECT_TRUE(entered.load());
  EXPECT_EQ(*budget.in_flight("srv-1"), 3);  // it holds the freed slot (no overdraft)
  fourth->leave();
  for (size_t i = 1; i < holders.size(); ++i) holders[i]->leave();
  EXPECT_EQ(*budget.in_flight("srv-1"), 0);
}

// A server that answered 429/503 with Retry-After pauses its budget for every
// process: another process's request waits out the pause, then enters.
TEST(ServerBudget, ARetryAfterPausesTheServerForEveryProcess) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 4);
  ServerBudgetOptions o;
  o.limit = 2;
  o.max_wait_ms = 240000;
  ServerBudget here(redis, o), elsewhere(redis, o);  // two processes' budgets
  const std::string key = ServerBudget::key("http://jf.local:8096");

  auto gate = here.gate("http://jf.local:8096");
  gate->enter();
  gate->slow_down(120000);
  gate->leave();
  auto pttl = redis.command({"PTTL", ServerBudget::pause_key(key)});
  ASSERT_TRUE(pttl.ok());
  EXPECT_GT(pttl->integer, 60000);
  // A shorter Retry-After never shortens the pause.
  gate->slow_down(1000);
  EXPECT_GT(redis.command({"PTTL", ServerBudget::pause_key(key)})->integer, 60000);

  int64_t got = elsewhere.enter_shared(key, "probe");
  EXPECT_LT(got, -60000) << "paused: the answer is how long to wait";
  EXPECT_EQ(*elsewhere.in_flight("http://jf.local:8096"), 0);
  // Another server is not paused.
  EXPECT_EQ(elsewhere.enter_shared(ServerBudget::key("http://other:8096"), "t2"), 1);

  std::atomic<bool> entered{false};
  auto waiting = elsewhere.gate("http://jf.local:8096");
  std::thread t([&] {
    waiting->enter();
    entered = true;
  });
  ASSERT_TRUE(eventually([&] { return elsewhere.waits() >= 2; }));
  EXPECT_FALSE(entered.load());
  // The pause ends (here: its key expires at once): the waiting request goes on.
  ASSERT_TRUE(redis.command({"PEXPIRE", ServerBudget::pause_key(key), "1"}).ok());
  t.join();
  EXPECT_TRUE(entered.load());
  EXPECT_EQ(*elsewhere.in_flight("http://jf.local:8096"), 1);
  waiting->leave();
}

// A SIGKILLed worker may hold the whole budget (one worker fills it). Its
// holders count only while its liveness key lives: once that lapses, the next
// entry drops them; a process that exits cleanly frees them at once.
TEST(ServerBudget, ADeadProcessHoldersAreDroppedOnceItsLivenessLapses) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 4);
  ServerBudgetOptions o;
  o.limit = 2;
  o.max_wait_ms = 240000;
  ServerBudget here(redis, o);
  const std::string key = ServerBudget::key("http://jf.local:8096");
  auto alive = redis.command({"EXISTS", ServerBudget::live_key(here.instance())});
  ASSERT_TRUE(alive.ok());
  EXPECT_EQ(alive->integer, 1) << "a budget announces its process as alive";

  // Another process (killed: it never left) holds both slots, far from expiring.
  ASSERT_TRUE(redis.command({"SET", ServerBudget::live_key("deadbeef"), "1"}).ok());
  ASSERT_TRUE(
      redis.command({"ZADD", key, "9999999999999", "deadbeef|t1", "9999999999999", "deadbeef|t2"})
          .ok());
  EXPECT_FALSE(here.try_enter(key, "p1")) << "its liveness key still lives: the slots are taken";
  ASSERT_TRUE(redis.command({"DEL", ServerBudget::live_key("deadbeef")}).ok());  // lapsed
  EXPECT_TRUE(here.try_enter(key, "p1"));
  EXPECT_TRUE(redis.command({"ZSCORE", key, "deadbeef|t1"})->is_nil());
  EXPECT_EQ(*here.in_flight("http://jf.local:8096"), 1);
  here.leave(key, ServerBudget::Slot{"p1", {}});

  // A process that exits cleanly frees what it held at once.
  {
    ServerBudget gone(redis, o);
    auto g1 = gone.gate("http://jf.local:8096"), g2 = gone.gate("http://jf.local:8096");
    g1->enter();
    g2->enter();
    EXPECT_FALSE(here.try_enter(key, "p2"));
  }
  EXPECT_TRUE(here.try_enter(key, "p2"));
  here.leave(key, ServerBudget::Slot{"p2", {}});
}

// A slot a thread leaves while another thread of the same process waits for
// that server goes straight to the waiting thread (no Redis round trip, the
// holder stays the same); with nobody waiting it goes back to Redis. During a
// Retry-After pause no slot changes hands: every request asks Redis again.
TEST(ServerBudget, ALeavingThreadHandsItsSlotToAWaitingOneOfItsProcess) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 4);
  ServerBudgetOptions o;
  o.limit = 1;
  o.max_wait_ms = 240000;
  o.handoff_ms = 600000;  // young for the whole test
  ServerBudget budget(redis, o);
  const std::string key = ServerBudget::key("srv-1");
  auto holders = [&] {
    auto r = redis.command({"ZRANGE", key, "0", "-1"});
    return r.ok()
               ? r->elements.size() == 1 ? r->elements[0].str : std::to_string(r->elements.size())
               : "error";
  };

  auto first = budget.gate("srv-1"), second = budget.gate("srv-1");
  first->enter();
  const std::string holder = holders();
  ASSERT_NE(holder, "0");
  std::atomic<bool> entered{false};
  std::thread t([&] {
    second->enter();
    entered = true;
  });
  ASSERT_TRUE(eventually([&] { return budget.waits() >= 1; }));  // provably waiting
  EXPECT_FALSE(entered.load());
  first->leave();
  t.join();
  EXPECT_EQ(budget.handoffs(), 1u);
  EXPECT_EQ(holders(), holder) << "the same slot, never returned to Redis in between";
  second->leave();  // nobody waits: back to Redis
  EXPECT_EQ(*budget.in_flight("srv-1"), 0);

  // A pause: the slot goes back to Redis although a thread waits, and the waiting
  // thread enters only once the pause is over.
  first->enter();
  first->slow_down(120000);
  entered = false;
  const uint64_t waits = budget.waits();
  std::thread u([&] {
    second->enter();
    entered = true;
  });
  ASSERT_TRUE(eventually([&] { return budget.waits() > waits; }));
  first->leave();
  EXPECT_EQ(*budget.in_flight("srv-1"), 0) << "returned to Redis, not handed over";
  EXPECT_FALSE(entered.load());
  ASSERT_TRUE(redis.command({"PEXPIRE", ServerBudget::pause_key(key), "1"}).ok());
  u.join();
  EXPECT_EQ(budget.handoffs(), 1u);
  EXPECT_EQ(*budget.in_flight("srv-1"), 1);
  second->leave();
  EXPECT_EQ(*budget.in_flight("srv-1"), 0);
}

TEST(ServerBudget, InFlightReportsHolders) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  ServerBudget budget(redis, ServerBudgetOptions{});
  EXPECT_EQ(*budget.in_flight("srv-1"), 0);
  auto a = budget.gate("srv-1"), b = budget.gate("srv-1");
  a->enter();
  EXPECT_EQ(*budget.in_flight("srv-1"), 1);
  b->enter();
  EXPECT_EQ(*budget.in_flight("srv-1"), 2);
  EXPECT_EQ(*budget.in_flight("srv-other"), 0);
  a->leave();
  EXPECT_EQ(*budget.in_flight("srv-1"), 1);
  a->leave();  // a second leave is harmless and frees nothing else
  EXPECT_EQ(*budget.in_flight("srv-1"), 1);
  b->leave();
  EXPECT_EQ(*budget.in_flight("srv-1"), 0);
  // A gate can be used again.
  a->enter();
  EXPECT_EQ(*budget.in_flight("srv-1"), 1);
  a->leave();
  EXPECT_EQ(*budget.in_flight("srv-1"), 0);
  // An empty server URL has a budget too.
  auto anon = budget.gate("");
  anon->enter();
  EXPECT_EQ(*budget.in_flight(""), 1);
  EXPECT_EQ(ServerBudget::key(""), "jb:budget:unknown");
  anon->leave();
}

// The budget belongs to the server we connect to (its normalised URL), never to
// the Id a server reports: spellings of one URL share it, and two servers that
// report the same Id (one of them lying) do not.
TEST(ServerBudget, IsKeyedByTheNormalisedServerUrl) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  ServerBudgetOptions o;
  o.limit = 2;
  ServerBudget budget(redis, o);
  EXPECT_EQ(ServerBudget::key("HTTPS://JF.Example.com:443/jellyfin/"),
            "jb:budget:https://jf.example.com/jellyfin");
  EXPECT_EQ(ServerBudget::key("http://10.0.0.5:8096/web/index.html"),
            "jb:budget:http://10.0.0.5:8096");

  auto a = budget.gate("http://10.0.0.5:8096");
  auto b = budget.gate("HTTP://10.0.0.5:8096/web/");
  a->enter();
  b->enter();
  EXPECT_EQ(*budget.in_flight("http://10.0.0.5:8096"), 2) << "one server, one budget";
  EXPECT_FALSE(budget.try_enter(ServerBudget::key("http://10.0.0.5:8096/"), "probe"));

  // Another server, whatever Id it claims, has a budget of its own.
  auto liar = budget.gate("http://10.0.0.6:8096");
  liar->enter();
  EXPECT_EQ(*budget.in_flight("http://10.0.0.6:8096"), 1);
  EXPECT_EQ(*budget.in_flight("http://10.0.0.5:8096"), 2);
  liar->leave();
  a->leave();
  b->leave();
  EXPECT_EQ(*budget.in_flight("http://10.0.0.5:8096"), 0);
}

TEST(ServerBudget, AHolderThatNeverLeavesExpires) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 4);
  ServerBudgetOptions crashing;
  crashing.limit = 1;
  crashing.hold_ttl_ms = 200;
  ServerBudget crashed(redis, crashing);
  auto lost = crashed.gate("srv-1");
  lost->enter();  // and never leaves (a SIGKILLed process)
  ASSERT_EQ(*crashed.in_flight("srv-1"), 1);

  // Another process (long ttl, so its own holder stays put) waits for the
  // expiry instead of overdrafting: max_wait_ms is far above the ttl.
  ServerBudgetOptions healthy;
  healthy.limit = 1;
  healthy.hold_ttl_ms = 120000;
  healthy.max_wait_ms = 60000;
  ServerBudget other(redis, healthy);
  auto g = other.gate("srv-1");
  g->enter();
  // Entered for real (an overdraft would hold no slot).
  EXPECT_EQ(*other.in_flight("srv-1"), 1);
  g->leave();
  EXPECT_EQ(*other.in_flight("srv-1"), 0);

  // Alone, an abandoned holder disappears from the count by itself.
  auto lost2 = crashed.gate("srv-2");
  lost2->enter();
  EXPECT_TRUE(eventually([&] {
    auto n = crashed.in_flight("srv-2");
    return n.ok() && *n == 0;
  }));
}

TEST(ServerBudget, RedisDownLetsRequestsThrough) {
  jb::testing::RefusingPort refusing;  // nothing listens there
  RedisOptions dead;
  dead.host = "127.0.0.1";
  dead.port = refusing.port();
  dead.connect_timeout_ms = 500;
  dead.command_timeout_ms = 500;
  RedisPool redis(dead, 2);
  ServerBudgetOptions o;
  o.limit = 1;
  o.max_wait_ms = 120000;  // a blocked gate would show as waits below, long before this
  ServerBudget budget(redis, o);
  std::vector<std::unique_ptr<jf::RequestGate>> gates;
  for (int i = 0; i < 5; ++i) {
    gates.push_back(budget.gate("srv-1"));
    gates.back()->enter();  // more than the limit, none leaves: all pass
  }
  EXPECT_EQ(budget.waits(), 0u);
  for (auto& g : gates) g->leave();
  auto n = budget.in_flight("srv-1");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, "redis_unavailable");
}

TEST(SyncStore, RedisDownIsAnErrorValue) {
  jb::testing::RefusingPort refusing;
  RedisOptions dead;
  dead.port = refusing.port();
  dead.connect_timeout_ms = 500;
  RedisPool redis(dead, 2);
  SyncStore store(redis);
  Pair p = new_pair("u1", 15);
  auto s = store.save_pair(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "redis_unavailable");
  auto g = store.get_pair(p.id);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "redis_unavailable");
  auto c = store.claim_due_pairs(kNow, 10);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "redis_unavailable");
  auto r = store.create_run(p, "manual");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "redis_unavailable");
}
