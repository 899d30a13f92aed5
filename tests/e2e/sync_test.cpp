// End-to-end sync tests: pairs and runs through auth-service's API, executed
// by real sync-workers against two Jellyfin stand-ins (same catalogue, variant
// a and b: different ids, paths and dates), checked on the stand-ins.
#include <gtest/gtest.h>

#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/client.h"
#include "tests/e2e/sync_env.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr int64_t kMinute = 60LL * 10'000'000;

// A catalogue; differ=0 makes both servers start with identical user data.
std::vector<std::string> content(const char* variant, const std::string& opts) {
  return {"--demo", "--generate",
          "seed=7,missing=0,junk=0,exclusive=0,multi=0,dup4k=0," + opts + ",variant=" + variant};
}

const char* kSmall = "movies=60,series=3,seasons=2,episodes=6,differ=0";
const std::map<std::string, std::string> kFreshIndex{{"JB_SYNC_INDEX_MAX_AGE_MS", "0"}};

std::string features(bool watchlist, bool history, bool progress, const std::string& extra = "") {
  auto f = [](const char* name, bool on, const std::string& more) {
    return std::string("\"") + name + "\":{\"enabled\":" + (on ? "true" : "false") + more + "}";
  };
  return "\"features\":{" + f("watchlist", watchlist, watchlist ? extra : "") + "," +
         f("history", history, history ? extra : "") + "," +
         f("progress", progress, progress ? extra : "") + "}";
}

std::string state_of(const json::Document& run) {
  return json::get_string(run, "state");
}

}  // namespace

TEST(Sync, OneWayWatchlistAddsFavoritesAndASecondRunPlansNothing) {
  SyncEnv e(content("a", "movies=30,series=3,seasons=2,episodes=4,differ=30"),
            content("b", "movies=30,series=3,seasons=2,episodes=4,differ=30"));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(features(true, false, false));
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
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  EXPECT_TRUE(json::get_bool(run, "bootstrap"));
  EXPECT_GE(e.counter(run, "watchlist", "planned"), 4) << json::stringify(run);
  EXPECT_EQ(e.counter(run, "watchlist", "applied"), e.counter(run, "watchlist", "planned"));
  EXPECT_EQ(e.counter(run, "watchlist", "failed"), 0);
  EXPECT_EQ(e.counter(run, "history", "planned"), -1) << "disabled features have no counters";
  // Every favorite on A is a favorite on B now; B's own extra favorites stay (one-way, no removals).
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
  EXPECT_GE(favs, 4);
  // Each planned write is reported with its outcome.
  auto added = e.items_with(json::get_string(run, "id"), "favorite");
  EXPECT_EQ(static_cast<int64_t>(added.size()), e.counter(run, "watchlist", "planned"));
  for (const auto& it : added) {
    EXPECT_EQ(json::get_string(it, "outcome"), "applied") << json::stringify(it);
    EXPECT_EQ(json::get_string(it, "side"), "target");
    EXPECT_FALSE(json::get_string(it, "name").empty());
  }
  auto again = e.run(pair);
  ASSERT_EQ(state_of(again), "succeeded") << json::stringify(again);
  EXPECT_FALSE(json::get_bool(again, "bootstrap"));
  EXPECT_EQ(e.counter(again, "watchlist", "planned"), 0) << json::stringify(again);
}

