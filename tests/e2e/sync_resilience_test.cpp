// End-to-end sync resilience: a worker SIGKILLed mid-run, a Jellyfin that
// answers 503, 500 or not at all, work that keeps failing (dead letters and
// quarantine), the leaderless schedule with several workers, live events, and
// the API's validation. Real services, real Redis, two stand-ins.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "common/core/time.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "tests/e2e/sync_env.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::vector<std::string> content(const char* variant, const std::string& opts) {
  return {"--demo", "--generate",
          "seed=5,missing=0,junk=0,exclusive=0,multi=0,dup4k=0," + opts + ",variant=" + variant};
}

int64_t sum(SyncEnv& e, const json::Value& run, const char* kind) {
  int64_t n = 0;
  for (const char* f : {"watchlist", "history", "progress"})
    n += std::max<int64_t>(0, e.counter(run, f, kind));
  return n;
}

RedisConnection redis_of(SyncEnv& e) {
  auto o = parse_redis_url(e.stack.redis.url());
  return RedisConnection(o.ok() ? *o : RedisOptions{});
}

// Every title's favorite and played flags agree on both servers (two-way, adds only).
void expect_converged(SyncEnv& e) {
  auto titles = e.titles("Movie");
  auto eps = e.titles("Episode");
  titles.insert(titles.end(), eps.begin(), eps.end());
  std::vector<std::string> ida, idb;
  for (const auto& t : titles) {
    ida.push_back(t.a);
    idb.push_back(t.b);
  }
  auto sa = e.user_data(e.a, ida), sb = e.user_data(e.b, idb);
  int differ = 0;
  for (const auto& t : titles) {
    const auto &x = sa[t.a], &y = sb[t.b];
    if (x.favorite != y.favorite || x.played != y.played ||
        (x.played && x.play_count != y.play_count)) {
      if (++differ < 5)
        ADD_FAILURE() << t.name << " differs: fav " << x.favorite << "/" << y.favorite << " played "
                      << x.played << "/" << y.played << " count " << x.play_count << "/"
                      << y.play_count;
    }
  }
  EXPECT_EQ(differ, 0);
}

}  // namespace

TEST(SyncResilience, ASigkilledWorkerMidRunLeavesTheRunToTheOthersAndEveryWriteLandsOnce) {
  const char* opts = "movies=300,series=4,seasons=2,episodes=10,differ=40";
  SyncEnv e(content("a", opts), content("b", opts), 3, {{"JB_SYNC_APPLY_BATCH", "10"}});
  ASSERT_TRUE(e.ok());
  for (Standin* s : {&e.a, &e.b})
    ASSERT_TRUE(s->control("POST", "/__standin/latency", R"({"GlobalMs":15})").ok());
  std::string pair = e.create_pair("\"mode\":\"two-way\"");
  std::string run_id = e.start_run(pair);
  ASSERT_FALSE(run_id.empty());
  // Wait until writes are under way, then kill whichever worker holds apply work.
  json::Document mid;
  ASSERT_TRUE(eventually(
      [&] {
        mid = e.json_of(e.call("GET", "/api/v1/runs/" + run_id));
        return json::get_string(mid, "phase") == "apply" && sum(e, mid, "applied") > 0;
      },
      60000))
      << json::stringify(mid);
  ASSERT_LT(sum(e, mid, "applied"), sum(e, mid, "planned"))
      << "the run must still be in the middle";
  auto redis = redis_of(e);
  // Apply work is on the work queue's urgent lane.
  auto pending = redis.command(
      {"XPENDING", workq::default_names().urgent, workq::default_names().group, "-", "+", "20"});
  ASSERT_TRUE(pending.ok());
  ASSERT_FALSE(pending->elements.empty()) << "some worker holds work";
  std::string victim = pending->elements[0].elements[1].str;
  Process* p = nullptr;
  for (auto& w : e.stack.workers)
    if (w->name().find(victim) != std::string::npos ||
        (victim.size() == 2 && w.get() == e.stack.workers[victim[1] - '1'].get()))
      p = w.get();
  ASSERT_NE(p, nullptr) << victim;
  p->signal(SIGKILL);
  ASSERT_TRUE(p->wait(5000).has_value());

  auto done = e.wait_run(run_id, 120000);
  ASSERT_EQ(json::get_string(done, "state"), "succeeded") << json::stringify(done);
  EXPECT_EQ(sum(e, done, "applied"), sum(e, done, "planned"));
  EXPECT_EQ(sum(e, done, "failed"), 0);
  expect_converged(e);
  // Nothing left to do, and nothing was counted twice.
  auto again = e.run(pair, 120000);
  ASSERT_EQ(json::get_string(again, "state"), "succeeded");
  EXPECT_EQ(sum(e, again, "planned"), 0) << json::stringify(again);
}

