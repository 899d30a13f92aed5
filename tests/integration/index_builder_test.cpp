// Integration tests of the library index (library-service/index_*) against a
// real redis-server, with a scripted item source standing in for Jellyfin's
// paging (the end-to-end tests use the real stand-in).
#include "library-service/index_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "common/core/time.h"
#include "common/jellyfin/canonical.h"
#include "library-service/index_store.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::library;
using jb::testing::RedisServer;

namespace {

std::string hexid(int n) {
  char b[33];
  std::snprintf(b, sizeof b, "%032x", n);
  return b;
}

struct FakeItem {
  jf::Item item;
  std::string library;
  int64_t saved_us = 0;
};

// Pages over an in-memory library like Jellyfin does, with scripted faults.
class FakeSource : public ItemSource {
 public:
  std::vector<FakeItem> items;
  std::function<Result<jf::ItemsPage>(const PageQuery&, int call)> fault;
  int calls = 0;

  Result<jf::ItemsPage> page(const PageQuery& q) override {
    ++calls;
    if (fault) {
      auto f = fault(q, calls);
      if (!f.ok() || !f->items.empty()) return f;
    }
    std::vector<const FakeItem*> match;
    for (const auto& it : items) {
      if (it.library != q.library_id) continue;
      if (q.types.find(it.item.type) == std::string::npos) continue;
      if (q.min_date_saved_us && it.saved_us < *q.min_date_saved_us) continue;
      match.push_back(&it);
    }
    jf::ItemsPage p;
    p.total = static_cast<int64_t>(match.size());
    p.start_index = q.start;
    for (int64_t i = q.start; i < p.total && i < q.start + q.limit; ++i)
      p.items.push_back(match[static_cast<size_t>(i)]->item);
    p.server_date_us = now_us;
    return p;
  }
  uint64_t requests() const override { return static_cast<uint64_t>(calls); }
  int64_t now_us = 1'700'000'000'000'000;

  FakeItem& add(int id, const std::string& type, const std::string& lib,
                std::map<std::string, std::string> ids, int season = -1, int episode = -1,
                const std::string& series = "") {
    FakeItem f;
    f.item.id = hexid(id);
    f.item.type = type;
    f.item.name = type + " " + std::to_string(id);
    f.item.provider_ids = std::move(ids);
    if (season >= 0) f.item.season_number = season;
    if (episode >= 0) f.item.episode_number = episode;
    f.item.series_id = series;
    f.library = lib;
    f.saved_us = now_us - 86400LL * 1000000;  // saved a day before the first build
    items.push_back(f);
    return items.back();
  }
};

struct Fixture {
  RedisServer srv;
  RedisPool redis{*parse_redis_url(srv.url()), 4};
  IndexStore store{redis};
  BuildOptions opts;
  std::function<Status()> renew = [] { return Status::Ok(); };
  const std::string conn = hexid(0xc0ffee);
  Fixture() { opts.page_size = 3; }  // tiny pages: every path pages
  IndexBuilder builder() { return IndexBuilder(store, opts); }
  std::vector<Ref> refs(const std::string& key) {
    auto r = store.lookup(conn, {key});
    EXPECT_TRUE(r.ok());
    auto it = r->find(key);
    return it == r->end() ? std::vector<Ref>{} : it->second;
  }
};

void seed_library(FakeSource& src) {
  src.add(1, "Movie", "lib-movies", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}});
  src.add(2, "Movie", "lib-movies", {{"Tmdb", "604"}});
  src.add(3, "Movie", "lib-movies", {{"Imdb", "tt"}});     // malformed: unmatched
  src.add(4, "Movie", "lib-4k", {{"imdb", "tt0133093"}});  // the 4K copy of item 1
  src.add(10, "Series", "lib-tv", {{"Tvdb", "81189"}});
  src.add(11, "Episode", "lib-tv", {}, 1, 1, hexid(10));
  src.add(12, "Episode", "lib-tv", {}, 1, 2, hexid(10)).item.episode_end = 3;  // a double episode
  src.add(20, "Series", "lib-tv", {});                                         // no ids
  src.add(21, "Episode", "lib-tv", {{"Tvdb", "349232"}}, 1, 1,
          hexid(20));                                     // tvdb on the episode only
  src.add(22, "Episode", "lib-tv", {}, 1, 2, hexid(20));  // nothing at all
}

}  // namespace

