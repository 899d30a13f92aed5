// End-to-end tests of password resets (issue 14): real auth-service, real
// Redis, the Jellyfin stand-in as the home server, a real SMTP server
// (tests/support/smtp_sink, Debian's python3-aiosmtpd) receiving the links.
//   - the answer to a reset request is the same (status, body) for an existing
//     account, an unknown one, by name and by email address; only the existing
//     account with a confirmed address gets a mail;
//   - the link sets a new password once: the new password works at the
//     stand-in and the old one does not, the user's suite sessions end, a second
//     use is refused; a weak password is refused without using the link up;
//   - a link is refused after 30 minutes (the test moves auth-service's clock);
//   - an admin gets a link directly for a user without an address;
//   - requests are limited per account; every step is audited;
//   - a sign-up through an invite that needs an email address: the address is
//     confirmed by a link (single use, 30 minutes) and becomes the account's.
#include <gtest/gtest.h>

#include <regex>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/redis/client.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

struct Env {
  Stack stack;
  Standin home;
  SmtpSink smtp;
  std::unique_ptr<ApiClient> admin;
  std::unique_ptr<RedisConnection> redis;

  Env() {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_GT(smtp.port(), 0);
    EXPECT_TRUE(stack.start_auth({{"JB_JELLYFIN_URL", home.url()},
                                  {"JB_PUBLIC_URL", "https://media.example.org"},
                                  {"JB_SMTP_URL", smtp.url()},
                                  {"JB_SMTP_FROM", "Jellybridge <jb@jellybridge.test>"},
                                  {"JB_SMTP_STARTTLS", "off"},
                                  {"JB_RESET_ANSWER_MS", "300"},
                                  {"JB_TEST_CLOCK", "true"}}));
    redis = std::make_unique<RedisConnection>(*parse_redis_url(stack.redis.url()));
    auto t = session_token(stack.api(""), "admin", "admin-password");
    EXPECT_TRUE(t.ok());
    admin = std::make_unique<ApiClient>(stack.api(""), t.ok() ? *t : "");
    auto conns = body_of(admin->call("GET", "/api/v1/connections"));
    const std::string home_conn = json::get_string((*json::member(conns, "connections"))[0], "id");
    EXPECT_EQ(
        admin->call("PUT", "/api/v1/admin/connection", R"({"connection_id":")" + home_conn + "\"}")
            ->status,
        200);
  }

  std::string user_id(const std::string& name) {
    auto jf_admin = home.login("admin", "admin-password", "setup");
    auto users = json::parse(home.api("GET", "/Users", *jf_admin, "", "setup")->body);
    for (const auto& u : users->GetArray())
      if (json::get_string(u, "Name") == name) return json::get_string(u, "Id");
    return "";
  }
  // A confirmed address for a user, as the email confirmation leaves it.
  void confirmed_email(const std::string& uid, const std::string& address) {
    ASSERT_TRUE(
        redis->command({"HSET", "jb:2fa:email:" + uid, "address", address, "confirmed", "1"}).ok());
    std::string lower = address;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(
        redis->command({"SET", "jb:2fa:email_owner:" + crypto::sha256_hex(lower), uid}).ok());
  }

  Result<HttpResponse> ask(const std::string& user) {
    ApiClient a(stack.api(""), "");
    json::Writer w;
    w.begin_object().kv("user", user).end_object();
    return a.call("POST", "/api/v1/reset", w.str());
  }
  // The reset token in the n-th mail.
  std::string token_in_mail(size_t n) {
    std::string m = smtp.message(n);
    std::smatch found;
    if (!std::regex_search(m, found, std::regex("#/reset/([A-Za-z0-9_-]{22})"))) return "";
    return found[1];
  }
  Result<HttpResponse> sign_up(const std::string& code, const std::string& name,
                               const std::string& contact_token) {
    ApiClient a(stack.api(""), "");
    json::Writer w;
    w.begin_object()
        .kv("code", code)
        .kv("user_name", name)
        .kv("password", "a long enough passphrase");
    if (!contact_token.empty()) w.kv("contact_token", contact_token);
    w.end_object();
    return a.call("POST", "/api/v1/signup", w.str());
  }
  Result<HttpResponse> confirm_address(const std::string& code, const std::string& email) {
    ApiClient a(stack.api(""), "");
    json::Writer w;
    w.begin_object().kv("code", code).kv("email", email).end_object();
    return a.call("POST", "/api/v1/signup/contact", w.str());
  }
  std::string contact_token_in_mail(size_t n, const std::string& code) {
    std::string m = smtp.message(n);
    std::smatch found;
    if (!std::regex_search(m, found, std::regex("#/signup/" + code + "/([A-Za-z0-9_-]{22})")))
      return "";
    return found[1];
  }
  Result<HttpResponse> set_password(const std::string& token, const std::string& password) {
    ApiClient a(stack.api(""), "");
    json::Writer w;
    w.begin_object().kv("password", password).end_object();
    return a.call("POST", "/api/v1/reset/" + token, w.str());
  }
  size_t audited(const std::string& type) {
    auto d = body_of(admin->call("GET", "/api/v1/audit?count=1000&type=" + type));
    return json::member(d, "events")->Size();
  }
};