TEST(SyncResilience, ServerErrorsAndTimeoutsDuringARunAreRetriedNotLost) {
  const char* opts = "movies=80,series=2,seasons=2,episodes=5,differ=40";
  SyncEnv e(content("a", opts), content("b", opts), 2, {{"JB_JELLYFIN_TIMEOUT_MS", "1000"}});
  ASSERT_TRUE(e.ok());
  // Warm the indexes first (a dry run sets no baseline) so the faults hit the run itself.
  ASSERT_EQ(json::get_string(e.run(e.create_pair("\"dry_run\":true")), "state"), "succeeded");
  std::string pair = e.create_pair("\"mode\":\"two-way\"");
  // Differences: A has them, B does not.
  auto movies = e.titles("Movie");
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        e.set_user_data(e.a, movies[i].a, R"("IsFavorite":true,"Played":true,"PlayCount":1)").ok());
    ASSERT_TRUE(
        e.set_user_data(e.b, movies[i].b, R"("IsFavorite":false,"Played":false,"PlayCount":0)")
            .ok());
  }
  ASSERT_TRUE(
      e.b.add_fault(
             R"({"Kind":"unavailable","Route":"POST /UserItems/{itemId}/UserData","Count":4,"RetryAfterSeconds":1})")
          .ok());
  ASSERT_TRUE(e.b.add_fault(R"({"Kind":"error500","Route":"GET /Items","Count":3})").ok());
  ASSERT_TRUE(
      e.b.add_fault(
             R"({"Kind":"hang","Route":"POST /UserFavoriteItems/{itemId}","Count":2,"HangMs":2500})")
          .ok());
  auto run = e.run(pair, 120000);
  ASSERT_EQ(json::get_string(run, "state"), "succeeded") << json::stringify(run);
  EXPECT_EQ(sum(e, run, "failed"), 0);
  EXPECT_EQ(sum(e, run, "applied"), sum(e, run, "planned"));
  EXPECT_GE(sum(e, run, "applied"), 40);
  auto faults = e.b.control("GET", "/__standin/faults");
  ASSERT_TRUE(faults.ok());
  int64_t fired = 0;
  const auto* list = faults->IsArray() ? &*faults : json::member(*faults, "Faults");
  ASSERT_NE(list, nullptr) << json::stringify(*faults);
  for (const auto& f : list->GetArray()) fired += json::get_int(f, "Fired");
  EXPECT_EQ(fired, 9) << "every fault was met and survived: " << json::stringify(*faults);
  for (int i = 0; i < 20; ++i) {
    auto st = e.state(e.b, movies[i].b);
    EXPECT_TRUE(st.favorite && st.played) << movies[i].name;
  }
  auto again = e.run(pair);
  EXPECT_EQ(sum(e, again, "planned"), 0) << json::stringify(again);
  for (const auto& it : e.run_items(json::get_string(again, "id")))
    if (json::member(it, "plan")) ADD_FAILURE() << "planned again: " << json::stringify(it);
}

TEST(SyncResilience, WorkThatKeepsFailingIsDeadLetteredAndTheRunFailsVisibly) {
  const char* opts = "movies=20,series=1,seasons=1,episodes=3,differ=20";
  SyncEnv e(content("a", opts), content("b", opts), 2, {{"JB_WORK_MAX_DELIVERIES", "2"}});
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair("");
  ASSERT_EQ(json::get_string(e.run(pair), "state"), "succeeded");
  ASSERT_TRUE(e.b.add_fault(R"({"Kind":"error500","Route":"GET /Items","Count":1000})").ok());
  auto run = e.run(pair, 60000);
  ASSERT_EQ(json::get_string(run, "state"), "failed") << json::stringify(run);
  EXPECT_NE(json::get_string(run, "error").find("sync.scan"), std::string::npos)
      << json::get_string(run, "error");
  auto redis = redis_of(e);
  auto dead = redis.command({"XRANGE", workq::default_names().dead_letter, "-", "+"});
  ASSERT_TRUE(dead.ok());
  auto entries = workq::parse_entries(*dead);
  ASSERT_FALSE(entries.empty());
  bool with_error = false;
  for (const auto& it : entries)
    if (it.field("f.type") == "sync.scan" && !it.field("error").empty()) with_error = true;
  EXPECT_TRUE(with_error);
  // The pair is free again: once the server recovers, the next run succeeds.
  ASSERT_TRUE(e.b.clear_faults().ok());
  EXPECT_EQ(json::get_string(e.run(pair), "state"), "succeeded");
}