TEST(Index, FullBuildMatchesKeysKeepsDuplicatesAndListsUnmatched) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  FakeSource src;
  seed_library(src);
  auto b = f.builder();
  auto st = b.full(f.conn, src, {"lib-movies", "lib-4k", "lib-tv"}, f.renew);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->movies, 4);
  EXPECT_EQ(st->series, 2);
  EXPECT_EQ(st->episodes, 4);
  EXPECT_EQ(st->unmatched, 3);  // movie 3, series 20, episode 22
  EXPECT_EQ(st->malformed_ids, 1);

  auto dup = f.refs("movie:imdb:tt0133093");
  ASSERT_EQ(dup.size(), 2u);
  EXPECT_EQ(dup[0].item_id, hexid(1));
  EXPECT_EQ(dup[0].library_id, "lib-movies");
  EXPECT_EQ(dup[1].item_id, hexid(4));
  EXPECT_EQ(dup[1].library_id, "lib-4k");
  EXPECT_EQ(f.refs("movie:tmdb:603").at(0).item_id, hexid(1));
  EXPECT_EQ(f.refs("series:tvdb:81189/s1e1").at(0).item_id, hexid(11));
  EXPECT_EQ(f.refs("series:tvdb:81189/s1e2").at(0).item_id, hexid(12));
  EXPECT_EQ(f.refs("series:tvdb:81189/s1e3").at(0).item_id, hexid(12));
  EXPECT_EQ(f.refs("episode:tvdb:349232").at(0).item_id, hexid(21));
  EXPECT_TRUE(f.refs("series:tvdb:81189/s1e4").empty());
  EXPECT_TRUE(f.refs("series:tmdb:603").empty());  // typed keys never collide

  auto un = f.store.unmatched(f.conn, 0, 10);
  ASSERT_TRUE(un.ok());
  ASSERT_EQ(un->size(), 3u);
  std::string all;
  for (const auto& u : *un) all += u + "\n";
  EXPECT_NE(all.find("Imdb 'tt' is not tt + digits"), std::string::npos) << all;
  EXPECT_NE(all.find("series has no usable provider id"), std::string::npos);

  auto sk = f.store.series_keys(f.conn, {hexid(10)});
  ASSERT_TRUE(sk.ok());
  EXPECT_EQ(sk->at(hexid(10)), (std::vector<std::string>{"series:tvdb:81189"}));
  auto listed = f.store.list(f.conn, "lib-4k", 0, 100);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->first.size(), 1u);
  EXPECT_EQ(listed->first[0].first, hexid(4));
  // Pages of 3: requests = pages + nothing per item.
  EXPECT_LE(st->requests, 12u);
}

TEST(Index, ShortPagesAndDuplicatesAcrossPagesAreCountedNotFatal) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  FakeSource src;
  for (int i = 1; i <= 10; ++i) src.add(i, "Movie", "lib", {{"Tmdb", std::to_string(100 + i)}});
  // Call 2: a page that repeats the last item of page 1 and is short.
  src.fault = [&](const PageQuery& q, int call) -> Result<jf::ItemsPage> {
    if (call == 3 && q.types == "Movie,Episode") {
      jf::ItemsPage p;
      p.total = 10;
      p.items = {src.items[2].item, src.items[3].item};  // item 3 again + item 4; short (2 < 3)
      return p;
    }
    return jf::ItemsPage{};
  };
  auto b = f.builder();
  auto st = b.full(f.conn, src, {"lib"}, f.renew);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->duplicates, 1);
  EXPECT_EQ(st->short_pages, 1);
  EXPECT_EQ(st->repaired_passes, 1);  // item 5 was skipped by the shifted page, then picked up
  EXPECT_EQ(st->movies, 10);          // every item still indexed exactly once
  for (int i = 1; i <= 10; ++i)
    EXPECT_EQ(f.refs("movie:tmdb:" + std::to_string(100 + i)).size(), 1u) << i;
}

