// api_users_test.cpp — user administration (API-NOTES §4): listing, public
// users, creation and name rules, policies (full policy required, last-admin
// rules), passwords, deletion, forgot-password PINs.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>

#include "common/core/json.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

class UsersTest : public StandinTest {
 protected:
  // The full policy of a user, modified by `edit`, posted back.
  long post_policy(ApiClient& c, const std::string& user_id,
                   const std::function<void(rapidjson::Document&)>& edit) {
    auto u = c.get("/Users/" + user_id);
    EXPECT_EQ(u.status, 200);
    rapidjson::Document p;
    p.CopyFrom(u.json["Policy"], p.GetAllocator());
    edit(p);
    return c.post("/Users/" + user_id + "/Policy", json::stringify(p)).status;
  }
  // Starts a server over an inline seed.
  void start_with_seed(const std::string& json) {
    std::string path = ::testing::TempDir() + "/standin_users_seed.json";
    std::ofstream(path) << json;
    StandinOptions o = small_options();
    o.seed_path = path;
    start(o);
  }
};

std::vector<std::string> user_names(const ApiResponse& r) {
  std::vector<std::string> out;
  for (const auto& u : r.json.GetArray()) out.emplace_back(u["Name"].GetString());
  return out;
}

using V = std::vector<std::string>;

TEST_F(UsersTest, ListAnyAuthenticatedUser) {
  auto a = alice();
  auto r = a.get("/Users");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(user_names(r), (V{"admin", "alice", "bob", "carol", "dave", "eve"}));
  EXPECT_TRUE(r.json[0].HasMember("Policy"));
  EXPECT_EQ(user_names(a.get("/Users?isDisabled=true")), (V{"dave"}));
  EXPECT_EQ(user_names(a.get("/Users?isHidden=true")), (V{"eve"}));
  EXPECT_EQ(a.get("/Users?isHidden=maybe").status, 400);
  EXPECT_EQ(client().get("/Users").status, 401);
}

TEST_F(UsersTest, PublicUsersAreVisibleAndEnabled) {
  auto anon = client();
  anon.send_authorization = false;
  auto r = anon.get("/Users/Public");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(user_names(r), (V{"admin", "alice", "bob", "carol"}));
}

TEST_F(UsersTest, GetById) {
  auto a = alice();
  auto r = a.get(std::string("/Users/") + small::kBob);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.str("Name"), "bob");
  EXPECT_FALSE(r.json.HasMember("ServerName")) << "not set by GetUserDto";
  auto eve = a.get(std::string("/Users/") + small::kEve);
  EXPECT_FALSE(eve.boolean("HasPassword"));
  auto missing = a.get("/Users/a0000000000040008000000000000999");
  EXPECT_EQ(missing.status, 404);
  ASSERT_TRUE(missing.json.IsString());
  EXPECT_STREQ(missing.json.GetString(), "User not found");
  EXPECT_EQ(a.get("/Users/nope").status, 400);
  EXPECT_EQ(a.get("/Users/a0000000-0000-4000-8000-000000000003").str("Name"), "bob");
}