TEST(SyncResilience, AnItemThatFailsThreeRunsInARowIsQuarantinedUntilThePairIsEdited) {
  const char* opts = "movies=20,series=1,seasons=1,episodes=3,differ=0";
  SyncEnv e(content("a", opts), content("b", opts), 1, {{"JB_WORK_MAX_DELIVERIES", "1"}});
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(
      "\"features\":{\"history\":{\"enabled\":false},\"progress\":{\"enabled\":false}}");
  auto movies = e.titles("Movie");
  ASSERT_TRUE(e.set_user_data(e.a, movies[2].a, R"("IsFavorite":true)").ok());
  ASSERT_TRUE(e.set_user_data(e.b, movies[2].b, R"("IsFavorite":false)").ok());
  ASSERT_TRUE(e.b.add_fault(R"({"Kind":"error500","Prefix":"/UserFavoriteItems/)" + movies[2].b +
                            R"(","Count":1000})")
                  .ok());
  for (int i = 0; i < 3; ++i) {
    auto run = e.run(pair);
    ASSERT_EQ(json::get_string(run, "state"), "failed") << json::stringify(run);
    EXPECT_EQ(e.counter(run, "watchlist", "failed"), 1);
    auto failed = e.items_with(json::get_string(run, "id"), "favorite");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(json::get_string(failed[0], "outcome"), "failed");
    EXPECT_FALSE(json::get_string(failed[0], "reason").empty());
  }
  auto fourth = e.run(pair);
  ASSERT_EQ(json::get_string(fourth, "state"), "succeeded") << json::stringify(fourth);
  EXPECT_EQ(e.counter(fourth, "watchlist", "planned"), 0);
  auto q = e.items_with(json::get_string(fourth, "id"), "quarantined");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(json::get_string(q[0], "item"), movies[2].b);
  // Editing the pair lifts the quarantine; with the server fixed the write lands.
  ASSERT_TRUE(e.b.clear_faults().ok());
  ASSERT_EQ(e.call("PATCH", "/api/v1/pairs/" + pair, R"({"name":"fixed"})")->status, 200);
  auto fifth = e.run(pair);
  ASSERT_EQ(json::get_string(fifth, "state"), "succeeded");
  EXPECT_EQ(e.counter(fifth, "watchlist", "applied"), 1);
  EXPECT_TRUE(e.state(e.b, movies[2].b).favorite);
}

TEST(SyncResilience, AScheduledPairRunsOncePerIntervalHoweverManyWorkers) {
  const char* opts = "movies=10,series=1,seasons=1,episodes=2,differ=0";
  SyncEnv e(content("a", opts), content("b", opts), 3);
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(R"("schedule":{"every_minutes":15})");
  auto redis = redis_of(e);
  auto score = redis.command({"ZSCORE", "jb:pairs:scheduled", pair});
  ASSERT_TRUE(score.ok() && score->is_string()) << "scheduled at creation";
  // Make it due now.
  int64_t now = timeutil::now_unix_ms();
  ASSERT_TRUE(redis.command({"ZADD", "jb:pairs:scheduled", std::to_string(now - 1000), pair}).ok());
  json::Document runs;
  ASSERT_TRUE(eventually(
      [&] {
        runs = e.json_of(e.call("GET", "/api/v1/pairs/" + pair + "/runs"));
        const auto* list = json::member(runs, "runs");
        return list && list->Size() >= 1 && json::get_string((*list)[0], "state") == "succeeded";
      },
      30000));
  std::this_thread::sleep_for(
      std::chrono::milliseconds(1500));  // several ticks of three schedulers
  runs = e.json_of(e.call("GET", "/api/v1/pairs/" + pair + "/runs"));
  ASSERT_EQ(json::member(runs, "runs")->Size(), 1u) << json::stringify(runs);
  EXPECT_EQ(json::get_string((*json::member(runs, "runs"))[0], "trigger"), "schedule");
  auto next = redis.command({"ZSCORE", "jb:pairs:scheduled", pair});
  ASSERT_TRUE(next.ok());
  int64_t next_ms = std::atoll(next->str.c_str());
  EXPECT_GE(next_ms, now + 14 * 60000);
  EXPECT_LE(next_ms, timeutil::now_unix_ms() + 15 * 60000);
}

