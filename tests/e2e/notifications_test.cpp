// End-to-end tests of security notifications (issue 12): real auth-service,
// sync-worker, Redis and the Jellyfin stand-in as the home server, and local
// receivers (an HTTP server in this test, on loopback, which the outbound
// policy admits through JB_OUTBOUND_ALLOW) that record what they get. A sign-in
// from a new address reaches a webhook (its signature verified here), ntfy and
// Gotify in their documented shapes; a receiver that is down is retried and
// gets it once it is up, while the sign-in was answered before it ever got it;
// a receiver answering 404 ends in the dead letters; the same address block
// again notifies nobody; the channels' secrets are neither in Redis nor in the logs;
// without a mail server, email channels are refused (email_not_available). Email
// deliveries themselves: email_notifications_test.cpp. A sign-in from a new device
// (its User-Agent's label) notifies, the same one again does not; a locked account
// and a banned address notify the owner of the account whose name was typed; a
// challenge burned by wrong codes and a sign-in with a recovery code notify the user.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/core/metrics.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_server.h"
#include "common/redis/work_queue.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/http_receiver.h"
#include "tests/support/oathtool.h"
#include "tests/support/redis_dump.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

const char* kWebhookSecret = "whsec_e2e_0123456789";
const char* kNtfyToken = "tk_e2e_ntfy_secret";
const char* kGotifyToken = "gotify_e2e_app_token";

struct Env {
  Stack stack;
  Standin home;
  Receiver receiver;
  std::string session;

  // outbound_allow: the worker's JB_OUTBOUND_ALLOW (the stack's default also allows loopback);
  // auth_env: more settings of auth-service.
  explicit Env(const std::string& outbound_allow = "127.0.0.1/32",
               std::map<std::string, std::string> auth_env = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(receiver.ok());
    auth_env["JB_JELLYFIN_URL"] = home.url();
    auth_env["JB_TRUSTED_PROXIES"] = "127.0.0.1/32";
    EXPECT_TRUE(stack.start_auth(auth_env));
    EXPECT_TRUE(stack.start_worker(
        "notifier", {{"JB_WORK_MAX_DELIVERIES", "20"}, {"JB_OUTBOUND_ALLOW", outbound_allow}}));
    // The first sign-in only records its address block (127.0.0.0/24).
    session = sign_in({});
  }

  std::string sign_in(const ApiClient::Headers& headers) {
    ApiClient c{stack.api(""), ""};
    auto body =
        body_of(c.call("POST", "/api/v1/auth/login", login_body("demo", "demo-password"), headers));
    const auto* s = json::member(body, "session");
    EXPECT_NE(s, nullptr) << json::stringify(body);
    return s ? json::get_string(*s, "token") : "";
  }

  // Creates a channel; answers its id.
  std::string channel(const std::string& body, json::Document* answer = nullptr) {
    ApiClient c{stack.api(""), session};
    auto r = c.call("POST", "/api/v1/me/security/channels", body);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.ok() ? r->status : 0, 201) << (r.ok() ? r->body : "");
    auto d = body_of(r);
    std::string id = json::get_string(d, "id");
    if (answer) *answer = std::move(d);
    return id;
  }

  std::string hook_body(const std::string& name, const std::string& path,
                        const std::string& secret = kWebhookSecret) {
    json::Writer w;
    w.begin_object().kv("type", "webhook").kv("name", name).kv("url", receiver.url(path));
    if (!secret.empty()) w.kv("secret", secret);
    return w.end_object().str();
  }
};

// The dead-letter entries' fields.
std::vector<std::map<std::string, std::string>> dead_letters(Stack& stack) {
  auto ro = parse_redis_url(stack.redis.url());
  RedisConnection c(*ro);
  auto r = c.command({"XRANGE", workq::default_names().dead_letter, "-", "+"});
  std::vector<std::map<std::string, std::string>> out;
  if (!r.ok()) return out;
  for (const auto& it : workq::parse_entries(*r)) out.push_back(it.fields);
  return out;
}

