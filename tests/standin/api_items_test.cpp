// api_items_test.cpp — libraries and items (API-NOTES §5, §6.1, §6.2, §10):
// views, virtual/media folders, /Items scope, Fields gating, filters,
// sorting, paging and TotalRecordCount, /Items/{id}, /Shows/{id}/Episodes.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

class ItemsTest : public StandinTest {};

std::vector<std::string> names(const ApiResponse& r) {
  std::vector<std::string> out;
  if (!r.is_json || !r.json.IsObject() || !r.json.HasMember("Items")) return out;
  for (const auto& it : r.json["Items"].GetArray()) out.emplace_back(it["Name"].GetString());
  return out;
}

std::vector<std::string> ids(const ApiResponse& r) {
  std::vector<std::string> out;
  for (const auto& it : r.json["Items"].GetArray()) out.emplace_back(it["Id"].GetString());
  return out;
}

const rapidjson::Value* by_id(const ApiResponse& r, const std::string& id) {
  for (const auto& it : r.json["Items"].GetArray())
    if (id == it["Id"].GetString()) return &it;
  return nullptr;
}

using V = std::vector<std::string>;

TEST_F(ItemsTest, UserViewsFollowLibraryAccess) {
  auto a = alice();
  auto r = a.get("/UserViews");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(names(r), (V{"Movies", "Shows"}));
  EXPECT_EQ(r.num("TotalRecordCount"), 2);
  const auto& movies = r.json["Items"][0];
  EXPECT_STREQ(movies["Type"].GetString(), "CollectionFolder");
  EXPECT_STREQ(movies["CollectionType"].GetString(), "movies");
  EXPECT_STREQ(movies["Id"].GetString(), small::kMoviesLib);
  EXPECT_TRUE(movies.HasMember("UserData"));
  EXPECT_TRUE(movies.HasMember("ChildCount")) << "all fields";
  EXPECT_EQ(movies["ChildCount"].GetInt(), 6);
  auto legacy = a.get(std::string("/Users/") + small::kAlice + "/Views");
  EXPECT_EQ(names(legacy), (V{"Movies", "Shows"}));
  auto adm = admin();
  EXPECT_EQ(names(adm.get("/UserViews")), (V{"Kids", "Movies", "Movies 4K", "Shows"}));
  EXPECT_EQ(names(adm.get(std::string("/UserViews?userId=") + small::kAlice)),
            (V{"Movies", "Shows"}));
  EXPECT_EQ(a.get(std::string("/UserViews?userId=") + small::kAdmin).status, 403);
  EXPECT_EQ(adm.get("/UserViews?userId=a0000000000040008000000000000999").status, 404);
}

TEST_F(ItemsTest, VirtualAndMediaFoldersAreAdminOnly) {
  auto adm = admin();
  auto vf = adm.get("/Library/VirtualFolders");
  ASSERT_EQ(vf.status, 200);
  ASSERT_TRUE(vf.json.IsArray()) << "a bare array";
  ASSERT_EQ(vf.json.Size(), 4u);
  std::map<std::string, std::string> lib_ids;
  for (const auto& f : vf.json.GetArray()) lib_ids[f["Name"].GetString()] = f["ItemId"].GetString();
  EXPECT_EQ(lib_ids["Movies"], small::kMoviesLib);
  const auto& kids = vf.json[0];
  EXPECT_STREQ(kids["Name"].GetString(), "Kids");
  EXPECT_STREQ(kids["Locations"][0].GetString(), "/media/kids");
  EXPECT_STREQ(kids["RefreshStatus"].GetString(), "Idle");
  EXPECT_TRUE(kids["LibraryOptions"].IsObject());
  auto mf = adm.get("/Library/MediaFolders");
  ASSERT_EQ(mf.status, 200);
  EXPECT_EQ(mf.num("TotalRecordCount"), 4);
  auto a = alice();
  EXPECT_EQ(a.get("/Library/VirtualFolders").status, 403);
  EXPECT_EQ(a.get("/Library/MediaFolders").status, 403);
  auto anon = client();
  EXPECT_EQ(anon.get("/Library/VirtualFolders").status, 401);
}

TEST_F(ItemsTest, WithoutRecursiveOrParentTheLibrariesAreReturned) {
  auto a = alice();
  EXPECT_EQ(names(a.get("/Items")), (V{"Movies", "Shows"}));
}

