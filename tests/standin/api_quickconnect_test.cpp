// api_quickconnect_test.cpp — Quick Connect (API-NOTES §2, §10): codes and
// secrets, polling, approval creating the token for the initiating device,
// the non-consuming exchange, expiry through the controllable clock, the
// disabled switch and the legacy GET /QuickConnect/Initiate.
#include <gtest/gtest.h>

#include "common/core/time.h"
#include "tests/standin/guid.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

class QuickConnectTest : public StandinTest {
 protected:
  // A client on the TV that wants to sign in.
  ApiClient tv() {
    ApiClient c = client("living-room-tv");
    c.client = "Jellyfin TV";
    c.device = "Living Room";
    c.version = "2.0.1";
    return c;
  }
  ApiResponse exchange(ApiClient& c, const std::string& secret) {
    return c.post("/Users/AuthenticateWithQuickConnect", "{\"Secret\":\"" + secret + "\"}");
  }
  void advance(int seconds) {
    auto c = client();
    ASSERT_EQ(c.control("POST", "/__standin/clock",
                        "{\"AdvanceSeconds\": " + std::to_string(seconds) + "}")
                  .status,
              200);
  }
};

TEST_F(QuickConnectTest, Enabled) {
  auto c = client();
  EXPECT_EQ(c.get("/QuickConnect/Enabled").body, "true");
  c.control("POST", "/__standin/config", R"({"QuickConnect": false})");
  EXPECT_EQ(c.get("/QuickConnect/Enabled").body, "false");
}

TEST_F(QuickConnectTest, InitiateShape) {
  auto t = tv();
  int64_t before = timeutil::now_unix_us() - 2'000'000;
  auto r = t.post("/QuickConnect/Initiate");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.boolean("Authenticated"));
  std::string code = r.str("Code"), secret = r.str("Secret");
  ASSERT_EQ(code.size(), 6u);
  EXPECT_GE(std::stoi(code), 100000);
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(secret.find_first_not_of("0123456789ABCDEF"), std::string::npos) << "uppercase hex";
  EXPECT_EQ(r.str("DeviceId"), "living-room-tv");
  EXPECT_EQ(r.str("DeviceName"), "Living Room");
  EXPECT_EQ(r.str("AppName"), "Jellyfin TV");
  EXPECT_EQ(r.str("AppVersion"), "2.0.1");
  auto added = timeutil::parse_iso8601(r.str("DateAdded"));
  ASSERT_TRUE(added);
  EXPECT_GE(*added, before);
  auto second = t.post("/QuickConnect/Initiate");
  EXPECT_NE(second.str("Secret"), secret);
  EXPECT_NE(second.str("Code"), code);
}

TEST_F(QuickConnectTest, InitiateNeedsTheClientFields) {
  auto none = client();
  none.send_authorization = false;
  EXPECT_EQ(none.post("/QuickConnect/Initiate").status, 400);
  auto partial = tv();
  partial.version = "";
  EXPECT_EQ(partial.post("/QuickConnect/Initiate").status, 400);
}

TEST_F(QuickConnectTest, LegacyGetInitiateOnlyIn1011Mode) {
  auto t = tv();
  EXPECT_EQ(t.get("/QuickConnect/Initiate").status, 200);
  t.control("POST", "/__standin/config", R"({"LegacyAuth": false})");
  EXPECT_EQ(t.get("/QuickConnect/Initiate").status, 405) << "removed in 12.0";
  EXPECT_EQ(t.post("/QuickConnect/Initiate").status, 200);
}

TEST_F(QuickConnectTest, FullFlow) {
  auto t = tv();
  auto init = t.post("/QuickConnect/Initiate");
  std::string secret = init.str("Secret"), code = init.str("Code");
  auto poll = t.get("/QuickConnect/Connect?secret=" + secret);
  ASSERT_EQ(poll.status, 200);
  EXPECT_FALSE(poll.boolean("Authenticated"));
  EXPECT_EQ(exchange(t, secret).status, 404) << "not yet authorized";

  auto phone = alice();
  auto ok = phone.post("/QuickConnect/Authorize?code=" + code);
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "true");
  EXPECT_TRUE(t.get("/QuickConnect/Connect?secret=" + secret).boolean("Authenticated"));

  auto r1 = exchange(t, secret);
  ASSERT_EQ(r1.status, 200);
  std::string token = r1.str("AccessToken");
  EXPECT_TRUE(is_guid_n(token));
  EXPECT_STREQ(r1.json["User"]["Name"].GetString(), "alice");
  EXPECT_STREQ(r1.json["SessionInfo"]["DeviceId"].GetString(), "living-room-tv")
      << "the initiating device";
  EXPECT_STREQ(r1.json["SessionInfo"]["Client"].GetString(), "Jellyfin TV");
  auto r2 = exchange(t, secret);
  EXPECT_EQ(r2.str("AccessToken"), token) << "the exchange does not consume the secret";
  t.token = token;
  EXPECT_EQ(t.get("/Users/Me").str("Name"), "alice");
  EXPECT_EQ(phone.post("/QuickConnect/Authorize?code=" + code).status, 500) << "already authorized";
}

