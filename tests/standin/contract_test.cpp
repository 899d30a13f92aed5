// contract_test.cpp — the stand-in's JSON against Jellyfin's OpenAPI document
// (tests/standin/fixtures/jellyfin-openapi-10.11.11.json). Every ApiClient answer in every
// test is checked inline (api_client.h); this file checks the checker itself
// (schemas are found from `paths`, violations are caught) and runs a tour of
// every JSON-returning endpoint, asserting that each answer was validated
// against a documented schema. Skipped, loudly, when the document is absent.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "common/core/json.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

class ContractTest : public StandinTest {
 protected:
  void SetUp() override {
    if (!contract())
      GTEST_SKIP() << "Jellyfin's OpenAPI document not found at " << OpenApiContract::default_path()
                   << " (set JB_JELLYFIN_OPENAPI): contract not checked";
    StandinTest::SetUp();
  }
};

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

TEST_F(ContractTest, SchemasAreFoundFromThePathsSection) {
  OpenApiContract* c = contract();
  auto me = c->find("GET", "/Users/Me", 200);
  EXPECT_EQ(me.template_path, "/Users/Me") << "a literal segment beats {userId}";
  EXPECT_TRUE(me.has_json_schema);
  auto user = c->find("GET", "/users/0123", 200);
  EXPECT_EQ(user.template_path, "/Users/{userId}");
  auto logout = c->find("POST", "/Sessions/Logout", 204);
  EXPECT_TRUE(logout.status_found);
  EXPECT_FALSE(logout.has_json_schema);
  EXPECT_FALSE(c->find("GET", "/No/Such/Path", 200).path_found);
  auto legacy = c->find("POST", "/Users/abc/PlayedItems/def", 200);
  EXPECT_EQ(legacy.template_path, "/UserPlayedItems/{itemId}")
      << "hidden legacy routes map to documented ones";
  EXPECT_EQ(c->find("GET", "/QuickConnect/Initiate", 200).template_path, "/QuickConnect/Initiate");
  EXPECT_FALSE(c->find("GET", "/Items", 404).status_found);
}

TEST_F(ContractTest, TheValidatorCatchesViolations) {
  OpenApiContract* c = contract();
  auto good = parse(
      R"({"Name":"a","ServerId":"5e7a1d2c3b4a49f8a1b2c3d4e5f60718","Id":"a0000000000040008000000000000002",
      "HasPassword":true,"HasConfiguredPassword":true,"HasConfiguredEasyPassword":false,"EnableAutoLogin":false,
      "LastLoginDate":"2024-05-01T12:00:00.0000000Z"})");
  EXPECT_EQ(c->validate("GET", "/Users/Me", 200, good), "");
  auto extra = parse(R"({"Name":"a","Id":"a0000000000040008000000000000002","Bogus":1})");
  EXPECT_NE(c->validate("GET", "/Users/Me", 200, extra), "") << "additionalProperties: false";
  auto wrong_type =
      parse(R"({"Name":"a","Id":"a0000000000040008000000000000002","HasPassword":"yes"})");
  EXPECT_NE(c->validate("GET", "/Users/Me", 200, wrong_type), "");
  auto dashed = parse(R"({"Name":"a","Id":"a0000000-0000-4000-8000-000000000002"})");
  EXPECT_NE(c->validate("GET", "/Users/Me", 200, dashed), "") << "ids are Guid \"N\"";
  auto bad_date = parse(
      R"({"Name":"a","Id":"a0000000000040008000000000000002","LastLoginDate":"2024-05-01T12:00:00+00:00"})");
  EXPECT_NE(c->validate("GET", "/Users/Me", 200, bad_date), "") << "Jellyfin writes UTC with Z";
  auto nullable = parse(R"({"Name":null,"Id":"a0000000000040008000000000000002"})");
  EXPECT_EQ(c->validate("GET", "/Users/Me", 200, nullable), "")
      << "nullable translated (nulls are rejected separately)";
  auto bad_enum = parse(
      R"({"Items":[{"Id":"a0000000000040008000000000000002","Type":"Cartoon"}],"TotalRecordCount":1,"StartIndex":0})");
  EXPECT_NE(c->validate("GET", "/Items", 200, bad_enum), "") << "enum values are checked";
  auto nested = parse(
      R"({"Items":[{"Id":"a0000000000040008000000000000002","UserData":{"PlayCount":"1"}}],"TotalRecordCount":1,"StartIndex":0})");
  EXPECT_NE(c->validate("GET", "/Items", 200, nested), "")
      << "$ref'd component schemas are enforced";
  auto big = parse(R"({"Items":[],"TotalRecordCount":3000000000,"StartIndex":0})");
  EXPECT_NE(c->validate("GET", "/Items", 200, big), "") << "int32 range";
  EXPECT_EQ(c->validate("GET", "/System/Ping", 200, parse("\"Jellyfin Server\"")), "");
  EXPECT_NE(c->validate("GET", "/QuickConnect/Enabled", 200, parse("\"yes\"")), "");
}