bool signature_valid(const Received& r, const std::string& secret) {
  std::string expected =
      "sha256=" +
      crypto::hmac_sha256_hex(secret, r.header("X-Jellybridge-Timestamp") + "." + r.body);
  return crypto::equal_ct(expected, r.header("X-Jellybridge-Signature"));
}

int count_event(const std::vector<Received>& got, const std::string& event) {
  int n = 0;
  for (const auto& r : got) {
    auto d = json::parse(r.body);
    if (d.ok() && json::get_string(*d, "event") == event) ++n;
  }
  return n;
}

}  // namespace

TEST(Notifications, NewAddressSignInReachesEveryChannelRetriedAndDeadLettered) {
  Env e;
  ASSERT_FALSE(e.session.empty());
  e.channel(e.hook_body("hook", "/hook"));
  e.channel(R"({"type":"ntfy","name":"phone","url":")" + e.receiver.url("/ntfy/alerts") +
            R"(","token":")" + kNtfyToken + R"(","events":["signin.new_device"]})");
  e.channel(R"({"type":"gotify","name":"gotify","url":")" + e.receiver.url("/gotify") +
            R"(","token":")" + kGotifyToken + R"("})");
  e.channel(e.hook_body("down", "/down"));
  std::string gone = e.channel(e.hook_body("gone", "/gone"));
  // A webhook without a secret gets one, shown once and never listed.
  json::Document made;
  e.channel(e.hook_body("generated", "/generated", ""), &made);
  std::string generated = json::get_string(made, "secret");
  EXPECT_EQ(generated.size(), 64u);
  ApiClient me{e.stack.api(""), e.session};
  auto list = me.call("GET", "/api/v1/me/security/channels");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(list->body.find(kNtfyToken), std::string::npos);
  EXPECT_EQ(list->body.find(generated), std::string::npos);

  // A sign-in from a new address: answered while /down refuses everything.
  ASSERT_FALSE(e.sign_in({{"X-Forwarded-For", "198.51.100.7"}}).empty());
  EXPECT_TRUE(e.receiver.at("/down").empty()) << "the sign-in waited for a receiver";

  ASSERT_TRUE(eventually([&] { return !e.receiver.at("/hook").empty(); }));
  auto hook = e.receiver.at("/hook");
  ASSERT_EQ(hook.size(), 1u);
  EXPECT_TRUE(signature_valid(hook[0], kWebhookSecret)) << hook[0].body;
  EXPECT_FALSE(signature_valid(hook[0], "another secret"));
  EXPECT_FALSE(hook[0].header("X-Jellybridge-Delivery").empty());
  auto body = json::parse(hook[0].body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(json::get_string(*body, "event"), "signin.new_device");
  EXPECT_EQ(json::get_string(*json::member(*body, "user"), "name"), "demo");
  EXPECT_EQ(json::get_string(*json::member(*body, "detail"), "ip"), "198.51.100.7");

  ASSERT_TRUE(eventually([&] { return !e.receiver.at("/ntfy/alerts").empty(); }));
  auto ntfy = e.receiver.at("/ntfy/alerts")[0];
  EXPECT_EQ(ntfy.header("Authorization"), std::string("Bearer ") + kNtfyToken);
  EXPECT_EQ(ntfy.header("Title"), "New sign-in to demo");
  EXPECT_EQ(ntfy.header("Priority"), "4");
  EXPECT_FALSE(ntfy.header("Tags").empty());
  EXPECT_NE(ntfy.body.find("198.51.100.7"), std::string::npos);

  ASSERT_TRUE(eventually([&] { return !e.receiver.at("/gotify/message").empty(); }));
  auto gotify = e.receiver.at("/gotify/message")[0];
  EXPECT_EQ(gotify.header("X-Gotify-Key"), kGotifyToken);
  auto g = json::parse(gotify.body);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(json::get_string(*g, "title"), "New sign-in to demo");
  EXPECT_NE(json::get_string(*g, "message").find("198.51.100.7"), std::string::npos);
  EXPECT_EQ(json::get_int(*g, "priority"), 7);

  ASSERT_TRUE(eventually([&] { return !e.receiver.at("/generated").empty(); }));
  EXPECT_TRUE(signature_valid(e.receiver.at("/generated")[0], generated));

  // The receiver that was down: refused at least once, then up, then it gets it (a retry).
  ASSERT_TRUE(eventually([&] { return e.receiver.refused_while_down() >= 1; }));
  e.receiver.up();
  ASSERT_TRUE(eventually([&] { return !e.receiver.at("/down").empty(); }, 60000));
  auto down = e.receiver.at("/down");
  EXPECT_EQ(down.size(), 1u);
  EXPECT_TRUE(signature_valid(down[0], kWebhookSecret));

  // The 404 receiver: dead-lettered with the reason.
  ASSERT_TRUE(eventually([&] {
    for (const auto& f : dead_letters(e.stack))
      if (f.count("f.channel") && f.at("f.channel") == gone) return true;
    return false;
  }));
  for (const auto& f : dead_letters(e.stack))
    if (f.count("f.channel") && f.at("f.channel") == gone) {
      EXPECT_NE(f.at("error").find("404"), std::string::npos) << f.at("error");
    }

  // The same address block again: no new notification. A test notification queued
  // after it on the same lane (one worker, in order) proves the queue got past it.
  ASSERT_FALSE(e.sign_in({{"X-Forwarded-For", "198.51.100.99"}}).empty());
  std::string hook_id;
  const auto listed = body_of(me.call("GET", "/api/v1/me/security/channels"));  // outlives the loop
  for (const auto& c : (*json::member(listed, "channels")).GetArray())
    if (json::get_string(c, "name") == "hook") hook_id = json::get_string(c, "id");
  ASSERT_FALSE(hook_id.empty());
  auto test = me.call("POST", "/api/v1/me/security/channels/" + hook_id + "/test");
  ASSERT_TRUE(test.ok());
  EXPECT_EQ(test->status, 202) << test->body;
  ASSERT_TRUE(eventually([&] { return count_event(e.receiver.at("/hook"), "test") == 1; }));
  EXPECT_EQ(count_event(e.receiver.at("/hook"), "signin.new_device"), 1);

  // Secrets: sealed in Redis, never logged.
  auto ro = parse_redis_url(e.stack.redis.url());
  RedisConnection c(*ro);
  auto dump = redis_dump(c);
  ASSERT_TRUE(dump.ok());
  for (const std::string& s : {std::string(kWebhookSecret), std::string(kNtfyToken),
                               std::string(kGotifyToken), generated}) {
    EXPECT_EQ(dump->find(s), std::string::npos) << "in Redis: " << s;
    for (const auto& log : e.stack.all_logs())
      EXPECT_EQ(log.find(s), std::string::npos) << "in a log: " << s;
  }
}

