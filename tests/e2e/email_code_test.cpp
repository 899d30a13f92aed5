// End-to-end tests of email codes (issue 12, "Email codes"): a real SMTP server
// (Debian's python3-aiosmtpd, tests/support/smtp_sink.py) receives the mails;
// the address is confirmed by following the link parsed from the received
// mail, and sign-ins are finished with the code parsed from another. A wrong
// code counts, a used or expired code is refused, the send limit answers 429,
// a mail server that is down gives a clear problem while TOTP still works, and
// neither codes nor tokens reach Redis or the logs. Real auth-service
// binaries, real Redis, the Jellyfin stand-in as the home server.
//
// Thread-safety: single-threaded tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include "common/core/time.h"
#include "tests/e2e/second_factor_env.h"
#include "tests/support/eventually.h"
#include "tests/support/process.h"
#include "tests/support/redis_dump.h"
#include "tests/support/refusing_port.h"
#include "tests/support/smtp_sink.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::string first_match(const std::string& text, const std::string& re) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(re))) return m[1];
  return "";
}

Env::Vars smtp_vars(int port) {
  return {{"JB_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(port)},
          {"JB_SMTP_FROM", "Jellybridge <jb@jellybridge.test>"},
          {"JB_SMTP_STARTTLS", "off"},
          {"JB_SMTP_TIMEOUT_MS", "10000"},
          {"JB_PUBLIC_URL", "https://jellybridge.test"},
          {"JB_SECOND_FACTOR_BURST", "100"}};
}

// Signs demo in, enrols TOTP with oathtool and sets and confirms `address`
// through the mail's link. Returns the TOTP secret.
std::string prepare(Env& e, Client& me, SmtpSink* sink, const std::string& address) {
  auto begin = body_of(me.call("POST", "/api/v1/me/security/totp"));
  std::string secret = json::get_string(begin, "secret");
  auto ok = me.call("POST", "/api/v1/me/security/totp/confirm",
                    code_body(oathtool(secret, timeutil::now_unix_ms() / 1000)));
  EXPECT_TRUE(ok.ok() && ok->status == 200);
  if (sink == nullptr) return secret;
  const size_t before = sink->count();
  // With an authenticator set up, the address changes only with a current code.
  const std::string body = R"({"address":")" + address + R"(")";
  auto bare = me.call("PUT", "/api/v1/me/security/email", body + "}");
  EXPECT_EQ(bare->status, 403) << bare->body;
  EXPECT_EQ(problem_type(bare), "code_required");
  auto wrong = me.call("PUT", "/api/v1/me/security/email", body + R"(,"code":"00000-00000"})");
  EXPECT_EQ(wrong->status, 400) << wrong->body;
  EXPECT_EQ(problem_type(wrong), "wrong_code");
  EXPECT_EQ(sink->count(), before) << "nothing is sent without the code";
  const auto codes = body_of(ok);
  const std::string recovery = (*json::member(codes, "recovery_codes"))[0].GetString();
  auto set =
      me.call("PUT", "/api/v1/me/security/email", body + R"(,"code":")" + recovery + R"("})");
  EXPECT_TRUE(set.ok());
  EXPECT_EQ(set->status, 202) << set->body;
  auto mail = sink->message(before + 1);
  EXPECT_NE(mail.find("X-Envelope-To: " + address), std::string::npos) << mail;
  EXPECT_NE(mail.find("Subject: Confirm your email address"), std::string::npos) << mail;
  std::string token =
      first_match(mail, "/api/v1/me/security/email/confirm\\?token=([A-Za-z0-9_-]+)");
  EXPECT_FALSE(token.empty()) << mail;
  EXPECT_NE(mail.find("https://jellybridge.test/api/v1/me/security/email/confirm?token="),
            std::string::npos);
  auto sec = body_of(me.call("GET", "/api/v1/me/security"));
  EXPECT_FALSE(json::get_bool(*json::member(sec, "email"), "confirmed"));
  Client anon{e.base_b, ""};
  auto link = anon.call("GET", "/api/v1/me/security/email/confirm?token=" + token);
  EXPECT_TRUE(link.ok());
  EXPECT_EQ(link->status, 200) << link->body;
  auto again = anon.call("GET", "/api/v1/me/security/email/confirm?token=" + token);
  EXPECT_EQ(problem_type(again), "email_token_invalid") << "a link works once";
  sec = body_of(me.call("GET", "/api/v1/me/security"));
  EXPECT_TRUE(json::get_bool(*json::member(sec, "email"), "confirmed"));
  EXPECT_EQ(json::get_string(*json::member(sec, "email"), "address"), address);
  return secret;
}

std::string challenge_id(Env& e) {
  auto in = e.login(e.base_a);
  const auto* c = json::member(in, "challenge");
  return c ? json::get_string(*c, "id") : "";
}

}  // namespace