TEST_F(UsersTest, CreateUser) {
  auto adm = admin();
  auto r = adm.post("/Users/New", R"({"Name": "frank", "Password": "frank-pw"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.str("Name"), "frank");
  EXPECT_TRUE(r.boolean("HasPassword"));
  const auto& p = r.json["Policy"];
  EXPECT_TRUE(p["IsHidden"].GetBool()) << "new users are hidden by default";
  EXPECT_FALSE(p["IsAdministrator"].GetBool());
  EXPECT_TRUE(p["EnableAllFolders"].GetBool());
  EXPECT_EQ(p["LoginAttemptsBeforeLockout"].GetInt(), -1);
  EXPECT_FALSE(as("frank", "frank-pw").token.empty());
  auto nopw = adm.post("/Users/New", R"({"name": "grace"})");
  ASSERT_EQ(nopw.status, 200);
  EXPECT_FALSE(nopw.boolean("HasPassword"));
  EXPECT_FALSE(as("grace", "").token.empty()) << "no password: an empty one logs in";
  EXPECT_EQ(adm.post("/Users/New", R"({"Name": "FRANK"})").status, 400)
      << "names are unique case-insensitively";
  for (const char* bad : {R"({"Name": ""})", R"({"Name": "   "})", R"({"Name": " lead"})",
                          R"({"Name": "‼️"})", R"({"Name": "a/b"})", R"({})", R"({"Name": 5})"})
    EXPECT_EQ(adm.post("/Users/New", bad).status, 400) << bad;
  EXPECT_EQ(adm.post("/Users/New", R"({"Name": "O'Brien-Smith_2.0@home+x"})").status, 200);
  EXPECT_EQ(adm.post("/Users/New", R"({"Name": "Zoë"})").status, 200);
  auto a = alice();
  EXPECT_EQ(a.post("/Users/New", R"({"Name": "mallory"})").status, 403);
}

TEST_F(UsersTest, PolicyUpdateIsWholesale) {
  auto adm = admin();
  EXPECT_EQ(post_policy(adm, small::kAlice,
                        [](rapidjson::Document& p) { p["EnableAllFolders"].SetBool(true); }),
            204);
  auto a = alice();
  auto views = a.get("/UserViews");
  EXPECT_EQ(views.num("TotalRecordCount"), 4) << "alice now sees every library";
  auto after = adm.get(std::string("/Users/") + small::kAlice);
  EXPECT_TRUE(after.json["Policy"]["EnableAllFolders"].GetBool());
  // A partial policy resets everything else to defaults (and misses the provider ids).
  EXPECT_EQ(
      adm.post(std::string("/Users/") + small::kAlice + "/Policy", R"({"IsHidden": false})").status,
      400);
  EXPECT_EQ(post_policy(adm, small::kAlice,
                        [](rapidjson::Document& p) { p.RemoveMember("AuthenticationProviderId"); }),
            400);
  EXPECT_EQ(post_policy(adm, small::kAlice,
                        [](rapidjson::Document& p) { p["PasswordResetProviderId"].SetString(""); }),
            400);
  EXPECT_EQ(post_policy(adm, small::kAlice,
                        [](rapidjson::Document& p) { p["IsHidden"].SetString("no"); }),
            400);
  EXPECT_EQ(adm.post("/Users/a0000000000040008000000000000999/Policy",
                     json::stringify(after.json["Policy"]))
                .status,
            404);
  EXPECT_EQ(post_policy(a, small::kAlice,
                        [](rapidjson::Document& p) { p["IsAdministrator"].SetBool(true); }),
            403);
}

TEST_F(UsersTest, LastAdminAndDisableRules) {
  auto adm = admin();
  EXPECT_EQ(post_policy(adm, small::kAdmin,
                        [](rapidjson::Document& p) { p["IsAdministrator"].SetBool(false); }),
            403)
      << "the last administrator cannot be demoted";
  EXPECT_EQ(post_policy(adm, small::kAdmin,
                        [](rapidjson::Document& p) { p["IsDisabled"].SetBool(true); }),
            403)
      << "administrators cannot be disabled";
  auto b = as("bob", "bob-password", "bob-device");
  EXPECT_EQ(
      post_policy(adm, small::kBob, [](rapidjson::Document& p) { p["IsDisabled"].SetBool(true); }),
      204);
  EXPECT_EQ(b.get("/Users/Me").status, 401) << "disabling revokes the user's tokens";
  // Promote alice, then admin may be demoted.
  EXPECT_EQ(post_policy(adm, small::kAlice,
                        [](rapidjson::Document& p) { p["IsAdministrator"].SetBool(true); }),
            204);
  EXPECT_EQ(post_policy(adm, small::kAdmin,
                        [](rapidjson::Document& p) { p["IsAdministrator"].SetBool(false); }),
            204);
  EXPECT_EQ(adm.get("/Auth/Keys").status, 403) << "the role follows the policy immediately";
}

TEST_F(UsersTest, LastEnabledUserCannotBeDisabled) {
  // A seed can hold a disabled administrator; then "solo" is the last enabled user.
  start_with_seed(R"({"ApiKeys": [{"Name": "k", "Key": "k0000000000040008000000000000001"}],
                     "Users": [{"Name": "root", "Password": "pw", "Policy": {"IsAdministrator": true, "IsDisabled": true}},
                               {"Name": "solo", "Password": "pw"},
                               {"Name": "other", "Password": "pw"}]})");
  auto k = client();
  k.token = "k0000000000040008000000000000001";
  std::map<std::string, std::string> id;
  auto users = k.get("/Users");
  for (const auto& u : users.json.GetArray()) id[u["Name"].GetString()] = u["Id"].GetString();
  EXPECT_EQ(
      post_policy(k, id["other"], [](rapidjson::Document& p) { p["IsDisabled"].SetBool(true); }),
      204);
  auto r = k.get("/Users/" + id["solo"]);
  rapidjson::Document p;
  p.CopyFrom(r.json["Policy"], p.GetAllocator());
  p["IsDisabled"].SetBool(true);
  auto denied = k.post("/Users/" + id["solo"] + "/Policy", json::stringify(p));
  EXPECT_EQ(denied.status, 403);
  ASSERT_TRUE(denied.json.IsString());
  EXPECT_STREQ(denied.json.GetString(), "There must be at least one enabled user in the system.");
}

TEST_F(UsersTest, ConfigurationIsReplacedByTheUserOrAnAdmin) {
  auto a = alice();
  const std::string mine = R"({"SubtitleMode": "Always", "HidePlayedInLatest": false})";
  EXPECT_EQ(a.post("/Users/Configuration", mine).status, 204);
  auto me = a.get("/Users/Me");
  ASSERT_EQ(me.status, 200);
  EXPECT_STREQ(me.json["Configuration"]["SubtitleMode"].GetString(), "Always");
  EXPECT_FALSE(me.json["Configuration"]["HidePlayedInLatest"].GetBool());
  // Another user's configuration: only an administrator (or an API key).
  EXPECT_EQ(a.post(std::string("/Users/Configuration?userId=") + small::kBob, mine).status, 403);
  EXPECT_EQ(api_key_client()
                .post(std::string("/Users/Configuration?userId=") + small::kBob,
                      R"({"SubtitleMode": "None"})")
                .status,
            204);
  auto bob = api_key_client().get(std::string("/Users/") + small::kBob);
  EXPECT_STREQ(bob.json["Configuration"]["SubtitleMode"].GetString(), "None");
  EXPECT_EQ(
      api_key_client().post("/Users/a0000000000040008000000000000999/Configuration", mine).status,
      404);
  EXPECT_EQ(a.post("/Users/Configuration", "[1]").status, 400);
}

TEST_F(UsersTest, DisplayPreferencesPerIdAndClientForTheUserOrAnAdmin) {
  auto a = alice();
  const std::string path = "/DisplayPreferences/usersettings?client=emby";
  auto fresh = a.get(path);
  ASSERT_EQ(fresh.status, 200);
  const std::string id = fresh.json["Id"].GetString();
  EXPECT_EQ(id.size(), 32u) << "a GUID derived from the id, as Jellyfin's";
  EXPECT_STREQ(fresh.json["Client"].GetString(), "emby");
  EXPECT_TRUE(fresh.json["CustomPrefs"].IsObject());
  EXPECT_EQ(a.post(path, R"({"Id":"usersettings","CustomPrefs":{"homesection0":"resume"}})").status,
            204);
  auto saved = a.get(path);
  EXPECT_STREQ(saved.json["CustomPrefs"]["homesection0"].GetString(), "resume");
  EXPECT_EQ(saved.json["Id"].GetString(), id) << "the server's Id, not the one sent";
  EXPECT_TRUE(
      a.get("/DisplayPreferences/usersettings?client=other").json["CustomPrefs"].ObjectEmpty())
      << "per client";
  EXPECT_EQ(a.get("/DisplayPreferences/usersettings").status, 400) << "client is required";
  EXPECT_EQ(a.post(path, "[1]").status, 400);
  // Another user's: only an administrator (or an API key).
  EXPECT_EQ(a.get(path + "&userId=" + small::kBob).status, 403);
  EXPECT_EQ(api_key_client()
                .post(path + "&userId=" + small::kBob, R"({"CustomPrefs":{"homesection0":"none"}})")
                .status,
            204);
  EXPECT_STREQ(api_key_client()
                   .get(path + "&userId=" + small::kBob)
                   .json["CustomPrefs"]["homesection0"]
                   .GetString(),
               "none");
}

TEST_F(UsersTest, ChangeOwnPassword) {
  auto a = alice();
  auto other = as("alice", "alice-password", "alice-tablet");
  EXPECT_EQ(a.post("/Users/Password", R"({"CurrentPw": "wrong", "NewPw": "new-pw"})").status, 403);
  EXPECT_EQ(
      a.post("/Users/Password", R"({"CurrentPw": "alice-password", "NewPw": "new-pw"})").status,
      204);
  EXPECT_EQ(a.get("/Users/Me").status, 200) << "the caller's token is kept";
  EXPECT_EQ(other.get("/Users/Me").status, 401) << "other tokens are revoked";
  EXPECT_EQ(client()
                .post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})")
                .status,
            401);
  EXPECT_FALSE(as("alice", "new-pw", "x").token.empty());
  EXPECT_EQ(
      a.post(std::string("/Users/Password?userId=") + small::kBob, R"({"NewPw": "x"})").status, 403)
      << "non-admin, other user";
  EXPECT_EQ(a.post(std::string("/Users/") + small::kAlice + "/Password",
                   R"({"CurrentPw": "new-pw", "NewPw": "legacy-pw"})")
                .status,
            204)
      << "legacy route";
}