TEST(Sync, TwoWayHistoryBootstrapsThenPropagatesUnplayedAndNeverPingPongs) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  std::string pair =
      e.create_pair("\"mode\":\"two-way\"," + features(false, true, false, ",\"remove\":true"));
  auto movies = e.titles("Movie");
  ASSERT_GE(movies.size(), 40u);
  // Bootstrap: an item only A played, one only B played, and one B marked unplayed (no baseline yet:
  // the bootstrap never deletes, so A's play goes to B instead).
  const Title &only_a = movies[1], &only_b = movies[2], &both = movies[3];
  ASSERT_TRUE(
      e.set_user_data(e.a, only_a.a,
                      R"("Played":true,"PlayCount":2,"LastPlayedDate":"2024-03-01T20:00:00Z")")
          .ok());
  ASSERT_TRUE(
      e.set_user_data(e.b, only_a.b, R"("Played":false,"PlayCount":0,"LastPlayedDate":null)").ok());
  ASSERT_TRUE(
      e.set_user_data(e.a, only_b.a, R"("Played":false,"PlayCount":0,"LastPlayedDate":null)").ok());
  ASSERT_TRUE(
      e.set_user_data(e.b, only_b.b,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-03-02T21:30:00Z")")
          .ok());
  ASSERT_TRUE(
      e.set_user_data(e.a, both.a,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-01-01T10:00:00Z")")
          .ok());
  ASSERT_TRUE(
      e.set_user_data(e.b, both.b,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-01-01T10:00:00Z")")
          .ok());

  auto first = e.run(pair);
  ASSERT_EQ(state_of(first), "succeeded") << json::stringify(first);
  EXPECT_TRUE(json::get_bool(first, "bootstrap"));
  EXPECT_EQ(json::get_int(first, "removals"), 0);
  auto b1 = e.state(e.b, only_a.b);
  EXPECT_TRUE(b1.played);
  EXPECT_EQ(b1.play_count, 2) << "the play count travels with the play";
  EXPECT_EQ(b1.last_played.substr(0, 19), "2024-03-01T20:00:00");
  auto a1 = e.state(e.a, only_b.a);
  EXPECT_TRUE(a1.played);
  EXPECT_EQ(a1.last_played.substr(0, 19), "2024-03-02T21:30:00");

  auto second = e.run(pair);
  ASSERT_EQ(state_of(second), "succeeded");
  EXPECT_EQ(e.counter(second, "history", "planned"), 0)
      << "no ping-pong: " << json::stringify(second);

  // Now B marks one item unplayed: with a baseline that is a removal, propagated to A.
  ASSERT_TRUE(
      e.b.api("DELETE", "/UserPlayedItems/" + only_a.b, e.demo_token(e.b), "", "sync-test").ok());
  auto third = e.run(pair);
  ASSERT_EQ(state_of(third), "succeeded") << json::stringify(third);
  EXPECT_EQ(json::get_int(third, "removals"), 1);
  EXPECT_FALSE(e.state(e.a, only_a.a).played);
  auto removed = e.items_with(json::get_string(third, "id"), "unplayed");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(json::get_string(removed[0], "side"), "source");
  EXPECT_TRUE(json::get_bool(removed[0], "removal"));
  EXPECT_EQ(e.counter(e.run(pair), "history", "planned"), 0);
}

TEST(Sync, RemovalsAreOffByDefault) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair("\"mode\":\"two-way\"," + features(true, false, false));
  auto movies = e.titles("Movie");
  ASSERT_TRUE(e.set_user_data(e.a, movies[5].a, R"("IsFavorite":true)").ok());
  ASSERT_EQ(state_of(e.run(pair)), "succeeded");
  ASSERT_TRUE(e.state(e.b, movies[5].b).favorite);
  ASSERT_TRUE(e.set_user_data(e.b, movies[5].b, R"("IsFavorite":false)").ok());
  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded");
  EXPECT_TRUE(e.state(e.a, movies[5].a).favorite) << "removal not propagated";
  EXPECT_EQ(e.counter(run, "watchlist", "planned"), 0);
  auto skips = e.items_with(json::get_string(run, "id"), "skip", "watchlist");
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_NE(json::get_string(skips[0], "reason").find("removals are off"), std::string::npos);
  // The skip is remembered: the next run does not re-add it to B either.
  EXPECT_FALSE(e.state(e.b, movies[5].b).favorite);
}

