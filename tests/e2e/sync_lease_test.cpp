// End-to-end: sync steps that outlive their work lease. Writes are made slower
// than the lease (stand-in latency and 503 + Retry-After answers longer than
// the lease), and a worker is paused (SIGSTOP) past its lease while it holds
// an apply step. The stand-in's request log (arrival time, status, which
// worker sent it) is checked against each run's start and finalisation:
// a step runs to completion once, or its first owner stops before any further
// write; nothing is written after a run is final; an immediate rerun plans and
// sends nothing. Real services, real Redis, two stand-ins.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>

#include "common/core/time.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "common/sync/model.h"
#include "tests/e2e/sync_env.h"
#include "tests/support/scoped_env.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::vector<std::string> content(const char* variant) {
  return {"--demo", "--generate",
          std::string("seed=11,movies=200,series=1,seasons=1,episodes=2,differ=0,missing=0,junk=0,"
                      "exclusive=0,multi=0,"
                      "dup4k=0,variant=") +
              variant};
}

struct Write {
  int64_t time_ms;
  std::string method, path, user_agent;
  int status;
  int64_t delay_ms;  // the latency the stand-in gave its answer
};

// User-data writes that reached a stand-in after sequence number `after`.
std::vector<Write> writes_since(Standin& s, int64_t& after) {
  std::vector<Write> out;
  auto log =
      s.control("GET", "/__standin/requests?after=" + std::to_string(after) + "&limit=100000");
  if (!log.ok()) {
    ADD_FAILURE() << log.error().message;
    return out;
  }
  for (const auto& r : (*log)["Requests"].GetArray()) {
    std::string method = json::get_string(r, "Method");
    std::string path = json::get_string(r, "Path");
    if (method != "GET" && path.find("User") != std::string::npos)
      out.push_back({json::get_int(r, "TimeMs"), method, path, json::get_string(r, "UserAgent"),
                     static_cast<int>(json::get_int(r, "Status")), json::get_int(r, "DelayMs")});
  }
  after = json::get_int(*log, "Last");
  return out;
}

struct RunTimes {
  int64_t started_ms = 0, finished_ms = 0;
};

RunTimes times_of(SyncEnv& e, const std::string& run_id) {
  auto o = parse_redis_url(e.stack.redis.url());
  RedisConnection c(o.ok() ? *o : RedisOptions{});
  auto r = c.command({"HMGET", sync::run_key(run_id), "started_ms", "finished_ms"});
  RunTimes t;
  if (r.ok() && r->elements.size() == 2) {
    t.started_ms = std::atoll(r->elements[0].str.c_str());
    t.finished_ms = std::atoll(r->elements[1].str.c_str());
  }
  return t;
}

int64_t sum(SyncEnv& e, const json::Value& run, const char* kind) {
  int64_t n = 0;
  for (const char* f : {"watchlist", "history", "progress"})
    n += std::max<int64_t>(0, e.counter(run, f, kind));
  return n;
}

size_t count_lines(Process& p, const std::string& needle) {
  size_t n = 0;
  for (const auto& l : p.lines())
    if (l.find(needle) != std::string::npos) ++n;
  return n;
}

}  // namespace