TEST(Index, AFailedBuildNeverReplacesAGoodIndex) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  FakeSource src;
  seed_library(src);
  auto b = f.builder();
  ASSERT_TRUE(b.full(f.conn, src, {"lib-movies", "lib-4k", "lib-tv"}, f.renew).ok());
  auto before = f.store.meta(f.conn);
  // The server changes, then fails halfway through the next build.
  src.items[1].item.provider_ids = {{"Tmdb", "999"}};
  src.calls = 0;
  src.fault = [](const PageQuery&, int call) -> Result<jf::ItemsPage> {
    if (call == 4) return Error("jellyfin_server_error", "HTTP 500", 502);
    return jf::ItemsPage{};
  };
  auto failed = b.full(f.conn, src, {"lib-movies", "lib-4k", "lib-tv"}, f.renew);
  ASSERT_FALSE(failed.ok());
  auto after = f.store.meta(f.conn);
  EXPECT_EQ(after->version, before->version);
  EXPECT_EQ(f.refs("movie:tmdb:604").size(), 1u);  // the good index still answers
  EXPECT_TRUE(f.refs("movie:tmdb:999").empty());
  // Nothing of the failed build is left behind.
  std::string keys =
      f.srv.cli("--scan --pattern 'jb:idx:*:v" + std::to_string(before->version + 1) + ":*'");
  EXPECT_EQ(keys.find(":v"), std::string::npos) << keys;
  // The lock renewal failing aborts too.
  src.fault = nullptr;
  auto lost = b.full(f.conn, src, {"lib-movies", "lib-4k", "lib-tv"},
                     [] { return Status(Error("index_lock_lost", "taken over")); });
  EXPECT_FALSE(lost.ok());
  EXPECT_EQ(f.store.meta(f.conn)->version, before->version);
}

TEST(Index, IncrementalRefreshSeesAddedChangedAndRemovedItems) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  FakeSource src;
  seed_library(src);
  auto b = f.builder();
  std::vector<std::string> libs{"lib-movies", "lib-4k", "lib-tv"};
  ASSERT_TRUE(b.full(f.conn, src, libs, f.renew).ok());
  // Time passes; the server adds, changes and removes items.
  src.now_us += 3600LL * 1000000;
  src.add(5, "Movie", "lib-movies", {{"Tmdb", "605"}}).saved_us = src.now_us - 10;
  src.items[1].item.provider_ids = {{"Tmdb", "700"}};  // item 2 re-identified
  src.items[1].saved_us = src.now_us - 10;
  src.add(13, "Episode", "lib-tv", {}, 2, 1, hexid(10)).saved_us = src.now_us - 10;
  src.items.erase(src.items.begin());  // item 1 deleted (no saved date to see)
  src.calls = 0;
  auto st = b.incremental(f.conn, src, libs, f.renew);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->kind, "incremental");
  EXPECT_EQ(st->added, 2);
  EXPECT_EQ(st->changed, 1);
  EXPECT_EQ(st->removed, 1);
  EXPECT_EQ(f.refs("movie:tmdb:605").at(0).item_id, hexid(5));
  EXPECT_EQ(f.refs("movie:tmdb:700").at(0).item_id, hexid(2));
  EXPECT_TRUE(f.refs("movie:tmdb:604").empty());
  EXPECT_EQ(f.refs("series:tvdb:81189/s2e1").at(0).item_id, hexid(13));
  auto dup = f.refs("movie:imdb:tt0133093");
  ASSERT_EQ(dup.size(), 1u);  // only the 4K copy remains
  EXPECT_EQ(dup[0].item_id, hexid(4));
  auto m = f.store.meta(f.conn);
  EXPECT_EQ(m->movies, 4);
  EXPECT_EQ(m->episodes, 5);
  // Nothing changed since: the next refresh only re-reads what was saved within
  // the safety margin before the previous one (3 items), the one after reads nothing.
  src.now_us += 3600LL * 1000000;
  auto quiet = b.incremental(f.conn, src, libs, f.renew);
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(quiet->added + quiet->removed, 0);
  EXPECT_EQ(quiet->changed, 3);
  src.now_us += 3600LL * 1000000;
  src.calls = 0;
  auto silent = b.incremental(f.conn, src, libs, f.renew);
  ASSERT_TRUE(silent.ok());
  EXPECT_EQ(silent->added + silent->changed + silent->removed, 0);
  EXPECT_EQ(src.calls, 9);  // 3 libraries × (series page + film/episode page + count): no id scans
}

