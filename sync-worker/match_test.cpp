// Unit tests for match.h: how one page of a side's listing becomes match
// groups named by canonical keys (the smallest key the other side holds;
// one group per episode a multi-episode file spans; episode own ids only as
// a fallback), that both sides compute the same group names (duplicates,
// keys differing in part between sides, multi-episode files against separate
// episodes), library filtering, unmatched reasons, and the pure helpers around
// it (series ids, page keys, lookup keys, states, display names, merging
// duplicates).
//
// Thread-safety: single-threaded tests of pure functions.
#include "sync-worker/match.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

using namespace jb;
using namespace jb::worker;

namespace {

using Index = std::map<std::string, std::vector<ItemRef>>;
using SeriesIds = std::map<std::string, canon::ProviderIds>;

constexpr int64_t kUs = 1'000'000;
const int64_t kT0 = 1'700'000'000LL * kUs;

jf::Item movie(const std::string& id, const std::string& name,
               std::map<std::string, std::string> ids, std::optional<int> year = std::nullopt) {
  jf::Item i;
  i.id = id;
  i.type = "Movie";
  i.name = name;
  i.provider_ids = std::move(ids);
  i.production_year = year;
  return i;
}

jf::Item episode(const std::string& id, const std::string& series_id,
                 const std::string& series_name, int season, int ep, const std::string& name = "",
                 std::optional<int> ep_end = std::nullopt) {
  jf::Item i;
  i.id = id;
  i.type = "Episode";
  i.name = name;
  i.series_id = series_id;
  i.series_name = series_name;
  i.season_number = season;
  i.episode_number = ep;
  i.episode_end = ep_end;
  return i;
}

jf::UserData user_data(bool favorite, bool played, int64_t pos = 0, int64_t count = 0,
                       std::optional<int64_t> date = std::nullopt) {
  jf::UserData u;
  u.favorite = favorite;
  u.played = played;
  u.position_ticks = pos;
  u.play_count = count;
  u.last_played_us = date;
  return u;
}

std::vector<std::string> texts(const canon::ItemKeys& k) {
  std::vector<std::string> out;
  for (const auto& key : k.keys) out.push_back(canon::to_text(key));
  return out;
}

// What the other side's lookup returns for its items: every key of every item,
// with the item's library (as the index of a side would hold them).
Index index_of(const std::vector<jf::Item>& items, const SeriesIds& series,
               const std::string& library) {
  Index out;
  auto keys = page_keys(items, series);
  for (size_t i = 0; i < items.size(); ++i)
    for (const auto& k : keys[i].keys) out[canon::to_text(k)].push_back({items[i].id, library});
  return out;
}

// Everything group_page needs, owned in one place.
struct Page {
  std::vector<jf::Item> items;
  SeriesIds series;
  std::vector<canon::ItemKeys> keys;
  Index other;

  PageGroups run(const std::string& other_side_name = "target",
                 std::set<std::string> other_libs = {}) {
    keys = page_keys(items, series);
    GroupInput in;
    in.items = &items;
    in.keys = &keys;
    in.other = &other;
    in.other_libraries = std::move(other_libs);
    in.other_side_name = other_side_name;
    return group_page(in);
  }
};

using Ids = std::vector<std::string>;

// The group names of a page, in order.
Ids names(const PageGroups& g) {
  Ids out;
  for (const auto& [group, entry] : g.groups) out.push_back(group);
  return out;
}

// Both scans of a pair: the source page against the target's index and the
// target page against the source's index.
struct Scan {
  PageGroups source, target;
};

Scan scan_both(const std::vector<jf::Item>& source_items, const SeriesIds& source_series,
               const std::vector<jf::Item>& target_items, const SeriesIds& target_series) {
  Page src;
  src.items = source_items;
  src.series = source_series;
  src.other = index_of(target_items, target_series, "tl");
  Page tgt;
  tgt.items = target_items;
  tgt.series = target_series;
  tgt.other = index_of(source_items, source_series, "sl");
  return {src.run("target"), tgt.run("source")};
}

}  // namespace

// ---------------------------------------------------------------- helpers

TEST(Match, SeriesNeededListsEachEpisodesSeriesOnceSorted) {
  std::vector<jf::Item> items{episode("e1", "s-b", "B", 1, 1), movie("m1", "M", {{"Tmdb", "603"}}),
                              episode("e2", "s-a", "A", 1, 1), episode("e3", "s-b", "B", 1, 2),
                              episode("e4", "", "Orphan", 1, 1)};
  jf::Item series;
  series.id = "s-c";
  series.type = "Series";
  series.series_id = "s-c";  // a Series is not an episode: needs no series lookup
  items.push_back(series);
  EXPECT_EQ(series_needed(items), (Ids{"s-a", "s-b"}));
  EXPECT_TRUE(series_needed({}).empty());
  EXPECT_TRUE(series_needed({movie("m", "M", {})}).empty());
}

TEST(Match, SeriesIdsFromKeysReadsOnlySeriesKeys) {
  auto ids =
      series_ids_from_keys({"series:tvdb:81189", "series:tmdb:1396", "series:imdb:tt0903747"});
  EXPECT_EQ(ids.tvdb, 81189u);
  EXPECT_EQ(ids.tmdb, 1396u);
  EXPECT_EQ(ids.imdb, 903747u);
  EXPECT_FALSE(ids.empty());

  // Film keys, episode keys, per-episode series keys and junk never set a series id.
  auto none = series_ids_from_keys({"movie:tmdb:603", "episode:tvdb:349232",
                                    "series:tvdb:81189/s1e2", "garbage", "", "series:tvdb:abc"});
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.imdb);
  EXPECT_FALSE(none.tmdb);
  EXPECT_FALSE(none.tvdb);
  EXPECT_TRUE(series_ids_from_keys({}).empty());

  // A film's tmdb id (another namespace) must not overwrite the series' one.
  auto mixed = series_ids_from_keys({"series:tmdb:1396", "movie:tmdb:603"});
  EXPECT_EQ(mixed.tmdb, 1396u);
}

