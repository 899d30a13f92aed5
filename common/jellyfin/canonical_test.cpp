// Unit tests for canonical.h from real-world ProviderIds shapes.
#include "common/jellyfin/canonical.h"

#include <gtest/gtest.h>

using namespace jb;
using namespace jb::canon;

namespace {
jf::Item item(const std::string& type, std::map<std::string, std::string> ids) {
  jf::Item i;
  i.id = "x";
  i.type = type;
  i.provider_ids = std::move(ids);
  return i;
}
std::vector<std::string> texts(const ItemKeys& k) {
  std::vector<std::string> out;
  for (const auto& key : k.keys) out.push_back(to_text(key));
  return out;
}
}  // namespace

TEST(Canonical, NormalisesProviderIds) {
  auto ids = normalize({{"Imdb", " TT0133093 "}, {"tmdb", "00603"}, {"TVDB", "0"}, {"Tvcom", "x"}});
  EXPECT_EQ(ids.imdb, 133093u);
  EXPECT_EQ(ids.tmdb, 603u);
  EXPECT_FALSE(ids.tvdb);
  for (const char* junk : {"", "0", "null", "NULL", "unknown", "None", "n/a"})
    EXPECT_TRUE(normalize({{"Imdb", junk}, {"Tmdb", junk}}).empty()) << junk;
}

TEST(Canonical, RejectsMalformedIdsWithAReason) {
  auto ids = normalize({{"Imdb", "tt"}, {"Tmdb", "abc"}, {"Tvdb", "12a"}});
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(ids.rejected.size(), 3u);
  auto k = keys_for(item("Movie", {{"Imdb", "tt"}}), nullptr);
  EXPECT_TRUE(k.keys.empty());
  EXPECT_EQ(k.unmatched_reason, "movie has no usable provider id (Imdb 'tt' is not tt + digits)");
  EXPECT_TRUE(normalize({{"Imdb", "nm0000206"}}).empty());  // a person id, not a title
}

TEST(Canonical, MovieKeysAreTypedSoTmdbMoviesAndSeriesNeverCollide) {
  auto m = keys_for(item("Movie", {{"Imdb", "tt0133093"}, {"Tmdb", "603"}}), nullptr);
  EXPECT_EQ(texts(m), (std::vector<std::string>{"movie:imdb:tt0133093", "movie:tmdb:603"}));
  auto s = keys_for(item("Series", {{"Tmdb", "603"}}), nullptr);
  EXPECT_EQ(texts(s), (std::vector<std::string>{"series:tmdb:603"}));
  EXPECT_NE(pack(m.keys[1]), pack(s.keys[0]));
}

TEST(Canonical, MissingIdsAreUnmatchedNeverGuessed) {
  auto k = keys_for(item("Movie", {}), nullptr);
  EXPECT_TRUE(k.keys.empty());
  EXPECT_EQ(k.unmatched_reason, "movie has no usable provider id");
  EXPECT_FALSE(keys_for(item("Audio", {{"Imdb", "tt1"}}), nullptr).unmatched_reason.empty());
}

TEST(Canonical, EpisodesUseTheSeriesIdsPlusNumbers) {
  ProviderIds series = normalize({{"Tvdb", "81189"}, {"Imdb", "tt0903747"}});
  jf::Item e = item("Episode", {});
  e.season_number = 1;
  e.episode_number = 2;
  auto k = keys_for(e, &series);
  EXPECT_EQ(texts(k),
            (std::vector<std::string>{"series:imdb:tt0903747/s1e2", "series:tvdb:81189/s1e2"}));
}

TEST(Canonical, TvdbOnTheEpisodeOnly) {
  ProviderIds series;  // the series has no ids
  jf::Item e = item("Episode", {{"Tvdb", "349232"}});
  e.season_number = 1;
  e.episode_number = 1;
  auto k = keys_for(e, &series);
  EXPECT_EQ(texts(k), (std::vector<std::string>{"episode:tvdb:349232"}));
  jf::Item bare = item("Episode", {});
  bare.season_number = 1;
  bare.episode_number = 1;
  auto u = keys_for(bare, &series);
  EXPECT_TRUE(u.keys.empty());
  EXPECT_EQ(u.unmatched_reason, "episode's series has no usable provider id, nor has the episode");
}

TEST(Canonical, MultiEpisodeFilesCoverEveryNumber) {
  ProviderIds series = normalize({{"Tvdb", "5"}});
  jf::Item e = item("Episode", {});
  e.season_number = 2;
  e.episode_number = 3;
  e.episode_end = 5;
  EXPECT_EQ(
      texts(keys_for(e, &series)),
      (std::vector<std::string>{"series:tvdb:5/s2e3", "series:tvdb:5/s2e4", "series:tvdb:5/s2e5"}));
  e.episode_end = 2;  // nonsense end before start: just the start
  EXPECT_EQ(keys_for(e, &series).keys.size(), 1u);
}

