// api_userdata_test.cpp — played / favorite / user data (API-NOTES §6.3,
// §6.4): exact mutation semantics, partial updates, permissions, the
// optional ?userId= and the legacy /Users/{userId}/... paths.
#include <gtest/gtest.h>

#include "common/core/time.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

class UserDataTest : public StandinTest {
 protected:
  static std::string item(const char* id) { return id; }
};

int64_t date_of(const ApiResponse& r, const char* key) {
  auto t = timeutil::parse_iso8601(r.str(key));
  return t ? *t : 0;
}

TEST_F(UserDataTest, MarkPlayedWithoutDate) {
  auto a = alice();
  int64_t before = timeutil::now_unix_us() - 2'000'000;
  auto r = a.post(std::string("/UserPlayedItems/") + small::kArrival);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.boolean("Played"));
  EXPECT_EQ(r.num("PlayCount"), 1) << "at least one";
  EXPECT_GE(date_of(r, "LastPlayedDate"), before) << "now";
  EXPECT_EQ(r.str("Key"), "329865");
  EXPECT_EQ(r.str("ItemId"), small::kArrival);
  EXPECT_FALSE(r.json.HasMember("PlayedPercentage"));
  auto again = a.post(std::string("/UserPlayedItems/") + small::kArrival);
  EXPECT_EQ(again.num("PlayCount"), 1) << "no date, no increment";
  EXPECT_EQ(again.str("LastPlayedDate"), r.str("LastPlayedDate")) << "existing date kept";
}

TEST_F(UserDataTest, MarkPlayedWithDates) {
  auto a = alice();
  auto r = a.post(std::string("/UserPlayedItems/") + small::kMatrix + "?datePlayed=20240102030405");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.num("PlayCount"), 3) << "2 + 1";
  EXPECT_EQ(r.str("LastPlayedDate"), "2024-01-02T03:04:05.0000000Z");
  r = a.post(std::string("/UserPlayedItems/") + small::kMatrix +
             "?datePlayed=2024-02-03T05:04:05%2B02:00");
  EXPECT_EQ(r.str("LastPlayedDate"), "2024-02-03T03:04:05.0000000Z") << "converted to UTC";
  EXPECT_EQ(r.num("PlayCount"), 4);
  r = a.post(std::string("/UserPlayedItems/") + small::kMatrix +
             "?datePlayed=2024-02-03T05:04:05.123Z");
  EXPECT_EQ(r.str("LastPlayedDate"), "2024-02-03T05:04:05.123Z") << "Jellyfin's round-trip form";
  EXPECT_EQ(
      a.post(std::string("/UserPlayedItems/") + small::kMatrix + "?datePlayed=tomorrow").status,
      400);
}

TEST_F(UserDataTest, MarkPlayedResetsPositionAndUnplayedClears) {
  auto a = alice();
  auto before = a.get(std::string("/UserItems/") + small::kInception + "/UserData");
  EXPECT_EQ(before.num("PlaybackPositionTicks"), 22200000000);
  EXPECT_DOUBLE_EQ(before.json["PlayedPercentage"].GetDouble(), 25.0);
  auto played = a.post(std::string("/UserPlayedItems/") + small::kInception);
  EXPECT_EQ(played.num("PlaybackPositionTicks"), 0);
  EXPECT_EQ(played.str("LastPlayedDate"), "2024-03-02T20:00:00.0000000Z") << "existing date kept";
  auto un = a.del(std::string("/UserPlayedItems/") + small::kMatrix);
  ASSERT_EQ(un.status, 200);
  EXPECT_FALSE(un.boolean("Played"));
  EXPECT_EQ(un.num("PlayCount"), 0);
  EXPECT_FALSE(un.json.HasMember("LastPlayedDate"));
  EXPECT_TRUE(un.boolean("IsFavorite")) << "unplayed keeps the favorite";
}

