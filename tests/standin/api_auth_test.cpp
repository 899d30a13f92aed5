// api_auth_test.cpp — system info, password login, /Users/Me, logout, the
// Authorization header end to end (incl. legacy on/off), API keys and
// sessions (API-NOTES §0, §1, §3, §7).
#include <gtest/gtest.h>

#include "common/core/text.h"
#include "tests/standin/guid.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

class AuthTest : public StandinTest {};

TEST_F(AuthTest, PublicSystemInfo) {
  auto c = client();
  c.send_authorization = false;
  auto r = c.get("/System/Info/Public");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.str("Id"), small::kServerId);
  EXPECT_EQ(r.str("ServerName"), "Stand-in Small");
  EXPECT_EQ(r.str("Version"), "10.11.11");
  EXPECT_EQ(r.str("ProductName"), "Jellyfin Server");
  EXPECT_TRUE(r.boolean("StartupWizardCompleted"));
  EXPECT_EQ(r.str("LocalAddress"), server_->base_url());
  EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
}

TEST_F(AuthTest, SystemInfoNeedsAToken) {
  auto anon = client();
  auto r = anon.get("/System/Info");
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.body.empty()) << "401 from the auth layer has an empty body";
  auto a = alice();
  r = a.get("/System/Info");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.str("Id"), small::kServerId);
}

TEST_F(AuthTest, PingAnyCase) {
  auto c = client();
  for (const char* p : {"/System/Ping", "/system/ping", "/SYSTEM/PING"}) {
    auto r = c.get(p);
    ASSERT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.body, "\"Jellyfin Server\"");
  }
  EXPECT_EQ(c.post("/System/Ping").status, 200);
}

TEST_F(AuthTest, AuthenticateByNameHappyPath) {
  auto c = client("phone-1");
  auto r = c.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})");
  ASSERT_EQ(r.status, 200);
  std::string token = r.str("AccessToken");
  EXPECT_TRUE(is_guid_n(token));
  EXPECT_EQ(r.str("ServerId"), small::kServerId);
  const auto& user = r.json["User"];
  EXPECT_STREQ(user["Name"].GetString(), "alice");
  EXPECT_STREQ(user["Id"].GetString(), small::kAlice);
  EXPECT_TRUE(user["HasPassword"].GetBool());
  EXPECT_TRUE(user.HasMember("LastLoginDate"));
  EXPECT_FALSE(user["Policy"]["IsAdministrator"].GetBool());
  const auto& session = r.json["SessionInfo"];
  EXPECT_STREQ(session["DeviceId"].GetString(), "phone-1");
  EXPECT_STREQ(session["Client"].GetString(), "Jellybridge Tests");
  EXPECT_STREQ(session["DeviceName"].GetString(), "Test Device");
  EXPECT_STREQ(session["ApplicationVersion"].GetString(), "1.0.0");
  EXPECT_STREQ(session["UserId"].GetString(), small::kAlice);
  c.token = token;
  EXPECT_EQ(c.get("/Users/Me").str("Name"), "alice");
}

TEST_F(AuthTest, UsernameAndBodyNamesAreCaseInsensitive) {
  auto c = client();
  EXPECT_EQ(
      c.post("/Users/AuthenticateByName", R"({"Username":"ALICE","Pw":"alice-password"})").status,
      200);
  EXPECT_EQ(
      c.post("/Users/AuthenticateByName", R"({"username":"alice","pw":"alice-password"})").status,
      200);
  EXPECT_EQ(
      c.post("/users/authenticatebyname", R"({"Username":"alice","Pw":"alice-password"})").status,
      200);
}

TEST_F(AuthTest, BadCredentialsAre401) {
  auto c = client();
  auto r = c.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"wrong"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "Error processing request.");
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Username":"nobody","Pw":"x"})").status, 401);
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Username":"alice"})").status, 401);
}

TEST_F(AuthTest, MissingClientFieldsAre400) {
  auto none = client();
  none.send_authorization = false;
  EXPECT_EQ(none.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})")
                .status,
            400);
  for (int missing = 0; missing < 4; ++missing) {
    auto c = client();
    if (missing == 0) c.client = "";
    if (missing == 1) c.device = "";
    if (missing == 2) c.device_id = "";
    if (missing == 3) c.version = "";
    EXPECT_EQ(
        c.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})").status,
        400)
        << "missing field " << missing;
  }
  auto c = client();
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Username":"","Pw":"x"})").status, 400);
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Pw":"x"})").status, 400);
}