TEST(Match, PageKeysFollowTheItemsInOrder) {
  std::map<std::string, canon::ProviderIds> series{
      {"s-bb", series_ids_from_keys({"series:tvdb:81189", "series:imdb:tt0903747"})}};
  std::vector<jf::Item> items{
      movie("m1", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}),
      episode("e1", "s-bb", "Breaking Bad", 1, 2),
      episode("e2", "s-unknown", "Unknown", 1, 1),
      movie("m2", "No ids", {}),
  };
  auto keys = page_keys(items, series);
  ASSERT_EQ(keys.size(), 4u);
  EXPECT_EQ(texts(keys[0]), (Ids{"movie:imdb:tt0133093", "movie:tmdb:603"}));
  EXPECT_EQ(texts(keys[1]), (Ids{"series:imdb:tt0903747/s1e2", "series:tvdb:81189/s1e2"}));
  EXPECT_TRUE(keys[2].keys.empty());
  EXPECT_EQ(keys[2].unmatched_reason,
            "episode's series is unknown and the episode has no usable provider id");
  EXPECT_TRUE(keys[3].keys.empty());
  EXPECT_EQ(keys[3].unmatched_reason, "movie has no usable provider id");
  EXPECT_TRUE(page_keys({}, series).empty());
}

TEST(Match, PageKeysGiveAMultiEpisodeFileAKeyPerEpisode) {
  std::map<std::string, canon::ProviderIds> series{
      {"s-bb", series_ids_from_keys({"series:tvdb:81189"})}};
  auto keys = page_keys({episode("e23", "s-bb", "Breaking Bad", 1, 2, "", 3)}, series);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(texts(keys[0]), (Ids{"series:tvdb:81189/s1e2", "series:tvdb:81189/s1e3"}));
}

TEST(Match, LookupKeysAreDistinctAndSorted) {
  std::map<std::string, canon::ProviderIds> series{
      {"s", series_ids_from_keys({"series:tvdb:81189"})}};
  auto keys =
      page_keys({movie("m1", "A", {{"Tmdb", "603"}, {"Imdb", "tt0133093"}}),
                 movie("m2", "A copy", {{"Tmdb", "603"}}), episode("e1", "s", "S", 1, 2, "", 3),
                 episode("e2", "s", "S", 1, 3), movie("m3", "none", {})},
                series);
  EXPECT_EQ(lookup_keys(keys), (Ids{"movie:imdb:tt0133093", "movie:tmdb:603",
                                    "series:tvdb:81189/s1e2", "series:tvdb:81189/s1e3"}));
  EXPECT_TRUE(lookup_keys({}).empty());
}