TEST(PasswordReset, TheAnswerIsTheSameWhetherOrNotTheAccountExists) {
  Env e;
  e.confirmed_email(e.user_id("demo"), "Demo@Example.org");
  auto existing = e.ask("demo");
  auto unknown = e.ask("nobody-here");
  auto by_mail = e.ask("demo@example.ORG");
  auto unknown_mail = e.ask("nobody@example.org");
  for (const auto* r : {&existing, &unknown, &by_mail, &unknown_mail}) {
    ASSERT_TRUE(r->ok());
    EXPECT_EQ((*r)->status, 202);
    EXPECT_EQ((*r)->body, existing->body);
    EXPECT_GE((*r)->total_ms, 290.0) << "answered no sooner than JB_RESET_ANSWER_MS";
  }
  // Only the existing account got mail: by name and by address (any case).
  ASSERT_TRUE(eventually([&] { return e.smtp.count() >= 2; }, 10000));
  EXPECT_TRUE(eventually([&] { return e.audited("reset.requested") == 4; }, 10000));
  EXPECT_EQ(e.smtp.count(), 2u);
  EXPECT_NE(e.smtp.message(1).find("X-Envelope-To: Demo@Example.org"), std::string::npos)
      << e.smtp.message(1);
  EXPECT_FALSE(e.token_in_mail(1).empty()) << e.smtp.message(1);
  EXPECT_NE(e.smtp.message(1).find("https://media.example.org/#/reset/"), std::string::npos);
}

TEST(PasswordReset, ALinkSetsANewPasswordOnceAndExpiresAfterThirtyMinutes) {
  Env e;
  const std::string uid = e.user_id("demo");
  e.confirmed_email(uid, "demo@example.org");
  auto demo_session = session_token(e.stack.api(""), "demo", "demo-password");
  ASSERT_TRUE(demo_session.ok());
  ASSERT_EQ(e.ask("demo")->status, 202);
  ASSERT_TRUE(eventually([&] { return e.smtp.count() == 1; }, 10000));
  const std::string token = e.token_in_mail(1);
  ASSERT_FALSE(token.empty());

  ApiClient anon(e.stack.api(""), "");
  auto view = anon.call("GET", "/api/v1/reset/" + token);
  ASSERT_EQ(view->status, 200) << view->body;
  EXPECT_EQ(json::get_string(body_of(view), "user_name"), "demo");
  // A weak password is refused and does not use the link up.
  auto weak = e.set_password(token, "password1");
  EXPECT_EQ(weak->status, 400);
  EXPECT_EQ(problem_type(weak), "password_rejected");
  auto done = e.set_password(token, "a brand new long passphrase");
  ASSERT_EQ(done->status, 200) << done->body;
  EXPECT_TRUE(e.home.login("demo", "a brand new long passphrase", "phone").ok());
  EXPECT_FALSE(e.home.login("demo", "demo-password", "phone").ok()) << "the old one is gone";
  ApiClient old_session(e.stack.api(""), *demo_session);
  EXPECT_EQ(old_session.call("GET", "/api/v1/me")->status, 401) << "suite sessions end";
  auto again = e.set_password(token, "yet another long passphrase");
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(problem_type(again), "reset_link_invalid");

  // A new link, 29 minutes later still good; after 30 minutes refused.
  ASSERT_EQ(e.ask("demo")->status, 202);
  ASSERT_TRUE(eventually([&] { return e.smtp.count() == 2; }, 10000));
  const std::string second = e.token_in_mail(2);
  ASSERT_TRUE(
      e.redis->command({"SET", "jb:test:clock_offset_ms", std::to_string(29 * 60000)}).ok());
  EXPECT_EQ(anon.call("GET", "/api/v1/reset/" + second)->status, 200);
  ASSERT_TRUE(
      e.redis->command({"SET", "jb:test:clock_offset_ms", std::to_string(30 * 60000 + 1000)}).ok());
  auto late = e.set_password(second, "a passphrase too late");
  EXPECT_EQ(late->status, 410);
  EXPECT_EQ(problem_type(late), "reset_link_expired");
  EXPECT_TRUE(e.home.login("demo", "a brand new long passphrase", "phone").ok());
  EXPECT_EQ(e.audited("reset.completed"), 1u);
  EXPECT_GE(e.audited("reset.failed"), 3u);
}