TEST_F(AuthTest, DisabledUserIs403EvenWithAWrongPassword) {
  auto c = client();
  EXPECT_EQ(
      c.post("/Users/AuthenticateByName", R"({"Username":"dave","Pw":"dave-password"})").status,
      403);
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Username":"dave","Pw":"nope"})").status, 403);
}

TEST_F(AuthTest, MaxActiveSessions) {
  auto first = client("carol-1");
  ASSERT_FALSE(first.login("carol", "carol-password").empty());
  auto second = client("carol-2");
  EXPECT_EQ(
      second.post("/Users/AuthenticateByName", R"({"Username":"carol","Pw":"carol-password"})")
          .status,
      403);
  EXPECT_EQ(first.post("/Sessions/Logout").status, 204);
  EXPECT_FALSE(second.login("carol", "carol-password").empty());
}

TEST_F(AuthTest, ReLoginFromTheSameDeviceRevokesTheOldToken) {
  auto a = client("tv");
  std::string t1 = a.login("alice", "alice-password");
  auto other = client("phone");
  std::string t_other = other.login("alice", "alice-password");
  std::string t2 = a.login("alice", "alice-password");
  ASSERT_FALSE(t1.empty());
  ASSERT_NE(t1, t2);
  auto probe = client("tv");
  probe.token = t1;
  EXPECT_EQ(probe.get("/Users/Me").status, 401);
  probe.token = t2;
  EXPECT_EQ(probe.get("/Users/Me").status, 200);
  probe.token = t_other;
  EXPECT_EQ(probe.get("/Users/Me").status, 200) << "other devices keep their tokens";
}

TEST_F(AuthTest, PasswordsAreStoredAsJellyfinPbkdf2) {
  auto c = client();
  auto seed = c.control("GET", "/__standin/seed");
  ASSERT_EQ(seed.status, 200);
  const auto& users = seed.json["Users"];
  ASSERT_TRUE(users.IsArray());
  int hashed = 0;
  for (const auto& u : users.GetArray()) {
    if (!u.HasMember("PasswordHash")) continue;
    std::string h = u["PasswordHash"].GetString();
    EXPECT_EQ(h.rfind("$PBKDF2-SHA512$iterations=1000$", 0), 0u) << h;
    ++hashed;
  }
  EXPECT_EQ(hashed, 5) << "every seeded password, never the plain text";
  EXPECT_EQ(seed.body.find("alice-password"), std::string::npos);
}

TEST_F(AuthTest, UsersMe) {
  auto anon = client();
  EXPECT_EQ(anon.get("/Users/Me").status, 401);
  anon.token = "00000000000000000000000000000bad";
  EXPECT_EQ(anon.get("/Users/Me").status, 401);
  auto key = api_key_client();
  auto r = key.get("/Users/Me");
  EXPECT_EQ(r.status, 400) << "API key: no user";
  auto a = alice();
  r = a.get("/Users/Me");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.str("Id"), small::kAlice);
  EXPECT_TRUE(r.json.HasMember("Configuration"));
  EXPECT_FALSE(r.json.HasMember("PrimaryImageTag")) << "nulls are omitted";
}

TEST_F(AuthTest, Logout) {
  auto a = alice();
  auto r = a.post("/Sessions/Logout");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.header("Content-Length").empty()) << "204 carries no Content-Length (Kestrel)";
  EXPECT_EQ(a.get("/Users/Me").status, 401);
  EXPECT_EQ(a.post("/Sessions/Logout").status, 401);
  auto key = api_key_client();
  EXPECT_EQ(key.post("/Sessions/Logout").status, 204);
  EXPECT_EQ(key.get("/Items").status, 200) << "an API key is not logged out";
}

TEST_F(AuthTest, HeaderParsingEndToEnd) {
  auto a = alice();
  auto raw = client();
  raw.send_authorization = false;
  auto me = [&](const std::string& header) {
    return raw.send("GET", "/Users/Me", "", {{"Authorization", header}}, false).status;
  };
  EXPECT_EQ(me("MediaBrowser Token=\"" + a.token + "\""), 200);
  EXPECT_EQ(me("mediabrowser Token=" + a.token), 200) << "scheme case-insensitive, quotes optional";
  EXPECT_EQ(me("MediaBrowser Client=\"a,b\", Token=\"" + a.token + "\""), 200)
      << "comma inside quotes";
  EXPECT_EQ(me("MediaBrowser token=\"" + a.token + "\""), 401) << "keys are case-sensitive";
  EXPECT_EQ(me("MediaBrowser Token=\"x\", Token=\"" + a.token + "\""), 200)
      << "last duplicate wins";
  EXPECT_EQ(me("MediaBrowser Token=\"" + a.token + "\", Token=\"x\""), 401);
  EXPECT_EQ(me("Bearer " + a.token), 401);
  EXPECT_EQ(me("MediaBrowser"), 401);
}