TEST(Match, StateOfCopiesUserDataAndRuntime) {
  jf::Item m = movie("m", "M", {});
  m.run_time_ticks = 72'000'000'000;
  m.user_data = user_data(true, true, 1234, 3, kT0);
  sync::State s = state_of(m);
  EXPECT_TRUE(s.favorite);
  EXPECT_TRUE(s.played);
  EXPECT_EQ(s.position_ticks, 1234);
  EXPECT_EQ(s.runtime_ticks, 72'000'000'000);
  EXPECT_EQ(s.play_count, 3);
  EXPECT_EQ(s.last_played_us, kT0);

  // Without user data: nothing set except the runtime.
  m.user_data.reset();
  s = state_of(m);
  EXPECT_FALSE(s.favorite);
  EXPECT_FALSE(s.played);
  EXPECT_EQ(s.position_ticks, 0);
  EXPECT_EQ(s.play_count, 0);
  EXPECT_FALSE(s.last_played_us);
  EXPECT_EQ(s.runtime_ticks, 72'000'000'000);
}

// ---------------------------------------------------------------- display names

TEST(Match, DisplayNames) {
  EXPECT_EQ(display_name(episode("e", "s", "Breaking Bad", 1, 2, "Cat's in the Bag...")),
            "Breaking Bad S01E02 · Cat's in the Bag...");
  EXPECT_EQ(display_name(episode("e", "s", "Breaking Bad", 1, 2, "Pilot", 3)),
            "Breaking Bad S01E02-E03 · Pilot");
  EXPECT_EQ(display_name(episode("e", "s", "Lost", 12, 104, "X")), "Lost S12E104 · X");
  // IndexNumberEnd not after the start: a single episode.
  EXPECT_EQ(display_name(episode("e", "s", "Lost", 1, 5, "X", 5)), "Lost S01E05 · X");
  EXPECT_EQ(display_name(episode("e", "s", "Lost", 1, 5, "X", 4)), "Lost S01E05 · X");
  // No episode name: no separator.
  EXPECT_EQ(display_name(episode("e", "s", "Lost", 1, 5)), "Lost S01E05");
  // No numbering: the series and the name only.
  jf::Item unnumbered = episode("e", "s", "Lost", 1, 1, "Special");
  unnumbered.season_number.reset();
  EXPECT_EQ(display_name(unnumbered), "Lost · Special");

  EXPECT_EQ(display_name(movie("m", "The Matrix", {}, 1999)), "The Matrix (1999)");
  EXPECT_EQ(display_name(movie("m", "Untitled", {})), "Untitled");
  jf::Item series;
  series.type = "Series";
  series.name = "Lost";
  series.production_year = 2004;
  EXPECT_EQ(display_name(series), "Lost (2004)");
}

// ---------------------------------------------------------------- merging

TEST(Match, MergeEntriesCombinesDuplicates) {
  sync::SideEntry a;
  a.state.favorite = false;
  a.state.played = true;
  a.state.position_ticks = 100;
  a.state.runtime_ticks = 5000;
  a.state.play_count = 1;
  a.state.last_played_us = kT0;
  a.own_ids = {"x-4k"};
  a.other_ids = {"t2", "t9"};
  a.name = "The Matrix (1999)";

  sync::SideEntry b;
  b.state.favorite = true;
  b.state.played = false;
  b.state.position_ticks = 700;
  b.state.runtime_ticks = 4000;
  b.state.play_count = 4;
  b.state.last_played_us = kT0 + 5 * kUs;
  b.own_ids = {"a-1080"};
  b.other_ids = {"t9", "t1"};
  b.name = "The Matrix (1999) copy";

  merge_entries(a, b);
  EXPECT_TRUE(a.state.favorite);  // any copy
  EXPECT_TRUE(a.state.played);    // any copy
  EXPECT_EQ(a.state.position_ticks, 700);
  EXPECT_EQ(a.state.runtime_ticks, 5000);
  EXPECT_EQ(a.state.play_count, 4);
  EXPECT_EQ(a.state.last_played_us, kT0 + 5 * kUs);
  EXPECT_EQ(a.own_ids, (Ids{"a-1080", "x-4k"}));
  EXPECT_EQ(a.other_ids, (Ids{"t1", "t2", "t9"}));
  EXPECT_EQ(a.name, "The Matrix (1999)");  // the first name is kept

  // Merging is order-independent for the state and the ids.
  sync::SideEntry c = b;
  merge_entries(c, a);
  EXPECT_TRUE(c.state.favorite);
  EXPECT_TRUE(c.state.played);
  EXPECT_EQ(c.state.last_played_us, kT0 + 5 * kUs);
  EXPECT_EQ(c.own_ids, (Ids{"a-1080", "x-4k"}));
  EXPECT_EQ(c.name, "The Matrix (1999) copy");
}

TEST(Match, MergeEntriesHandlesMissingDatesAndNames) {
  sync::SideEntry a, b;
  b.state.last_played_us = kT0;
  b.name = "From b";
  merge_entries(a, b);
  EXPECT_EQ(a.state.last_played_us, kT0);  // a date beats none
  EXPECT_EQ(a.name, "From b");             // an empty name takes the other one

  sync::SideEntry none;
  merge_entries(a, none);
  EXPECT_EQ(a.state.last_played_us, kT0);  // none never erases a date
  EXPECT_EQ(a.name, "From b");

  sync::SideEntry e, f;
  merge_entries(e, f);
  EXPECT_FALSE(e.state.last_played_us);
  EXPECT_FALSE(e.state.favorite);
  EXPECT_FALSE(e.state.played);
  EXPECT_TRUE(e.own_ids.empty());
}

TEST(Match, MergeEntriesDoesNotDuplicateIds) {
  sync::SideEntry a, b;
  a.own_ids = {"s1"};
  a.other_ids = {"t1", "t2"};
  b.own_ids = {"s1"};
  b.other_ids = {"t2", "t1"};
  merge_entries(a, b);
  EXPECT_EQ(a.own_ids, (Ids{"s1"}));
  EXPECT_EQ(a.other_ids, (Ids{"t1", "t2"}));
}

// ---------------------------------------------------------------- grouping: films

TEST(Match, MovieMatchesBothCopiesOfTheOtherSideInOneGroupNamedByItsKey) {
  Page p;
  jf::Item m = movie("src-m", "The Matrix", {{"Imdb", "tt0133093"}}, 1999);
  m.user_data = user_data(true, false, 0, 0);
  m.run_time_ticks = 81'600'000'000;
  p.items = {m};
  // The target holds a 4K and a 1080p copy; the index lists the 4K one first.
  p.other["movie:imdb:tt0133093"] = {{"t-4k-zz", "lib-4k"}, {"t-1080-aa", "lib-hd"}};
  auto g = p.run();
  EXPECT_TRUE(g.unmatched.empty());
  ASSERT_EQ(g.groups.size(), 1u);
  const auto& [group, e] = *g.groups.begin();
  EXPECT_EQ(group, "movie:imdb:tt0133093");  // a key, never an item id
  EXPECT_EQ(e.own_ids, (Ids{"src-m"}));
  EXPECT_EQ(e.other_ids, (Ids{"t-1080-aa", "t-4k-zz"}));  // sorted
  EXPECT_EQ(e.name, "The Matrix (1999)");
  EXPECT_TRUE(e.state.favorite);
  EXPECT_FALSE(e.state.played);
  EXPECT_EQ(e.state.runtime_ticks, 81'600'000'000);
}

TEST(Match, GroupNamesSurviveTheOtherSideRenumberingItsItems) {
  Page p;
  p.items = {movie("src-m", "The Matrix", {{"Imdb", "tt0133093"}})};
  p.other["movie:imdb:tt0133093"] = {{"t-1", "L"}};
  auto before = p.run();
  p.other["movie:imdb:tt0133093"] = {{"zz-new-id", "L"}, {"aa-new-copy", "L"}};
  auto after = p.run();
  EXPECT_EQ(names(before), (Ids{"movie:imdb:tt0133093"}));
  EXPECT_EQ(names(after), names(before));
  EXPECT_EQ(after.groups.begin()->second.other_ids, (Ids{"aa-new-copy", "zz-new-id"}));
}

TEST(Match, GroupIsTheSmallestKeyTheOtherSideHolds) {
  Page p;
  p.items = {movie("src", "M", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}, {"Tvdb", "169"}})};
  // Key texts order: movie:imdb:… < movie:tmdb:… < movie:tvdb:….
  p.other["movie:tvdb:169"] = {{"t-c", "L"}};
  EXPECT_EQ(names(p.run()), (Ids{"movie:tvdb:169"}));
  p.other["movie:tmdb:603"] = {{"t-b", "L"}};
  EXPECT_EQ(names(p.run()), (Ids{"movie:tmdb:603"}));
  p.other["movie:imdb:tt0133093"] = {{"t-a", "L"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"movie:imdb:tt0133093"}));
  // The other ids are the union over every key found, not only the naming one.
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-a", "t-b", "t-c"}));
  EXPECT_TRUE(g.unmatched.empty());
}

TEST(Match, ItemFoundUnderSeveralKeysListsEachOtherItemOnce) {
  Page p;
  p.items = {movie("src", "M", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}})};
  p.other["movie:imdb:tt0133093"] = {{"t-b", "L"}, {"t-b", "L"}};
  p.other["movie:tmdb:603"] = {{"t-b", "L"}, {"t-a", "L"}};
  auto g = p.run();
  ASSERT_EQ(g.groups.size(), 1u);
  EXPECT_EQ(g.groups.begin()->first, "movie:imdb:tt0133093");
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-a", "t-b"}));
}