TEST_F(ItemsTest, RecursiveCountsAndTypeFilters) {
  auto a = alice();
  EXPECT_EQ(a.get("/Items?recursive=true").num("TotalRecordCount"), small::kAliceItems);
  EXPECT_EQ(admin().get("/Items?recursive=true").num("TotalRecordCount"), small::kAllItems);
  EXPECT_EQ(a.get("/Items?recursive=true&includeItemTypes=Movie").num("TotalRecordCount"), 6);
  EXPECT_EQ(a.get("/Items?recursive=true&includeItemTypes=Movie,Episode").num("TotalRecordCount"),
            13);
  EXPECT_EQ(a.get("/Items?recursive=true&includeItemTypes=movie&includeItemTypes=episode")
                .num("TotalRecordCount"),
            13)
      << "repeated keys, case-insensitive enum values";
  EXPECT_EQ(a.get("/Items?recursive=true&excludeItemTypes=Episode,Season").num("TotalRecordCount"),
            8);
  EXPECT_EQ(a.get("/Items?recursive=true&includeItemTypes=BoxSet").num("TotalRecordCount"), 0);
  EXPECT_EQ(a.get("/Items?recursive=true&includeItemTypes=Nonsense").num("TotalRecordCount"),
            small::kAliceItems)
      << "unparsable elements are dropped";
  EXPECT_EQ(a.get("/ITEMS?RECURSIVE=TRUE&INCLUDEITEMTYPES=SERIES").num("TotalRecordCount"), 2)
      << "routes and parameter names are case-insensitive";
}

TEST_F(ItemsTest, ParentIdScopes) {
  auto a = alice();
  auto movies = a.get(std::string("/Items?parentId=") + small::kMoviesLib + "&fields=ParentId");
  ASSERT_EQ(movies.status, 200);
  EXPECT_EQ(movies.num("TotalRecordCount"), 6);
  for (const auto& it : movies.json["Items"].GetArray())
    EXPECT_STREQ(it["ParentId"].GetString(), small::kMoviesFolder)
        << "ParentId is the physical folder";
  EXPECT_EQ(a.get(std::string("/Items?parentId=") + small::kMoviesFolder).num("TotalRecordCount"),
            6);
  EXPECT_EQ(a.get(std::string("/Items?parentId=") + small::kShowsLib).num("TotalRecordCount"), 2);
  EXPECT_EQ(a.get(std::string("/Items?parentId=") + small::kShowsLib + "&recursive=true")
                .num("TotalRecordCount"),
            12);
  EXPECT_EQ(names(a.get(std::string("/Items?parentId=") + small::kBreakingBad)),
            (V{"Season 1", "Season 2"}));
  EXPECT_EQ(a.get(std::string("/Items?parentId=") + small::kBreakingBad + "&recursive=true")
                .num("TotalRecordCount"),
            7);
  EXPECT_EQ(names(a.get(std::string("/Items?parentId=") + small::kBbSeason1)),
            (V{"Pilot", "Cat's in the Bag...", "...And the Bag's in the River"}));
  EXPECT_EQ(a.get(std::string("/Items?parentId=") + small::kMatrix).num("TotalRecordCount"), 0);
}

TEST_F(ItemsTest, ParentIdErrors) {
  auto a = alice();
  auto hidden = a.get(std::string("/Items?parentId=") + small::kKidsLib);
  EXPECT_EQ(hidden.status, 401) << "sic: Jellyfin answers 401 for a library the user cannot see";
  ASSERT_TRUE(hidden.json.IsString());
  EXPECT_STREQ(hidden.json.GetString(), "alice is not permitted to access Library Kids.");
  EXPECT_EQ(a.get("/Items?parentId=b0000000000040008000000000000999").status, 400);
  EXPECT_EQ(a.get("/Items?parentId=not-a-guid").status, 400);
  EXPECT_EQ(a.get("/Items?parentId=").status, 200) << "an empty value is absent";
}