TEST(Sync, MassRemovalIsHeldUntilConfirmed) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  std::string pair =
      e.create_pair("\"mode\":\"two-way\"," + features(true, false, false, ",\"remove\":true"));
  auto movies = e.titles("Movie");
  // Twelve favorites on both sides, agreed by the bootstrap.
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(e.set_user_data(e.a, movies[i].a, R"("IsFavorite":true)").ok());
    ASSERT_TRUE(e.set_user_data(e.b, movies[i].b, R"("IsFavorite":true)").ok());
  }
  ASSERT_EQ(state_of(e.run(pair)), "succeeded");
  // A drops four of them (a third of the baseline): held.
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(e.set_user_data(e.a, movies[i].a, R"("IsFavorite":false)").ok());
  auto held = e.run(pair);
  ASSERT_EQ(state_of(held), "held") << json::stringify(held);
  EXPECT_EQ(json::get_int(held, "removals"), 4);
  EXPECT_NE(json::get_string(held, "held_reason").find("would remove 4 of"), std::string::npos)
      << json::get_string(held, "held_reason");
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(e.state(e.b, movies[i].b).favorite) << "nothing removed while held";
  // A held run keeps the pair's slot: a new run is refused until it is resolved.
  EXPECT_EQ(e.call("POST", "/api/v1/pairs/" + pair + "/runs")->status, 409);
  std::string run_id = json::get_string(held, "id");
  auto confirmed = e.call("POST", "/api/v1/runs/" + run_id + "/confirm");
  ASSERT_EQ(confirmed->status, 202) << confirmed->body;
  auto done = e.wait_run(run_id);
  ASSERT_EQ(state_of(done), "succeeded") << json::stringify(done);
  EXPECT_EQ(e.counter(done, "watchlist", "applied"), 4);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(e.state(e.b, movies[i].b).favorite);
  for (int i = 4; i < 12; ++i) EXPECT_TRUE(e.state(e.b, movies[i].b).favorite);
  EXPECT_EQ(e.call("POST", "/api/v1/runs/" + run_id + "/confirm")->status, 409)
      << "only held runs confirm";
  EXPECT_EQ(e.counter(e.run(pair), "watchlist", "planned"), 0);
}

TEST(Sync, ASnapshotThatCollapsesIsSuspect) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  // Hold threshold raised out of the way by a one-way pair whose removals are few per run
  // is not possible here; instead the collapse itself must hold: 25 agreed favorites, then A lists 1.
  std::string pair = e.create_pair(features(true, false, false, ",\"remove\":true"));
  auto movies = e.titles("Movie");
  ASSERT_GE(movies.size(), 26u);
  for (int i = 0; i < 26; ++i) {
    ASSERT_TRUE(e.set_user_data(e.a, movies[i].a, R"("IsFavorite":true)").ok());
    ASSERT_TRUE(e.set_user_data(e.b, movies[i].b, R"("IsFavorite":true)").ok());
  }
  ASSERT_EQ(state_of(e.run(pair)), "succeeded");
  for (int i = 1; i < 26; ++i)
    ASSERT_TRUE(e.set_user_data(e.a, movies[i].a, R"("IsFavorite":false)").ok());
  auto held = e.run(pair);
  ASSERT_EQ(state_of(held), "held") << json::stringify(held);
  EXPECT_FALSE(json::get_string(held, "held_reason").empty());
  for (int i = 1; i < 26; ++i) EXPECT_TRUE(e.state(e.b, movies[i].b).favorite);
}