// Writes take longer than the 250 ms lease: each is delayed 60 ms (seven
// writes per step), and one in ten first answers 503 with Retry-After: 1 (the
// worker sleeps a whole second, four leases, inside one write). The keeper renews the lease by
// time, so no other worker ever claims the step: every write lands exactly
// once, inside its run, and the rerun sends nothing. Twenty rounds.
TEST(SyncLease, StepsSlowerThanTheirLeaseRunOnceAndNeverWriteAfterTheirRun) {
  SyncEnv e(content("a"), content("b"), 2,
            {{"JB_WORK_LEASE_MS", "250"}, {"JB_SYNC_APPLY_BATCH", "7"}});
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(
      R"("features":{"watchlist":{"enabled":true},"history":{"enabled":false},"progress":{"enabled":false}})");
  // Converge first (the bootstrap run), then measure only the rounds.
  ASSERT_EQ(json::get_string(e.run(pair, 120000), "state"), "succeeded");
  ASSERT_EQ(sum(e, e.run(pair, 120000), "planned"), 0);
  for (Standin* s : {&e.a, &e.b}) {
    ASSERT_TRUE(
        s->control("POST", "/__standin/latency", R"({"Ms":60,"Prefix":"/UserFavoriteItems"})")
            .ok());
    ASSERT_TRUE(
        s->add_fault(
             R"({"Kind":"unavailable","Prefix":"/UserFavoriteItems","Rate":0.1,"Seed":7,"RetryAfterSeconds":1})")
            .ok());
  }
  auto movies = e.titles("Movie");
  ASSERT_GE(movies.size(), 140u);
  int64_t seq_b = 0, seq_a = 0;
  (void)writes_since(e.b, seq_b);
  (void)writes_since(e.a, seq_a);
  std::vector<std::pair<RunTimes, bool>> windows;  // (times, may write)
  std::vector<Write> all;
  for (int round = 0; round < 20; ++round) {
    // Seven more titles become favorites on A each round: seven writes to B.
    for (int i = 0; i < 7; ++i) {
      const auto& t = movies[static_cast<size_t>(round * 7 + i)];
      ASSERT_TRUE(e.set_user_data(e.a, t.a, R"("IsFavorite":true)").ok());
      ASSERT_TRUE(e.set_user_data(e.b, t.b, R"("IsFavorite":false)").ok());
    }
    auto run = e.run(pair, 120000);
    ASSERT_EQ(json::get_string(run, "state"), "succeeded")
        << "round " << round << ": " << json::stringify(run);
    EXPECT_EQ(sum(e, run, "planned"), 7) << "round " << round;
    EXPECT_EQ(sum(e, run, "applied"), 7) << "round " << round;
    windows.push_back({times_of(e, json::get_string(run, "id")), true});
    // (c) an immediate rerun plans nothing and sends nothing.
    auto rerun = e.run(pair, 120000);
    ASSERT_EQ(json::get_string(rerun, "state"), "succeeded");
    EXPECT_EQ(sum(e, rerun, "planned"), 0) << "round " << round << ": " << json::stringify(rerun);
    windows.push_back({times_of(e, json::get_string(rerun, "id")), false});
    auto wb = writes_since(e.b, seq_b);
    // (a) each planned write landed exactly once (a step that ran twice would
    // have written its titles twice).
    std::map<std::string, int> landed;
    for (const auto& w : wb)
      if (w.status >= 200 && w.status < 300) landed[w.method + " " + w.path]++;
    EXPECT_EQ(landed.size(), 7u) << "round " << round;
    for (const auto& [k, n] : landed)
      EXPECT_EQ(n, 1) << "round " << round << ": " << k << " landed " << n << " times";
    all.insert(all.end(), wb.begin(), wb.end());
    auto wa = writes_since(e.a, seq_a);
    EXPECT_TRUE(wa.empty()) << "one-way: nothing is written to the source";
  }
  // (b) every write arrived inside a run that planned writes, never after its
  // finalisation (nor during a rerun that planned none).
  int late = 0;
  for (const auto& w : all) {
    bool inside = false;
    for (const auto& [t, may_write] : windows)
      if (may_write && w.time_ms >= t.started_ms - 5 && w.time_ms <= t.finished_ms) inside = true;
    if (!inside && ++late < 5)
      ADD_FAILURE() << "late write " << w.method << " " << w.path << " at " << w.time_ms;
  }
  EXPECT_EQ(late, 0);
  // The lease was never lost, so no step ran twice. (Entries are still
  // claimed after a step asked for a retry — a write that met 503 three
  // times — which is the queue's retry, not a lost lease.)
  for (auto& w : e.stack.workers) EXPECT_EQ(count_lines(*w, "taken over"), 0u) << w->name();
  // The faults really made writes outlast the lease.
  auto faults = e.b.control("GET", "/__standin/faults");
  ASSERT_TRUE(faults.ok());
  EXPECT_GE(json::get_int((*faults)[0], "Fired"), 5) << json::stringify(*faults);
}