TEST_F(UsersTest, AdminPasswordRules) {
  auto adm = admin();
  EXPECT_EQ(adm.post(std::string("/Users/Password?userId=") + small::kAlice,
                     R"({"NewPw": "set-by-admin"})")
                .status,
            204)
      << "an admin changing another user needs no current password";
  EXPECT_FALSE(as("alice", "set-by-admin", "y").token.empty());
  EXPECT_EQ(adm.post(std::string("/Users/Password?userId=") + small::kAdmin,
                     R"({"CurrentPw": "x", "NewPw": "y"})")
                .status,
            403)
      << "an admin passing its own id is verified";
  EXPECT_EQ(adm.post("/Users/Password", R"({"NewPw": ""})").status, 400)
      << "admins cannot have an empty password";
  EXPECT_EQ(
      adm.post(std::string("/Users/Password?userId=") + small::kAlice, R"({"ResetPassword": true})")
          .status,
      204);
  EXPECT_FALSE(adm.get(std::string("/Users/") + small::kAlice).boolean("HasPassword"));
  EXPECT_FALSE(as("alice", "", "z").token.empty());
  EXPECT_EQ(adm.post("/Users/Password?userId=a0000000000040008000000000000999", R"({"NewPw": "x"})")
                .status,
            404);
  auto b = as("bob", "bob-password", "bob-device");
  EXPECT_EQ(b.post("/Users/Password", R"({"CurrentPw": "bob-password", "NewPw": "x"})").status, 403)
      << "EnableUserPreferenceAccess=false";
  EXPECT_EQ(api_key_client().post("/Users/Password", R"({"NewPw": "x"})").status, 400);
}