TEST(Notifications, ChannelsAreValidatedCappedAndDeletable) {
  Env e;
  ApiClient me{e.stack.api(""), e.session};
  auto bad = me.call("POST", "/api/v1/me/security/channels",
                     R"({"type":"smtp","name":"x","url":"ftp://example.org"})");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(problem_type(bad), "invalid_request");
  // This auth-service has no mail server (JB_SMTP_URL): no email channels.
  auto email = me.call("POST", "/api/v1/me/security/channels", R"({"type":"email","name":"m"})");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(email->status, 503) << email->body;
  EXPECT_EQ(problem_type(email), "email_not_available");
  std::string first;
  for (int i = 0; i < 10; ++i) {
    std::string id = e.channel(e.hook_body("h" + std::to_string(i), "/hook"));
    if (i == 0) first = id;
  }
  auto over = me.call("POST", "/api/v1/me/security/channels", e.hook_body("h10", "/hook"));
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(over->status, 409);
  EXPECT_EQ(problem_type(over), "channel_limit");
  auto del = me.call("DELETE", "/api/v1/me/security/channels/" + first);
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->status, 204);
  auto again = me.call("DELETE", "/api/v1/me/security/channels/" + first);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(problem_type(again), "channel_not_found");
}

TEST(Notifications, ReceiversOnLoopbackNeedTheAdministratorsAllowance) {
  Env e("10.0.0.0/8, 192.168.0.0/16");  // as in production: loopback is not allowed
  std::string id = e.channel(e.hook_body("local", "/hook"));
  ApiClient me{e.stack.api(""), e.session};
  auto test = me.call("POST", "/api/v1/me/security/channels/" + id + "/test");
  ASSERT_TRUE(test.ok());
  EXPECT_EQ(test->status, 202);
  ASSERT_TRUE(eventually([&] {
    for (const auto& f : dead_letters(e.stack))
      if (f.count("f.channel") && f.at("f.channel") == id) return true;
    return false;
  }));
  EXPECT_TRUE(e.receiver.at("/hook").empty());
}