TEST_F(AuthTest, MissingClientFieldsAreFilledFromTheStoredDevice) {
  auto a = client("kitchen");
  std::string t = a.login("alice", "alice-password");
  auto raw = client();
  raw.send_authorization = false;
  // Only the token: Client/Device/DeviceId/Version come from the device row.
  auto r =
      raw.send("POST", "/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})",
               {{"Authorization", "MediaBrowser Token=\"" + t + "\""}}, false);
  ASSERT_EQ(r.status, 200);
  EXPECT_STREQ(r.json["SessionInfo"]["DeviceId"].GetString(), "kitchen");
}

TEST_F(AuthTest, LegacyAuthOn) {
  auto a = alice();
  auto raw = client();
  raw.send_authorization = false;
  auto status = [&](const std::string& path, Headers h) {
    return raw.send("GET", path, "", h, false).status;
  };
  EXPECT_EQ(status("/Users/Me", {{"X-Emby-Token", a.token}}), 200);
  EXPECT_EQ(status("/Users/Me", {{"X-MediaBrowser-Token", a.token}}), 200);
  EXPECT_EQ(status("/Users/Me?api_key=" + a.token, {}), 200);
  EXPECT_EQ(status("/Users/Me?ApiKey=" + a.token, {}), 200);
  EXPECT_EQ(status("/Users/Me?apikey=" + a.token, {}), 200) << "query names are case-insensitive";
  EXPECT_EQ(
      status("/Users/Me", {{"X-Emby-Authorization", "MediaBrowser Token=\"" + a.token + "\""}}),
      200);
  EXPECT_EQ(status("/Users/Me", {{"X-Emby-Authorization", "Emby Token=\"" + a.token + "\""}}), 200);
  EXPECT_EQ(status("/Users/Me", {{"Authorization", "Emby Token=\"" + a.token + "\""}}), 200);
  // A proxy's Basic credentials hide X-Emby-Authorization.
  EXPECT_EQ(
      status("/Users/Me", {{"Authorization", "Basic dXNlcjpwYXNz"},
                           {"X-Emby-Authorization", "MediaBrowser Token=\"" + a.token + "\""}}),
      401);
}

TEST_F(AuthTest, LegacyAuthOff) {
  auto opts = small_options();
  opts.app.legacy_auth = false;
  start(opts);
  auto a = alice();
  auto raw = client();
  raw.send_authorization = false;
  auto status = [&](const std::string& path, Headers h) {
    return raw.send("GET", path, "", h, false).status;
  };
  EXPECT_EQ(status("/Users/Me", {{"X-Emby-Token", a.token}}), 401);
  EXPECT_EQ(status("/Users/Me", {{"X-MediaBrowser-Token", a.token}}), 401);
  EXPECT_EQ(status("/Users/Me?api_key=" + a.token, {}), 401);
  EXPECT_EQ(status("/Users/Me?ApiKey=" + a.token, {}), 200) << "ApiKey is always allowed";
  EXPECT_EQ(
      status("/Users/Me", {{"X-Emby-Authorization", "MediaBrowser Token=\"" + a.token + "\""}}),
      401);
  EXPECT_EQ(status("/Users/Me", {{"Authorization", "Emby Token=\"" + a.token + "\""}}), 401);
  EXPECT_EQ(status("/Users/Me", {{"Authorization", "MediaBrowser Token=\"" + a.token + "\""}}),
            200);
  // Anonymous endpoints stay reachable.
  EXPECT_EQ(status("/System/Info/Public", {{"X-Emby-Token", a.token}}), 200);
  // Login with only X-Emby-Authorization has no client fields any more.
  auto r =
      raw.send("POST", "/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})",
               {{"X-Emby-Authorization", a.authorization()}}, false);
  EXPECT_EQ(r.status, 400);
}