TEST_F(UsersTest, DeleteUser) {
  auto adm = admin();
  auto carol = as("carol", "carol-password", "carol-device");
  auto a = alice();
  EXPECT_EQ(a.del(std::string("/Users/") + small::kCarol).status, 403);
  auto r = adm.del(std::string("/Users/") + small::kCarol);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(carol.get("/Users/Me").status, 401);
  EXPECT_EQ(adm.get(std::string("/Users/") + small::kCarol).status, 404);
  EXPECT_EQ(adm.del("/Users/a0000000000040008000000000000999").status, 404);
  // The last administrator: 400, but its tokens were revoked first.
  EXPECT_EQ(adm.del(std::string("/Users/") + small::kAdmin).status, 400);
  EXPECT_EQ(adm.get("/Users/Me").status, 401);
  EXPECT_FALSE(admin().token.empty()) << "the admin still exists";
}

TEST_F(UsersTest, DeletingTheLastUserIs500) {
  start_with_seed(R"({"ApiKeys": [{"Name": "k", "Key": "k0000000000040008000000000000001"}],
                     "Users": [{"Name": "only", "Password": "pw", "Policy": {"IsAdministrator": true}}]})");
  auto c = client();
  c.token = "k0000000000040008000000000000001";
  auto users = c.get("/Users");
  ASSERT_EQ(users.json.Size(), 1u);
  EXPECT_EQ(c.del(std::string("/Users/") + users.json[0]["Id"].GetString()).status, 500);
}

