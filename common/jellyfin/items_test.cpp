// Unit tests for jf_items.h against Jellyfin-shaped JSON.
#include "common/jellyfin/items.h"

#include <gtest/gtest.h>

#include "common/core/time.h"

using namespace jb;

TEST(JfItems, ParsesAnEpisodeWithUserData) {
  auto p = jf::parse_items_page(R"({"Items":[{"Name":"Pilot","Id":"0a1b","Type":"Episode",
    "ProviderIds":{"Tvdb":"123","Imdb":"tt0001"},"SeriesId":"s1","SeriesName":"Show","SeasonId":"se1",
    "ParentIndexNumber":1,"IndexNumber":2,"IndexNumberEnd":3,"RunTimeTicks":27000000000,
    "UserData":{"PlaybackPositionTicks":600000000,"PlayCount":2,"IsFavorite":true,
      "LastPlayedDate":"2024-05-01T12:00:00.0000000Z","Played":false,"Key":"k","ItemId":"0a1b"}}],
    "TotalRecordCount":42,"StartIndex":10})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->total, 42);
  EXPECT_EQ(p->start_index, 10);
  ASSERT_EQ(p->items.size(), 1u);
  const auto& it = p->items[0];
  EXPECT_EQ(it.type, "Episode");
  EXPECT_EQ(it.provider_ids.at("Tvdb"), "123");
  EXPECT_EQ(it.season_number, 1);
  EXPECT_EQ(it.episode_number, 2);
  EXPECT_EQ(it.episode_end, 3);
  ASSERT_TRUE(it.user_data);
  EXPECT_TRUE(it.user_data->favorite);
  EXPECT_FALSE(it.user_data->played);
  EXPECT_EQ(it.user_data->position_ticks, 600000000);
  EXPECT_EQ(it.user_data->last_played_us, timeutil::parse_iso8601("2024-05-01T12:00:00Z"));
}

TEST(JfItems, ToleratesMissingAndOddFields) {
  auto p = jf::parse_items_page(R"({"Items":[{"Id":"x","ProviderIds":{"Imdb":null,"Tmdb":5},
    "IndexNumber":"7","RunTimeTicks":-5,"UserData":{"LastPlayedDate":"0001-01-01T00:00:00.0000000Z"}}, 3]})");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_TRUE(p->items[0].provider_ids.empty());  // non-string values dropped
  EXPECT_EQ(p->items[0].episode_number, 7);       // numbers may come as strings
  EXPECT_EQ(p->items[0].run_time_ticks, 0);
  EXPECT_FALSE(p->items[0].user_data->last_played_us);  // the unset DateTime
  EXPECT_EQ(p->total, 1);                               // no TotalRecordCount: the count returned
}

// Found by fuzz/jellyfin_items_fuzz.cpp: huge numbers (1e300 ticks) were undefined
// behaviour; they are now ignored like any other unusable value.
TEST(JfItems, HugeNumbersAreIgnored) {
  auto p = jf::parse_items_page(R"({"Items":[{"Id":"x","Type":"Episode","RunTimeTicks":1e300,
    "IndexNumber":-1e300,"ParentIndexNumber":1.8446744073709552e19,
    "UserData":{"PlaybackPositionTicks":1e19,"PlayCount":-1e30}}],"TotalRecordCount":1e40})");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->items.size(), 1u);
  const auto& it = p->items[0];
  EXPECT_EQ(it.run_time_ticks, 0);
  EXPECT_FALSE(it.episode_number);
  EXPECT_FALSE(it.season_number);
  ASSERT_TRUE(it.user_data);
  EXPECT_EQ(it.user_data->position_ticks, 0);
  EXPECT_EQ(it.user_data->play_count, 0);
  EXPECT_EQ(p->total, 1);  // the count returned
}

TEST(JfItems, NotAnItemListIsNotJellyfin) {
  for (const char* bad : {"", "<html>", "[]", "{\"Items\":5}", "{}"}) {
    auto p = jf::parse_items_page(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().code, "not_jellyfin");
  }
}