TEST(Sync, ProgressConflictsUseTheNewerDateAcrossTimeZonesAndSkipWhatIsPlaying) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair("\"mode\":\"two-way\"," + features(false, false, true));
  auto movies = e.titles("Movie");
  auto pos = [](int64_t minutes) { return std::to_string(minutes * kMinute); };
  auto set = [&](Standin& s, const std::string& id, int64_t minutes, const std::string& date) {
    std::string d = date.empty() ? "null" : "\"" + date + "\"";
    ASSERT_TRUE(e.set_user_data(s, id,
                                "\"Played\":false,\"PlaybackPositionTicks\":" + pos(minutes) +
                                    ",\"LastPlayedDate\":" + d)
                    .ok());
  };
  // B is newer: 12:30+02:00 is 10:30Z, after A's 10:00Z.
  set(e.a, movies[10].a, 20, "2024-05-01T10:00:00Z");
  set(e.b, movies[10].b, 40, "2024-05-01T12:30:00+02:00");
  // A is newer: 11:00Z against 12:00+02:00 = 10:00Z.
  set(e.a, movies[11].a, 30, "2024-05-01T11:00:00Z");
  set(e.b, movies[11].b, 10, "2024-05-01T12:00:00+02:00");
  // No dates at all: the source (A) wins, deterministically.
  set(e.a, movies[12].a, 25, "");
  set(e.b, movies[12].b, 50, "");
  // Under 60 s: not progress.
  set(e.a, movies[13].a, 0, "2024-05-01T10:00:00Z");
  set(e.b, movies[13].b, 0, "");
  ASSERT_TRUE(e.set_user_data(e.a, movies[13].a,
                              "\"PlaybackPositionTicks\":" + std::to_string(30 * 10'000'000LL))
                  .ok());
  // Less than 30 s apart: no write.
  set(e.a, movies[14].a, 30, "2024-05-01T11:00:00Z");
  ASSERT_TRUE(e.set_user_data(
                   e.b, movies[14].b,
                   "\"PlaybackPositionTicks\":" + std::to_string(30 * kMinute + 20 * 10'000'000LL) +
                       ",\"Played\":false,\"LastPlayedDate\":\"2024-05-01T10:00:00Z\"")
                  .ok());
  // Only A has progress, but B's user is watching it right now: untouched.
  set(e.a, movies[15].a, 35, "2024-05-01T11:00:00Z");
  set(e.b, movies[15].b, 0, "");
  ASSERT_TRUE(e.set_playing(e.b, movies[15].b).ok());

  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  EXPECT_EQ(e.state(e.a, movies[10].a).position, 40 * kMinute);
  EXPECT_EQ(e.state(e.b, movies[10].b).position, 40 * kMinute);
  EXPECT_EQ(e.state(e.b, movies[11].b).position, 30 * kMinute);
  EXPECT_EQ(e.state(e.b, movies[11].b).last_played.substr(0, 19), "2024-05-01T11:00:00")
      << "all times UTC";
  EXPECT_EQ(e.state(e.b, movies[12].b).position, 25 * kMinute);
  EXPECT_EQ(e.state(e.b, movies[13].b).position, 0);
  EXPECT_EQ(e.state(e.b, movies[14].b).position, 30 * kMinute + 20 * 10'000'000LL);
  EXPECT_EQ(e.state(e.b, movies[15].b).position, 0);
  auto skips = e.items_with(json::get_string(run, "id"), "skip", "progress");
  bool playing_reported = false;
  for (const auto& s : skips)
    if (json::get_string(s, "reason").find("played right now") != std::string::npos)
      playing_reported = true;
  EXPECT_TRUE(playing_reported);
  // Once the session ends, the next run writes it; after that nothing is left.
  ASSERT_TRUE(e.b.control("DELETE", "/__standin/playing").ok());
  auto next = e.run(pair);
  EXPECT_EQ(e.counter(next, "progress", "planned"), 1) << json::stringify(next);
  EXPECT_EQ(e.state(e.b, movies[15].b).position, 35 * kMinute);
  EXPECT_EQ(e.counter(e.run(pair), "progress", "planned"), 0);
}

TEST(Sync, HistoryWithoutDatesAndOneWayTargetIsNotOverwritten) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(features(false, true, false));
  auto movies = e.titles("Movie");
  // A played without a date; B did not play: B gets played, with no invented date.
  ASSERT_TRUE(
      e.set_user_data(e.a, movies[20].a, R"("Played":true,"PlayCount":1,"LastPlayedDate":null)")
          .ok());
  ASSERT_TRUE(
      e.set_user_data(e.b, movies[20].b, R"("Played":false,"PlayCount":0,"LastPlayedDate":null)")
          .ok());
  // Both played; B's play is newer: one-way keeps B's newer date (never moves history backwards).
  ASSERT_TRUE(
      e.set_user_data(e.a, movies[21].a,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-01-01T00:00:00Z")")
          .ok());
  ASSERT_TRUE(
      e.set_user_data(e.b, movies[21].b,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-02-01T00:00:00Z")")
          .ok());
  // Both played; A newer beyond the tolerance: B's date moves forward.
  ASSERT_TRUE(
      e.set_user_data(e.a, movies[22].a,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-06-01T08:00:00-05:00")")
          .ok());
  ASSERT_TRUE(
      e.set_user_data(e.b, movies[22].b,
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-06-01T12:59:30Z")")
          .ok());
  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  EXPECT_TRUE(e.state(e.b, movies[20].b).played);
  EXPECT_EQ(e.state(e.b, movies[21].b).last_played.substr(0, 10), "2024-02-01");
  // 08:00-05:00 = 13:00Z, 30 s after B's: within the 60 s tolerance, so nothing changes.
  EXPECT_EQ(e.state(e.b, movies[22].b).last_played.substr(0, 19), "2024-06-01T12:59:30");
  EXPECT_EQ(e.counter(e.run(pair), "history", "planned"), 0);
}