TEST(Match, SourceDuplicatesOnOnePageMergeIntoOneGroupWithBothTargets) {
  Page p;
  jf::Item a = movie("src-4k", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}, 1999);
  a.user_data = user_data(false, true, 0, 2, kT0);
  a.run_time_ticks = 5000;
  jf::Item b = movie("src-1080", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}, 1999);
  b.user_data = user_data(true, false, 900, 1, kT0 + 60 * kUs);
  b.run_time_ticks = 4000;
  p.items = {a, b};
  p.other["movie:imdb:tt0133093"] = {{"t-4k", "L"}, {"t-1080", "L"}};
  p.other["movie:tmdb:603"] = {{"t-1080", "L"}};
  auto g = p.run();
  EXPECT_TRUE(g.unmatched.empty());
  ASSERT_EQ(g.groups.size(), 1u);
  const auto& e = g.groups.at("movie:imdb:tt0133093");
  EXPECT_EQ(e.own_ids, (Ids{"src-1080", "src-4k"}));
  EXPECT_EQ(e.other_ids, (Ids{"t-1080", "t-4k"}));
  EXPECT_TRUE(e.state.favorite);
  EXPECT_TRUE(e.state.played);
  EXPECT_EQ(e.state.position_ticks, 900);
  EXPECT_EQ(e.state.runtime_ticks, 5000);
  EXPECT_EQ(e.state.play_count, 2);
  EXPECT_EQ(e.state.last_played_us, kT0 + 60 * kUs);
  EXPECT_EQ(e.name, "The Matrix (1999)");
}

TEST(Match, DistinctTitlesStayInDistinctGroups) {
  Page p;
  p.items = {movie("s1", "A", {{"Tmdb", "1"}}), movie("s2", "B", {{"Tmdb", "2"}})};
  p.other["movie:tmdb:1"] = {{"t1", "L"}};
  p.other["movie:tmdb:2"] = {{"t2", "L"}};
  auto g = p.run();
  ASSERT_EQ(g.groups.size(), 2u);
  EXPECT_EQ(g.groups.at("movie:tmdb:1").own_ids, (Ids{"s1"}));
  EXPECT_EQ(g.groups.at("movie:tmdb:1").other_ids, (Ids{"t1"}));
  EXPECT_EQ(g.groups.at("movie:tmdb:2").own_ids, (Ids{"s2"}));
  EXPECT_EQ(g.groups.at("movie:tmdb:2").other_ids, (Ids{"t2"}));
}

TEST(Match, FilmAndSeriesNumbersAreSeparateNamespaces) {
  Page p;
  jf::Item show;
  show.id = "src-show";
  show.type = "Series";
  show.name = "Breaking Bad";
  show.provider_ids = {{"Tmdb", "1396"}, {"Tvdb", "81189"}};
  p.items = {show, movie("src-film", "Some Film", {{"Tmdb", "1396"}})};
  // The other side holds tmdb 1396 only as a series.
  p.other["series:tmdb:1396"] = {{"t-show", "tv"}};
  p.other["series:tvdb:81189"] = {{"t-show", "tv"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"series:tmdb:1396"}));
  EXPECT_EQ(g.groups.at("series:tmdb:1396").own_ids, (Ids{"src-show"}));
  EXPECT_EQ(g.groups.at("series:tmdb:1396").other_ids, (Ids{"t-show"}));
  ASSERT_EQ(g.unmatched.size(), 1u);
  EXPECT_EQ(g.unmatched[0].item_id, "src-film");
  EXPECT_EQ(g.unmatched[0].reason, "not found in the target's libraries");
}

// ---------------------------------------------------------------- grouping: both sides agree

TEST(Match, TargetDuplicatesOnOnePageMergeIntoTheSameGroupTheSourceUses) {
  jf::Item src = movie("src-m", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}, 1999);
  jf::Item k4 = movie("t-4k-zz", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}, 1999);
  k4.user_data = user_data(true, false, 5000, 0, kT0);
  jf::Item hd = movie("t-1080-aa", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}, 1999);
  hd.user_data = user_data(false, true, 0, 2, kT0 - kUs);
  auto s = scan_both({src}, {}, {k4, hd}, {});
  EXPECT_TRUE(s.source.unmatched.empty());
  EXPECT_TRUE(s.target.unmatched.empty());
  EXPECT_EQ(names(s.source), (Ids{"movie:imdb:tt0133093"}));
  EXPECT_EQ(names(s.target), names(s.source));

  const auto& se = s.source.groups.begin()->second;
  EXPECT_EQ(se.own_ids, (Ids{"src-m"}));
  EXPECT_EQ(se.other_ids, (Ids{"t-1080-aa", "t-4k-zz"}));

  const auto& te = s.target.groups.begin()->second;
  EXPECT_EQ(te.own_ids, (Ids{"t-1080-aa", "t-4k-zz"}));
  EXPECT_EQ(te.other_ids, (Ids{"src-m"}));
  EXPECT_TRUE(te.state.favorite);
  EXPECT_TRUE(te.state.played);
  EXPECT_EQ(te.state.position_ticks, 5000);
  EXPECT_EQ(te.state.play_count, 2);
  EXPECT_EQ(te.state.last_played_us, kT0);
}

TEST(Match, FilmWhoseKeysDifferInPartGetsTheSameGroupFromBothSides) {
  using PIds = std::map<std::string, std::string>;
  struct Case {
    PIds a, b;
    std::string group;
  };
  const std::vector<Case> cases{
      // A has imdb + tmdb, B only tmdb: the shared tmdb key, although A's smallest is imdb.
      {{{"Imdb", "tt0133093"}, {"Tmdb", "603"}}, {{"Tmdb", "603"}}, "movie:tmdb:603"},
      // A has imdb + tmdb, B imdb + tvdb.
      {{{"Imdb", "tt0133093"}, {"Tmdb", "603"}},
       {{"Imdb", "tt0133093"}, {"Tvdb", "169"}},
       "movie:imdb:tt0133093"},
      // A has tmdb + tvdb, B imdb + tvdb.
      {{{"Tmdb", "603"}, {"Tvdb", "169"}},
       {{"Imdb", "tt0133093"}, {"Tvdb", "169"}},
       "movie:tvdb:169"},
      // Identical keys.
      {{{"Imdb", "tt0133093"}, {"Tmdb", "603"}},
       {{"Imdb", "tt0133093"}, {"Tmdb", "603"}},
       "movie:imdb:tt0133093"},
  };
  for (const auto& c : cases) {
    for (bool a_is_source : {true, false}) {
      jf::Item a = movie("a-id", "M", c.a);
      jf::Item b = movie("b-id", "M", c.b);
      auto s = a_is_source ? scan_both({a}, {}, {b}, {}) : scan_both({b}, {}, {a}, {});
      SCOPED_TRACE(c.group + (a_is_source ? " (A is the source)" : " (A is the target)"));
      EXPECT_EQ(names(s.source), (Ids{c.group}));
      EXPECT_EQ(names(s.target), (Ids{c.group}));
      EXPECT_TRUE(s.source.unmatched.empty());
      EXPECT_TRUE(s.target.unmatched.empty());
    }
  }
}