TEST_F(ItemsTest, FieldsGating) {
  auto a = alice();
  auto plain = a.get(std::string("/Items?ids=") + small::kMatrix + "," + small::kBbMulti);
  ASSERT_EQ(plain.status, 200);
  const auto* m = by_id(plain, small::kMatrix);
  ASSERT_TRUE(m);
  for (const char* k : {"Id", "Name", "Type", "ServerId", "IsFolder", "ProductionYear",
                        "RunTimeTicks", "PremiereDate", "LocationType", "MediaType", "UserData"})
    EXPECT_TRUE(m->HasMember(k)) << k;
  for (const char* k : {"ProviderIds", "Path", "DateCreated", "ParentId", "SortName", "Genres",
                        "Tags", "Etag", "Overview"})
    EXPECT_FALSE(m->HasMember(k)) << k;
  const auto* e = by_id(plain, small::kBbMulti);
  ASSERT_TRUE(e);
  EXPECT_STREQ((*e)["SeriesId"].GetString(), small::kBreakingBad);
  EXPECT_STREQ((*e)["SeriesName"].GetString(), "Breaking Bad");
  EXPECT_STREQ((*e)["SeasonId"].GetString(), small::kBbSeason2);
  EXPECT_STREQ((*e)["SeasonName"].GetString(), "Season 2");
  EXPECT_EQ((*e)["ParentIndexNumber"].GetInt(), 2);
  EXPECT_EQ((*e)["IndexNumber"].GetInt(), 1);
  EXPECT_EQ((*e)["IndexNumberEnd"].GetInt(), 2);

  for (const std::string& q :
       {std::string("fields=ProviderIds,Path"), std::string("Fields=ProviderIds&Fields=Path"),
        std::string("fields=providerids,PATH"), std::string("fields=Nope,ProviderIds,,Path")}) {
    auto r = a.get(std::string("/Items?ids=") + small::kMatrix + "&" + q);
    ASSERT_EQ(r.status, 200) << q;
    const auto& it = r.json["Items"][0];
    ASSERT_TRUE(it.HasMember("ProviderIds")) << q;
    EXPECT_STREQ(it["ProviderIds"]["Imdb"].GetString(), "tt0133093");
    EXPECT_STREQ(it["ProviderIds"]["Tmdb"].GetString(), "603");
    EXPECT_STREQ(it["Path"].GetString(), "/media/movies/The Matrix (1999)/The Matrix (1999).mkv")
        << q;
    EXPECT_FALSE(it.HasMember("DateCreated")) << q;
  }
  // With repeated keys each value is one element: "ProviderIds,Path" is not a field name.
  auto mixed = a.get(std::string("/Items?ids=") + small::kMatrix +
                     "&fields=ProviderIds,Path&fields=DateCreated");
  EXPECT_FALSE(mixed.json["Items"][0].HasMember("ProviderIds"));
  EXPECT_TRUE(mixed.json["Items"][0].HasMember("DateCreated"));
  EXPECT_STREQ(mixed.json["Items"][0]["DateCreated"].GetString(), "2024-01-01T00:00:00.0000000Z");
  auto none = a.get(std::string("/Items?ids=") + small::kNoIds + "&fields=ProviderIds");
  EXPECT_TRUE(none.json["Items"][0]["ProviderIds"].IsObject());
  EXPECT_EQ(none.json["Items"][0]["ProviderIds"].MemberCount(), 0u)
      << "an empty object, never null";
}

TEST_F(ItemsTest, UserDataFiltersFollowJellyfin) {
  auto a = alice();
  auto sorted_names = [&](const std::string& q) {
    auto v = names(a.get("/Items?recursive=true&" + q));
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted_names("filters=IsPlayed"), (V{"Pilot", "The Matrix"}));
  EXPECT_EQ(sorted_names("isPlayed=true"), (V{"Pilot", "The Matrix"}));
  EXPECT_EQ(sorted_names("filters=IsFavorite"), (V{"The Matrix"}));
  EXPECT_EQ(sorted_names("filters=IsResumable"), (V{"Inception"}));
  EXPECT_EQ(sorted_names("isFavorite=false"), (V{"Inception", "Pilot"}))
      << "only existing rows match";
  EXPECT_EQ(a.get("/Items?recursive=true&filters=IsUnplayed").num("TotalRecordCount"),
            small::kAliceItems - 2);
  EXPECT_EQ(
      a.get("/Items?recursive=true&isPlayed=false&includeItemTypes=Movie").num("TotalRecordCount"),
      5);
  EXPECT_EQ(sorted_names("filters=IsPlayed,IsFavorite"), (V{"The Matrix"}));
  EXPECT_EQ(a.get("/Items?recursive=true&filters=IsFolder").num("TotalRecordCount"), 5);
  EXPECT_EQ(a.get("/Items?recursive=true&filters=IsNotFolder").num("TotalRecordCount"), 13);
  auto m = a.get(std::string("/Items?ids=") + small::kMatrix);
  const auto& ud = m.json["Items"][0]["UserData"];
  EXPECT_TRUE(ud["Played"].GetBool());
  EXPECT_EQ(ud["PlayCount"].GetInt(), 2);
  EXPECT_STREQ(ud["LastPlayedDate"].GetString(), "2024-03-01T20:00:00.0000000Z");
  EXPECT_STREQ(ud["Key"].GetString(), "603");
  EXPECT_STREQ(ud["ItemId"].GetString(), small::kMatrix);
  auto series = a.get(std::string("/Items?ids=") + small::kBreakingBad);
  EXPECT_EQ(series.json["Items"][0]["UserData"]["UnplayedItemCount"].GetInt(), 4);
  EXPECT_FALSE(series.json["Items"][0]["UserData"]["Played"].GetBool());
}