TEST(Sync, EpisodesMatchAcrossMultiEpisodeFilesAndDuplicateCopies) {
  const char* dup = "movies=8,series=1,seasons=1,episodes=2,differ=0,dup4k=100";
  SyncEnv e(content("a", dup), content("b", dup), 2, kFreshIndex);
  ASSERT_TRUE(e.ok());
  // The same show on both servers: A stores S01E01-E02 as one file, B as two.
  auto show = [](const std::string& id_base, bool multi) {
    std::string eps =
        multi
            ? R"({"Type":"Episode","Id":")" + id_base +
                  R"(e1","Name":"Pilot","IndexNumber":1,"IndexNumberEnd":2,"ParentIndexNumber":1})"
            : R"({"Type":"Episode","Id":")" + id_base +
                  R"(e1","Name":"Pilot","IndexNumber":1,"ParentIndexNumber":1},)"
                  R"({"Type":"Episode","Id":")" +
                  id_base + R"(e2","Name":"Second","IndexNumber":2,"ParentIndexNumber":1})";
    return R"({"Library":"Shows","Type":"Series","Id":")" + id_base +
           R"(00","Name":"Twin Files","ProviderIds":{"Tvdb":"424242"},)"
           R"("Seasons":[{"Type":"Season","Id":")" +
           id_base + R"(51","IndexNumber":1,"Episodes":[)" + eps + "]}]}";
  };
  std::string ida = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", idb = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  ASSERT_TRUE(e.a.control("POST", "/__standin/items", show(ida, true)).ok());
  ASSERT_TRUE(e.b.control("POST", "/__standin/items", show(idb, false)).ok());
  ASSERT_TRUE(
      e.set_user_data(e.a, ida + "e1",
                      R"("Played":true,"PlayCount":1,"LastPlayedDate":"2024-04-04T04:04:04Z")")
          .ok());
  // A film played on A's 1080p copy; B has it twice (1080p and 4K): both are marked.
  auto movies = e.titles("Movie");
  ASSERT_FALSE(movies.empty());
  auto copies_a = e.ids_named(e.a, "Movie", movies[0].name);
  auto copies_b = e.ids_named(e.b, "Movie", movies[0].name);
  ASSERT_EQ(copies_a.size(), 2u) << "the generator makes a 4K copy of every film here";
  ASSERT_EQ(copies_b.size(), 2u);
  std::string pair = e.create_pair(features(false, true, false));
  ASSERT_TRUE(e.set_user_data(e.a, copies_a[0], R"("Played":true,"PlayCount":1)").ok());
  ASSERT_TRUE(e.set_user_data(e.a, copies_a[1], R"("Played":false,"PlayCount":0)").ok());
  for (const auto& id : copies_b)
    ASSERT_TRUE(e.set_user_data(e.b, id, R"("Played":false,"PlayCount":0)").ok());
  std::string film_b1 = copies_b[0], film_b2 = copies_b[1];

  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  EXPECT_TRUE(e.state(e.b, idb + "e1").played);
  EXPECT_TRUE(e.state(e.b, idb + "e2").played) << "the second half of A's two-episode file";
  EXPECT_EQ(e.state(e.b, idb + "e1").last_played.substr(0, 19), "2024-04-04T04:04:04");
  EXPECT_TRUE(e.state(e.b, film_b1).played);
  EXPECT_TRUE(e.state(e.b, film_b2).played);
  EXPECT_EQ(e.counter(e.run(pair), "history", "planned"), 0);
}

TEST(Sync, UnmatchedItemsAreReportedWithTheirReasonAndNeverGuessed) {
  const char* messy = "movies=60,series=2,seasons=1,episodes=4,differ=0";
  SyncEnv e({"--demo", "--generate",
             std::string("seed=9,missing=15,junk=10,exclusive=15,multi=0,dup4k=0,") + messy +
                 ",variant=a"},
            {"--demo", "--generate",
             std::string("seed=9,missing=15,junk=10,exclusive=15,multi=0,dup4k=0,") + messy +
                 ",variant=b"});
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(features(false, true, false));
  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  int64_t unmatched = e.counter(run, "history", "unmatched");
  EXPECT_GT(unmatched, 0) << json::stringify(run);
  auto items = e.items_with(json::get_string(run, "id"), "unmatched", "history");
  EXPECT_EQ(static_cast<int64_t>(items.size()), unmatched);
  std::set<std::string> reasons;
  for (const auto& it : items) {
    reasons.insert(json::get_string(it, "reason"));
    EXPECT_EQ(json::get_string(it, "side"), "source");
    EXPECT_EQ(json::get_string(it, "item").size(), 32u);
    // Never guessed: the unmatched item's title is not written on B under another id.
    EXPECT_FALSE(json::member(it, "plan"));
  }
  bool no_ids = false, absent = false;
  for (const auto& r : reasons) {
    no_ids = no_ids || r.find("no usable provider id") != std::string::npos;
    absent = absent || r.find("not found in the target") != std::string::npos;
  }
  EXPECT_TRUE(no_ids) << "missing/junk provider ids";
  EXPECT_TRUE(absent) << "titles the target does not have";
}