// A worker holding an apply step is paused (SIGSTOP) until the other worker
// has claimed its entry, then resumed: it sends no further write, records
// nothing, the other worker completes the run, nothing arrives after the run
// is final, and the rerun plans nothing.
//
// It is paused while every budget slot it holds carries a write the stand-in
// is holding back, so none of its threads is between its last lease check and
// its write (libcurl's few microseconds there, lease_keeper.h): what it sends
// after resuming is then exactly what the fence let through.
TEST(SyncLease, AWorkerPausedPastItsLeaseStopsBeforeItsNextWrite) {
  constexpr int kBudget = 4;
  ScopedEnv budget("JB_SERVER_CONCURRENCY", std::to_string(kBudget));
  SyncEnv e(content("a"), content("b"), 2,
            {{"JB_WORK_LEASE_MS", "600"},
             {"JB_SYNC_APPLY_BATCH", "40"},
             {"JB_SERVER_CONCURRENCY", std::to_string(kBudget)}});
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(
      R"("features":{"watchlist":{"enabled":true},"history":{"enabled":false},"progress":{"enabled":false}})");
  ASSERT_EQ(json::get_string(e.run(pair, 120000), "state"), "succeeded");
  auto movies = e.titles("Movie");
  ASSERT_GE(movies.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(
        e.set_user_data(e.a, movies[static_cast<size_t>(i)].a, R"("IsFavorite":true)").ok());
    ASSERT_TRUE(
        e.set_user_data(e.b, movies[static_cast<size_t>(i)].b, R"("IsFavorite":false)").ok());
  }
  ASSERT_TRUE(
      e.b.control("POST", "/__standin/latency", R"({"Ms":100,"Prefix":"/UserFavoriteItems"})")
          .ok());
  int64_t seq = 0;
  (void)writes_since(e.b, seq);
  std::string run_id = e.start_run(pair);
  ASSERT_FALSE(run_id.empty());

  auto o = parse_redis_url(e.stack.redis.url());
  RedisConnection redis(*o);
  auto names = workq::default_names();
  // The apply entry (on the work queue's urgent lane) and its owner, once a few writes have landed.
  std::string entry, owner;
  ASSERT_TRUE(eventually(
      [&] {
        auto run = e.json_of(e.call("GET", "/api/v1/runs/" + run_id));
        if (json::get_string(run, "phase") != "apply") return false;
        auto p = redis.command({"XPENDING", names.urgent, names.group, "-", "+", "10"});
        if (!p.ok() || p->elements.size() != 1) return false;
        entry = p->elements[0].elements[0].str;
        owner = p->elements[0].elements[1].str;
        return e.b.requests("POST /UserFavoriteItems/{itemId}") >= 5;
      },
      60000));
  Process* victim = nullptr;
  Process* other = nullptr;
  // Workers are started as w1, w2 (sync_env.cpp).
  for (size_t i = 0; i < e.stack.workers.size(); ++i)
    ("w" + std::to_string(i + 1) == owner ? victim : other) = e.stack.workers[i].get();
  ASSERT_NE(victim, nullptr) << owner;
  ASSERT_NE(other, nullptr);
  // Writes that arrive from now on are answered only after 10 s (longer than
  // the worker's 3 s request timeout); the pause comes once the whole budget is
  // such writes, all of them the victim's (it alone writes to B now).
  int64_t held_from = seq;
  ASSERT_TRUE(
      e.b.control("POST", "/__standin/latency", R"({"Ms":10000,"Prefix":"/UserFavoriteItems"})")
          .ok());
  int held = 0;
  int64_t in_flight = -1;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& w : writes_since(e.b, held_from))
          if (w.delay_ms >= 10000) ++held;
        auto f = e.b.in_flight();
        in_flight = f.ok() ? f->current : -1;
        return held >= kBudget;
      },
      20000))
      << held << " writes held";
  victim->signal(SIGSTOP);
  EXPECT_EQ(in_flight, kBudget) << "the victim's held writes fill the budget";
  // The other worker's writes are answered at once.
  ASSERT_TRUE(e.b.control("DELETE", "/__standin/latency").ok());
  // Paused until the other worker owns the entry.
  std::string new_owner;
  bool claimed = eventually(
      [&] {
        auto p = redis.command({"XPENDING", names.urgent, names.group, entry, entry, "1"});
        if (!p.ok() || p->elements.empty()) return false;
        new_owner = p->elements[0].elements[1].str;
        return new_owner != owner;
      },
      20000);
  int64_t resumed_ms = timeutil::now_unix_ms();
  victim->signal(SIGCONT);
  ASSERT_TRUE(claimed) << "the other worker never claimed " << entry;

  auto done = e.wait_run(run_id, 120000);
  ASSERT_EQ(json::get_string(done, "state"), "succeeded") << json::stringify(done);
  EXPECT_EQ(e.counter(done, "watchlist", "applied"), 40);
  EXPECT_EQ(e.counter(done, "watchlist", "failed"), 0);
  RunTimes t = times_of(e, run_id);
  // The rerun: nothing planned, nothing sent (its window also catches late writes).
  auto rerun = e.run(pair, 120000);
  ASSERT_EQ(json::get_string(rerun, "state"), "succeeded");
  EXPECT_EQ(e.counter(rerun, "watchlist", "planned"), 0) << json::stringify(rerun);
  // The paused worker noticed and stopped.
  ASSERT_TRUE(eventually(
      [&] { return count_lines(*victim, "work step stopped: its entry was taken over") == 1; },
      10000));

  std::string victim_ua = "sync-worker/" + owner;
  int from_victim_after = 0, late = 0;
  for (const auto& w : writes_since(e.b, seq)) {
    if (w.user_agent.find(victim_ua) != std::string::npos && w.time_ms > resumed_ms)
      ++from_victim_after;
    if (w.time_ms > t.finished_ms) ++late;
  }
  EXPECT_EQ(from_victim_after, 0) << "the paused worker wrote after it lost its entry";
  EXPECT_EQ(late, 0) << "writes arrived after the run was final";
  for (int i = 0; i < 40; ++i)
    EXPECT_TRUE(e.state(e.b, movies[static_cast<size_t>(i)].b).favorite) << i;
}