TEST(Match, MultiEpisodeFileAndTheSeparateEpisodesItSpansShareGroupNamesFromBothSides) {
  // Formerly a known bug: the file was named after one episode only, so the
  // other side's second episode landed in a group the file's side never wrote.
  SeriesIds file_series{{"s-bb", series_ids_from_keys({"series:tvdb:81189", "series:tmdb:1396"})}};
  SeriesIds split_series{{"t-bb", series_ids_from_keys({"series:tvdb:81189"})}};
  jf::Item file = episode("f-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3);
  file.user_data = user_data(false, true, 0, 1, kT0);
  jf::Item e2 = episode("x-e2", "t-bb", "Breaking Bad", 1, 2, "Part 1");
  e2.user_data = user_data(false, true, 0, 1, kT0);
  jf::Item e3 = episode("x-e3", "t-bb", "Breaking Bad", 1, 3, "Part 2");
  const Ids expected{"series:tvdb:81189/s1e2", "series:tvdb:81189/s1e3"};

  for (bool file_is_source : {true, false}) {
    SCOPED_TRACE(file_is_source ? "the file is on the source" : "the file is on the target");
    auto s = file_is_source ? scan_both({file}, file_series, {e2, e3}, split_series)
                            : scan_both({e2, e3}, split_series, {file}, file_series);
    const PageGroups& file_side = file_is_source ? s.source : s.target;
    const PageGroups& split_side = file_is_source ? s.target : s.source;
    EXPECT_TRUE(file_side.unmatched.empty());
    EXPECT_TRUE(split_side.unmatched.empty());
    EXPECT_EQ(names(file_side), expected);
    EXPECT_EQ(names(split_side), expected);

    // The file is in both groups, each pointing at the separate episode.
    ASSERT_EQ(file_side.groups.size(), 2u);
    const auto& f2 = file_side.groups.at(expected[0]);
    const auto& f3 = file_side.groups.at(expected[1]);
    EXPECT_EQ(f2.own_ids, (Ids{"f-e23"}));
    EXPECT_EQ(f3.own_ids, (Ids{"f-e23"}));
    EXPECT_EQ(f2.other_ids, (Ids{"x-e2"}));
    EXPECT_EQ(f3.other_ids, (Ids{"x-e3"}));
    EXPECT_TRUE(f2.state.played);
    EXPECT_TRUE(f3.state.played);
    EXPECT_EQ(f2.name, "Breaking Bad S01E02-E03 · Double");

    // Each separate episode is in its own group, pointing at the file.
    ASSERT_EQ(split_side.groups.size(), 2u);
    const auto& x2 = split_side.groups.at(expected[0]);
    const auto& x3 = split_side.groups.at(expected[1]);
    EXPECT_EQ(x2.own_ids, (Ids{"x-e2"}));
    EXPECT_EQ(x3.own_ids, (Ids{"x-e3"}));
    EXPECT_EQ(x2.other_ids, (Ids{"f-e23"}));
    EXPECT_EQ(x3.other_ids, (Ids{"f-e23"}));
    EXPECT_TRUE(x2.state.played);
    EXPECT_FALSE(x3.state.played);
    EXPECT_EQ(x3.name, "Breaking Bad S01E03 · Part 2");
  }
}

TEST(Match, EpisodeMatchedThroughItsOwnIdOnOneSideGetsTheSameGroupFromBothSides) {
  // A knows the series; B does not (its series has no ids) but both know the episode's tvdb id.
  SeriesIds a_series{{"s-a", series_ids_from_keys({"series:tvdb:81189"})}};
  jf::Item a = episode("a-e", "s-a", "Show", 1, 1, "Pilot");
  a.provider_ids = {{"Tvdb", "349232"}};
  jf::Item b = episode("b-e", "s-b", "Show", 1, 1, "Pilot");
  b.provider_ids = {{"Tvdb", "349232"}};
  for (bool a_is_source : {true, false}) {
    SCOPED_TRACE(a_is_source ? "A is the source" : "A is the target");
    auto s = a_is_source ? scan_both({a}, a_series, {b}, {}) : scan_both({b}, {}, {a}, a_series);
    EXPECT_EQ(names(s.source), (Ids{"episode:tvdb:349232"}));
    EXPECT_EQ(names(s.target), (Ids{"episode:tvdb:349232"}));
    EXPECT_TRUE(s.source.unmatched.empty());
    EXPECT_TRUE(s.target.unmatched.empty());
  }
}

TEST(Match, GroupNamesDoNotDependOnWhichSideScans) {
  // A small mixed library, the same titles on both sides with other ids and
  // other key sets: both scans name the same groups.
  SeriesIds src_series{
      {"s-bb", series_ids_from_keys({"series:tvdb:81189", "series:imdb:tt0903747"})}};
  SeriesIds tgt_series{{"t-bb", series_ids_from_keys({"series:imdb:tt0903747"})}};
  std::vector<jf::Item> source{
      movie("s-m1", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}),
      movie("s-m2", "Heat", {{"Tmdb", "949"}}),
      episode("s-e1", "s-bb", "Breaking Bad", 1, 1),
      episode("s-e23", "s-bb", "Breaking Bad", 1, 2, "", 3),
      movie("s-only", "Source only", {{"Tmdb", "1"}}),
  };
  std::vector<jf::Item> target{
      movie("t-m1", "The Matrix", {{"Tmdb", "603"}}),
      movie("t-m2", "Heat", {{"Imdb", "tt0113277"}, {"Tmdb", "949"}}),
      episode("t-e1", "t-bb", "Breaking Bad", 1, 1),
      episode("t-e2", "t-bb", "Breaking Bad", 1, 2),
      episode("t-e3", "t-bb", "Breaking Bad", 1, 3),
      movie("t-only", "Target only", {{"Tmdb", "2"}}),
  };
  auto s = scan_both(source, src_series, target, tgt_series);
  const Ids expected{"movie:tmdb:603", "movie:tmdb:949", "series:imdb:tt0903747/s1e1",
                     "series:imdb:tt0903747/s1e2", "series:imdb:tt0903747/s1e3"};
  EXPECT_EQ(names(s.source), expected);
  EXPECT_EQ(names(s.target), expected);
  ASSERT_EQ(s.source.unmatched.size(), 1u);
  EXPECT_EQ(s.source.unmatched[0].item_id, "s-only");
  EXPECT_EQ(s.source.unmatched[0].reason, "not found in the target's libraries");
  ASSERT_EQ(s.target.unmatched.size(), 1u);
  EXPECT_EQ(s.target.unmatched[0].item_id, "t-only");
  EXPECT_EQ(s.target.unmatched[0].reason, "not found in the source's libraries");
  // Every group's ids point at each other.
  for (const auto& group : expected) {
    const auto& se = s.source.groups.at(group);
    const auto& te = s.target.groups.at(group);
    EXPECT_EQ(se.other_ids, te.own_ids) << group;
    EXPECT_EQ(te.other_ids, se.own_ids) << group;
  }
}