TEST(Sync, DryRunPlansButWritesNothingAndKeepsTheBootstrap) {
  SyncEnv e(content("a", "movies=40,series=2,seasons=1,episodes=4,differ=40"),
            content("b", "movies=40,series=2,seasons=1,episodes=4,differ=40"));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair("\"mode\":\"two-way\",\"dry_run\":true");
  ASSERT_TRUE(e.b.reset_counters().ok());
  ASSERT_TRUE(e.a.reset_counters().ok());
  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  EXPECT_TRUE(json::get_bool(run, "dry_run"));
  int64_t planned = 0;
  for (const char* f : {"watchlist", "history", "progress"}) {
    planned += e.counter(run, f, "planned");
    EXPECT_EQ(e.counter(run, f, "applied"), 0);
  }
  EXPECT_GT(planned, 0);
  for (Standin* s : {&e.a, &e.b})
    for (const char* route :
         {"POST /UserItems/{itemId}/UserData", "POST /UserFavoriteItems/{itemId}",
          "DELETE /UserFavoriteItems/{itemId}", "DELETE /UserPlayedItems/{itemId}",
          "POST /UserPlayedItems/{itemId}"})
      EXPECT_EQ(s->requests(route), 0) << route;
  // The items say what would happen; a dry run sets no baseline, so the next run still bootstraps.
  EXPECT_GT(e.run_items(json::get_string(run, "id")).size(), 0u);
  ASSERT_EQ(e.call("PATCH", "/api/v1/pairs/" + pair, R"({"dry_run":false})")->status, 200);
  auto real = e.run(pair);
  EXPECT_TRUE(json::get_bool(real, "bootstrap"));
  int64_t real_planned = 0;
  for (const char* f : {"watchlist", "history", "progress"})
    real_planned += e.counter(real, f, "planned");
  EXPECT_EQ(real_planned, planned) << "the dry run predicted exactly what the real run did";
}

TEST(Sync, OneWayProgressAddsNeverPullsBackAndClearsWithRemovals) {
  SyncEnv e(content("a", kSmall), content("b", kSmall));
  ASSERT_TRUE(e.ok());
  std::string pair = e.create_pair(features(false, false, true, ",\"remove\":true"));
  auto movies = e.titles("Movie");
  auto pos = [](int64_t minutes) { return std::to_string(minutes * kMinute); };
  auto set = [&](Standin& s, const std::string& id, int64_t minutes, const char* date) {
    std::string d = date ? std::string("\"") + date + "\"" : "null";
    ASSERT_TRUE(e.set_user_data(s, id,
                                "\"Played\":false,\"PlaybackPositionTicks\":" + pos(minutes) +
                                    ",\"LastPlayedDate\":" + d)
                    .ok());
  };
  // A large agreed baseline: twenty items in progress on both sides.
  for (int i = 30; i < 50; ++i) {
    set(e.a, movies[i].a, 10 + i, "2024-02-02T02:02:02Z");
    set(e.b, movies[i].b, 10 + i, "2024-02-02T02:02:02Z");
  }
  set(e.a, movies[1].a, 20, "2024-05-01T10:00:00Z");  // only A: goes to B
  set(e.b, movies[1].b, 0, nullptr);
  set(e.a, movies[2].a, 0, nullptr);  // only B: one-way leaves A alone
  set(e.b, movies[2].b, 30, "2024-05-01T10:00:00Z");
  set(e.a, movies[3].a, 20, "2024-05-01T10:00:00Z");  // B is further and newer: one-way keeps B's
  set(e.b, movies[3].b, 45, "2024-05-02T10:00:00Z");
  auto run = e.run(pair);
  ASSERT_EQ(state_of(run), "succeeded") << json::stringify(run);
  EXPECT_EQ(e.state(e.b, movies[1].b).position, 20 * kMinute);
  EXPECT_EQ(e.state(e.a, movies[2].a).position, 0);
  EXPECT_EQ(e.state(e.b, movies[3].b).position, 45 * kMinute);
  EXPECT_EQ(e.counter(run, "progress", "planned"), 1) << json::stringify(run);
  EXPECT_EQ(e.counter(e.run(pair), "progress", "planned"), 0);
  // A clears an item that was agreed: with removals on, B's position is cleared too.
  set(e.a, movies[35].a, 0, nullptr);
  auto cleared = e.run(pair);
  ASSERT_EQ(state_of(cleared), "succeeded") << json::stringify(cleared);
  EXPECT_EQ(json::get_int(cleared, "removals"), 1);
  EXPECT_EQ(e.state(e.b, movies[35].b).position, 0);
  EXPECT_EQ(e.counter(e.run(pair), "progress", "planned"), 0);
}