TEST_F(AuthTest, LegacySwitchAtRuntime) {
  auto a = alice();
  auto raw = client();
  raw.send_authorization = false;
  EXPECT_EQ(raw.send("GET", "/Users/Me", "", {{"X-Emby-Token", a.token}}, false).status, 200);
  ASSERT_EQ(a.control("POST", "/__standin/config", R"({"LegacyAuth": false})").status, 200);
  EXPECT_EQ(raw.send("GET", "/Users/Me", "", {{"X-Emby-Token", a.token}}, false).status, 401);
  ASSERT_EQ(a.control("POST", "/__standin/config", R"({"LegacyAuth": true})").status, 200);
  EXPECT_EQ(raw.send("GET", "/Users/Me", "", {{"X-Emby-Token", a.token}}, false).status, 200);
}

TEST_F(AuthTest, LockedOutUsersTokenIs401) {
  auto adm = admin();
  auto pol = adm.get(std::string("/Users/") + small::kAlice);
  ASSERT_EQ(pol.status, 200);
  rapidjson::Document p;
  p.CopyFrom(pol.json["Policy"], p.GetAllocator());
  p["LoginAttemptsBeforeLockout"].SetInt(2);
  ASSERT_EQ(adm.post(std::string("/Users/") + small::kAlice + "/Policy", json::stringify(p)).status,
            204);
  auto a = alice();
  auto c = client("attacker");
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"x"})").status, 401);
  EXPECT_EQ(c.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"y"})").status, 401);
  EXPECT_EQ(
      c.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})").status,
      403)
      << "locked out: disabled";
  EXPECT_EQ(a.get("/Users/Me").status, 401) << "a disabled user's token is rejected";
}

TEST_F(AuthTest, ApiKeysList) {
  auto adm = admin();
  auto r = adm.get("/Auth/Keys");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.num("TotalRecordCount"), 1);
  EXPECT_EQ(r.num("StartIndex"), 0);
  const auto& k = r.json["Items"][0];
  EXPECT_STREQ(k["AppName"].GetString(), "fixture-key");
  EXPECT_STREQ(k["AccessToken"].GetString(), small::kApiKey);
  EXPECT_STREQ(k["DeviceId"].GetString(), "");
  EXPECT_STREQ(k["DeviceName"].GetString(), "");
  EXPECT_STREQ(k["AppVersion"].GetString(), "");
  EXPECT_EQ(k["Id"].GetInt(), 0);
  EXPECT_STREQ(k["UserId"].GetString(), "00000000000000000000000000000000");
  EXPECT_FALSE(k["IsActive"].GetBool());
  EXPECT_STREQ(k["DateCreated"].GetString(), "2024-01-01T00:00:00.0000000Z");
  EXPECT_STREQ(k["DateLastActivity"].GetString(), "0001-01-01T00:00:00.0000000Z");
  EXPECT_FALSE(k.HasMember("DateRevoked"));
  EXPECT_FALSE(k.HasMember("UserName"));
}

TEST_F(AuthTest, ApiKeysCreateUseDelete) {
  auto adm = admin();
  auto created = adm.post("/Auth/Keys?app=sync-tool");
  EXPECT_EQ(created.status, 204);
  EXPECT_TRUE(created.body.empty()) << "the new key is not returned";
  auto list = adm.get("/Auth/Keys");
  ASSERT_EQ(list.num("TotalRecordCount"), 2);
  std::string key;
  for (const auto& k : list.json["Items"].GetArray())
    if (std::string(k["AppName"].GetString()) == "sync-tool") key = k["AccessToken"].GetString();
  ASSERT_TRUE(is_guid_n(key));
  auto c = client();
  c.token = key;
  EXPECT_EQ(c.get("/Items?recursive=true&limit=1").status, 200);
  EXPECT_EQ(c.get("/Auth/Keys").status, 200) << "an API key is an administrator";
  EXPECT_EQ(adm.del("/Auth/Keys/" + key).status, 204);
  EXPECT_EQ(c.get("/Items").status, 401);
  EXPECT_EQ(adm.del("/Auth/Keys/doesnotexist").status, 204);
  EXPECT_EQ(adm.post("/Auth/Keys").status, 400) << "app is required";
  EXPECT_EQ(adm.post("/Auth/Keys?app=").status, 400);
}

TEST_F(AuthTest, ApiKeysNeedAnAdministrator) {
  auto a = alice();
  auto r = a.get("/Auth/Keys");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(a.post("/Auth/Keys?app=x").status, 403);
  EXPECT_EQ(a.del(std::string("/Auth/Keys/") + small::kApiKey).status, 403);
  auto anon = client();
  EXPECT_EQ(anon.get("/Auth/Keys").status, 401);
}