TEST_F(UserDataTest, SeriesRecursion) {
  auto a = alice();
  auto r =
      a.post(std::string("/UserPlayedItems/") + small::kBreakingBad + "?datePlayed=20240601120000");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.boolean("Played"));
  EXPECT_EQ(r.num("UnplayedItemCount"), 0);
  auto ep = a.get(std::string("/UserItems/") + small::kBbS1E2 + "/UserData");
  EXPECT_TRUE(ep.boolean("Played"));
  EXPECT_EQ(ep.str("LastPlayedDate"), "2024-06-01T12:00:00.0000000Z");
  EXPECT_EQ(ep.str("Key"), "81189001002");
  auto pilot = a.get(std::string("/UserItems/") + small::kPilot + "/UserData");
  EXPECT_EQ(pilot.num("PlayCount"), 2) << "the pilot was played once before";
  auto season = a.get(std::string("/UserItems/") + small::kBbSeason2 + "/UserData");
  EXPECT_TRUE(season.boolean("Played"));
  auto un = a.del(std::string("/UserPlayedItems/") + small::kBbSeason1);
  EXPECT_EQ(un.num("UnplayedItemCount"), 3);
  auto series = a.get(std::string("/UserItems/") + small::kBreakingBad + "/UserData");
  EXPECT_EQ(series.num("UnplayedItemCount"), 3);
  EXPECT_FALSE(series.boolean("Played"));
}

TEST_F(UserDataTest, Favorites) {
  auto a = alice();
  auto r = a.post(std::string("/UserFavoriteItems/") + small::kInception);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.boolean("IsFavorite"));
  EXPECT_EQ(r.num("PlaybackPositionTicks"), 22200000000) << "only IsFavorite changes";
  r = a.del(std::string("/UserFavoriteItems/") + small::kInception);
  EXPECT_FALSE(r.boolean("IsFavorite"));
  // An unfavorite creates the row, so isFavorite=false now matches Arrival.
  a.del(std::string("/UserFavoriteItems/") + small::kArrival);
  auto q = a.get("/Items?recursive=true&includeItemTypes=Movie&isFavorite=false&sortBy=SortName");
  std::vector<std::string> n;
  for (const auto& it : q.json["Items"].GetArray()) n.emplace_back(it["Name"].GetString());
  EXPECT_EQ(n, (std::vector<std::string>{"Arrival", "Inception"}));
}

