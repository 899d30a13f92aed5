// End-to-end tests of the second factor (issue 12, part 1): an authenticator
// app — Debian's oathtool, computing codes from the secret the API handed out —
// enrolled, confirmed and used to finish sign-ins; a code accepted once is
// refused again, also by another auth-service replica; recovery codes work
// once; five wrong codes end a challenge; the edge's limiter applies; turning
// the factor off needs a current code. Real auth-service binaries, real Redis,
// the Jellyfin stand-in as the home server.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/core/json.h"
#include "common/core/time.h"
#include "tests/e2e/second_factor_env.h"
#include "tests/support/answers.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_dump.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

TEST(SecondFactor, AnAuthenticatorAppFinishesSignInsAndEachCodeWorksOnceOnEveryReplica) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_BURST", "100"}});
  ASSERT_TRUE(e.second);
  Client me{e.base_a, json::get_string(*json::member(e.login(e.base_a), "session"), "token")};
  ASSERT_FALSE(me.token.empty());
  auto sec = body_of(me.call("GET", "/api/v1/me/security"));
  EXPECT_FALSE(json::get_bool(*json::member(sec, "totp"), "enabled"));
  EXPECT_EQ(json::get_int(sec, "recovery_codes_left"), 0);

  // Enrolment: a secret, the URI an app scans and its QR code; active only once confirmed.
  auto begin = me.call("POST", "/api/v1/me/security/totp");
  ASSERT_TRUE(begin.ok());
  ASSERT_EQ(begin->status, 201) << begin->body;
  auto en = body_of(begin);
  const std::string secret = json::get_string(en, "secret");
  ASSERT_EQ(secret.size(), 32u) << "160 bits in base32";
  EXPECT_NE(json::get_string(en, "otpauth_uri").find("secret=" + secret), std::string::npos);
  EXPECT_EQ(json::get_string(en, "qr_svg").rfind("<svg", 0), 0u);
  int status = 0;
  e.login(e.base_a, &status);
  EXPECT_EQ(status, 200);
  EXPECT_FALSE(json::get_bool(*json::member(body_of(me.call("GET", "/api/v1/me/security")), "totp"),
                              "enabled"))
      << "not before a correct code";

  const int64_t now = timeutil::now_unix_ms() / 1000;
  const std::string code = oathtool(secret, now);
  ASSERT_EQ(code.size(), 6u) << "oathtool did not run (scripts/deps.sh installs it)";
  auto wrong = me.call("POST", "/api/v1/me/security/totp/confirm", code_body(other_than(code)));
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 400);
  EXPECT_EQ(problem_type(wrong), "wrong_code");
  auto confirmed = me.call("POST", "/api/v1/me/security/totp/confirm", code_body(code));
  ASSERT_TRUE(confirmed.ok());
  ASSERT_EQ(confirmed->status, 200) << confirmed->body;
  std::vector<std::string> recovery;
  const auto confirmed_body = body_of(confirmed);  // (a temporary would die before the loop)
  for (const auto& c : json::member(confirmed_body, "recovery_codes")->GetArray())
    recovery.emplace_back(c.GetString());
  ASSERT_EQ(recovery.size(), 10u);
  sec = body_of(me.call("GET", "/api/v1/me/security"));
  EXPECT_TRUE(json::get_bool(*json::member(sec, "totp"), "enabled"));
  EXPECT_EQ(json::get_int(sec, "recovery_codes_left"), 10);
  // The secret and the codes are in Redis only sealed or hashed.
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dump = redis_dump(redis);
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("2fa:recovery"), std::string::npos) << "the dump covers the codes' key";
  EXPECT_EQ(dump->find(secret), std::string::npos);
  for (const auto& c : recovery) {
    EXPECT_EQ(dump->find(c), std::string::npos) << c;
    EXPECT_EQ(dump->find(c.substr(0, 5) + c.substr(6)), std::string::npos) << c;
  }

  // Sign-in is two steps now: a challenge, no session, no cookie.
  std::string cookie;
  auto first = e.login(e.base_a, &status, &cookie);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(json::member(first, "session"), nullptr);
  EXPECT_TRUE(cookie.empty()) << cookie;
  const auto* ch = json::member(first, "challenge");
  ASSERT_NE(ch, nullptr) << json::stringify(first);
  const std::string id = json::get_string(*ch, "id");
  ASSERT_FALSE(id.empty());
  Client anon{e.base_a, ""};
  // The code that confirmed the enrolment was used: refused (the replay floor).
  auto replay = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("totp", code));
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->status, 401) << replay->body;
  EXPECT_EQ(problem_type(replay), "second_factor_failed");
  // The app's next code passes (one step of clock drift is allowed) and yields a session.
  const std::string next = oathtool(secret, now + 30);
  auto done = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("totp", next));
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->status, 200) << done->body;
  Client signed_in{e.base_a, json::get_string(*json::member(body_of(done), "session"), "token")};
  EXPECT_EQ(signed_in.call("GET", "/api/v1/me")->status, 200);
  EXPECT_FALSE(done->header("Set-Cookie").empty());
  // A challenge gives one session.
  auto again = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("totp", next));
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(problem_type(again), "challenge_not_found");

  // On the other replica: the same code is refused; a recovery code works, once.
  auto on_b = e.login(e.base_b);
  const std::string id_b = json::get_string(*json::member(on_b, "challenge"), "id");
  Client anon_b{e.base_b, ""};
  EXPECT_EQ(
      anon_b.call("POST", "/api/v1/auth/challenge/" + id_b, answer_body("totp", next))->status,
      401);
  std::string typed = recovery[2];
  typed[5] = ' ';
  auto rec = anon_b.call("POST", "/api/v1/auth/challenge/" + id_b, answer_body("recovery", typed));
  ASSERT_EQ(rec->status, 200) << rec->body;
  auto on_a = e.login(e.base_a);
  const std::string id_c = json::get_string(*json::member(on_a, "challenge"), "id");
  EXPECT_EQ(
      anon.call("POST", "/api/v1/auth/challenge/" + id_c, answer_body("recovery", recovery[2]))
          ->status,
      401)
      << "a recovery code works once";
  EXPECT_EQ(json::get_int(body_of(me.call("GET", "/api/v1/me/security")), "recovery_codes_left"),
            9);

  // Five wrong codes end the challenge; the right one then comes too late.
  const std::string bad = never_valid(secret, now);
  for (int i = 1; i <= 3; ++i) {
    auto w = anon.call("POST", "/api/v1/auth/challenge/" + id_c, answer_body("totp", bad));
    EXPECT_EQ(w->status, 401) << w->body;
  }
  auto fifth =
      anon.call("POST", "/api/v1/auth/challenge/" + id_c, answer_body("recovery", "ZZZZZ-ZZZZZ"));
  EXPECT_EQ(fifth->status, 404) << "the fifth wrong code burns it: " << fifth->body;
  auto late =
      anon.call("POST", "/api/v1/auth/challenge/" + id_c, answer_body("recovery", recovery[3]));
  EXPECT_EQ(late->status, 404);

  // Turning it off needs a current code; then sign-in is one step again.
  auto off_wrong = me.call("DELETE", "/api/v1/me/security/totp", code_body("ZZZZZ-ZZZZZ"));
  EXPECT_EQ(off_wrong->status, 400);
  auto off = me.call("DELETE", "/api/v1/me/security/totp", code_body(recovery[4]));
  EXPECT_EQ(off->status, 204) << off->body;
  auto plain = e.login(e.base_a, &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(json::member(plain, "session"), nullptr) << json::stringify(plain);
  EXPECT_EQ(json::get_int(body_of(me.call("GET", "/api/v1/me/security")), "recovery_codes_left"),
            0);
  // Codes and secrets never reach the logs.
  for (const auto& line : e.stack.all_logs()) {
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
    EXPECT_EQ(line.find(recovery[5]), std::string::npos) << line;
  }
}