TEST(Index, SeriesWhoseIdsChangeForceAFullRebuild) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  FakeSource src;
  seed_library(src);
  auto b = f.builder();
  std::vector<std::string> libs{"lib-movies", "lib-4k", "lib-tv"};
  ASSERT_TRUE(b.full(f.conn, src, libs, f.renew).ok());
  src.now_us += 3600LL * 1000000;
  for (auto& it : src.items)
    if (it.item.id == hexid(10)) {
      it.item.provider_ids = {{"Tvdb", "90000"}};
      it.saved_us = src.now_us - 5;
    }
  auto st = b.incremental(f.conn, src, libs, f.renew);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->kind, "full");
  EXPECT_EQ(f.refs("series:tvdb:90000/s1e1").at(0).item_id, hexid(11));
  EXPECT_TRUE(f.refs("series:tvdb:81189/s1e1").empty());
}

TEST(Index, OnlyOneBuilderHoldsTheLock) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  EXPECT_TRUE(*f.store.lock(f.conn, "a", 5000));
  EXPECT_FALSE(*f.store.lock(f.conn, "b", 5000));
  EXPECT_FALSE(f.store.renew(f.conn, "b", 5000).ok());
  EXPECT_TRUE(f.store.renew(f.conn, "a", 5000).ok());
  ASSERT_TRUE(f.store.unlock(f.conn, "b").ok());  // not the holder: no effect
  EXPECT_FALSE(*f.store.lock(f.conn, "c", 5000));
  ASSERT_TRUE(f.store.unlock(f.conn, "a").ok());
  EXPECT_TRUE(*f.store.lock(f.conn, "c", 5000));
}

TEST(Index, AskedForBuildsAreNeverDowngradedOrLostWhileABuildRuns) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  EXPECT_EQ(f.store.pending_request(f.conn)->seq, 0);
  ASSERT_TRUE(f.store.note_request(f.conn, true).ok());
  ASSERT_TRUE(f.store.note_request(f.conn, false).ok());  // does not downgrade the full ask
  auto seen = f.store.pending_request(f.conn);
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(seen->full);
  EXPECT_EQ(seen->seq, 2);
  // A build read `seen`; another ask comes in before it finishes.
  ASSERT_TRUE(f.store.note_request(f.conn, false).ok());
  EXPECT_FALSE(*f.store.clear_request(f.conn, seen->seq));  // kept for the next build
  auto next = f.store.pending_request(f.conn);
  EXPECT_EQ(next->seq, 3);
  EXPECT_TRUE(next->full);  // still the strongest ask since the last clear
  EXPECT_TRUE(*f.store.clear_request(f.conn, next->seq));
  EXPECT_EQ(f.store.pending_request(f.conn)->seq, 0);
  EXPECT_FALSE(f.store.pending_request(f.conn)->full);
  EXPECT_TRUE(*f.store.clear_request(f.conn, 0));  // nothing asked, nothing newer
}

