// End-to-end tests of what lets a sign-in skip or replace the second step
// (issue 12, part 2): remembered browsers (the jb_trusted cookie: tampered,
// expired, revoked, on another device or for another user — each refused),
// app passwords (Bearer credentials for the API, refused for sign-in, as a
// cookie and for security settings), the LAN bypass (never through an
// untrusted proxy), and an administrator's reset of a user's second factor.
// Real auth-service binaries, real Redis, Debian's oathtool as the
// authenticator app, the Jellyfin stand-in as the home server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/e2e/second_factor_env.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_dump.h"

using namespace jb;
using namespace jb::testing;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Answer {
  int status = -1;
  json::Document body;
  std::vector<std::string> set_cookies;
  std::string cookie(const std::string& name) const {  // "name=value" of a Set-Cookie, or ""
    for (const auto& c : set_cookies)
      if (c.rfind(name + "=", 0) == 0) return c.substr(0, c.find(';'));
    return "";
  }
};

Answer ask(Client& c, const std::string& method, const std::string& path,
           const std::string& body = "", Headers headers = {}) {
  Answer a;
  auto r = c.call(method, path, body, std::move(headers));
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return a;
  a.status = static_cast<int>(r->status);
  a.body = body_of(r);
  for (const auto& [k, v] : r->headers)
    if (text::iequals(k, "Set-Cookie")) a.set_cookies.push_back(v);
  return a;
}

std::string signin_body(const std::string& user, const std::string& device = "") {
  std::string b = R"({"username":")" + user + R"(","password":")" + user + R"(-password")";
  if (!device.empty()) b += R"(,"device_id":")" + device + R"(")";
  return b + "}";
}

// Signs `user` in (no second factor yet) and sets up an authenticator: its secret.
std::string enrol(const std::string& base, const std::string& user, std::string* token = nullptr) {
  Client anon{base, ""};
  auto in = ask(anon, "POST", "/api/v1/auth/login", signin_body(user));
  EXPECT_EQ(in.status, 200);
  Client me{base, json::get_string(*json::member(in.body, "session"), "token")};
  auto begin = ask(me, "POST", "/api/v1/me/security/totp");
  EXPECT_EQ(begin.status, 201);
  const std::string secret = json::get_string(begin.body, "secret");
  auto ok = ask(me, "POST", "/api/v1/me/security/totp/confirm",
                code_body(oathtool(secret, timeutil::now_unix_ms() / 1000)));
  EXPECT_EQ(ok.status, 200);
  if (token) *token = me.token;
  return secret;
}

// The challenge id of a sign-in that must ask for the second factor ("" if it did not).
std::string challenged(const Answer& a) {
  const auto* ch = json::member(a.body, "challenge");
  return a.status == 200 && ch ? json::get_string(*ch, "id") : "";
}

}  // namespace

TEST(TrustedDevices, ARememberedBrowserSkipsTheSecondStepOnlyForItsUserAndDevice) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_BURST", "100"},
                  {"JB_SIGNIN_IP_BURST", "100"},
                  {"JB_SIGNIN_USER_BURST", "100"}});
  const std::string secret = enrol(e.base_a, "demo");
  enrol(e.base_a, "admin");
  Client anon{e.base_a, ""};

  // Without device_id, "remember" cannot be honoured (and nothing is used up).
  auto first = ask(anon, "POST", "/api/v1/auth/login", signin_body("demo"));
  const std::string plain = challenged(first);
  ASSERT_FALSE(plain.empty());
  int64_t t = timeutil::now_unix_ms() / 1000 + 30;
  auto no_device =
      ask(anon, "POST", "/api/v1/auth/challenge/" + plain,
          R"({"method":"totp","code":")" + oathtool(secret, t) + R"(","remember":true})");
  EXPECT_EQ(no_device.status, 400);

  // With one: the answer carries the jb_trusted cookie.
  const std::string device = "web-3f9c2a";
  auto in = ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", device));
  const std::string id = challenged(in);
  ASSERT_FALSE(id.empty());
  auto done = ask(anon, "POST", "/api/v1/auth/challenge/" + id,
                  R"({"method":"totp","code":")" + oathtool(secret, t) + R"(","remember":true})");
  ASSERT_EQ(done.status, 200) << json::stringify(done.body);
  const std::string trusted = done.cookie("jb_trusted");
  ASSERT_FALSE(trusted.empty());
  bool attributes = false;
  for (const auto& c : done.set_cookies)
    if (c.rfind("jb_trusted=", 0) == 0)
      attributes =
          c.find("HttpOnly") != std::string::npos && c.find("SameSite=Strict") != std::string::npos;
  EXPECT_TRUE(attributes);

  // The same browser signs in with its password alone, on either replica, and is
  // given the cookie again (its lifetime slides).
  for (const std::string& base : {e.base_a, e.base_b}) {
    Client c{base, ""};
    auto again =
        ask(c, "POST", "/api/v1/auth/login", signin_body("demo", device), {{"Cookie", trusted}});
    ASSERT_EQ(again.status, 200);
    EXPECT_NE(json::member(again.body, "session"), nullptr) << json::stringify(again.body);
    EXPECT_EQ(again.cookie("jb_trusted"), trusted);
  }
  // Tampered, another device, another user, no cookie: the second step is asked.
  std::string tampered = trusted;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", device),
                              {{"Cookie", tampered}}))
                   .empty());
  EXPECT_FALSE(challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", "web-other"),
                              {{"Cookie", trusted}}))
                   .empty());
  EXPECT_FALSE(challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("admin", device),
                              {{"Cookie", trusted}}))
                   .empty());
  EXPECT_FALSE(
      challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", device))).empty());

  // Listed (never the cookie), then revoked: asked again.
  Client me{e.base_a, json::get_string(*json::member(done.body, "session"), "token")};
  auto list = ask(me, "GET", "/api/v1/me/security/trusted-browsers");
  ASSERT_EQ(list.status, 200);
  const auto& items = *json::member(list.body, "trusted_browsers");
  ASSERT_EQ(items.Size(), 1u);
  const std::string handle = json::get_string(items[0], "id");
  EXPECT_EQ(trusted.find(handle), std::string::npos);
  EXPECT_EQ(json::get_string(items[0], "ip"), "127.0.0.1");
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dump = redis_dump(redis);
  ASSERT_TRUE(dump.ok());
  const std::string value = trusted.substr(trusted.find('=') + 1);
  EXPECT_EQ(dump->find(value.substr(0, value.find('.'))), std::string::npos)
      << "the cookie's token is not in Redis";
  EXPECT_EQ(ask(me, "DELETE", "/api/v1/me/security/trusted-browsers/" + handle).status, 204);
  EXPECT_EQ(ask(me, "DELETE", "/api/v1/me/security/trusted-browsers/" + handle).status, 404);
  EXPECT_FALSE(challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", device),
                              {{"Cookie", trusted}}))
                   .empty());
  for (const auto& line : e.stack.all_logs())
    EXPECT_EQ(line.find(value.substr(0, value.find('.'))), std::string::npos) << line;
}