TEST_F(ContractTest, CheckContractFlagsNullsBadIdsAndUndocumentedAnswers) {
  ApiResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = R"({"Name":null,"Id":"a0000000000040008000000000000002"})";
  r.json.Parse(r.body.c_str());
  r.is_json = true;
  auto p = check_contract("GET", "/Users/Me", r);
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("null"), std::string::npos);
  r.body = R"({"Items":[{"Id":"ABC"}],"TotalRecordCount":1,"StartIndex":0})";
  r.json.Parse(r.body.c_str());
  EXPECT_FALSE(check_contract("GET", "/Items", r).empty());
  r.body = R"({"x":1})";
  r.json.Parse(r.body.c_str());
  EXPECT_FALSE(check_contract("GET", "/Not/Documented", r).empty());
  r.status = 204;
  r.body = "x";
  r.headers.clear();
  EXPECT_FALSE(check_contract("POST", "/Sessions/Logout", r).empty());
}

// Every JSON-returning endpoint, happy path plus typical errors.
TEST_F(ContractTest, TourOfEveryEndpoint) {
  std::set<std::string> seen;
  int json_answers = 0;
  auto track = [&](ApiClient& c, const std::string& method, const std::string& path,
                   const std::string& body = "") {
    int before = validated_count();
    auto r = c.send(method, path, body, {}, true);
    auto ct = r.header("Content-Type");
    if (ct.rfind("application/json", 0) == 0) {
      ++json_answers;
      // Bare JSON strings of error answers are the documented exception.
      if (!(r.status >= 400 && r.json.IsString())) {
        EXPECT_EQ(validated_count(), before + 1) << method << " " << path << " was not validated";
      }
      auto l = contract()->find(method, path.substr(0, path.find('?')), static_cast<int>(r.status));
      if (r.status < 300) {
        EXPECT_TRUE(l.has_json_schema) << method << " " << path;
        seen.insert(method + " " + l.template_path);
      }
    }
    return r;
  };
  auto anon = client();
  auto a = alice();
  auto adm = admin();
  auto key = api_key_client();
  std::string m = small::kMatrix, bb = small::kBreakingBad, alice_id = small::kAlice;

  track(anon, "GET", "/System/Info/Public");
  track(a, "GET", "/System/Info");
  track(anon, "GET", "/System/Ping");
  track(anon, "POST", "/Users/AuthenticateByName", R"({"Username":"bob","Pw":"bob-password"})");
  track(a, "GET", "/Users/Me");
  track(key, "GET", "/Users/Me");
  track(anon, "GET", "/QuickConnect/Enabled");
  auto qc = track(anon, "POST", "/QuickConnect/Initiate");
  track(anon, "GET", "/QuickConnect/Initiate");
  track(anon, "GET", "/QuickConnect/Connect?secret=" + qc.str("Secret"));
  track(anon, "GET", "/QuickConnect/Connect?secret=nope");
  track(a, "POST", "/QuickConnect/Authorize?code=" + qc.str("Code"));
  track(anon, "POST", "/Users/AuthenticateWithQuickConnect",
        "{\"Secret\":\"" + qc.str("Secret") + "\"}");
  track(adm, "GET", "/Auth/Keys");
  track(a, "GET", "/Users");
  track(anon, "GET", "/Users/Public");
  track(a, "GET", "/Users/" + alice_id);
  track(a, "GET", "/Users/a0000000000040008000000000000999");
  track(adm, "POST", "/Users/New", R"({"Name":"tour-user","Password":"x"})");
  track(anon, "POST", "/Users/ForgotPassword", R"({"EnteredUsername":"alice"})");
  auto pins = a.control("GET", "/__standin/pins");
  ASSERT_EQ(pins.json.Size(), 1u);
  track(anon, "POST", "/Users/ForgotPassword/Pin",
        std::string(R"({"Pin":")") + pins.json[0]["Pin"].GetString() + "\"}");
  ApiClient a2 = client("alice-2");
  a2.login("alice", pins.json[0]["Pin"].GetString());
  track(a2, "GET", "/UserViews");
  track(a2, "GET", "/Users/" + alice_id + "/Views");
  track(adm, "GET", "/Library/VirtualFolders");
  track(adm, "GET", "/Library/MediaFolders");
  track(a2, "GET", "/Items");
  track(a2, "GET",
        "/Items?recursive=true&fields=ProviderIds,Path,DateCreated,ParentId,SortName,Etag,Genres,"
        "Tags,People,Studios,ExternalUrls,Taglines,RemoteTrailers,ChildCount,RecursiveItemCount,"
        "CanDelete,CanDownload,DisplayPreferencesId,PlayAccess,SpecialFeatureCount,"
        "LocalTrailerCount");
  track(a2, "GET", "/Users/" + alice_id + "/Items?recursive=true&includeItemTypes=Episode");
  track(key, "GET", "/Items?recursive=true");
  track(a2, "GET", "/Items?parentId=" + std::string(small::kKidsLib));
  track(a2, "GET", "/Items/" + m);
  track(a2, "GET", "/Items/" + bb);
  track(a2, "GET", "/Items/" + std::string(small::kMoviesLib));
  track(a2, "GET", "/Users/" + alice_id + "/Items/" + m);
  track(a2, "GET", "/Items/" + std::string(small::kPaddington));
  track(a2, "GET", "/Shows/" + bb + "/Episodes?fields=ProviderIds");
  track(a2, "GET", "/Shows/e0000000000040008000000000000999/Episodes");
  track(a2, "POST", "/UserPlayedItems/" + m + "?datePlayed=20240102030405");
  track(a2, "DELETE", "/UserPlayedItems/" + m);
  track(a2, "POST", "/UserPlayedItems/" + bb);
  track(a2, "POST", "/UserFavoriteItems/" + m);
  track(a2, "DELETE", "/UserFavoriteItems/" + m);
  track(a2, "GET", "/UserItems/" + m + "/UserData");
  track(a2, "POST", "/UserItems/" + m + "/UserData",
        R"({"PlaybackPositionTicks":1000,"Rating":7.5,"Likes":true})");
  track(a2, "POST", "/Users/" + alice_id + "/PlayedItems/" + m);
  track(a2, "DELETE", "/Users/" + alice_id + "/PlayedItems/" + m);
  track(a2, "POST", "/Users/" + alice_id + "/FavoriteItems/" + m);
  track(a2, "DELETE", "/Users/" + alice_id + "/FavoriteItems/" + m);
  track(a2, "GET", "/Users/" + alice_id + "/Items/" + m + "/UserData");
  track(a2, "POST", "/Users/" + alice_id + "/Items/" + m + "/UserData", R"({"IsFavorite":true})");
  track(a2, "GET", "/UserItems/" + std::string(small::kPaddington) + "/UserData");
  a2.control("POST", "/__standin/playing", R"({"User":"alice","ItemId":")" + m + "\"}");
  track(adm, "GET", "/Sessions");
  track(a2, "GET", "/Items?ids=zz");
  track(a2, "GET", "/Items?limit=abc");

  const std::set<std::string> expected = {"GET /System/Info/Public",
                                          "GET /System/Info",
                                          "GET /System/Ping",
                                          "POST /Users/AuthenticateByName",
                                          "GET /Users/Me",
                                          "GET /QuickConnect/Enabled",
                                          "POST /QuickConnect/Initiate",
                                          "GET /QuickConnect/Connect",
                                          "POST /QuickConnect/Authorize",
                                          "POST /Users/AuthenticateWithQuickConnect",
                                          "GET /Auth/Keys",
                                          "GET /Users",
                                          "GET /Users/Public",
                                          "GET /Users/{userId}",
                                          "POST /Users/New",
                                          "POST /Users/ForgotPassword",
                                          "POST /Users/ForgotPassword/Pin",
                                          "GET /UserViews",
                                          "GET /Library/VirtualFolders",
                                          "GET /Library/MediaFolders",
                                          "GET /Items",
                                          "GET /Items/{itemId}",
                                          "GET /Shows/{seriesId}/Episodes",
                                          "POST /UserPlayedItems/{itemId}",
                                          "DELETE /UserPlayedItems/{itemId}",
                                          "POST /UserFavoriteItems/{itemId}",
                                          "DELETE /UserFavoriteItems/{itemId}",
                                          "GET /UserItems/{itemId}/UserData",
                                          "POST /UserItems/{itemId}/UserData",
                                          "GET /Sessions"};
  for (const auto& op : expected) EXPECT_TRUE(seen.count(op)) << "not covered: " << op;
  EXPECT_GE(json_answers, 50);
}

TEST_F(ContractTest, GeneratedLibraryValidates) {
  StandinOptions o = small_options();
  o.seed_path.clear();
  o.generate = *parse_generator_options("movies=60,series=4,seasons=2,episodes=5,seed=3,variant=b");
  start(o);
  auto adm = as("admin", "admin-password");
  int before = validated_count();
  auto r = adm.get(
      "/Items?recursive=true&fields=ProviderIds,Path,DateCreated,ParentId,SortName,"
      "RecursiveItemCount,ChildCount");
  ASSERT_EQ(r.status, 200);
  EXPECT_GT(r.num("TotalRecordCount"), 100);
  for (const auto& it : r.json["Items"].GetArray()) {
    std::string id = it["Id"].GetString();
    adm.get("/Items/" + id);
  }
  EXPECT_GT(validated_count() - before, 100);
}

}  // namespace
}  // namespace jb::standin::testing