TEST(PasswordReset, AdminsGetALinkForAUserWithoutAnAddressAndRequestsAreLimited) {
  Env e;
  const std::string uid = e.user_id("demo");
  auto r = e.admin->call("POST", "/api/v1/admin/users/" + uid + "/reset-link", "{}");
  ASSERT_EQ(r->status, 200) << r->body;
  auto d = body_of(r);
  EXPECT_FALSE(json::get_bool(d, "sent")) << "demo has no address";
  const std::string link = json::get_string(d, "link");
  ASSERT_EQ(link.rfind("https://media.example.org/#/reset/", 0), 0u) << link;
  const std::string token = link.substr(link.rfind('/') + 1);
  ASSERT_EQ(e.set_password(token, "set by the admin's link")->status, 200);
  EXPECT_TRUE(e.home.login("demo", "set by the admin's link", "phone").ok());
  EXPECT_EQ(
      e.admin->call("POST", "/api/v1/admin/users/a0000000000040008000000000000999/reset-link", "{}")
          ->status,
      404);
  auto demo_token = session_token(e.stack.api(""), "demo", "set by the admin's link");
  ASSERT_TRUE(demo_token.ok());
  ApiClient demo(e.stack.api(""), *demo_token);
  EXPECT_EQ(demo.call("POST", "/api/v1/admin/users/" + uid + "/reset-link", "{}")->status, 403);

  // The account's bucket (3 an hour): the fourth request for the same name is refused.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(e.ask("Someone")->status, 202);
  auto limited = e.ask("someone");
  EXPECT_EQ(limited->status, 429);
  EXPECT_FALSE(limited->header("Retry-After").empty());
  ApiClient anon(e.stack.api(""), "");
  EXPECT_EQ(anon.call("POST", "/api/v1/reset", R"({"user": 5})")->status, 400);
  EXPECT_EQ(anon.call("GET", "/api/v1/reset/not-a-token")->status, 404);
}

TEST(SignUpContact, AnInviteThatNeedsAnAddressTakesAConfirmedOneOnce) {
  Env e;
  auto made = e.admin->call("POST", "/api/v1/admin/invites",
                            R"({"max_uses":3,"human_check":false,"require_email":true})");
  ASSERT_EQ(made->status, 201) << made->body;
  const std::string code = json::get_string(body_of(made), "code");
  const std::string id = json::get_string(body_of(made), "id");
  ApiClient anon(e.stack.api(""), "");
  EXPECT_TRUE(
      json::get_bool(body_of(anon.call("GET", "/api/v1/signup/invites/" + code)), "require_email"));

  auto without = e.sign_up(code, "mailed", "");
  EXPECT_EQ(without->status, 400);
  EXPECT_EQ(problem_type(without), "contact_required");
  EXPECT_EQ(e.confirm_address(code, "not an address")->status, 400);
  EXPECT_EQ(e.confirm_address("AAAAAAAAAAAAAAAAAAAAAA", "x@example.org")->status, 404);

  auto asked = e.confirm_address(code, "New.Person@example.org");
  ASSERT_EQ(asked->status, 202) << asked->body;
  ASSERT_EQ(e.smtp.count(), 1u) << "sent before the answer";
  EXPECT_NE(e.smtp.message(1).find("X-Envelope-To: New.Person@example.org"), std::string::npos);
  const std::string token = e.contact_token_in_mail(1, code);
  ASSERT_FALSE(token.empty()) << e.smtp.message(1);

  // A failing sign-up (the name is taken) keeps the confirmation usable.
  auto taken = e.sign_up(code, "demo", token);
  EXPECT_EQ(taken->status, 409);
  auto ok = e.sign_up(code, "mailed", token);
  ASSERT_EQ(ok->status, 201) << ok->body;
  const std::string uid = json::get_string(*json::member(body_of(ok), "user"), "id");
  auto users = body_of(e.admin->call("GET", "/api/v1/admin/users"));
  bool seen = false;
  for (const auto& u : json::member(users, "users")->GetArray())
    if (json::get_string(u, "id") == uid) {
      seen = true;
      const auto* mail = json::member(u, "email");
      ASSERT_TRUE(mail && mail->IsObject());
      EXPECT_EQ(json::get_string(*mail, "address"), "New.Person@example.org");
      EXPECT_TRUE(json::get_bool(*mail, "confirmed"));
    }
  EXPECT_TRUE(seen);
  auto again = e.sign_up(code, "mailed-again", token);
  EXPECT_EQ(again->status, 400);
  EXPECT_EQ(problem_type(again), "contact_token_invalid") << "single use";

  // The confirmed address finds the account for a password reset.
  ASSERT_EQ(e.ask("new.person@EXAMPLE.org")->status, 202);
  ASSERT_TRUE(eventually([&] { return e.smtp.count() == 2; }, 10000));
  EXPECT_NE(e.smtp.message(2).find("#/reset/"), std::string::npos);

  // A confirmation older than 30 minutes is refused.
  ASSERT_EQ(e.confirm_address(code, "late@example.org")->status, 202);
  const std::string late = e.contact_token_in_mail(3, code);
  ASSERT_FALSE(late.empty());
  ASSERT_TRUE(
      e.redis->command({"SET", "jb:test:clock_offset_ms", std::to_string(30 * 60000 + 1000)}).ok());
  auto expired = e.sign_up(code, "too-late", late);
  EXPECT_EQ(expired->status, 410);
  EXPECT_EQ(problem_type(expired), "contact_token_expired");
  auto inv = body_of(e.admin->call("GET", "/api/v1/admin/invites/" + id));
  EXPECT_EQ(json::get_int(inv, "uses"), 1);
  EXPECT_EQ(json::get_int(inv, "holds"), 0);
  EXPECT_EQ(e.audited("signup.contact"), 2u);
}

}  // namespace