TEST(Canonical, EpisodeWithoutNumbersOrSeries) {
  jf::Item e = item("Episode", {});
  e.season_number = 1;
  ProviderIds series = normalize({{"Tvdb", "5"}});
  EXPECT_EQ(keys_for(e, &series).unmatched_reason,
            "episode has no season/episode number and no usable provider id");
  e.episode_number = 4;
  EXPECT_EQ(keys_for(e, nullptr).unmatched_reason,
            "episode's series is unknown and the episode has no usable provider id");
}

TEST(Canonical, DuplicatesShareKeys) {
  auto a = keys_for(item("Movie", {{"Imdb", "tt0133093"}}), nullptr);
  auto b =
      keys_for(item("Movie", {{"imdb", "tt0133093"}, {"Tmdb", "603"}}), nullptr);  // the 4K copy
  EXPECT_EQ(pack(a.keys[0]), pack(b.keys[0]));
}

TEST(Canonical, TextAndPackedFormsRoundTrip) {
  for (const char* t :
       {"movie:imdb:tt0133093", "movie:tmdb:603", "series:tvdb:81189", "series:tvdb:81189/s0e12",
        "episode:imdb:tt1234567", "series:imdb:tt12345678/s12e300"}) {
    auto k = from_text(t);
    ASSERT_TRUE(k) << t;
    EXPECT_EQ(to_text(*k), t);
    auto back = unpack(pack(*k));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, *k);
    EXPECT_LE(pack(*k).size(), 9u);
  }
  for (const char* bad :
       {"", "movie", "movie:imdb:603", "movie:imdb:tt", "film:imdb:tt1", "movie:tmdb:6x",
        "movie:tmdb:603/s1e1", "series:tvdb:1/s1", "series:tvdb:1/sxe1", "movie:tmdb:0"})
    EXPECT_FALSE(from_text(bad)) << bad;
  EXPECT_FALSE(unpack(""));
  EXPECT_FALSE(unpack(std::string("\x7f", 1)));
  EXPECT_FALSE(unpack(std::string("\x04\x80", 2)));  // truncated varint
}

// Found by fuzz/canonical_ids_fuzz.cpp: keys_for() numbered episodes up to 2^31 - 1, but
// from_text() refused seasons and episodes above 100000, so sync-worker's lookups (by
// text) of such episodes (date-numbered daily shows) never matched the index.
TEST(Canonical, EveryKeyOfAnEpisodeHasATextForm) {
  ProviderIds series = normalize({{"Tvdb", "73141"}});
  jf::Item e = item("Episode", {});
  e.season_number = 2024;
  e.episode_number = 20240115;
  auto keys = keys_for(e, &series);
  ASSERT_EQ(texts(keys), (std::vector<std::string>{"series:tvdb:73141/s2024e20240115"}));
  auto back = from_text("series:tvdb:73141/s2024e20240115");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, keys.keys[0]);
  EXPECT_TRUE(from_text("series:tvdb:1/s2147483647e2147483647"));
  EXPECT_FALSE(from_text("series:tvdb:1/s2147483648e1"));
  EXPECT_FALSE(from_text("series:tvdb:1/s1e2147483648"));
}

// Found by fuzz/canonical_ids_fuzz.cpp: a multi-episode range ending at INT32_MAX
// overflowed the loop counter (undefined behaviour).
TEST(Canonical, EpisodeRangeEndingAtInt32Max) {
  ProviderIds series = normalize({{"Tvdb", "5"}});
  jf::Item e = item("Episode", {});
  e.season_number = 1;
  e.episode_number = INT32_MAX - 2;
  e.episode_end = INT32_MAX;
  auto keys = keys_for(e, &series);
  ASSERT_EQ(keys.keys.size(), 3u);
  EXPECT_EQ(keys.keys.back().episode, INT32_MAX);
  for (const auto& k : keys.keys) EXPECT_EQ(from_text(to_text(k)), k);
}

// Found by fuzz/canonical_ids_fuzz.cpp: unpack() accepted keys no text form can carry
// (id 0, 20-digit ids, seasons beyond int32 that became negative), so a damaged index
// entry turned into a key that could never be asked for.
TEST(Canonical, UnpackAcceptsOnlyValidKeys) {
  std::string id0 = std::string(1, '\x04') + std::string(1, '\0');  // movie:imdb, id 0
  EXPECT_FALSE(unpack(id0));
  std::string max64("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);  // id 2^64 - 1
  EXPECT_FALSE(unpack(max64));
  std::string big_season("\x12\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x01", 13);
  EXPECT_FALSE(unpack(big_season));
  Key top{Kind::movie, 'm', 9999999999999999999ull};
  EXPECT_EQ(unpack(pack(top)), top);
  EXPECT_EQ(from_text(to_text(top)), top);
  Key ep{Kind::series_episode, 'v', 1, INT32_MAX, INT32_MAX};
  EXPECT_EQ(unpack(pack(ep)), ep);
}