TEST_F(AuthTest, ApiKeyWithoutUserId) {
  auto k = api_key_client();
  EXPECT_EQ(k.get("/UserViews").status, 400);
  EXPECT_EQ(k.get(std::string("/Items/") + small::kMatrix).status, 400);
  EXPECT_EQ(k.post(std::string("/UserPlayedItems/") + small::kMatrix).status, 400);
  EXPECT_EQ(k.get(std::string("/UserItems/") + small::kMatrix + "/UserData").status, 400);
  EXPECT_EQ(k.get(std::string("/UserViews?userId=") + small::kAlice).status, 200);
  EXPECT_EQ(k.get(std::string("/Items/") + small::kMatrix + "?userId=" + small::kAlice).status,
            200);
}

TEST_F(AuthTest, SessionsListOwnOrAll) {
  auto a = alice();
  auto b = as("bob", "bob-password", "bob-device");
  auto adm = admin();
  auto all = adm.get("/Sessions");
  ASSERT_EQ(all.status, 200);
  ASSERT_TRUE(all.json.IsArray());
  EXPECT_EQ(all.json.Size(), 3u);
  auto mine = a.get("/Sessions?activeWithinSeconds=960");
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.json.Size(), 1u);
  EXPECT_STREQ(mine.json[0]["UserName"].GetString(), "alice");
  EXPECT_STREQ(mine.json[0]["DeviceId"].GetString(), "alice-device");
  EXPECT_FALSE(mine.json[0].HasMember("NowPlayingItem"));
  auto by_device = adm.get("/Sessions?deviceId=bob-device");
  ASSERT_EQ(by_device.json.Size(), 1u);
  EXPECT_STREQ(by_device.json[0]["UserName"].GetString(), "bob");
}

TEST_F(AuthTest, SessionsShowWhatIsPlaying) {
  auto a = alice();
  auto adm = admin();
  auto r = a.control("POST", "/__standin/playing",
                     std::string(R"({"User":"alice","ItemId":")") + small::kMatrix +
                         R"(","PositionTicks":6000000000})");
  ASSERT_EQ(r.status, 200);
  auto s = adm.get("/Sessions");
  bool found = false;
  for (const auto& sess : s.json.GetArray()) {
    if (!sess.HasMember("NowPlayingItem")) continue;
    found = true;
    EXPECT_STREQ(sess["NowPlayingItem"]["Id"].GetString(), small::kMatrix);
    EXPECT_STREQ(sess["NowPlayingItem"]["Type"].GetString(), "Movie");
    EXPECT_STREQ(sess["UserName"].GetString(), "alice");
    EXPECT_EQ(sess["PlayState"]["PositionTicks"].GetInt64(), 6000000000);
  }
  EXPECT_TRUE(found);
  auto b = as("bob", "bob-password", "bob-device");
  auto bob_sessions = b.get("/Sessions");
  for (const auto& sess : bob_sessions.json.GetArray())
    EXPECT_FALSE(sess.HasMember("NowPlayingItem"));
  // Attached to the user's own session when the device matches.
  a.control("DELETE", "/__standin/playing");
  a.control("POST", "/__standin/playing",
            std::string(R"({"UserId":")") + small::kAlice + R"(","ItemId":")" + small::kPilot +
                R"(","DeviceId":"alice-device"})");
  auto mine = a.get("/Sessions");
  ASSERT_EQ(mine.json.Size(), 1u);
  EXPECT_STREQ(mine.json[0]["NowPlayingItem"]["SeriesName"].GetString(), "Breaking Bad");
  ASSERT_EQ(a.control("DELETE", "/__standin/playing", R"({"User":"alice"})").status, 204);
  auto after = a.get("/Sessions");
  EXPECT_FALSE(after.json[0].HasMember("NowPlayingItem"));
}

}  // namespace
}  // namespace jb::standin::testing