TEST(EmailCode, ConfirmedAddressReceivesCodesThatFinishSignInOnceAndCountWhenWrong) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0);
  auto vars = smtp_vars(sink.port());
  vars["JB_EMAIL_CODE_TTL_S"] = "300";
  vars["JB_EMAIL_CODE_USER_BURST"] = "10";  // four emails here; the default allows 3 in 10 minutes
  Env e(vars);
  ASSERT_TRUE(e.second);
  Client me{e.base_a, json::get_string(*json::member(e.login(e.base_a), "session"), "token")};
  prepare(e, me, &sink, "demo@example.org");
  std::vector<std::string> secrets;

  auto in = e.login(e.base_a);
  const auto* ch = json::member(in, "challenge");
  ASSERT_NE(ch, nullptr);
  std::set<std::string> methods;
  for (const auto& m : json::member(*ch, "methods")->GetArray()) methods.insert(m.GetString());
  EXPECT_TRUE(methods.count("email"));
  const std::string id = json::get_string(*ch, "id");
  Client anon{e.base_b, ""};
  const size_t before = sink.count();
  auto sent = anon.call("POST", "/api/v1/auth/challenge/" + id + "/email");
  ASSERT_TRUE(sent.ok());
  ASSERT_EQ(sent->status, 202) << sent->body;
  EXPECT_EQ(json::get_string(body_of(sent), "sent_to"), "d***@example.org");
  auto mail = sink.message(before + 1);
  const std::string code = first_match(mail, "code is: ([0-9]{6})");
  ASSERT_EQ(code.size(), 6u) << mail;
  secrets.push_back(code);

  auto wrong =
      anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("email", other_than(code)));
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(problem_type(wrong), "second_factor_failed");
  EXPECT_NE(wrong->body.find("4 attempts"), std::string::npos) << wrong->body;
  auto good = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("email", code));
  ASSERT_EQ(good->status, 200) << good->body;
  EXPECT_FALSE(json::get_string(*json::member(body_of(good), "session"), "token").empty());
  auto used = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("email", code));
  EXPECT_EQ(problem_type(used), "challenge_not_found") << "a code works once";

  // A new send replaces the old code.
  const std::string id2 = challenge_id(e);
  ASSERT_EQ(anon.call("POST", "/api/v1/auth/challenge/" + id2 + "/email")->status, 202);
  const std::string first = first_match(sink.message(before + 2), "code is: ([0-9]{6})");
  ASSERT_EQ(anon.call("POST", "/api/v1/auth/challenge/" + id2 + "/email")->status, 202);
  const std::string second = first_match(sink.message(before + 3), "code is: ([0-9]{6})");
  secrets.push_back(first);
  secrets.push_back(second);
  if (first != second) {
    auto old = anon.call("POST", "/api/v1/auth/challenge/" + id2, answer_body("email", first));
    EXPECT_EQ(problem_type(old), "second_factor_failed");
  }
  EXPECT_EQ(
      anon.call("POST", "/api/v1/auth/challenge/" + id2, answer_body("email", second))->status,
      200);

  // Neither codes nor the confirmation token are in Redis or the logs.
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dump = redis_dump(redis);
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("demo@example.org"), std::string::npos) << "the dump covers the address";
  for (size_t n = 1; n <= sink.count(); ++n) {
    auto m = sink.message(n);
    std::string token = first_match(m, "token=([A-Za-z0-9_-]+)");
    if (!token.empty()) secrets.push_back(token);
  }
  // Both email sign-ins were answered by replica B: wait until its log lines for
  // them have been read, so the scan covers everything logged around the codes.
  std::vector<std::string> logs;
  ASSERT_TRUE(eventually(
      [&] {
        logs = e.second->lines();
        size_t n = 0;
        for (const auto& l : logs)
          if (l.find("\"second_factor\":\"email\"") != std::string::npos) ++n;
        return n >= 2;
      },
      20000))
      << "replica B did not log both email sign-ins";
  for (const auto& l : e.stack.all_logs()) logs.push_back(l);
  for (const auto& s : secrets) {
    EXPECT_EQ(dump->find(s), std::string::npos) << s;
    for (const auto& l : logs) EXPECT_EQ(l.find(s), std::string::npos) << l;
  }

  // Removing the address takes "email" off the next challenge.
  EXPECT_EQ(me.call("DELETE", "/api/v1/me/security/email")->status, 204);
  auto later = e.login(e.base_a);
  for (const auto& m : json::member(*json::member(later, "challenge"), "methods")->GetArray())
    EXPECT_NE(std::string(m.GetString()), "email");
}