TEST_F(QuickConnectTest, ApprovalRevokesTheUsersOlderTokenOnThatDevice) {
  auto old_login = as("alice", "alice-password", "living-room-tv");
  auto t = tv();
  auto init = t.post("/QuickConnect/Initiate");
  auto phone = alice();
  ASSERT_EQ(phone.post("/QuickConnect/Authorize?code=" + init.str("Code")).status, 200);
  EXPECT_EQ(old_login.get("/Users/Me").status, 401) << "same user + DeviceId: revoked";
  EXPECT_EQ(phone.get("/Users/Me").status, 200);
}

TEST_F(QuickConnectTest, AuthorizeRules) {
  auto t = tv();
  auto phone = alice();
  EXPECT_EQ(phone.post("/QuickConnect/Authorize?code=000000").status, 404);
  EXPECT_EQ(phone.post("/QuickConnect/Authorize").status, 400) << "code is required";
  auto init = t.post("/QuickConnect/Initiate");
  EXPECT_EQ(
      phone.post("/QuickConnect/Authorize?code=" + init.str("Code") + "&userId=" + small::kAdmin)
          .status,
      403);
  EXPECT_EQ(client().post("/QuickConnect/Authorize?code=" + init.str("Code")).status, 401);
  auto key = api_key_client();
  EXPECT_EQ(key.post("/QuickConnect/Authorize?code=" + init.str("Code")).status, 400)
      << "an API key has no user";
  auto init2 = t.post("/QuickConnect/Initiate");
  auto adm = admin();
  ASSERT_EQ(adm.post("/QuickConnect/Authorize?code=" + init2.str("Code") + "&userId=" + small::kBob)
                .status,
            200);
  EXPECT_STREQ(exchange(t, init2.str("Secret")).json["User"]["Name"].GetString(), "bob");
}

TEST_F(QuickConnectTest, PendingRequestsExpireAfterTenMinutes) {
  auto t = tv();
  auto init = t.post("/QuickConnect/Initiate");
  advance(9 * 60);
  EXPECT_EQ(t.get("/QuickConnect/Connect?secret=" + init.str("Secret")).status, 200);
  advance(61);
  auto gone = t.get("/QuickConnect/Connect?secret=" + init.str("Secret"));
  EXPECT_EQ(gone.status, 404);
  ASSERT_TRUE(gone.json.IsString());
  EXPECT_STREQ(gone.json.GetString(), "Unknown secret");
  auto phone = alice();
  EXPECT_EQ(phone.post("/QuickConnect/Authorize?code=" + init.str("Code")).status, 404);
}

TEST_F(QuickConnectTest, AuthorizedEntriesExpire) {
  auto t = tv();
  auto init = t.post("/QuickConnect/Initiate");
  std::string secret = init.str("Secret");
  auto phone = alice();
  ASSERT_EQ(phone.post("/QuickConnect/Authorize?code=" + init.str("Code")).status, 200);
  advance(10 * 60 + 5);
  EXPECT_EQ(exchange(t, secret).status, 404)
      << "the authorized secret expires 10 min after approval";
  EXPECT_EQ(t.get("/QuickConnect/Connect?secret=" + secret).status, 200)
      << "approval pushed DateAdded one minute ahead";
  advance(60);
  EXPECT_EQ(t.get("/QuickConnect/Connect?secret=" + secret).status, 404);
}

TEST_F(QuickConnectTest, Disabled) {
  auto t = tv();
  auto init = t.post("/QuickConnect/Initiate");
  auto phone = alice();
  t.control("POST", "/__standin/config", R"({"QuickConnect": false})");
  auto r = t.post("/QuickConnect/Initiate");
  EXPECT_EQ(r.status, 401);
  ASSERT_TRUE(r.json.IsString());
  EXPECT_STREQ(r.json.GetString(), "Quick connect is disabled");
  EXPECT_EQ(t.get("/QuickConnect/Connect?secret=" + init.str("Secret")).status, 401);
  EXPECT_EQ(phone.post("/QuickConnect/Authorize?code=" + init.str("Code")).status, 401);
  EXPECT_EQ(exchange(t, init.str("Secret")).status, 401);
}

TEST_F(QuickConnectTest, ExchangeInputErrors) {
  auto t = tv();
  EXPECT_EQ(t.send("POST", "/Users/AuthenticateWithQuickConnect", "",
                   {{"Content-Type", "application/json"}}, true)
                .status,
            400);
  EXPECT_EQ(t.post("/Users/AuthenticateWithQuickConnect", "{}").status, 400);
  EXPECT_EQ(t.post("/Users/AuthenticateWithQuickConnect", R"({"Secret": 5})").status, 400);
  EXPECT_EQ(t.post("/Users/AuthenticateWithQuickConnect", R"({"Secret": "nope"})").status, 404);
  EXPECT_EQ(t.get("/QuickConnect/Connect").status, 400) << "secret is required";
}

TEST_F(QuickConnectTest, ControlApiApproves) {
  auto t = tv();
  auto init = t.post("/QuickConnect/Initiate");
  auto r = t.control("POST", "/__standin/quickconnect/approve",
                     "{\"Code\": \"" + init.str("Code") + "\", \"User\": \"carol\"}");
  ASSERT_EQ(r.status, 200);
  EXPECT_STREQ(exchange(t, init.str("Secret")).json["User"]["Name"].GetString(), "carol");
  EXPECT_EQ(
      t.control("POST", "/__standin/quickconnect/approve", R"({"Code": "123456", "User": "carol"})")
          .status,
      404);
}

}  // namespace
}  // namespace jb::standin::testing