TEST(Index, BatchLookupOfThousandsOfKeysInOneCall) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  f.opts.page_size = 1000;
  FakeSource src;
  for (int i = 1; i <= 3000; ++i) src.add(i, "Movie", "lib", {{"Tmdb", std::to_string(i)}});
  auto b = f.builder();
  ASSERT_TRUE(b.full(f.conn, src, {"lib"}, f.renew).ok());
  std::vector<std::string> keys;
  for (int i = 1; i <= 4000; ++i) keys.push_back("movie:tmdb:" + std::to_string(i));
  keys.push_back("not a key");
  auto r = f.store.lookup(f.conn, keys);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3000u);
  EXPECT_EQ(r->at("movie:tmdb:1234").at(0).item_id, hexid(1234));
}

namespace {

// Every lookup answer of an index for `keys`, its list and its unmatched lines, as text.
std::string index_answers(IndexStore& store, const std::string& conn,
                          const std::vector<std::string>& keys) {
  std::string out;
  auto r = store.lookup(conn, keys);
  if (!r.ok()) return "lookup failed";
  for (const auto& [key, refs] : *r) {
    out += key + ":";
    for (const auto& ref : refs) out += " " + ref.item_id + "@" + ref.library_id;
    out += "\n";
  }
  auto listed = store.list(conn, "", 0, 1000000);
  if (!listed.ok()) return "list failed";
  std::vector<std::string> items;
  for (const auto& [id, type] : listed->first) items.push_back(id + type);
  std::sort(items.begin(), items.end());
  for (const auto& i : items) out += i + "\n";
  auto un = store.unmatched(conn, 0, 100000);
  if (!un.ok()) return "unmatched failed";
  for (const auto& u : *un) out += u + "\n";
  return out;
}

}  // namespace