// The events of one user's webhook, as parsed bodies.
std::vector<json::Document> events_at(Receiver& r, const std::string& path,
                                      const std::string& event) {
  std::vector<json::Document> out;
  for (const auto& got : r.at(path)) {
    auto d = json::parse(got.body);
    if (d.ok() && json::get_string(*d, "event") == event) out.push_back(std::move(*d));
  }
  return out;
}

// The one `event` the webhook at `path` gets (waited for): its user's name and detail fields.
struct OneEvent {
  std::string user;
  std::map<std::string, std::string> detail;
};
std::optional<OneEvent> only_event(Receiver& r, const std::string& path, const std::string& event) {
  if (!eventually([&] { return !events_at(r, path, event).empty(); })) return std::nullopt;
  const auto got = events_at(r, path, event);
  if (got.size() != 1) return std::nullopt;
  OneEvent out{json::get_string(*json::member(got[0], "user"), "name"), {}};
  const auto* d = json::member(got[0], "detail");
  if (d != nullptr && d->IsObject())
    for (auto it = d->MemberBegin(); it != d->MemberEnd(); ++it)
      if (it->value.IsString()) out.detail[it->name.GetString()] = it->value.GetString();
  return out;
}

const char* kFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const char* kChrome =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36";

TEST(Notifications, ANewDeviceFromAKnownAddressNotifiesOnce) {
  Env e;
  std::string hook = e.channel(e.hook_body("hook", "/hook"));
  // The Env's first sign-in (the test client's own User-Agent) only recorded its
  // device; two others from the same address are new.
  ASSERT_FALSE(e.sign_in({{"User-Agent", kFirefox}}).empty());
  ASSERT_FALSE(e.sign_in({{"User-Agent", kChrome}}).empty());
  ASSERT_TRUE(
      eventually([&] { return events_at(e.receiver, "/hook", "signin.new_device").size() == 2; }));
  // Both devices again, then a test notification behind them on the same lane.
  ASSERT_FALSE(e.sign_in({{"User-Agent", kFirefox}}).empty());
  ASSERT_FALSE(e.sign_in({{"User-Agent", kChrome}}).empty());
  ApiClient me{e.stack.api(""), e.session};
  auto test = me.call("POST", "/api/v1/me/security/channels/" + hook + "/test");
  ASSERT_TRUE(test.ok());
  ASSERT_TRUE(eventually([&] { return !events_at(e.receiver, "/hook", "test").empty(); }));
  const auto got = events_at(e.receiver, "/hook", "signin.new_device");
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> devices;
  for (const auto& d : got) {
    const auto* detail = json::member(d, "detail");
    ASSERT_NE(detail, nullptr);
    devices.insert(json::get_string(*detail, "device"));
    EXPECT_EQ(json::get_string(*detail, "ip"), "127.0.0.1");
  }
  EXPECT_EQ(devices, (std::set<std::string>{"Firefox on Linux", "Chrome on Windows"}));
}