// ---------------------------------------------------------------- grouping: episodes

TEST(Match, EpisodesMatchThroughTheirSeriesIds) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  jf::Item e = episode("src-e", "s-bb", "Breaking Bad", 1, 2, "Cat's in the Bag...");
  e.user_data = user_data(false, true, 0, 1, kT0);
  p.items = {e};
  p.other["series:tvdb:81189/s1e2"] = {{"t-e2", "tv"}};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e3", "tv"}};  // a neighbour: not this episode
  auto g = p.run();
  EXPECT_TRUE(g.unmatched.empty());
  ASSERT_EQ(g.groups.size(), 1u);
  EXPECT_EQ(g.groups.begin()->first, "series:tvdb:81189/s1e2");
  EXPECT_EQ(g.groups.begin()->second.own_ids, (Ids{"src-e"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-e2"}));
  EXPECT_EQ(g.groups.begin()->second.name, "Breaking Bad S01E02 · Cat's in the Bag...");
  EXPECT_TRUE(g.groups.begin()->second.state.played);
}

TEST(Match, EpisodeGroupIsTheSmallestSeriesEpisodeKeyTheOtherSideHolds) {
  Page p;
  p.series["s-bb"] =
      series_ids_from_keys({"series:tvdb:81189", "series:tmdb:1396", "series:imdb:tt0903747"});
  p.items = {episode("src-e", "s-bb", "Breaking Bad", 1, 2)};
  p.other["series:tvdb:81189/s1e2"] = {{"t-a", "tv"}};
  EXPECT_EQ(names(p.run()), (Ids{"series:tvdb:81189/s1e2"}));
  p.other["series:tmdb:1396/s1e2"] = {{"t-b", "tv"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"series:tmdb:1396/s1e2"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-a", "t-b"}));
  p.other["series:imdb:tt0903747/s1e2"] = {{"t-b", "tv"}};
  g = p.run();
  EXPECT_EQ(names(g), (Ids{"series:imdb:tt0903747/s1e2"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-a", "t-b"}));
}

TEST(Match, AMultiEpisodeFileIsInAGroupPerEpisodeItSpans) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189", "series:tmdb:1396"});
  jf::Item e = episode("src-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3);
  e.user_data = user_data(false, true, 0, 1, kT0);
  p.items = {e};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e3", "tv"}};
  p.other["series:tmdb:1396/s1e2"] = {{"t-e2", "tv"}};
  p.other["series:tvdb:81189/s1e4"] = {{"t-e4", "tv"}};  // beyond IndexNumberEnd
  auto g = p.run();
  EXPECT_TRUE(g.unmatched.empty());
  // Each episode is named by its own smallest held key (tmdb for E02, tvdb for E03).
  EXPECT_EQ(names(g), (Ids{"series:tmdb:1396/s1e2", "series:tvdb:81189/s1e3"}));
  for (const auto& [group, entry] : g.groups) {
    EXPECT_EQ(entry.own_ids, (Ids{"src-e23"})) << group;
    EXPECT_EQ(entry.name, "Breaking Bad S01E02-E03 · Double") << group;
    EXPECT_TRUE(entry.state.played) << group;
    EXPECT_EQ(entry.state.play_count, 1) << group;
  }
  EXPECT_EQ(g.groups.at("series:tmdb:1396/s1e2").other_ids, (Ids{"t-e2"}));
  EXPECT_EQ(g.groups.at("series:tvdb:81189/s1e3").other_ids, (Ids{"t-e3"}));
}

TEST(Match, AMultiEpisodeFileWhoseOtherSideHoldsOneFileIsInBothGroupsWithIt) {
  // Both sides hold the same two-episode file: two groups, both pointing at it.
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  p.items = {episode("src-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3)};
  p.other["series:tvdb:81189/s1e2"] = {{"t-e23", "tv"}};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e23", "tv"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"series:tvdb:81189/s1e2", "series:tvdb:81189/s1e3"}));
  for (const auto& [group, entry] : g.groups) EXPECT_EQ(entry.other_ids, (Ids{"t-e23"})) << group;
}

TEST(Match, AMultiEpisodeFileMatchedInPartIsInTheMatchedGroupsOnly) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  p.items = {episode("src-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3)};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e3", "tv"}};
  auto g = p.run();
  EXPECT_TRUE(g.unmatched.empty());  // one matched episode is enough
  EXPECT_EQ(names(g), (Ids{"series:tvdb:81189/s1e3"}));
}

TEST(Match, AMultiEpisodeFileAndASeparateCopyOnOnePageMergeInTheSharedEpisode) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  jf::Item file = episode("src-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3);
  file.user_data = user_data(false, false, 100, 0);
  jf::Item e3 = episode("src-e3", "s-bb", "Breaking Bad", 1, 3, "Part 2");
  e3.user_data = user_data(true, true, 0, 1, kT0);
  p.items = {file, e3};
  p.other["series:tvdb:81189/s1e2"] = {{"t-e2", "tv"}};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e3", "tv"}};
  auto g = p.run();
  ASSERT_EQ(g.groups.size(), 2u);
  const auto& g2 = g.groups.at("series:tvdb:81189/s1e2");
  const auto& g3 = g.groups.at("series:tvdb:81189/s1e3");
  EXPECT_EQ(g2.own_ids, (Ids{"src-e23"}));
  EXPECT_FALSE(g2.state.played);
  EXPECT_EQ(g2.state.position_ticks, 100);
  EXPECT_EQ(g3.own_ids, (Ids{"src-e23", "src-e3"}));
  EXPECT_EQ(g3.other_ids, (Ids{"t-e3"}));
  EXPECT_TRUE(g3.state.played);
  EXPECT_TRUE(g3.state.favorite);
  EXPECT_EQ(g3.state.position_ticks, 100);
  EXPECT_EQ(g3.name, "Breaking Bad S01E02-E03 · Double");  // the first copy's name
}

TEST(Match, EpisodeWithoutSeriesIdsFallsBackToItsOwnIds) {
  Page p;
  jf::Item e = episode("src-e", "s-none", "Obscure", 1, 1, "Pilot");
  e.provider_ids = {{"Tvdb", "349232"}, {"Imdb", "tt1234567"}};
  p.items = {e};
  p.other["episode:tvdb:349232"] = {{"t-e", "tv"}};
  auto g = p.run();
  EXPECT_TRUE(g.unmatched.empty());
  EXPECT_EQ(names(g), (Ids{"episode:tvdb:349232"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-e"}));
  // The smallest own key held names the group, the ids are the union.
  p.other["episode:imdb:tt1234567"] = {{"t-f", "tv"}};
  g = p.run();
  EXPECT_EQ(names(g), (Ids{"episode:imdb:tt1234567"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-e", "t-f"}));
}

TEST(Match, EpisodeOwnIdsCountOnlyWhenNoSeriesEpisodeKeyMatched) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  jf::Item e = episode("src-e", "s-bb", "Breaking Bad", 1, 2);
  e.provider_ids = {{"Tvdb", "349232"}};
  p.items = {e};
  ASSERT_EQ(lookup_keys(page_keys(p.items, p.series)),
            (Ids{"episode:tvdb:349232", "series:tvdb:81189/s1e2"}));

  // Only the own id is held: it names the group.
  p.other["episode:tvdb:349232"] = {{"t-own", "tv"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"episode:tvdb:349232"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-own"}));

  // A series-episode key is held too: it alone names the group and gives the
  // ids, although "episode:…" sorts before "series:…".
  p.other["series:tvdb:81189/s1e2"] = {{"t-se", "tv"}};
  g = p.run();
  EXPECT_EQ(names(g), (Ids{"series:tvdb:81189/s1e2"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-se"}));

  // The series-episode key held only outside the pair's libraries: the own id again.
  p.other["series:tvdb:81189/s1e2"] = {{"t-se", "elsewhere"}};
  g = p.run("target", {"tv"});
  EXPECT_EQ(names(g), (Ids{"episode:tvdb:349232"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-own"}));
}

TEST(Match, AMultiEpisodeFileIgnoresItsOwnIdsOnceOneEpisodeMatched) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  jf::Item e = episode("src-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3);
  e.provider_ids = {{"Tvdb", "349232"}};
  p.items = {e};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e3", "tv"}};
  p.other["episode:tvdb:349232"] = {{"t-own", "tv"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"series:tvdb:81189/s1e3"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-e3"}));
}

// ---------------------------------------------------------------- library filtering

TEST(Match, RefsOutsideThePairsLibrariesAreIgnored) {
  Page p;
  p.items = {movie("m1", "The Matrix", {{"Imdb", "tt0133093"}}, 1999)};
  p.other["movie:imdb:tt0133093"] = {{"t-a", "lib-kids"}, {"t-b", "lib-4k"}};
  // None of the refs is in the pair's target libraries: unmatched.
  auto none = p.run("target", {"lib-films"});
  EXPECT_TRUE(none.groups.empty());
  ASSERT_EQ(none.unmatched.size(), 1u);
  EXPECT_EQ(none.unmatched[0].item_id, "m1");
  EXPECT_EQ(none.unmatched[0].reason, "not found in the target's libraries");

  // Only the refs inside the libraries count.
  auto some = p.run("target", {"lib-films", "lib-4k"});
  EXPECT_TRUE(some.unmatched.empty());
  EXPECT_EQ(names(some), (Ids{"movie:imdb:tt0133093"}));
  EXPECT_EQ(some.groups.begin()->second.other_ids, (Ids{"t-b"}));

  // No library restriction: every ref.
  auto all = p.run("target", {});
  EXPECT_EQ(names(all), (Ids{"movie:imdb:tt0133093"}));
  EXPECT_EQ(all.groups.begin()->second.other_ids, (Ids{"t-a", "t-b"}));
}

TEST(Match, KeysHeldOnlyOutsideThePairsLibrariesDoNotNameTheGroup) {
  Page p;
  p.items = {movie("m1", "The Matrix", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}})};
  p.other["movie:imdb:tt0133093"] = {{"t-kids", "lib-kids"}};
  p.other["movie:tmdb:603"] = {{"t-film", "lib-films"}, {"t-kids", "lib-kids"}};
  auto g = p.run("target", {"lib-films"});
  EXPECT_EQ(names(g), (Ids{"movie:tmdb:603"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-film"}));
  // Unrestricted, the smaller imdb key is held and names it.
  g = p.run("target", {});
  EXPECT_EQ(names(g), (Ids{"movie:imdb:tt0133093"}));
  EXPECT_EQ(g.groups.begin()->second.other_ids, (Ids{"t-film", "t-kids"}));
}

TEST(Match, LibraryFilteringAppliesToEachEpisodeOfAMultiEpisodeFile) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  p.items = {episode("src-e23", "s-bb", "Breaking Bad", 1, 2, "Double", 3)};
  p.other["series:tvdb:81189/s1e2"] = {{"t-e2", "tv-archive"}};
  p.other["series:tvdb:81189/s1e3"] = {{"t-e3", "tv"}};
  auto g = p.run("target", {"tv"});
  EXPECT_EQ(names(g), (Ids{"series:tvdb:81189/s1e3"}));
  g = p.run("target", {"tv-archive"});
  EXPECT_EQ(names(g), (Ids{"series:tvdb:81189/s1e2"}));
  g = p.run("target", {"movies"});
  EXPECT_TRUE(g.groups.empty());
  ASSERT_EQ(g.unmatched.size(), 1u);
  EXPECT_EQ(g.unmatched[0].name, "Breaking Bad S01E02-E03 · Double");
  EXPECT_EQ(g.unmatched[0].reason, "not found in the target's libraries");
}

// ---------------------------------------------------------------- unmatched

TEST(Match, ItemsWithoutProviderIdsAreUnmatchedWithTheReason) {
  Page p;
  p.items = {movie("m1", "Home Video", {}, 2010), movie("m2", "Bad Id", {{"Imdb", "tt"}}),
             episode("e1", "s-unknown", "Show", 1, 1, "Pilot")};
  jf::Item song;
  song.id = "a1";
  song.type = "Audio";
  song.name = "Song";
  p.items.push_back(song);
  // An index that holds keys must still not match keyless items.
  p.other["movie:tmdb:603"] = {{"t1", "L"}};
  auto g = p.run();
  EXPECT_TRUE(g.groups.empty());
  ASSERT_EQ(g.unmatched.size(), 4u);
  EXPECT_EQ(g.unmatched[0].item_id, "m1");
  EXPECT_EQ(g.unmatched[0].name, "Home Video (2010)");
  EXPECT_EQ(g.unmatched[0].reason, "movie has no usable provider id");
  EXPECT_EQ(g.unmatched[1].item_id, "m2");
  EXPECT_EQ(g.unmatched[1].reason,
            "movie has no usable provider id (Imdb 'tt' is not tt + digits)");
  EXPECT_EQ(g.unmatched[2].item_id, "e1");
  EXPECT_EQ(g.unmatched[2].name, "Show S01E01 · Pilot");
  EXPECT_EQ(g.unmatched[2].reason,
            "episode's series is unknown and the episode has no usable provider id");
  EXPECT_EQ(g.unmatched[3].item_id, "a1");
  EXPECT_EQ(g.unmatched[3].reason, "type Audio is not synchronised");
}

TEST(Match, ItemsTheOtherSideLacksAreUnmatchedNamingThatSide) {
  Page p;
  p.items = {movie("m1", "Only Here", {{"Tmdb", "42"}}, 2001)};
  p.other["movie:tmdb:603"] = {{"t1", "L"}};  // something else
  auto g = p.run("target");
  EXPECT_TRUE(g.groups.empty());
  ASSERT_EQ(g.unmatched.size(), 1u);
  EXPECT_EQ(g.unmatched[0].item_id, "m1");
  EXPECT_EQ(g.unmatched[0].name, "Only Here (2001)");
  EXPECT_EQ(g.unmatched[0].reason, "not found in the target's libraries");

  // The target side names the source.
  auto tg = p.run("source");
  EXPECT_TRUE(tg.groups.empty());
  ASSERT_EQ(tg.unmatched.size(), 1u);
  EXPECT_EQ(tg.unmatched[0].reason, "not found in the source's libraries");

  // An empty ref list in the index counts as not found.
  Page e;
  e.items = {movie("m1", "X", {{"Tmdb", "42"}})};
  e.other["movie:tmdb:42"] = {};
  auto eg = e.run();
  EXPECT_TRUE(eg.groups.empty());
  ASSERT_EQ(eg.unmatched.size(), 1u);
  EXPECT_EQ(eg.unmatched[0].reason, "not found in the target's libraries");
}

TEST(Match, EpisodesTheOtherSideLacksAreUnmatched) {
  Page p;
  p.series["s-bb"] = series_ids_from_keys({"series:tvdb:81189"});
  jf::Item e = episode("src-e", "s-bb", "Breaking Bad", 1, 2, "Name");
  e.provider_ids = {{"Tvdb", "349232"}};
  p.items = {e};
  p.other["series:tvdb:81189/s1e1"] = {{"t-e1", "tv"}};  // another episode
  p.other["series:tvdb:1/s1e2"] = {{"t-x", "tv"}};       // another series
  p.other["episode:tvdb:1"] = {{"t-y", "tv"}};           // another episode id
  auto g = p.run("source");
  EXPECT_TRUE(g.groups.empty());
  ASSERT_EQ(g.unmatched.size(), 1u);
  EXPECT_EQ(g.unmatched[0].item_id, "src-e");
  EXPECT_EQ(g.unmatched[0].name, "Breaking Bad S01E02 · Name");
  EXPECT_EQ(g.unmatched[0].reason, "not found in the source's libraries");
}

TEST(Match, MatchedAndUnmatchedItemsOfOnePageKeepTheirOrder) {
  Page p;
  p.items = {movie("u1", "First", {{"Tmdb", "1"}}), movie("m1", "Found", {{"Tmdb", "603"}}),
             movie("u2", "No ids", {}), movie("u3", "Last", {{"Tmdb", "3"}})};
  p.other["movie:tmdb:603"] = {{"t1", "L"}};
  auto g = p.run();
  EXPECT_EQ(names(g), (Ids{"movie:tmdb:603"}));
  ASSERT_EQ(g.unmatched.size(), 3u);
  EXPECT_EQ(g.unmatched[0].item_id, "u1");
  EXPECT_EQ(g.unmatched[1].item_id, "u2");
  EXPECT_EQ(g.unmatched[1].reason, "movie has no usable provider id");
  EXPECT_EQ(g.unmatched[2].item_id, "u3");
}

TEST(Match, NoIndexAtAllMeansUnmatched) {
  std::vector<jf::Item> items{movie("m1", "X", {{"Tmdb", "42"}})};
  auto keys = page_keys(items, {});
  GroupInput in;
  in.items = &items;
  in.keys = &keys;
  in.other_side_name = "target";
  auto g = group_page(in);
  EXPECT_TRUE(g.groups.empty());
  ASSERT_EQ(g.unmatched.size(), 1u);
  EXPECT_EQ(g.unmatched[0].reason, "not found in the target's libraries");
}

TEST(Match, EmptyPageHasNoGroups) {
  Page p;
  auto g = p.run();
  EXPECT_TRUE(g.groups.empty());
  EXPECT_TRUE(g.unmatched.empty());
}
