// End-to-end tests of account messages (issue 14, Messages): real
// auth-service, sync-worker, Redis, the Jellyfin stand-in, an SMTP server
// (tests/support/smtp_sink, python3-aiosmtpd) and a local HTTP receiver
// (tests/support/http_receiver) speaking as Discord, Telegram, Matrix and a
// webhook, admitted by the outbound policy through JB_OUTBOUND_ALLOW.
//   - a message enqueued with jb::msg::enqueue reaches Discord, Telegram,
//     Matrix, the webhook (its signature verified here) and email, each in its
//     documented shape, rendered with the admin's edited template; enqueued
//     again with the same dedupe id it is not enqueued;
//   - a receiver answering 503 gets the message once it is back (retried),
//     exactly once; one answering 400 ends in the dead letters;
//   - the channel test route queues a delivery on one channel;
//   - templates with unknown variables and bad channel settings are refused
//     naming the field; non-admins get 403 on the admin routes.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/notify/message.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/http_receiver.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

const char* kHookSecret = "msg_hook_secret_0123456789";

std::map<std::string, std::string> smtp_vars(const SmtpSink& sink) {
  return {{"JB_SMTP_URL", sink.url()},
          {"JB_SMTP_FROM", "Jellybridge <jb@jellybridge.test>"},
          {"JB_SMTP_STARTTLS", "off"}};
}

struct Env {
  Stack stack;
  Standin home;
  SmtpSink smtp;
  Receiver receiver;
  std::unique_ptr<ApiClient> admin;
  std::unique_ptr<RedisConnection> redis;

  explicit Env(std::map<std::string, std::string> worker_extra = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(receiver.ok());
    EXPECT_GT(smtp.port(), 0) << "the SMTP sink did not start (python3-aiosmtpd)";
    auto auth_env = smtp_vars(smtp);
    auth_env["JB_JELLYFIN_URL"] = home.url();
    auth_env["JB_PUBLIC_URL"] = "https://media.example.org";
    EXPECT_TRUE(stack.start_auth(auth_env));
    auto worker_env = smtp_vars(smtp);
    worker_env["JB_WORK_MAX_DELIVERIES"] = "10";
    worker_env["JB_OUTBOUND_ALLOW"] = "127.0.0.1/32";
    worker_env["JB_SCHEDULE_TICK_MS"] = "100";  // retries come back promptly
    worker_env["JB_MSG_RETRY_BASE_MS"] = "100";
    for (auto& [k, v] : worker_extra) worker_env[k] = v;
    EXPECT_NE(stack.start_worker("messenger", worker_env), nullptr);
    redis = std::make_unique<RedisConnection>(*parse_redis_url(stack.redis.url()));
    auto t = session_token(stack.api(""), "admin", "admin-password");
    EXPECT_TRUE(t.ok());
    admin = std::make_unique<ApiClient>(stack.api(""), t.ok() ? *t : "");
  }

  std::string user_id(const std::string& name) {
    auto jf_admin = home.login("admin", "admin-password", "setup");
    auto users = json::parse(home.api("GET", "/Users", *jf_admin, "", "setup")->body);
    for (const auto& u : users->GetArray())
      if (json::get_string(u, "Name") == name) return json::get_string(u, "Id");
    return "";
  }

  int put(const std::string& path, const std::string& body) {
    auto r = admin->call("PUT", path, body);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.ok() ? r->status : 0, 200) << path << " " << (r.ok() ? r->body : "");
    return r.ok() ? static_cast<int>(r->status) : 0;
  }

  std::vector<std::map<std::string, std::string>> dead_letters() {
    auto r = redis->command({"XRANGE", workq::default_names().dead_letter, "-", "+"});
    std::vector<std::map<std::string, std::string>> out;
    if (!r.ok()) return out;
    for (const auto& it : workq::parse_entries(*r)) out.push_back(it.fields);
    return out;
  }
};

std::string json_body(std::initializer_list<std::pair<const char*, std::string>> kv) {
  json::Writer w;
  w.begin_object();
  for (const auto& [k, v] : kv) w.kv(k, v);
  return w.end_object().str();
}

