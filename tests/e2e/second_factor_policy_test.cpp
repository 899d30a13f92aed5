// End-to-end tests of JB_SECOND_FACTOR_POLICY (issue 12): who must have a
// second factor, their grace period, and the sign-in that — once the grace is
// over — can only finish by setting up an authenticator (Debian's oathtool
// computing the codes); and that a TOTP code accepted once stays refused after
// auth-service restarts. Real auth-service binaries, real Redis, the Jellyfin
// stand-in as the home server.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "common/core/json.h"
#include "common/core/time.h"
#include "tests/e2e/second_factor_env.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::string credentials(const std::string& user) {
  return R"({"username":")" + user + R"(","password":")" + user + R"(-password"})";
}

json::Document sign_in(const std::string& base, const std::string& user, int* status = nullptr) {
  Client c{base, ""};
  auto r = c.call("POST", "/api/v1/auth/login", credentials(user));
  if (status) *status = r.ok() ? static_cast<int>(r->status) : -1;
  return body_of(r);
}

}  // namespace

TEST(SecondFactorPolicy, AdminsMustEnrolWithinTheirGraceOthersAreNotAsked) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_POLICY", "admins"}, {"JB_SECOND_FACTOR_GRACE_S", "3600"}});
  const int64_t before = timeutil::now_unix_ms();
  auto admin = sign_in(e.base_a, "admin");
  ASSERT_NE(json::member(admin, "session"), nullptr) << json::stringify(admin);
  const std::string by = json::get_string(admin, "second_factor_required_by");
  ASSERT_FALSE(by.empty()) << json::stringify(admin);
  auto by_us = timeutil::parse_iso8601(by);
  ASSERT_TRUE(by_us);
  EXPECT_GE(*by_us / 1000, before + 3600 * 1000 - 1000);
  EXPECT_LE(*by_us / 1000, timeutil::now_unix_ms() + 3600 * 1000);
  // The same date on the other replica and at the next sign-in: it started once.
  EXPECT_EQ(json::get_string(sign_in(e.base_b, "admin"), "second_factor_required_by"), by);
  Client me{e.base_a, json::get_string(*json::member(admin, "session"), "token")};
  auto sec = body_of(me.call("GET", "/api/v1/me/security"));
  const auto* policy = json::member(sec, "policy");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(json::get_string(*policy, "name"), "admins");
  EXPECT_TRUE(json::get_bool(*policy, "required"));
  EXPECT_EQ(json::get_string(*policy, "enrol_by"), by);

  auto demo = sign_in(e.base_a, "demo");
  ASSERT_NE(json::member(demo, "session"), nullptr);
  EXPECT_EQ(json::member(demo, "second_factor_required_by"), nullptr) << json::stringify(demo);
}

TEST(SecondFactorPolicy, AfterTheGraceTheSignInFinishesOnlyBySettingUpAnAuthenticator) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_POLICY", "everyone"},
                  {"JB_SECOND_FACTOR_GRACE_S", "0"},
                  {"JB_SECOND_FACTOR_BURST", "100"}});
  int status = 0;
  auto first = sign_in(e.base_a, "demo", &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(json::member(first, "session"), nullptr) << "no session without a second factor";
  const auto* ch = json::member(first, "challenge");
  ASSERT_NE(ch, nullptr) << json::stringify(first);
  const std::string id = json::get_string(*ch, "id");
  ASSERT_EQ((*json::member(*ch, "methods")).Size(), 1u);
  EXPECT_EQ(std::string((*json::member(*ch, "methods"))[0].GetString()), "enrol_totp");

  Client anon{e.base_a, ""};
  // Nothing to answer before the authenticator exists; a recovery code is not a way out.
  auto early = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("totp", "123456"));
  EXPECT_EQ(early->status, 409) << early->body;
  auto recovery =
      anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("recovery", "AAAAA-BBBBB"));
  EXPECT_EQ(recovery->status, 400) << recovery->body;
  auto en = anon.call("POST", "/api/v1/auth/challenge/" + id + "/enrol");
  ASSERT_EQ(en->status, 201) << en->body;
  const std::string secret = json::get_string(body_of(en), "secret");
  ASSERT_EQ(secret.size(), 32u);
  const int64_t now = timeutil::now_unix_ms() / 1000;
  auto wrong = anon.call("POST", "/api/v1/auth/challenge/" + id,
                         answer_body("totp", never_valid(secret, now)));
  EXPECT_EQ(wrong->status, 401) << "a wrong code counts against the challenge";
  auto done =
      anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("totp", oathtool(secret, now)));
  ASSERT_EQ(done->status, 200) << done->body;
  auto d = body_of(done);
  ASSERT_NE(json::member(d, "session"), nullptr);
  ASSERT_NE(json::member(d, "recovery_codes"), nullptr) << "shown once, at the enrolment";
  EXPECT_EQ((*json::member(d, "recovery_codes")).Size(), 10u);

  // From now on the sign-in asks for the authenticator like anyone else's.
  auto next = sign_in(e.base_b, "demo");
  const auto* nch = json::member(next, "challenge");
  ASSERT_NE(nch, nullptr) << json::stringify(next);
  EXPECT_EQ((*json::member(*nch, "methods")).Size(), 2u);
  auto enrol_again =
      anon.call("POST", "/api/v1/auth/challenge/" + json::get_string(*nch, "id") + "/enrol");
  EXPECT_EQ(enrol_again->status, 404) << "no enrolment through an ordinary challenge";
}

TEST(SecondFactorPolicy, ACodeUsedOnceIsRefusedAfterAuthServiceRestarts) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_BURST", "100"}});
  Client me{e.base_a,
            json::get_string(*json::member(sign_in(e.base_a, "demo"), "session"), "token")};
  auto en = me.call("POST", "/api/v1/me/security/totp");
  ASSERT_EQ(en->status, 201);
  const std::string secret = json::get_string(body_of(en), "secret");
  const int64_t now = timeutil::now_unix_ms() / 1000;
  ASSERT_EQ(
      me.call("POST", "/api/v1/me/security/totp/confirm", code_body(oathtool(secret, now)))->status,
      200);
  const std::string code = oathtool(secret, now + 30);
  auto ch = sign_in(e.base_a, "demo");
  Client anon{e.base_a, ""};
  ASSERT_EQ(
      anon.call("POST",
                "/api/v1/auth/challenge/" + json::get_string(*json::member(ch, "challenge"), "id"),
                answer_body("totp", code))
          ->status,
      200);
  // Both replicas stop; a new one starts on the same Redis and is asked the same code.
  e.second->signal(SIGTERM);
  e.stack.auth->signal(SIGTERM);
  EXPECT_TRUE(e.second->wait(10000));
  EXPECT_TRUE(e.stack.auth->wait(10000));
  ASSERT_TRUE(e.stack.start_auth({{"JB_JELLYFIN_URL", e.home.url()}}));
  const std::string base = e.stack.api("");
  auto again = sign_in(base, "demo");
  Client fresh{base, ""};
  auto replay = fresh.call(
      "POST", "/api/v1/auth/challenge/" + json::get_string(*json::member(again, "challenge"), "id"),
      answer_body("totp", code));
  EXPECT_EQ(replay->status, 401) << replay->body;
  EXPECT_EQ(problem_type(replay), "second_factor_failed");
}