TEST(SyncResilience, RunEventsStreamFromTheWorkersUntilTheEnd) {
  const char* opts = "movies=150,series=2,seasons=2,episodes=5,differ=40";
  SyncEnv e(content("a", opts), content("b", opts), 2);
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e.b.control("POST", "/__standin/latency", R"({"GlobalMs":5})").ok());
  std::string pair = e.create_pair("\"mode\":\"two-way\"");
  std::string run_id = e.start_run(pair);
  ASSERT_FALSE(run_id.empty());
  std::string all;
  std::string last_id = "0";
  int64_t deadline = timeutil::monotonic_ms() + 60000;
  while (all.find("event: end") == std::string::npos && timeutil::monotonic_ms() < deadline) {
    HttpRequest r;
    r.method = "GET";
    r.url = e.stack.api("/api/v1/runs/" + run_id + "/events");
    r.headers = {{"Authorization", "Bearer " + e.token}, {"Last-Event-ID", last_id}};
    auto resp = e.http.send(r);
    ASSERT_TRUE(resp.ok());
    ASSERT_EQ(resp->status, 200) << resp->body;
    all += resp->body;
    // The last "id:" line is where the next request continues.
    for (size_t p = resp->body.find("id: "); p != std::string::npos;
         p = resp->body.find("id: ", p + 1))
      last_id = resp->body.substr(p + 4, resp->body.find('\n', p) - p - 4);
  }
  EXPECT_NE(all.find("event: state"), std::string::npos) << all.substr(0, 500);
  EXPECT_NE(all.find("event: progress"), std::string::npos) << "workers' events arrive";
  EXPECT_NE(all.find("\"state\":\"succeeded\""), std::string::npos);
  EXPECT_NE(all.find("event: end"), std::string::npos);
  // Someone else's (or no) session gets nothing.
  HttpRequest anon;
  anon.method = "GET";
  anon.url = e.stack.api("/api/v1/runs/" + run_id + "/events");
  EXPECT_EQ(e.http.send(anon)->status, 401);
}

TEST(SyncResilience, ThePairsApiRejectsBadInputPrecisely) {
  const char* opts = "movies=5,series=1,seasons=1,episodes=2,differ=0";
  SyncEnv e(content("a", opts), content("b", opts), 1);
  ASSERT_TRUE(e.ok());
  auto problem = [&](const std::string& method, const std::string& path, const std::string& body,
                     int status) {
    auto r = e.call(method, path, body);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, status) << method << " " << path << " " << body << " → " << r->body;
    EXPECT_NE(r->header("Content-Type").find("application/problem+json"), std::string::npos)
        << r->body;
    return r->body;
  };
  std::string someone_elses(32, 'e');
  auto body =
      problem("POST", "/api/v1/pairs",
              "{\"source\":\"" + e.conn_a + "\",\"target\":\"" + someone_elses + "\"}", 400);
  EXPECT_NE(body.find("not one of your connections"), std::string::npos) << body;
  body = problem("POST", "/api/v1/pairs",
                 "{\"source\":\"" + e.conn_a + "\",\"target\":\"" + e.conn_a + "\"}", 400);
  EXPECT_NE(body.find("another connection"), std::string::npos) << body;
  body = problem("POST", "/api/v1/pairs",
                 "{\"source\":\"" + e.conn_a + "\",\"target\":\"" + e.conn_b +
                     "\",\"features\":{\"ratings\":{\"enabled\":true}}}",
                 400);
  EXPECT_NE(body.find("features.ratings"), std::string::npos) << body;
  body = problem("POST", "/api/v1/pairs",
                 "{\"source\":\"" + e.conn_a + "\",\"target\":\"" + e.conn_b +
                     "\",\"schedule\":{\"every_minutes\":5}}",
                 400);
  EXPECT_NE(body.find("schedule.every_minutes"), std::string::npos) << body;
  problem("POST", "/api/v1/pairs", "{\"source\":", 400);
  problem("POST", "/api/v1/pairs", "[1,2,3]", 400);
  problem("GET", "/api/v1/pairs/" + someone_elses, "", 404);
  problem("GET", "/api/v1/runs/" + someone_elses, "", 404);
  problem("GET", "/api/v1/runs/not-an-id/items", "", 404);
  problem("POST", "/api/v1/runs/" + someone_elses + "/confirm", "", 404);
  std::string pair = e.create_pair("");
  ASSERT_FALSE(pair.empty());
  auto run = e.run(pair);
  std::string run_id = json::get_string(run, "id");
  problem("GET", "/api/v1/runs/" + run_id + "/items?count=0", "", 400);
  problem("GET", "/api/v1/runs/" + run_id + "/items?start=-1", "", 400);
  problem("POST", "/api/v1/runs/" + run_id + "/confirm", "", 409);
  problem("PATCH", "/api/v1/pairs/" + pair, R"({"mode":"sideways"})", 400);
  auto list = e.json_of(e.call("GET", "/api/v1/pairs"));
  ASSERT_EQ(json::member(list, "pairs")->Size(), 1u);
  EXPECT_EQ(json::get_string(*json::member((*json::member(list, "pairs"))[0], "last_run"), "id"),
            run_id);
  ASSERT_EQ(e.call("DELETE", "/api/v1/pairs/" + pair)->status, 204);
  problem("GET", "/api/v1/pairs/" + pair, "", 404);
  problem("POST", "/api/v1/pairs/" + pair + "/runs", "", 404);
  // Without a session: 401.
  HttpRequest anon;
  anon.method = "GET";
  anon.url = e.stack.api("/api/v1/pairs");
  EXPECT_EQ(e.http.send(anon)->status, 401);
}