bool signature_valid(const Received& r, const std::string& secret) {
  const std::string expected =
      "sha256=" +
      crypto::hmac_sha256_hex(secret, r.header("X-Jellybridge-Timestamp") + "." + r.body);
  return crypto::equal_ct(expected, r.header("X-Jellybridge-Signature"));
}

std::string field(const Received& r, const char* name) {
  auto d = json::parse(r.body);
  return d.ok() ? json::get_string(*d, name) : "";
}

}  // namespace

TEST(Messages, AdminRoutesAreForAdministratorsOnly) {
  Env e;
  auto t = session_token(e.stack.api(""), "demo", "demo-password");
  ASSERT_TRUE(t.ok());
  ApiClient demo(e.stack.api(""), *t);
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/admin/messages/channels"},
           {"PUT", "/api/v1/admin/messages/channels/webhook"},
           {"POST", "/api/v1/admin/messages/channels/webhook/test"},
           {"GET", "/api/v1/admin/messages/templates"},
           {"PUT", "/api/v1/admin/messages/templates/welcome"},
           {"DELETE", "/api/v1/admin/messages/templates/welcome"}}) {
    auto r = demo.call(method, path, "{}");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 403) << method << " " << path << " " << r->body;
    EXPECT_EQ(problem_type(r), "admin_only");
  }
}

TEST(Messages, BadSettingsAndTemplatesAreRefusedNamingTheField) {
  Env e;
  auto bad_var = e.admin->call(
      "PUT", "/api/v1/admin/messages/templates/welcome",
      json_body({{"subject", "Hi {{user_name}}"}, {"body", "Your password is {{password}}"}}));
  ASSERT_TRUE(bad_var.ok());
  EXPECT_EQ(bad_var->status, 400) << bad_var->body;
  EXPECT_EQ(problem_type(bad_var), "invalid_request");
  EXPECT_NE(bad_var->body.find("password"), std::string::npos) << bad_var->body;
  auto no_hook = e.admin->call("PUT", "/api/v1/admin/messages/channels/discord", "{}");
  ASSERT_TRUE(no_hook.ok());
  EXPECT_EQ(no_hook->status, 400) << no_hook->body;
  EXPECT_NE(no_hook->body.find("webhook_url"), std::string::npos) << no_hook->body;
  auto unknown = e.admin->call("PUT", "/api/v1/admin/messages/channels/sms", "{}");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 404);
  // The preview renders the saved or given template with sample values.
  auto preview = e.admin->call("POST", "/api/v1/admin/messages/templates/reset/preview", "{}");
  ASSERT_TRUE(preview.ok());
  ASSERT_EQ(preview->status, 200) << preview->body;
  auto p = body_of(preview);
  EXPECT_EQ(json::get_string(p, "subject"), "Set a new password for alice");
  EXPECT_NE(json::get_string(p, "html").find("<a href="), std::string::npos);
}

