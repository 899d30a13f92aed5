// End-to-end tests of email notification channels (issue 12, Notifications):
// real auth-service, sync-worker and Redis, the Jellyfin stand-in as the home
// server and a real SMTP server (tests/support/smtp_sink.py) that both services
// use (JB_SMTP_*). An email channel cannot be added without a confirmed address
// nor with an address of its own; once the address is confirmed through the
// mailed link, a channel test and a real event (a new app password) arrive as
// mail to that address with the notification's title and message; the worker's
// logs show the address only masked; after the address is removed the next
// notification is dropped, not mailed.
//
// Thread-safety: single-threaded tests.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>

#include "common/core/json.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

const char* kAddress = "demo@example.org";

std::map<std::string, std::string> smtp_vars(const SmtpSink& sink) {
  return {{"JB_SMTP_URL", sink.url()},
          {"JB_SMTP_FROM", "Jellybridge <jb@jellybridge.test>"},
          {"JB_SMTP_STARTTLS", "off"},
          {"JB_SMTP_TIMEOUT_MS", "10000"}};
}

std::string first_match(const std::string& text, const std::string& re) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(re))) return m[1];
  return "";
}

// The fields an invalid_request problem names.
std::vector<std::string> invalid_fields(const Result<HttpResponse>& r) {
  std::vector<std::string> out;
  const auto body = body_of(r);  // outlives the loop
  const json::Value* params = json::member(body, "invalid_params");
  if (params == nullptr || !params->IsArray()) return out;
  for (const auto& p : params->GetArray()) out.push_back(json::get_string(p, "name"));
  return out;
}

bool names(const Result<HttpResponse>& r, const std::string& field) {
  for (const auto& f : invalid_fields(r))
    if (f == field) return true;
  return false;
}

// The message's header `name` (unfolded headers only: ours are short).
std::string header(const std::string& mail, const std::string& name) {
  return first_match(mail, "(?:^|\\r\\n)" + name + ": ([^\\r\\n]*)\\r\\n");
}

// The message's body: everything after the blank line.
std::string body(const std::string& mail) {
  auto at = mail.find("\r\n\r\n");
  return at == std::string::npos ? "" : mail.substr(at + 4);
}

}  // namespace