TEST(Index, AFullBuildHoldsOnePageAtATimeAndStreamsIntoRedis) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  f.opts.page_size = 100;
  FakeSource src;
  std::vector<std::string> keys;
  // 4,000 films (every 10th also in a second library, every 50th without ids),
  // 40 series of 2 seasons × 25 episodes, a series without ids and its episodes.
  for (int i = 1; i <= 4000; ++i) {
    std::map<std::string, std::string> ids;
    if (i % 50 != 0) ids = {{"Tmdb", std::to_string(i)}, {"Imdb", "tt" + std::to_string(i)}};
    src.add(i, "Movie", "lib-films", ids);
    if (i % 10 == 0) src.add(100000 + i, "Movie", "lib-more", ids);
    keys.push_back("movie:tmdb:" + std::to_string(i));
    keys.push_back("movie:imdb:tt" + std::to_string(i));
  }
  for (int s = 0; s <= 40; ++s) {
    int sid = 200000 + s * 1000;
    std::map<std::string, std::string> ids;
    if (s != 40) ids = {{"Tvdb", std::to_string(70000 + s)}};
    src.add(sid, "Series", "lib-tv", ids);
    for (int season = 1; season <= 2; ++season)
      for (int e = 1; e <= 25; ++e) {
        src.add(sid + season * 100 + e, "Episode", "lib-tv", {}, season, e, hexid(sid));
        keys.push_back("series:tvdb:" + std::to_string(70000 + s) + "/s" + std::to_string(season) +
                       "e" + std::to_string(e));
      }
  }
  const int64_t library = static_cast<int64_t>(src.items.size());
  // Forward entries in Redis while pages are still being fetched (the first
  // build writes version 1 with one bucket per hash: no estimate yet).
  int64_t in_redis_mid_build = 0;
  src.fault = [&](const PageQuery& q, int) -> Result<jf::ItemsPage> {
    if (q.types == "Movie,Episode" && q.library_id == "lib-tv") {
      auto n = f.redis.command({"HLEN", index_keys::ibucket(f.conn, 1, 0)});
      if (n.ok()) in_redis_mid_build = std::max(in_redis_mid_build, n->integer);
    }
    return jf::ItemsPage{};
  };
  const std::vector<std::string> libs{"lib-films", "lib-more", "lib-tv"};
  auto b = f.builder();
  auto st = b.full(f.conn, src, libs, f.renew);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->items, library);
  EXPECT_GT(st->peak_items_held, 0);
  EXPECT_LE(st->peak_items_held, f.opts.page_size);  // one page, not the library
  EXPECT_GT(library, 40 * f.opts.page_size);
  // Films and series are in Redis before the episodes' pages are fetched.
  EXPECT_GE(in_redis_mid_build, 4000 + 400 + 41);

  // The same library built from a single page answers exactly the same.
  src.fault = nullptr;
  BuildOptions one_page = f.opts;
  one_page.page_size = 100000;
  const std::string other = hexid(0xbeef);
  auto whole = IndexBuilder(f.store, one_page).full(other, src, libs, f.renew);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->peak_items_held, 4000);  // its largest page: all of lib-films
  EXPECT_EQ(whole->keys, st->keys);
  EXPECT_EQ(whole->unmatched, st->unmatched);
  std::string paged = index_answers(f.store, f.conn, keys);
  EXPECT_EQ(paged, index_answers(f.store, other, keys));
  EXPECT_NE(paged.find(hexid(10) + "@lib-films " + hexid(100010) + "@lib-more"), std::string::npos);
  EXPECT_EQ(f.refs("series:tvdb:70003/s2e7").at(0).item_id, hexid(203000 + 207));

  // Bucket counts fit the contents (the first build had no estimate), and a
  // rebuild keeps them without copying.
  auto m1 = f.store.meta(f.conn);
  EXPECT_EQ(m1->buckets_i, buckets_for(static_cast<size_t>(library)));
  auto again = b.full(f.conn, src, libs, f.renew);
  ASSERT_TRUE(again.ok());
  auto m2 = f.store.meta(f.conn);
  EXPECT_EQ(m2->version, m1->version + 1);
  EXPECT_EQ(m2->buckets_k, m1->buckets_k);
  EXPECT_EQ(paged, index_answers(f.store, f.conn, keys));
}

TEST(Index, AVersionLeftHalfWrittenByADeadBuilderIsCollected) {
  Fixture f;
  ASSERT_TRUE(f.srv.ok());
  FakeSource src;
  seed_library(src);
  auto b = f.builder();
  ASSERT_TRUE(b.full(f.conn, src, {"lib-movies", "lib-4k", "lib-tv"}, f.renew).ok());
  // A builder took version 7, wrote part of it and died.
  ASSERT_TRUE(f.store.mark_pending(f.conn, VersionLayout{7, 1, 1, 1}).ok());
  ASSERT_TRUE(f.redis.command({"HSET", index_keys::ibucket(f.conn, 7, 0), "x", "y"}).ok());
  ASSERT_TRUE(f.redis.command({"RPUSH", index_keys::unmatched(f.conn, 7), "z"}).ok());
  auto st = b.full(f.conn, src, {"lib-movies", "lib-4k", "lib-tv"}, f.renew);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_NE(st->version, 7);
  EXPECT_EQ(f.refs("movie:tmdb:604").size(), 1u);
  auto n = f.store.collect_garbage(timeutil::now_unix_ms() + f.opts.grace_ms + 1000);
  ASSERT_TRUE(n.ok());
  std::string left = f.srv.cli("--scan --pattern 'jb:idx:*:v7:*'");
  EXPECT_EQ(left.find(":v7"), std::string::npos) << left;
  EXPECT_EQ(f.refs("movie:tmdb:604").size(), 1u);  // the current version is untouched
}