// Second-factor codes pass the edge's limiter per user: past the burst, 429.
TEST(SecondFactor, CodesAreRateLimitedPerUser) {
  Env e(Env::Vars{{"JB_SECOND_FACTOR_BURST", "2"}, {"JB_SECOND_FACTOR_PERIOD_S", "3600"}});
  Client me{e.base_a, json::get_string(*json::member(e.login(e.base_a), "session"), "token")};
  auto en = body_of(me.call("POST", "/api/v1/me/security/totp"));
  const std::string secret = json::get_string(en, "secret");
  const int64_t now = timeutil::now_unix_ms() / 1000;
  ASSERT_EQ(
      me.call("POST", "/api/v1/me/security/totp/confirm", code_body(oathtool(secret, now)))->status,
      200);
  const std::string id = json::get_string(*json::member(e.login(e.base_a), "challenge"), "id");
  Client anon{e.base_a, ""};
  EXPECT_EQ(anon.call("POST", "/api/v1/auth/challenge/" + id,
                      answer_body("totp", never_valid(secret, now)))
                ->status,
            401);
  auto limited = anon.call("POST", "/api/v1/auth/challenge/" + id,
                           answer_body("totp", oathtool(secret, now + 30)));
  EXPECT_EQ(limited->status, 429) << limited->body;
  EXPECT_EQ(problem_type(limited), "rate_limited");
}

// Quick Connect sign-in of a user with a second factor: once the code is
// approved in Jellyfin, the device gets a challenge (no session, no token),
// and the authenticator's code finishes it.
TEST(SecondFactor, QuickConnectSignInAlsoAsksForTheSecondFactor) {
  Env e(Env::Vars{{"JB_QUICKCONNECT_POLL_MS", "1000"}});
  Client me{e.base_a, json::get_string(*json::member(e.login(e.base_a), "session"), "token")};
  const std::string secret =
      json::get_string(body_of(me.call("POST", "/api/v1/me/security/totp")), "secret");
  const int64_t now = timeutil::now_unix_ms() / 1000;
  ASSERT_EQ(
      me.call("POST", "/api/v1/me/security/totp/confirm", code_body(oathtool(secret, now)))->status,
      200);

  Client device{e.base_a, ""};
  auto start = device.call("POST", "/api/v1/auth/quickconnect");
  ASSERT_EQ(start->status, 201) << start->body;
  const std::string qc = json::get_string(body_of(start), "id");
  ASSERT_TRUE(e.home.approve_quickconnect(json::get_string(body_of(start), "code"), "demo").ok());
  json::Document answer;
  ASSERT_TRUE(eventually(
      [&] {
        answer = body_of(device.call("GET", "/api/v1/auth/quickconnect/" + qc));
        return json::get_string(answer, "state") == "second_factor";
      },
      10000))
      << json::stringify(answer);
  EXPECT_EQ(json::member(answer, "session"), nullptr) << "no token before the second factor";
  const std::string id = json::get_string(*json::member(answer, "challenge"), "id");
  auto done = device.call("POST", "/api/v1/auth/challenge/" + id,
                          answer_body("totp", oathtool(secret, now + 30)));
  ASSERT_EQ(done->status, 200) << done->body;
  device.token = json::get_string(*json::member(body_of(done), "session"), "token");
  auto who = body_of(device.call("GET", "/api/v1/me"));
  EXPECT_EQ(json::get_string(*json::member(who, "user"), "name"), "demo");
}
