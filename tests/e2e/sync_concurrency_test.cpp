// End-to-end sync concurrency (issue 11): ONE sync-worker, every service with
// the per-server budget JB_SERVER_CONCURRENCY=4, stand-ins that delay every
// answer (so overlapping requests are visible) and record how many Jellyfin
// requests they handle at once (GET /__standin/inflight). A one-way run that
// writes a few hundred favorites and plays on the target must never have more
// than the budget in flight on either server, must fill the budget on the
// target, and must still apply every planned write.
#include <gtest/gtest.h>

#include "tests/e2e/sync_env.h"
#include "tests/support/scoped_env.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr int kBudget = 4;
constexpr int kLatencyMs = 20;
constexpr int kFavorites = 200;  // movies [0, 200): favorite on A only
constexpr int kPlays = 150;      // movies [100, 250): played on A only

// Identical user data on both servers (differ=0) until the test makes them differ.
std::vector<std::string> content(const char* variant) {
  return {"--demo", "--generate",
          "seed=11,missing=0,junk=0,exclusive=0,multi=0,dup4k=0,movies=260,series=1,seasons=1,"
          "episodes=2,differ=0,variant=" +
              std::string(variant)};
}

std::string features() {
  return R"("features":{"watchlist":{"enabled":true},"history":{"enabled":true},)"
         R"("progress":{"enabled":false}})";
}

}  // namespace

TEST(SyncConcurrency, OneWorkerFillsTheServerBudgetAndNeverExceedsIt) {
  ScopedEnv budget("JB_SERVER_CONCURRENCY", std::to_string(kBudget));
  SyncEnv e(content("a"), content("b"), /*workers=*/1,
            {{"JB_SERVER_CONCURRENCY", std::to_string(kBudget)}});
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(features());
  ASSERT_FALSE(pair.empty());
  auto movies = e.titles("Movie");
  ASSERT_GE(movies.size(), 250u);

  // A few hundred writes on the target B: favorites and plays only A has.
  for (int i = 0; i < kFavorites; ++i) {
    ASSERT_TRUE(e.set_user_data(e.a, movies[i].a, R"("IsFavorite":true)").ok());
    ASSERT_TRUE(e.set_user_data(e.b, movies[i].b, R"("IsFavorite":false)").ok());
  }
  for (int i = 100; i < 100 + kPlays; ++i) {
    ASSERT_TRUE(
        e.set_user_data(e.a, movies[i].a,
                        R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-05-01T20:00:00Z")")
            .ok());
    ASSERT_TRUE(
        e.set_user_data(e.b, movies[i].b, R"("Played":false,"PlayCount":0,"LastPlayedDate":null)")
            .ok());
  }

  // Every answer is delayed from now on; the measurement starts here.
  for (Standin* s : {&e.a, &e.b}) {
    ASSERT_TRUE(s->control("POST", "/__standin/latency",
                           R"({"GlobalMs":)" + std::to_string(kLatencyMs) + "}")
                    .ok());
    ASSERT_TRUE(s->reset_in_flight().ok());
  }

  auto run = e.run(pair, 25000);
  ASSERT_EQ(json::get_string(run, "state"), "succeeded") << json::stringify(run);
  auto fa = e.a.in_flight();
  auto fb = e.b.in_flight();
  ASSERT_TRUE(fa.ok()) << fa.error().message;
  ASSERT_TRUE(fb.ok()) << fb.error().message;
  std::fprintf(stderr, "max in flight: source %lld, target %lld (budget %d)\n",
               static_cast<long long>(fa->max), static_cast<long long>(fb->max), kBudget);
  ::testing::Test::RecordProperty("max_in_flight_source", static_cast<int>(fa->max));
  ::testing::Test::RecordProperty("max_in_flight_target", static_cast<int>(fb->max));

  // Outcomes: every planned write applied, once, and it landed.
  EXPECT_EQ(e.counter(run, "watchlist", "planned"), kFavorites) << json::stringify(run);
  EXPECT_EQ(e.counter(run, "watchlist", "applied"), kFavorites) << json::stringify(run);
  EXPECT_EQ(e.counter(run, "watchlist", "failed"), 0);
  EXPECT_EQ(e.counter(run, "history", "planned"), kPlays) << json::stringify(run);
  EXPECT_EQ(e.counter(run, "history", "applied"), kPlays) << json::stringify(run);
  EXPECT_EQ(e.counter(run, "history", "failed"), 0);
  int applied_on_target = 0;
  for (const auto& it : e.run_items(json::get_string(run, "id")))
    if (json::get_string(it, "side") == "target" && json::get_string(it, "outcome") == "applied")
      ++applied_on_target;
  EXPECT_EQ(applied_on_target, kFavorites + kPlays);
  std::vector<std::string> idb;
  for (int i = 0; i < 100 + kPlays; ++i) idb.push_back(movies[i].b);
  auto sb = e.user_data(e.b, idb);
  for (int i = 0; i < 100 + kPlays; ++i) {
    const auto& st = sb[movies[i].b];
    if (i < kFavorites) {
      EXPECT_TRUE(st.favorite) << movies[i].name;
    }
    if (i >= 100) {
      EXPECT_TRUE(st.played) << movies[i].name;
    }
  }

  // The budget: never exceeded on either server, and filled on the target.
  EXPECT_LE(fa->max, kBudget) << "source server";
  EXPECT_LE(fb->max, kBudget) << "target server";
  EXPECT_EQ(fb->max, kBudget) << "one worker alone should keep the target's budget full";
}