TEST(TrustedDevices, ARememberedBrowserExpiresAfterItsLifetime) {
  Env e(Env::Vars{{"JB_TRUSTED_BROWSER_TTL_S", "1"}});
  const std::string secret = enrol(e.base_a, "demo");
  Client anon{e.base_a, ""};
  const std::string device = "tv-1";
  auto in = ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", device));
  auto done =
      ask(anon, "POST", "/api/v1/auth/challenge/" + challenged(in),
          R"({"method":"totp","code":")" + oathtool(secret, timeutil::now_unix_ms() / 1000 + 30) +
              R"(","remember":true})");
  ASSERT_EQ(done.status, 200);
  const std::string trusted = done.cookie("jb_trusted");
  ASSERT_FALSE(trusted.empty());
  // Its record leaves Redis when its lifetime is over; the cookie then means nothing.
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  ASSERT_TRUE(eventually(
      [&] {
        auto keys = redis.command({"KEYS", "jb:trusted:*"});
        return keys.ok() && keys->elements.empty();
      },
      10000));
  EXPECT_FALSE(challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("demo", device),
                              {{"Cookie", trusted}}))
                   .empty());
}

TEST(TrustedDevices, AppPasswordsWorkForTheApiOnlyAndStopWhenRevoked) {
  Env e(Env::Vars{});
  std::string token;
  enrol(e.base_a, "demo", &token);
  Client me{e.base_a, token};
  auto made = ask(me, "POST", "/api/v1/me/security/app-passwords", R"({"name":"Home Assistant"})");
  ASSERT_EQ(made.status, 201) << json::stringify(made.body);
  const std::string secret = json::get_string(made.body, "password");
  const std::string id = json::get_string(made.body, "id");
  ASSERT_EQ(secret.rfind("jbapp_", 0), 0u);
  EXPECT_EQ(secret.size(), 6u + 32u) << "24 random bytes in base64url";

  // A Bearer credential for the API, on every replica, despite the second factor.
  for (const std::string& base : {e.base_a, e.base_b}) {
    Client app{base, secret};
    auto mine = ask(app, "GET", "/api/v1/me");
    EXPECT_EQ(mine.status, 200);
    EXPECT_EQ(json::get_string(*json::member(mine.body, "user"), "name"), "demo");
    EXPECT_EQ(ask(app, "GET", "/api/v1/connections").status, 200);
    // Not for security settings.
    auto sec = ask(app, "POST", "/api/v1/me/security/app-passwords", R"({"name":"x"})");
    EXPECT_EQ(sec.status, 403);
    EXPECT_EQ(json::get_string(sec.body, "type").find("session_required") != std::string::npos,
              true)
        << json::stringify(sec.body);
    // Nor for letting a device in (which would give it a session).
    auto pair = ask(app, "POST", "/api/v1/me/security/pairing/approve", R"({"code":"ABC-DEF"})");
    EXPECT_EQ(pair.status, 403) << json::stringify(pair.body);
  }
  // Not a sign-in password (Jellyfin is not even asked), not a cookie.
  Client anon{e.base_a, ""};
  auto as_password = ask(anon, "POST", "/api/v1/auth/login",
                         R"({"username":"demo","password":")" + secret + R"("})");
  EXPECT_EQ(as_password.status, 400);
  EXPECT_NE(json::get_string(as_password.body, "type").find("app_password_not_for_signin"),
            std::string::npos);
  EXPECT_EQ(e.home.requests("POST /Users/AuthenticateByName"), 1) << "only the enrolment's";
  EXPECT_EQ(ask(anon, "GET", "/api/v1/me", "", {{"Cookie", "jb_session=" + secret}}).status, 401);

  // Listed with its last use (never the secret); absent from Redis and the logs.
  auto list = ask(me, "GET", "/api/v1/me/security/app-passwords");
  ASSERT_EQ(list.status, 200);
  const auto& items = *json::member(list.body, "app_passwords");
  ASSERT_EQ(items.Size(), 1u);
  EXPECT_EQ(json::get_string(items[0], "name"), "Home Assistant");
  EXPECT_EQ(json::get_string(items[0], "last_ip"), "127.0.0.1");
  EXPECT_FALSE(json::get_string(items[0], "last_used_at").empty());
  EXPECT_EQ(json::stringify(list.body).find(secret), std::string::npos);
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dump = redis_dump(redis);
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("Home Assistant"), std::string::npos) << "the dump covers the records";
  EXPECT_EQ(dump->find(secret.substr(6)), std::string::npos);
  for (const auto& line : e.stack.all_logs())
    EXPECT_EQ(line.find(secret.substr(6)), std::string::npos) << line;

  // Revoked: refused at once on both replicas.
  EXPECT_EQ(ask(me, "DELETE", "/api/v1/me/security/app-passwords/" + id).status, 204);
  EXPECT_EQ(ask(me, "DELETE", "/api/v1/me/security/app-passwords/" + id).status, 404);
  for (const std::string& base : {e.base_a, e.base_b}) {
    Client app{base, secret};
    EXPECT_EQ(ask(app, "GET", "/api/v1/me").status, 401);
  }
}