TEST_F(UserDataTest, PartialUpdate) {
  auto a = alice();
  std::string path = std::string("/UserItems/") + small::kArrival + "/UserData";
  auto r = a.post(path, R"({"PlaybackPositionTicks": 6960000000})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.num("PlaybackPositionTicks"), 6960000000);
  EXPECT_DOUBLE_EQ(r.json["PlayedPercentage"].GetDouble(), 10.0);
  EXPECT_FALSE(r.boolean("Played"));
  r = a.post(
      path,
      R"({"isfavorite": true, "Likes": false, "Rating": 8.5, "LastPlayedDate": "2024-07-01T10:00:00Z"})");
  EXPECT_EQ(r.num("PlaybackPositionTicks"), 6960000000) << "absent values stay";
  EXPECT_TRUE(r.boolean("IsFavorite"));
  EXPECT_FALSE(r.json["Likes"].GetBool());
  EXPECT_DOUBLE_EQ(r.json["Rating"].GetDouble(), 8.5);
  EXPECT_EQ(r.str("LastPlayedDate"), "2024-07-01T10:00:00.0000000Z");
  r = a.post(
      path,
      R"({"Played": true, "PlayCount": "5", "PlaybackPositionTicks": null, "Key": "ignored", "ItemId": "ignored"})");
  EXPECT_TRUE(r.boolean("Played"));
  EXPECT_EQ(r.num("PlayCount"), 5) << "numbers may be strings";
  EXPECT_EQ(r.num("PlaybackPositionTicks"), 6960000000) << "null is not applied, no resume logic";
  EXPECT_EQ(a.post(path, R"({"Played": "yes"})").status, 400);
  EXPECT_EQ(a.post(path, R"({"LastPlayedDate": "soon"})").status, 400);
  EXPECT_EQ(a.send("POST", path, "", {{"Content-Type", "application/json"}}, true).status, 400)
      << "empty body";
  EXPECT_EQ(a.post(path, "").status, 415) << "curl's empty POST is a form post: not JSON";
  EXPECT_EQ(a.post(path, "{not json").status, 400);
  auto text = a.send("POST", path, "{}", {{"Content-Type", "text/plain"}}, true);
  EXPECT_EQ(text.status, 415);
}

TEST_F(UserDataTest, PreferenceAccessPolicy) {
  auto b = as("bob", "bob-password", "bob-device");
  std::string path = std::string("/UserItems/") + small::kMatrix + "/UserData";
  EXPECT_EQ(b.get(path).status, 403);
  EXPECT_EQ(b.post(path, R"({"IsFavorite": true})").status, 403);
  EXPECT_EQ(b.post(std::string("/UserPlayedItems/") + small::kMatrix).status, 200)
      << "played is not restricted";
  EXPECT_EQ(b.post(std::string("/UserFavoriteItems/") + small::kMatrix).status, 200);
  auto adm = admin();
  EXPECT_EQ(adm.get(path + "?userId=" + small::kBob).status, 200) << "an admin may";
}

TEST_F(UserDataTest, UserIdParameter) {
  auto a = alice();
  EXPECT_EQ(
      a.post(std::string("/UserPlayedItems/") + small::kMatrix + "?userId=" + small::kAdmin).status,
      403);
  EXPECT_EQ(
      a.post(std::string("/UserPlayedItems/") + small::kMatrix + "?userId=" + small::kAlice).status,
      200);
  auto adm = admin();
  auto r =
      adm.post(std::string("/UserFavoriteItems/") + small::kArrival + "?userId=" + small::kAlice);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(
      a.get(std::string("/UserItems/") + small::kArrival + "/UserData").boolean("IsFavorite"));
  EXPECT_FALSE(
      adm.get(std::string("/UserItems/") + small::kArrival + "/UserData").boolean("IsFavorite"))
      << "the admin's own data is separate";
  EXPECT_EQ(adm.post(std::string("/UserPlayedItems/") + small::kMatrix +
                     "?userId=a0000000000040008000000000000999")
                .status,
            404);
  auto k = api_key_client();
  EXPECT_EQ(k.post(std::string("/UserPlayedItems/") + small::kMatrix).status, 400);
  EXPECT_EQ(
      k.post(std::string("/UserPlayedItems/") + small::kMatrix + "?userId=" + small::kAlice).status,
      200);
}

TEST_F(UserDataTest, UnknownOrHiddenItems) {
  auto a = alice();
  EXPECT_EQ(a.post(std::string("/UserPlayedItems/") + small::kPaddington).status, 404)
      << "hidden library";
  EXPECT_EQ(a.get(std::string("/UserItems/") + small::kPaddington + "/UserData").status, 404);
  EXPECT_EQ(a.post("/UserFavoriteItems/d0000000000040008000000000000999").status, 404);
  EXPECT_EQ(a.post("/UserPlayedItems/xyz").status, 400);
  EXPECT_EQ(a.get("/UserItems/xyz/UserData").status, 400);
}

TEST_F(UserDataTest, LegacyPaths) {
  auto a = alice();
  std::string u = std::string("/Users/") + small::kAlice;
  EXPECT_TRUE(a.post(u + "/PlayedItems/" + small::kArrival).boolean("Played"));
  EXPECT_FALSE(a.del(u + "/PlayedItems/" + small::kArrival).boolean("Played"));
  EXPECT_TRUE(a.post(u + "/FavoriteItems/" + small::kArrival).boolean("IsFavorite"));
  EXPECT_FALSE(a.del(u + "/FavoriteItems/" + small::kArrival).boolean("IsFavorite"));
  EXPECT_EQ(a.get(u + "/Items/" + small::kInception + "/UserData").num("PlaybackPositionTicks"),
            22200000000);
  EXPECT_EQ(
      a.post(u + "/Items/" + small::kInception + "/UserData", R"({"PlaybackPositionTicks": 1})")
          .num("PlaybackPositionTicks"),
      1);
  EXPECT_EQ(
      a.post(std::string("/Users/") + small::kAdmin + "/PlayedItems/" + small::kArrival).status,
      403);
}

TEST_F(UserDataTest, FolderUserDataOnItems) {
  auto a = alice();
  auto r = a.get(std::string("/Items?ids=") + small::kBreakingBad + "&fields=RecursiveItemCount");
  const auto& ud = r.json["Items"][0]["UserData"];
  EXPECT_EQ(ud["UnplayedItemCount"].GetInt(), 4);
  EXPECT_DOUBLE_EQ(ud["PlayedPercentage"].GetDouble(), 20.0)
      << "1 of 5 episodes, with RecursiveItemCount";
  EXPECT_EQ(r.json["Items"][0]["RecursiveItemCount"].GetInt(), 5);
}

}  // namespace
}  // namespace jb::standin::testing
