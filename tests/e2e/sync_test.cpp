// End-to-end sync tests: pairs and runs through auth-service's API, executed
// by real sync-workers against two Jellyfin stand-ins, checked on the
// stand-ins themselves.
#include <gtest/gtest.h>

#include "tests/e2e/sync_env.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::vector<std::string> content(const char* variant, const std::string& extra = "") {
  return {"--demo", "--generate",
          std::string("movies=30,series=3,seasons=2,episodes=4,seed=7,missing=0,junk=0,exclusive=0,multi=0,dup4k=0,differ=30,variant=") +
              variant + extra};
}

}  // namespace

TEST(Sync, OneWayWatchlistAddsFavoritesAndASecondRunPlansNothing) {
  SyncEnv e(content("a"), content("b"));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(R"("features":{"history":{"enabled":false},"progress":{"enabled":false}})");
  ASSERT_FALSE(pair.empty());
  auto movies = e.titles("Movie");
  auto eps = e.titles("Episode");
  ASSERT_GE(movies.size(), 10u);
  ASSERT_GE(eps.size(), 4u);
  // Favorites only A has: three films and an episode.
  for (const Title* t : {&movies[0], &movies[4], &movies[8], &eps[2]}) {
    ASSERT_TRUE(e.set_user_data(e.a, t->a, R"("IsFavorite":true)").ok());
    ASSERT_TRUE(e.set_user_data(e.b, t->b, R"("IsFavorite":false)").ok());
  }
  auto run = e.run(pair);
  ASSERT_EQ(json::get_string(run, "state"), "succeeded") << json::stringify(run);
  EXPECT_GE(e.counter(run, "watchlist", "planned"), 4) << json::stringify(run);
  EXPECT_EQ(e.counter(run, "watchlist", "applied"), e.counter(run, "watchlist", "planned"));
  EXPECT_EQ(e.counter(run, "watchlist", "failed"), 0);
  // Every favorite on A is a favorite on B now.
  movies.insert(movies.end(), eps.begin(), eps.end());
  std::vector<std::string> ida, idb;
  for (const auto& t : movies) {
    ida.push_back(t.a);
    idb.push_back(t.b);
  }
  auto sa = e.user_data(e.a, ida), sb = e.user_data(e.b, idb);
  int favs = 0;
  for (const auto& t : movies)
    if (sa[t.a].favorite) {
      ++favs;
      EXPECT_TRUE(sb[t.b].favorite) << t.name;
    }
  EXPECT_GT(favs, 0);
  auto again = e.run(pair);
  ASSERT_EQ(json::get_string(again, "state"), "succeeded") << json::stringify(again);
  EXPECT_EQ(e.counter(again, "watchlist", "planned"), 0) << json::stringify(again);
}