// Pairs never dangle: a connection a pair uses is not deleted unless the
// caller asks for its pairs to go too, and a run is never accepted for a pair
// whose connection is gone (data left by an older version, or a race).
TEST(SyncApi, AConnectionUsedByPairsIsKeptUnlessCascadedAndRunsNeedBothConnections) {
  SyncEnv e(content("a", kSmall), content("b", kSmall), 1);
  ASSERT_TRUE(e.ok());
  std::string p1 = e.create_pair(R"("name":"films A to B")");
  std::string p2 = e.create_pair(R"("name":"back again")", true);
  ASSERT_FALSE(p1.empty());
  ASSERT_FALSE(p2.empty());
  auto refused = e.call("DELETE", "/api/v1/connections/" + e.conn_b);
  ASSERT_EQ(refused->status, 409) << refused->body;
  auto problem = e.json_of(refused);
  EXPECT_EQ(json::get_string(problem, "type"), "urn:jellybridge:problem:connection_in_use");
  std::string detail = json::get_string(problem, "detail");
  EXPECT_NE(detail.find("\"films A to B\" (" + p1 + ")"), std::string::npos) << detail;
  EXPECT_NE(detail.find("?cascade=pairs"), std::string::npos) << detail;
  const auto* listed = json::member(problem, "pairs");
  ASSERT_TRUE(listed && listed->IsArray());
  EXPECT_EQ(listed->Size(), 2u);
  EXPECT_EQ(e.call("GET", "/api/v1/connections/" + e.conn_b)->status, 200) << "nothing was deleted";
  EXPECT_EQ(e.call("GET", "/api/v1/pairs/" + p1)->status, 200);
  EXPECT_EQ(e.call("DELETE", "/api/v1/connections/" + e.conn_b + "?cascade=everything")->status,
            400);
  EXPECT_EQ(
      e.call("DELETE", "/api/v1/connections/" + std::string(32, 'f') + "?cascade=pairs")->status,
      404);

  // A pair whose connection vanished behind the API's back: no run is accepted.
  auto ro = parse_redis_url(e.stack.redis.url());
  RedisConnection redis(*ro);
  std::string p3 = e.create_pair(R"("name":"orphan")");
  ASSERT_TRUE(redis.command({"DEL", "jb:conn:" + e.conn_a}).ok());
  auto run = e.call("POST", "/api/v1/pairs/" + p3 + "/runs");
  ASSERT_EQ(run->status, 409) << run->body;
  EXPECT_EQ(json::get_string(e.json_of(run), "type"),
            "urn:jellybridge:problem:pair_connection_missing");
  EXPECT_NE(json::get_string(e.json_of(run), "detail").find(e.conn_a), std::string::npos);
  auto runs = e.json_of(e.call("GET", "/api/v1/pairs/" + p3 + "/runs"));
  const auto* list = json::member(runs, "runs");
  ASSERT_NE(list, nullptr) << json::stringify(runs);
  EXPECT_EQ(list->Size(), 0u) << "no run was created";

  // Asked explicitly: the pairs go with the connection.
  ASSERT_EQ(e.call("DELETE", "/api/v1/connections/" + e.conn_b + "?cascade=pairs")->status, 204);
  EXPECT_EQ(e.call("GET", "/api/v1/connections/" + e.conn_b)->status, 404);
  for (const auto& p : {p1, p2, p3})
    EXPECT_EQ(e.call("GET", "/api/v1/pairs/" + p)->status, 404) << p;
}