namespace jb::standin::testing {
namespace {

class StatusTableTest : public StandinTest {};

TEST_F(StatusTableTest, DeviceNotAllowedByPolicyIs403) {
  auto adm = admin();
  auto u = adm.get(std::string("/Users/") + small::kBob);
  rapidjson::Document p;
  p.CopyFrom(u.json["Policy"], p.GetAllocator());
  p["EnableAllDevices"].SetBool(false);
  p["EnabledDevices"].SetArray();
  p["EnabledDevices"].PushBack("bobs-phone", p.GetAllocator());
  ASSERT_EQ(adm.post(std::string("/Users/") + small::kBob + "/Policy", json::stringify(p)).status,
            204);
  auto other = client("stolen-laptop");
  EXPECT_EQ(
      other.post("/Users/AuthenticateByName", R"({"Username":"bob","Pw":"bob-password"})").status,
      403);
  auto phone = client("bobs-phone");
  EXPECT_EQ(
      phone.post("/Users/AuthenticateByName", R"({"Username":"bob","Pw":"bob-password"})").status,
      200);
}

// API-NOTES §7 "Summary for the stand-in", row by row.
TEST_F(StatusTableTest, EveryRowOfTheSummary) {
  auto anon = client();
  auto a = alice();
  auto adm = admin();
  auto key = api_key_client();
  const std::string login = "/Users/AuthenticateByName";
  // AuthenticateByName bad user/password → 401.
  EXPECT_EQ(anon.post(login, R"({"Username":"alice","Pw":"bad"})").status, 401);
  EXPECT_EQ(anon.post(login, R"({"Username":"ghost","Pw":"bad"})").status, 401);
  // Disabled user / max sessions → 403 (device: DeviceNotAllowedByPolicyIs403).
  EXPECT_EQ(anon.post(login, R"({"Username":"dave","Pw":"dave-password"})").status, 403);
  auto carol = as("carol", "carol-password", "carol-1");
  EXPECT_EQ(client("carol-2").post(login, R"({"Username":"carol","Pw":"carol-password"})").status,
            403);
  // Without Client/Device/DeviceId/Version → 400.
  auto bare = client();
  bare.send_authorization = false;
  EXPECT_EQ(bare.post(login, R"({"Username":"alice","Pw":"alice-password"})").status, 400);
  // [Authorize] with a missing, unknown or logged-out token → 401 (empty body).
  for (const std::string& tok : {std::string(), std::string("ffffffffffffffffffffffffffffffff")}) {
    auto c = client();
    c.token = tok;
    auto r = c.get("/Items");
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(r.body.empty());
  }
  auto gone = as("bob", "bob-password", "bob-device");
  gone.post("/Sessions/Logout");
  EXPECT_EQ(gone.get("/Items").status, 401);
  // Non-admin on the admin routes → 403 (empty body).
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/Auth/Keys"},
           {"POST", "/Users/New"},
           {"POST", std::string("/Users/") + small::kBob + "/Policy"},
           {"DELETE", std::string("/Users/") + small::kBob},
           {"GET", "/Library/VirtualFolders"},
           {"GET", "/Library/MediaFolders"}}) {
    auto r = a.send(method, path, method == "POST" ? "{}" : "", {}, true);
    EXPECT_EQ(r.status, 403) << method << " " << path;
    EXPECT_TRUE(r.body.empty()) << method << " " << path;
  }
  // Non-admin passing another user's userId → 403.
  EXPECT_EQ(a.get(std::string("/Items?userId=") + small::kBob).status, 403);
  EXPECT_EQ(a.get(std::string("/UserViews?userId=") + small::kBob).status, 403);
  EXPECT_EQ(
      a.post(std::string("/UserPlayedItems/") + small::kMatrix + "?userId=" + small::kBob).status,
      403);
  // Unknown item / user id → 404.
  EXPECT_EQ(a.get("/Items/d00000000000400080000000000000ff").status, 404);
  EXPECT_EQ(a.get("/Users/a00000000000400080000000000000ff").status, 404);
  EXPECT_EQ(adm.get("/Items?userId=a00000000000400080000000000000ff").status, 404);
  // parentId of a library the user cannot see → 401.
  EXPECT_EQ(a.get(std::string("/Items?parentId=") + small::kKidsLib).status, 401);
  // API key on /Users/Me → 400.
  EXPECT_EQ(key.get("/Users/Me").status, 400);
  // Quick Connect disabled → 401.
  anon.control("POST", "/__standin/config", R"({"QuickConnect": false})");
  EXPECT_EQ(anon.post("/QuickConnect/Initiate").status, 401);
  // Server starting → 503 (+ Retry-After).
  anon.control("POST", "/__standin/starting", R"({"Enabled": true, "RetryAfterSeconds": 10})");
  auto starting = a.get("/Items");
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(starting.header("Retry-After"), "10");
}

}  // namespace
}  // namespace jb::standin::testing