TEST(Notifications, ABannedAddressAndALockedAccountNotifyTheAccountsOwner) {
  Env e(
      "127.0.0.1/32",
      {{"JB_LOCKOUT_FAILURES", "3"}, {"JB_BAN_FAILURES", "5"}, {"JB_SIGNIN_FAILURE_MIN_MS", "0"}});
  e.channel(e.hook_body("hook", "/hook"));
  ApiClient anyone{e.stack.api(""), ""};
  auto wrong = [&](const std::string& name, const std::string& ip) {
    auto r = anyone.call("POST", "/api/v1/auth/login", login_body(name, "not-the-password"),
                         {{"X-Forwarded-For", ip}});
    return r.ok() ? r->status : 0;
  };
  // Names that never signed in here: their failures count towards the address's
  // ban, but there is nobody to tell.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(wrong("nobody-" + std::to_string(i), "198.51.100.20"), 401);
  // The fifth failure from that address bans it; it was a try at demo's name
  // (any case): demo hears of it.
  EXPECT_EQ(wrong("Demo", "198.51.100.20"), 401);
  auto banned = only_event(e.receiver, "/hook", "ban");
  ASSERT_TRUE(banned) << "no single ban notification";
  EXPECT_EQ(banned->user, "demo");
  EXPECT_EQ(banned->detail["ip"], "198.51.100.20");
  EXPECT_EQ(banned->detail["failures"], "5");
  // Two more wrong passwords for demo (three in all) lock the account.
  EXPECT_EQ(wrong("demo", "203.0.113.5"), 401);
  EXPECT_EQ(wrong("demo", "203.0.113.5"), 401);
  auto locked = only_event(e.receiver, "/hook", "lockout");
  ASSERT_TRUE(locked) << "no single lockout notification";
  EXPECT_EQ(locked->user, "demo");
  EXPECT_EQ(locked->detail["ip"], "203.0.113.5");
  EXPECT_EQ(locked->detail["failures"], "3");
}

TEST(Notifications, ABurnedChallengeAndARecoveryCodeNotifyTheUser) {
  Env e;
  e.channel(e.hook_body("hook", "/hook"));
  ApiClient me{e.stack.api(""), e.session};
  const std::string secret =
      json::get_string(body_of(me.call("POST", "/api/v1/me/security/totp")), "secret");
  const std::string totp = oathtool(secret, timeutil::now_unix_ms() / 1000);
  ASSERT_EQ(totp.size(), 6u) << "oathtool did not run (scripts/deps.sh installs it)";
  auto confirmed =
      me.call("POST", "/api/v1/me/security/totp/confirm", R"({"code":")" + totp + R"("})");
  ASSERT_TRUE(confirmed.ok());
  ASSERT_EQ(confirmed->status, 200) << confirmed->body;
  const auto codes = body_of(confirmed);
  const std::string recovery = (*json::member(codes, "recovery_codes"))[0].GetString();

  ApiClient anyone{e.stack.api(""), ""};
  auto challenge = [&] {
    auto in =
        body_of(anyone.call("POST", "/api/v1/auth/login", login_body("demo", "demo-password")));
    const auto* c = json::member(in, "challenge");
    return c ? json::get_string(*c, "id") : std::string();
  };
  // The right password, then five wrong codes: the challenge is burned.
  const std::string burned = challenge();
  ASSERT_FALSE(burned.empty());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(anyone
                    .call("POST", "/api/v1/auth/challenge/" + burned,
                          R"({"method":"recovery","code":"AAAAA-AAAAA"})")
                    .ok());
  auto failed = only_event(e.receiver, "/hook", "second_factor_failed");
  ASSERT_TRUE(failed) << "no single second_factor_failed notification";
  EXPECT_EQ(failed->detail["method"], "recovery");
  // A recovery code signs in, and says how many are left.
  const std::string used = challenge();
  ASSERT_FALSE(used.empty());
  auto in = anyone.call("POST", "/api/v1/auth/challenge/" + used,
                        R"({"method":"recovery","code":")" + recovery + R"("})");
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->status, 200) << in->body;
  auto recovered = only_event(e.receiver, "/hook", "recovery_code_used");
  ASSERT_TRUE(recovered) << "no single recovery_code_used notification";
  EXPECT_EQ(recovered->detail["recovery_codes_left"], "9");
  for (const auto& got : e.receiver.at("/hook"))  // the code itself is never sent
    EXPECT_EQ(got.body.find(recovery), std::string::npos) << got.body;
}