TEST_F(ItemsTest, ApiKeyRules) {
  auto k = api_key_client();
  auto all = k.get("/Items?recursive=true");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.num("TotalRecordCount"), small::kAllItems) << "no user: every library";
  EXPECT_FALSE(all.json["Items"][0].HasMember("UserData")) << "no user: no UserData";
  for (const char* q : {"isPlayed=true", "isFavorite=false", "sortBy=DatePlayed",
                        "filters=IsPlayed", "filters=IsResumable"})
    EXPECT_EQ(k.get(std::string("/Items?recursive=true&") + q).status, 500) << q;
  auto as_alice = k.get(std::string("/Items?recursive=true&userId=") + small::kAlice);
  EXPECT_EQ(as_alice.num("TotalRecordCount"), small::kAliceItems);
  EXPECT_TRUE(as_alice.json["Items"][0].HasMember("UserData"));
  EXPECT_EQ(k.get(std::string("/Items?recursive=true&isPlayed=true&userId=") + small::kAlice)
                .num("TotalRecordCount"),
            2);
}

TEST_F(ItemsTest, UserIdParameter) {
  auto a = alice();
  EXPECT_EQ(a.get(std::string("/Items?recursive=true&userId=") + small::kAdmin).status, 403);
  EXPECT_EQ(a.get(std::string("/Items?recursive=true&userId=") + small::kAlice).status, 200);
  auto adm = admin();
  EXPECT_EQ(
      adm.get(std::string("/Items?recursive=true&userId=") + small::kAlice).num("TotalRecordCount"),
      small::kAliceItems);
  EXPECT_EQ(adm.get("/Items?userId=a0000000000040008000000000000999").status, 404);
  EXPECT_EQ(adm.get("/Items?userId=zz").status, 400);
  auto legacy = a.get(std::string("/Users/") + small::kAlice +
                      "/Items?recursive=true&includeItemTypes=Movie");
  EXPECT_EQ(legacy.num("TotalRecordCount"), 6);
  EXPECT_EQ(a.get(std::string("/Users/") + small::kAdmin + "/Items").status, 403);
}

TEST_F(ItemsTest, ProviderIdPresenceFilters) {
  auto a = alice();
  auto has_imdb = names(a.get(std::string("/Items?parentId=") + small::kMoviesLib +
                              "&hasImdbId=true&sortBy=SortName"));
  EXPECT_EQ(has_imdb, (V{"Arrival", "Inception", "Junk Ids Movie", "The Matrix", "Zeta Film"}))
      << "presence of the key, junk values included";
  EXPECT_EQ(names(a.get(std::string("/Items?parentId=") + small::kMoviesLib + "&hasImdbId=false")),
            (V{"No Ids Movie"}));
  EXPECT_EQ(a.get("/Items?recursive=true&includeItemTypes=Episode&hasTvdbId=true")
                .num("TotalRecordCount"),
            6);
  EXPECT_EQ(
      a.get("/Items?recursive=true&includeItemTypes=Movie&hasTmdbId=true").num("TotalRecordCount"),
      4);
}