TEST(EmailNotifications, GoOnlyToTheConfirmedAddressForTestsAndRealEvents) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0) << "the SMTP sink did not start (python3-aiosmtpd)";
  Stack stack;
  Standin home;
  ASSERT_TRUE(stack.redis.ok());
  ASSERT_TRUE(home.ok());
  auto auth_env = smtp_vars(sink);
  auth_env["JB_JELLYFIN_URL"] = home.url();
  auth_env["JB_PUBLIC_URL"] = "https://jellybridge.test";
  ASSERT_TRUE(stack.start_auth(auth_env));
  auto worker_env = smtp_vars(sink);
  worker_env["JB_WORK_MAX_DELIVERIES"] = "20";
  Process* worker = stack.start_worker("mailer", worker_env);
  ASSERT_NE(worker, nullptr);

  ApiClient anon{stack.api(""), ""};
  const auto in =
      body_of(anon.call("POST", "/api/v1/auth/login", login_body("demo", "demo-password")));
  const auto* session = json::member(in, "session");
  ASSERT_NE(session, nullptr) << json::stringify(in);
  ApiClient me{stack.api(""), json::get_string(*session, "token")};

  // No confirmed address yet: refused, naming the type.
  const std::string channel_body = R"({"type":"email","name":"Inbox"})";
  auto early = me.call("POST", "/api/v1/me/security/channels", channel_body);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->status, 400) << early->body;
  EXPECT_EQ(problem_type(early), "invalid_request");
  EXPECT_TRUE(names(early, "type")) << early->body;
  // An address of the channel's own is never accepted.
  auto stranger = me.call("POST", "/api/v1/me/security/channels",
                          R"({"type":"email","name":"x","url":"mailto:stranger@example.org"})");
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(stranger->status, 400) << stranger->body;
  EXPECT_TRUE(names(stranger, "url")) << stranger->body;

  // Set and confirm the address through the mailed link.
  auto set = me.call("PUT", "/api/v1/me/security/email",
                     std::string(R"({"address":")") + kAddress + R"("})");
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->status, 202) << set->body;
  const std::string confirmation = sink.message(1);
  const std::string token =
      first_match(confirmation, "/api/v1/me/security/email/confirm\\?token=([A-Za-z0-9_-]+)");
  ASSERT_FALSE(token.empty()) << confirmation;
  auto confirmed = anon.call("GET", "/api/v1/me/security/email/confirm?token=" + token);
  ASSERT_TRUE(confirmed.ok());
  ASSERT_EQ(confirmed->status, 200) << confirmed->body;

  // Now the channel: no url, no secret.
  auto made = me.call("POST", "/api/v1/me/security/channels", channel_body);
  ASSERT_TRUE(made.ok());
  ASSERT_EQ(made->status, 201) << made->body;
  const auto channel = body_of(made);
  const std::string id = json::get_string(channel, "id");
  EXPECT_EQ(json::get_string(channel, "type"), "email");
  EXPECT_EQ(json::get_string(channel, "url"), "");
  EXPECT_FALSE(json::get_bool(channel, "has_secret"));

  // The channel's test.
  auto test = me.call("POST", "/api/v1/me/security/channels/" + id + "/test");
  ASSERT_TRUE(test.ok());
  ASSERT_EQ(test->status, 202) << test->body;
  const std::string first = sink.message(2);
  ASSERT_FALSE(first.empty()) << "the test notification was not mailed";
  EXPECT_EQ(header(first, "X-Envelope-To"), kAddress) << first;
  EXPECT_EQ(header(first, "To"), kAddress) << first;
  EXPECT_EQ(header(first, "From"), "Jellybridge <jb@jellybridge.test>") << first;
  EXPECT_EQ(header(first, "Subject"), "Jellybridge test notification") << first;
  EXPECT_NE(body(first).find("Jellybridge test notification"), std::string::npos) << first;
  EXPECT_NE(body(first).find("event: test"), std::string::npos) << first;
  EXPECT_NE(body(first).find("/api/v1/me/security/channels"), std::string::npos) << first;

  // A real event: a new app password.
  auto app = me.call("POST", "/api/v1/me/security/app-passwords", R"({"name":"Home Assistant"})");
  ASSERT_TRUE(app.ok());
  ASSERT_EQ(app->status, 201) << app->body;
  const std::string second = sink.message(3);
  ASSERT_FALSE(second.empty()) << "the app_password notification was not mailed";
  EXPECT_EQ(header(second, "To"), kAddress) << second;
  EXPECT_EQ(header(second, "Subject"), "New app password for demo") << second;
  EXPECT_NE(body(second).find("New app password for demo"), std::string::npos) << second;
  EXPECT_NE(body(second).find("If this was not you, change your password."), std::string::npos)
      << second;
  EXPECT_NE(body(second).find("event: app_password"), std::string::npos) << second;

  // The worker logged both deliveries with the address masked, never in full.
  ASSERT_TRUE(eventually([&] {
    int n = 0;
    for (const auto& l : worker->lines())
      if (l.find("notification delivered") != std::string::npos &&
          l.find("d***@example.org") != std::string::npos)
        ++n;
    return n >= 2;
  })) << "the worker did not log both deliveries";
  for (const auto& l : worker->lines()) EXPECT_EQ(l.find(kAddress), std::string::npos) << l;

  // The address removed: the channel's next notification is dropped, not mailed.
  auto removed = me.call("DELETE", "/api/v1/me/security/email");
  ASSERT_TRUE(removed.ok());
  ASSERT_EQ(removed->status, 204) << removed->body;
  auto again = me.call("POST", "/api/v1/me/security/channels/" + id + "/test");
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->status, 202) << again->body;
  ASSERT_TRUE(eventually([&] {
    for (const auto& l : worker->lines())
      if (l.find("notification dropped") != std::string::npos) return true;
    return false;
  })) << "the worker did not drop the notification";
  EXPECT_EQ(sink.count(), 3u) << "nothing is mailed without a confirmed address";
  // A new email channel needs a confirmed address again.
  auto later = me.call("POST", "/api/v1/me/security/channels", channel_body);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->status, 400) << later->body;
}