TEST_F(UsersTest, ForgotPasswordPinFlow) {
  auto anon = client();
  auto r = anon.post("/Users/ForgotPassword", R"({"EnteredUsername": "alice"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.str("Action"), "PinCode");
  EXPECT_EQ(r.str("PinFile").rfind("/var/lib/jellyfin/passwordreset", 0), 0u);
  EXPECT_FALSE(r.str("PinExpirationDate").empty());
  auto pins = anon.control("GET", "/__standin/pins");
  ASSERT_EQ(pins.json.Size(), 1u);
  std::string pin = pins.json[0]["Pin"].GetString();
  ASSERT_EQ(pin.size(), 11u);
  EXPECT_EQ(pin[2], '-');
  std::string typed;
  for (char ch : pin)
    if (ch != '-') typed.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  auto redeem = anon.post("/Users/ForgotPassword/Pin", "{\"Pin\": \"" + typed + "\"}");
  ASSERT_EQ(redeem.status, 200) << "dashes and case ignored";
  EXPECT_TRUE(redeem.boolean("Success"));
  EXPECT_STREQ(redeem.json["UsersReset"][0].GetString(), "alice");
  EXPECT_FALSE(as("alice", typed).token.empty()) << "the password is now the PIN as typed";
  EXPECT_EQ(anon.post("/Users/ForgotPassword/Pin", "{\"Pin\": \"" + typed + "\"}").status, 404)
      << "used once";
  auto unknown = anon.post("/Users/ForgotPassword", R"({"EnteredUsername": "nobody"})");
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.str("Action"), "PinCode") << "no user enumeration";
  EXPECT_EQ(anon.control("GET", "/__standin/pins").json.Size(), 0u);
  EXPECT_EQ(anon.post("/Users/ForgotPassword", R"({})").status, 400);
}

TEST_F(UsersTest, ExpiredPinsDoNotRedeem) {
  auto anon = client();
  ASSERT_EQ(anon.post("/Users/ForgotPassword", R"({"EnteredUsername": "bob"})").status, 200);
  std::string pin = anon.control("GET", "/__standin/pins").json[0]["Pin"].GetString();
  ASSERT_EQ(anon.control("POST", "/__standin/clock", R"({"AdvanceSeconds": 1860})").status, 200);
  EXPECT_EQ(anon.post("/Users/ForgotPassword/Pin", "{\"Pin\": \"" + pin + "\"}").status, 404);
}

}  // namespace
}  // namespace jb::standin::testing