TEST(Messages, ReachEveryChannelInItsShapeWithTheAdminsTemplate) {
  Env e;
  const std::string uid = e.user_id("demo");
  ASSERT_FALSE(uid.empty());
  e.put("/api/v1/admin/messages/channels/discord",
        R"({"webhook_url":")" + e.receiver.url("/discord") + R"(","kinds":["welcome"]})");
  e.put("/api/v1/admin/messages/channels/telegram",
        json_body({{"bot_token", "123:tg-token"}, {"api_url", e.receiver.url("/tg")}}));
  e.put("/api/v1/admin/messages/channels/matrix",
        json_body({{"homeserver_url", e.receiver.url("/mx")}, {"access_token", "mx-token"}}));
  e.put("/api/v1/admin/messages/channels/webhook",
        json_body({{"url", e.receiver.url("/hook")}, {"secret", kHookSecret}}));
  e.put("/api/v1/admin/messages/templates/welcome",
        json_body({{"subject", "Welcome aboard, {{user_name}}!"},
                   {"body", "Hello **{{user_name}}**, see [your server]({{link}}).\n"}}));
  auto secrets = e.redis->command({"HGETALL", "jb:msg:channels"});
  ASSERT_TRUE(secrets.ok());
  for (const auto& x : secrets->elements) {
    EXPECT_EQ(x.str.find("tg-token"), std::string::npos);
    EXPECT_EQ(x.str.find(kHookSecret), std::string::npos);
  }
  // The user's confirmed address and contacts.
  ASSERT_TRUE(e.redis
                  ->command({"HSET", "jb:2fa:email:" + uid, "address", "demo@example.org",
                             "confirmed", "1"})
                  .ok());
  ASSERT_TRUE(
      e.redis->command({"HSET", "jb:contacts:" + uid, "telegram", "4242", "matrix", "!r:ex.org"})
          .ok());

  msg::Message m{"welcome", uid, "demo", "", {{"link", "https://media.example.org/"}}, "welcome-1"};
  auto id = msg::enqueue(*e.redis, m);
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(id->empty());
  auto again = msg::enqueue(*e.redis, m);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << "the same dedupe id is enqueued once";

  ASSERT_TRUE(eventually([&] {
    return e.receiver.at("/discord").size() == 1 && e.receiver.under("/tg/").size() == 1 &&
           e.receiver.under("/mx/").size() == 1 && e.receiver.at("/hook").size() == 1 &&
           e.smtp.count() == 1;
  })) << "discord "
      << e.receiver.at("/discord").size() << ", telegram " << e.receiver.under("/tg/").size()
      << ", matrix " << e.receiver.under("/mx/").size() << ", webhook "
      << e.receiver.at("/hook").size() << ", email " << e.smtp.count();

  const Received discord = e.receiver.at("/discord")[0];
  EXPECT_EQ(discord.method, "POST");
  EXPECT_EQ(field(discord, "content"),
            "Welcome aboard, demo!\n\nHello demo, see your server (https://media.example.org/).\n");

  const Received tg = e.receiver.under("/tg/")[0];
  EXPECT_EQ(tg.path, "/tg/bot123:tg-token/sendMessage");
  EXPECT_EQ(field(tg, "chat_id"), "4242");
  EXPECT_NE(field(tg, "text").find("Hello demo"), std::string::npos) << tg.body;

  const Received mx = e.receiver.under("/mx/")[0];
  EXPECT_EQ(mx.method, "PUT");
  // The room id percent-encoded in the path, the delivery's stable id as the txn id.
  EXPECT_EQ(mx.path.rfind("/mx/_matrix/client/v3/rooms/%21r%3Aex.org/send/m.room.message/", 0), 0u)
      << mx.path;
  EXPECT_EQ(mx.header("Authorization"), "Bearer mx-token");
  EXPECT_EQ(field(mx, "msgtype"), "m.text");
  EXPECT_EQ(field(mx, "format"), "org.matrix.custom.html");
  EXPECT_NE(field(mx, "formatted_body").find("<strong>demo</strong>"), std::string::npos)
      << mx.body;

  const Received hook = e.receiver.at("/hook")[0];
  EXPECT_TRUE(signature_valid(hook, kHookSecret)) << hook.body;
  EXPECT_EQ(field(hook, "event"), "user.created");
  EXPECT_FALSE(hook.header("X-Jellybridge-Delivery").empty());

  const std::string mail = e.smtp.message(1);
  EXPECT_NE(mail.find("To: demo@example.org"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Subject: Welcome aboard, demo!"), std::string::npos) << mail;
  EXPECT_NE(mail.find("multipart/alternative"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Hello demo, see your server (https://media.example.org/)."),
            std::string::npos)
      << mail;
  EXPECT_NE(mail.find("<strong>demo</strong>"), std::string::npos) << mail;

  // The channel test route: one delivery on that channel only.
  auto test = e.admin->call("POST", "/api/v1/admin/messages/channels/webhook/test", "{}");
  ASSERT_TRUE(test.ok());
  EXPECT_EQ(test->status, 202) << test->body;
  ASSERT_TRUE(eventually([&] { return e.receiver.at("/hook").size() == 2; }));
  const Received test_hook = e.receiver.at("/hook")[1];
  EXPECT_EQ(field(test_hook, "event"), "announcement");
  EXPECT_TRUE(signature_valid(test_hook, kHookSecret));
  // No secret is in the logs.
  for (const auto& line : e.stack.all_logs()) {
    EXPECT_EQ(line.find("tg-token"), std::string::npos) << line;
    EXPECT_EQ(line.find("mx-token"), std::string::npos) << line;
    EXPECT_EQ(line.find("demo@example.org"), std::string::npos) << line;
  }
}

TEST(Messages, AReceiverDownForGoodIsGivenUpOnAfterTheLastAttempt) {
  Env e(std::map<std::string, std::string>{{"JB_MSG_MAX_ATTEMPTS", "3"}});
  const std::string uid = e.user_id("demo");
  ASSERT_FALSE(uid.empty());
  e.put("/api/v1/admin/messages/channels/discord",
        json_body({{"webhook_url", e.receiver.url("/down")}}));
  e.put("/api/v1/admin/messages/channels/email", R"({"enabled":false})");
  msg::Message m{"announcement",
                 uid,
                 "demo",
                 "",
                 {{"subject", "Maintenance"}, {"message", "Never arrives."}},
                 ""};
  ASSERT_TRUE(msg::enqueue(*e.redis, m).ok());
  // Three attempts (the later ones waiting in jb:msg:retry), then a dead letter.
  ASSERT_TRUE(eventually([&] {
    for (const auto& d : e.dead_letters())
      if (d.count("f.channel") && d.at("f.channel") == "discord") return true;
    return false;
  }));
  std::string why;
  for (const auto& d : e.dead_letters())
    if (d.count("f.channel") && d.at("f.channel") == "discord") {
      why = d.at("error");
      EXPECT_EQ(d.at("f.attempt"), "3");
      EXPECT_FALSE(d.at("f.delivery").empty());  // the first attempt's id, kept
    }
  EXPECT_NE(why.find("gave up after 3 attempts"), std::string::npos) << why;
  EXPECT_EQ(e.receiver.refused_while_down(), 3);
  auto left = e.redis->command({"ZCARD", "jb:msg:retry"});
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->integer, 0);
  EXPECT_TRUE(e.receiver.at("/down").empty());
}

TEST(Messages, ADownReceiverGetsItOnceBackAndARefusalIsDeadLettered) {
  Env e;
  const std::string uid = e.user_id("demo");
  ASSERT_FALSE(uid.empty());
  e.put("/api/v1/admin/messages/channels/discord",
        json_body({{"webhook_url", e.receiver.url("/down")}}));
  e.put("/api/v1/admin/messages/channels/webhook",
        json_body({{"url", e.receiver.url("/bad")}, {"secret", kHookSecret}}));
  e.put("/api/v1/admin/messages/channels/email", R"({"enabled":false})");
  msg::Message m{"announcement",
                 uid,
                 "demo",
                 "",
                 {{"subject", "Maintenance"}, {"message", "First note."}},
                 ""};
  ASSERT_TRUE(msg::enqueue(*e.redis, m).ok());
  ASSERT_TRUE(eventually([&] { return e.receiver.refused_while_down() >= 2; }))
      << "the down receiver was asked again";
  EXPECT_TRUE(e.receiver.at("/down").empty());
  e.receiver.up();
  ASSERT_TRUE(eventually([&] { return e.receiver.at("/down").size() == 1; }));
  // A second message after it: once it is there, the first one came exactly once.
  m.vars = {{"subject", "Maintenance"}, {"message", "Second note."}};
  ASSERT_TRUE(msg::enqueue(*e.redis, m).ok());
  ASSERT_TRUE(eventually([&] { return e.receiver.at("/down").size() == 2; }));
  auto got = e.receiver.at("/down");
  EXPECT_NE(field(got[0], "content").find("First note."), std::string::npos) << got[0].body;
  EXPECT_NE(field(got[1], "content").find("Second note."), std::string::npos) << got[1].body;
  // The webhook answered 400: dead-lettered, each message once; email was off.
  ASSERT_TRUE(eventually([&] {
    int n = 0;
    for (const auto& d : e.dead_letters())
      if (d.count("f.channel") && d.at("f.channel") == "webhook" &&
          d.at("error").find("400") != std::string::npos)
        ++n;
    return n == 2;
  }));
  EXPECT_EQ(e.receiver.refused_for_good(), 2);
  EXPECT_EQ(e.smtp.count(), 0u);
}