TEST_F(ItemsTest, MinDateLastSavedIgnoresUserDataChanges) {
  auto a = alice();
  EXPECT_EQ(names(a.get("/Items?recursive=true&minDateLastSaved=2024-05-01T00:00:00Z")),
            (V{"Zeta Film"}));
  EXPECT_EQ(names(a.get("/Items?recursive=true&minDateLastSaved=2024-05-01T02:00:00%2B02:00")),
            (V{"Zeta Film"}))
      << "offsets are converted to UTC";
  ASSERT_EQ(a.post(std::string("/UserPlayedItems/") + small::kArrival).status, 200);
  ASSERT_EQ(a.post(std::string("/UserFavoriteItems/") + small::kArrival).status, 200);
  EXPECT_EQ(names(a.get("/Items?recursive=true&minDateLastSaved=2024-05-01T00:00:00Z")),
            (V{"Zeta Film"}))
      << "user data does not touch DateLastSaved (API-NOTES §10)";
  EXPECT_EQ(names(a.get("/Items?recursive=true&minDateLastSavedForUser=2024-05-01T00:00:00Z")),
            (V{"Zeta Film"}));
  ASSERT_EQ(a.control("POST", std::string("/__standin/items/") + small::kArrival,
                      R"j({"Name": "Arrival (Director's Cut)"})j")
                .status,
            200);
  auto v =
      names(a.get("/Items?recursive=true&minDateLastSaved=2024-05-01T00:00:00Z&sortBy=SortName"));
  EXPECT_EQ(v, (V{"Arrival (Director's Cut)", "Zeta Film"})) << "a metadata change does";
  EXPECT_EQ(a.get("/Items?minDateLastSaved=yesterday").status, 400);
}

TEST_F(ItemsTest, IndexNumberFilters) {
  auto a = alice();
  EXPECT_EQ(names(a.get("/Items?recursive=true&includeItemTypes=Episode&parentIndexNumber=2")),
            (V{"Seven Thirty-Seven / Grilled", "Bit by a Dead Bee"}));
  EXPECT_EQ(
      a.get("/Items?recursive=true&includeItemTypes=Episode&indexNumber=1").num("TotalRecordCount"),
      3);
}

TEST_F(ItemsTest, IdsLookupsKeepOrderAndReachHiddenLibraries) {
  auto a = alice();
  auto r = a.get(std::string("/Items?ids=") + small::kZeta + "," + small::kPaddington + "," +
                 small::kMatrix);
  EXPECT_EQ(ids(r), (V{small::kZeta, small::kPaddington, small::kMatrix}))
      << "API-NOTES §10: ids= may cross libraries";
  auto rep = a.get(std::string("/Items?ids=") + small::kMatrix + "&ids=" + small::kZeta);
  EXPECT_EQ(ids(rep), (V{small::kMatrix, small::kZeta}));
  auto sorted =
      a.get(std::string("/Items?ids=") + small::kZeta + "," + small::kMatrix + "&sortBy=SortName");
  EXPECT_EQ(ids(sorted), (V{small::kMatrix, small::kZeta}));
  auto junk = a.get(std::string("/Items?ids=nope,") + small::kMatrix);
  EXPECT_EQ(ids(junk), (V{small::kMatrix})) << "unparsable ids are dropped";
}

TEST_F(ItemsTest, Sorting) {
  auto a = alice();
  std::string movies = std::string("/Items?parentId=") + small::kMoviesLib;
  EXPECT_EQ(
      names(a.get(movies + "&sortBy=SortName")),
      (V{"Arrival", "Inception", "Junk Ids Movie", "The Matrix", "No Ids Movie", "Zeta Film"}));
  EXPECT_EQ(
      names(a.get(movies + "&sortBy=DateCreated&sortOrder=Descending")),
      (V{"Zeta Film", "Junk Ids Movie", "No Ids Movie", "Arrival", "Inception", "The Matrix"}));
  EXPECT_EQ(names(a.get(movies + "&sortby=datecreated&sortorder=descending")),
            names(a.get(movies + "&sortBy=DateCreated&sortOrder=Descending")));
  auto by_premiere = names(a.get(movies + "&sortBy=PremiereDate,SortName&sortOrder=Descending"));
  EXPECT_EQ(by_premiere.front(), "Arrival");
  EXPECT_EQ(by_premiere[2], "The Matrix");
  auto played = names(a.get(movies + "&sortBy=DatePlayed&sortOrder=Descending"));
  EXPECT_EQ(played[0], "Inception");
  EXPECT_EQ(played[1], "The Matrix");
  auto eps =
      names(a.get("/Items?recursive=true&includeItemTypes=Episode&sortBy=ParentIndexNumber,"
                  "IndexNumber&sortOrder=Descending"));
  EXPECT_EQ(eps.front(), "Bit by a Dead Bee") << "remaining keys take the first order";
  EXPECT_EQ(a.get(movies + "&sortBy=SortName&sortOrder=Ascending,Descending").status, 400)
      << "more orders than keys";
  EXPECT_EQ(a.get(movies + "&sortOrder=Descending").status, 200);
}

TEST_F(ItemsTest, PagingAndTotalRecordCount) {
  auto a = alice();
  auto p = a.get("/Items?recursive=true&startIndex=5&limit=4");
  EXPECT_EQ(p.num("StartIndex"), 5);
  EXPECT_EQ(p.num("TotalRecordCount"), small::kAliceItems);
  EXPECT_EQ(p.json["Items"].Size(), 4u);
  auto no_count = a.get("/Items?recursive=true&limit=4&enableTotalRecordCount=false");
  EXPECT_EQ(no_count.num("TotalRecordCount"), 4) << "enableTotalRecordCount=false: the page size";
  auto zero = a.get("/Items?recursive=true&limit=0");
  EXPECT_EQ(zero.json["Items"].Size(), 0u);
  EXPECT_EQ(zero.num("TotalRecordCount"), small::kAliceItems);
  auto past = a.get("/Items?recursive=true&startIndex=500");
  EXPECT_EQ(past.json["Items"].Size(), 0u);
  EXPECT_EQ(past.num("TotalRecordCount"), small::kAliceItems);
  EXPECT_EQ(past.num("StartIndex"), 500);
  EXPECT_EQ(a.get("/Items?limit=abc").status, 400);
  auto no_ud = a.get("/Items?recursive=true&limit=1&enableUserData=false");
  EXPECT_FALSE(no_ud.json["Items"][0].HasMember("UserData"));
}

// Walks every page and checks each item comes back exactly once.
void walk(ApiClient& c, const std::string& query, int page_size, int expected_total) {
  std::set<std::string> seen;
  int start = 0;
  for (;;) {
    auto r = c.get("/Items?" + query + "&startIndex=" + std::to_string(start) +
                   "&limit=" + std::to_string(page_size));
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.num("TotalRecordCount"), expected_total) << query << " page " << page_size;
    ASSERT_EQ(r.num("StartIndex"), start);
    const auto& items = r.json["Items"];
    for (const auto& it : items.GetArray())
      EXPECT_TRUE(seen.insert(it["Id"].GetString()).second) << "duplicate " << it["Id"].GetString();
    if (items.Size() == 0) break;
    EXPECT_LE(items.Size(), static_cast<unsigned>(page_size));
    start += static_cast<int>(items.Size());
  }
  EXPECT_EQ(static_cast<int>(seen.size()), expected_total) << query << " page " << page_size;
}

TEST_F(ItemsTest, PagingWalksEveryItemExactlyOnce) {
  StandinOptions o = small_options();
  o.seed_path.clear();
  o.generate = *parse_generator_options("movies=250,series=8,seasons=2,episodes=9,seed=11");
  start(o);
  auto adm = as("admin", "admin-password");
  auto all = adm.get("/Items?recursive=true&limit=0");
  const int total = static_cast<int>(all.num("TotalRecordCount"));
  ASSERT_GT(total, 300);
  adm.check = false;  // thousands of pages; the contract is checked elsewhere
  for (int size : {1, 7, 100, 1000, total + 50})
    walk(adm, "recursive=true&fields=ProviderIds", size, total);
  int movies = static_cast<int>(
      adm.get("/Items?recursive=true&includeItemTypes=Movie&limit=0").num("TotalRecordCount"));
  walk(adm, "recursive=true&includeItemTypes=Movie&sortBy=DateCreated&sortOrder=Descending", 13,
       movies);
  walk(adm, "recursive=true&includeItemTypes=Movie&sortBy=ProductionYear,SortName", 17, movies);
  int eps = static_cast<int>(
      adm.get("/Items?recursive=true&includeItemTypes=Episode&limit=0").num("TotalRecordCount"));
  walk(adm, "recursive=true&includeItemTypes=Episode&sortBy=ParentIndexNumber,IndexNumber", 10,
       eps);
  int played = static_cast<int>(
      adm.get("/Items?recursive=true&filters=IsPlayed&limit=0").num("TotalRecordCount"));
  ASSERT_GT(played, 10);
  walk(adm, "recursive=true&filters=IsPlayed&sortBy=DatePlayed", 3, played);
  // enableTotalRecordCount=false reports the page size but pages the same items.
  auto p = adm.get("/Items?recursive=true&startIndex=3&limit=5&enableTotalRecordCount=false");
  auto q = adm.get("/Items?recursive=true&startIndex=3&limit=5");
  EXPECT_EQ(p.num("TotalRecordCount"), 5);
  EXPECT_EQ(ids(p), ids(q));
}

TEST_F(ItemsTest, ItemById) {
  auto a = alice();
  auto r = a.get(std::string("/Items/") + small::kMatrix);
  ASSERT_EQ(r.status, 200);
  for (const char* k : {"ProviderIds", "Path", "DateCreated", "ParentId", "SortName", "Etag",
                        "Genres", "Tags", "People", "Studios", "UserData", "LockData"})
    EXPECT_TRUE(r.json.HasMember(k)) << "all fields: " << k;
  EXPECT_STREQ(r.json["SortName"].GetString(), "matrix");
  EXPECT_STREQ(r.json["ParentId"].GetString(), small::kMoviesFolder);
  EXPECT_EQ(r.json["RunTimeTicks"].GetInt64(), 81600000000);
  EXPECT_STREQ(r.json["PremiereDate"].GetString(), "1999-03-31T00:00:00.0000000Z");
  auto ep = a.get(std::string("/Items/") + small::kPilot);
  EXPECT_STREQ(ep.json["ParentId"].GetString(), small::kBbSeason1);
  EXPECT_STREQ(ep.json["SortName"].GetString(), "001 - 0001 - pilot");
  EXPECT_EQ(a.get(std::string("/Items/") + small::kPaddington).status, 404)
      << "hidden library: 404";
  EXPECT_EQ(a.get("/Items/d0000000000040008000000000000999").status, 404);
  EXPECT_EQ(a.get("/Items/not-a-guid").status, 400);
  EXPECT_EQ(a.get("/Items/d0000000-0000-4000-8000-000000000001").status, 200)
      << "dashed GUIDs are accepted";
  EXPECT_EQ(a.get(std::string("/Users/") + small::kAlice + "/Items/" + small::kMatrix).status, 200);
  EXPECT_EQ(a.get(std::string("/Items/") + small::kMatrix + "?userId=" + small::kAdmin).status,
            403);
  auto adm = admin();
  EXPECT_EQ(adm.get(std::string("/Items/") + small::kPaddington).status, 200);
  EXPECT_EQ(
      adm.get(std::string("/Items/") + small::kPaddington + "?userId=" + small::kAlice).status,
      404);
}

TEST_F(ItemsTest, ShowsEpisodes) {
  auto a = alice();
  std::string base = std::string("/Shows/") + small::kBreakingBad + "/Episodes";
  auto all = a.get(base);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.num("TotalRecordCount"), 5);
  EXPECT_EQ(names(all), (V{"Pilot", "Cat's in the Bag...", "...And the Bag's in the River",
                           "Seven Thirty-Seven / Grilled", "Bit by a Dead Bee"}));
  EXPECT_TRUE(all.json["Items"][0].HasMember("UserData"));
  EXPECT_FALSE(all.json["Items"][0].HasMember("ProviderIds"));
  EXPECT_TRUE(a.get(base + "?fields=ProviderIds").json["Items"][0].HasMember("ProviderIds"));
  EXPECT_EQ(a.get(base + "?season=2").num("TotalRecordCount"), 2);
  EXPECT_EQ(a.get(base + "?season=9").num("TotalRecordCount"), 0);
  EXPECT_EQ(a.get(base + "?seasonId=" + small::kBbSeason1).num("TotalRecordCount"), 3);
  auto page = a.get(base + "?startIndex=1&limit=2");
  EXPECT_EQ(names(page), (V{"Cat's in the Bag...", "...And the Bag's in the River"}));
  EXPECT_EQ(page.num("TotalRecordCount"), 5) << "the total, not the page";
  EXPECT_EQ(page.num("StartIndex"), 1);
  EXPECT_EQ(a.get("/Shows/e0000000000040008000000000000999/Episodes").status, 404);
  EXPECT_EQ(a.get(base + "?seasonId=e1000000000040008000000000000999").status, 404);
  EXPECT_EQ(a.get(base + "?enableUserData=false").json["Items"][0].HasMember("UserData"), false);
}

}  // namespace
}  // namespace jb::standin::testing