TEST(EmailCode, AnExpiredCodeIsRefusedAndTheSendLimitAnswers429) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0);
  auto vars = smtp_vars(sink.port());
  vars["JB_EMAIL_CODE_TTL_S"] = "1";
  vars["JB_EMAIL_CODE_USER_BURST"] = "3";
  vars["JB_EMAIL_CODE_USER_PERIOD_S"] = "3600";
  Env e(vars);
  Client me{e.base_a, json::get_string(*json::member(e.login(e.base_a), "session"), "token")};
  prepare(e, me, &sink, "demo@example.org");  // the confirmation mail is the first of three
  Client anon{e.base_a, ""};
  const std::string id = challenge_id(e);
  const size_t before = sink.count();
  ASSERT_EQ(anon.call("POST", "/api/v1/auth/challenge/" + id + "/email")->status, 202);
  const std::string code = first_match(sink.message(before + 1), "code is: ([0-9]{6})");
  ASSERT_EQ(code.size(), 6u);
  // Wait (bounded) until the code's 1 second is certainly over, by the test's clock.
  const int64_t deadline = timeutil::now_unix_ms() + 2100;
  ASSERT_TRUE(eventually([&] { return timeutil::now_unix_ms() > deadline; }, 10000));
  auto late = anon.call("POST", "/api/v1/auth/challenge/" + id, answer_body("email", code));
  EXPECT_EQ(late->status, 401) << late->body;
  EXPECT_EQ(problem_type(late), "second_factor_failed");
  ASSERT_EQ(anon.call("POST", "/api/v1/auth/challenge/" + id + "/email")->status, 202);
  auto limited = anon.call("POST", "/api/v1/auth/challenge/" + id + "/email");
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->status, 429) << limited->body;
  EXPECT_EQ(problem_type(limited), "rate_limited");
  EXPECT_FALSE(limited->header("Retry-After").empty());
}

TEST(EmailCode, AMailServerThatIsDownGivesAClearProblemAndTotpStillFinishesTheSignIn) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0);
  RefusingPort down;
  // Two stacks would be slow: the address is confirmed through the sink, then the
  // auth-service replica B (configured with the refusing port) is asked to send.
  auto vars = smtp_vars(sink.port());
  Env e(vars);
  Client me{e.base_a, json::get_string(*json::member(e.login(e.base_a), "session"), "token")};
  const std::string secret = prepare(e, me, &sink, "demo@example.org");
  auto env = e.stack.auth_replica_env("down");
  for (auto& [k, v] : vars) env[k] = v;
  env["JB_JELLYFIN_URL"] = e.home.url();
  env["JB_SMTP_URL"] = "smtp://127.0.0.1:" + std::to_string(down.port());
  json::Document ready;
  auto third = start_service("auth-service", env, &ready);
  ASSERT_TRUE(third);
  Client anon{"http://127.0.0.1:" + std::to_string(json::get_int(ready, "http_port")), ""};
  const std::string id = challenge_id(e);
  auto sent = anon.call("POST", "/api/v1/auth/challenge/" + id + "/email");
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->status, 502) << sent->body;
  EXPECT_EQ(problem_type(sent), "email_send_failed");
  auto done = anon.call("POST", "/api/v1/auth/challenge/" + id,
                        answer_body("totp", oathtool(secret, timeutil::now_unix_ms() / 1000 + 30)));
  EXPECT_EQ(done->status, 200) << done->body;
}