TEST(TrustedDevices, TheLanBypassNeverAppliesThroughAnUntrustedProxy) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_LAN_BYPASS", "true"}, {"JB_LAN_CIDRS", "127.0.0.0/8"}});
  enrol(e.base_a, "demo");
  Client anon{e.base_a, ""};
  auto local = ask(anon, "POST", "/api/v1/auth/login", signin_body("demo"));
  EXPECT_EQ(local.status, 200);
  EXPECT_NE(json::member(local.body, "session"), nullptr) << json::stringify(local.body);
  // The same peer forwarding for someone (it is not in JB_TRUSTED_PROXIES): asked.
  auto proxied = ask(anon, "POST", "/api/v1/auth/login", signin_body("demo"),
                     {{"X-Forwarded-For", "203.0.113.7"}});
  EXPECT_FALSE(challenged(proxied).empty()) << json::stringify(proxied.body);
}

TEST(TrustedDevices, AnAdministratorResetsAUsersSecondFactorAndNobodyElseCan) {
  Env e(Env::Vars{});
  std::string demo_token, admin_token;
  enrol(e.base_a, "demo", &demo_token);
  Client anon{e.base_a, ""};
  auto in = ask(anon, "POST", "/api/v1/auth/login", signin_body("admin"));
  ASSERT_EQ(in.status, 200);
  Client admin{e.base_a, json::get_string(*json::member(in.body, "session"), "token")};
  Client demo{e.base_a, demo_token};
  auto me = ask(demo, "GET", "/api/v1/me");
  const std::string demo_id = json::get_string(*json::member(me.body, "user"), "id");
  auto admin_id =
      json::get_string(*json::member(ask(admin, "GET", "/api/v1/me").body, "user"), "id");
  ASSERT_FALSE(challenged(ask(anon, "POST", "/api/v1/auth/login", signin_body("demo"))).empty());

  EXPECT_EQ(ask(demo, "DELETE", "/api/v1/admin/users/" + admin_id + "/second-factor").status, 403);
  EXPECT_EQ(ask(admin, "DELETE", "/api/v1/admin/users/not-a-user/second-factor").status, 400);
  auto reset = ask(admin, "DELETE", "/api/v1/admin/users/" + demo_id + "/second-factor");
  ASSERT_EQ(reset.status, 200) << json::stringify(reset.body);
  EXPECT_TRUE(json::get_bool(reset.body, "totp_removed"));
  EXPECT_EQ(json::get_int(reset.body, "recovery_codes_removed"), 10);
  // One step again, and the audit log says who did it.
  auto after = ask(anon, "POST", "/api/v1/auth/login", signin_body("demo"));
  EXPECT_NE(json::member(after.body, "session"), nullptr) << json::stringify(after.body);
  auto audit = ask(admin, "GET", "/api/v1/audit?type=admin.second_factor_reset");
  ASSERT_EQ(audit.status, 200) << json::stringify(audit.body);
  EXPECT_NE(json::stringify(audit.body).find(admin_id), std::string::npos);
  EXPECT_NE(json::stringify(audit.body).find(demo_id), std::string::npos);
}
