// End-to-end tests of signing a device in with Quick Connect from the suite
// (issue 15): a device (its own MediaBrowser header) initiates Quick Connect at
// a Jellyfin stand-in and shows a code; the user types it into
// POST /api/v1/connections/{id}/quickconnect/authorize; the device's poll turns
// Authenticated and its exchange yields a token for the connection's user —
// for a password connection and for an API-key connection (its chosen user).
// Every Jellyfin answer is a clear problem (disabled, unknown, expired, already
// authorised, token rejected → the connection expires, unreachable, timeout);
// another user's connection answers 404; attempts are limited per connection
// and per user (429 with Retry-After), audited with the code masked, and
// notified; the code is in no service's log. Real auth-service binary, real
// Redis, stand-ins as Jellyfin servers.
#include <gtest/gtest.h>

#include <regex>

#include "common/core/json.h"
#include "common/jellyfin/auth.h"
#include "common/net/http_client.h"
#include "common/redis/client.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_dump.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr const char* kMasked = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";  // ••••

struct Env {
  Stack stack;
  Standin home;
  Standin other;

  using Vars = std::map<std::string, std::string>;
  explicit Env(Vars extra = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(other.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    EXPECT_TRUE(stack.start_auth(extra));
  }

  // The session token of a one-step sign-in.
  std::string token(const std::string& name, const std::string& password) {
    auto t = session_token(stack.api(""), name, password);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? *t : "";
  }

  // A new connection of `who`; its id.
  std::string connect(ApiClient& who, const std::string& body) {
    auto r = who.call("POST", "/api/v1/connections", body);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.ok() ? r->status : 0, 201) << (r.ok() ? r->body : "");
    return json::get_string(body_of(r), "id");
  }
  std::string password_connection(ApiClient& who, Standin& server, const std::string& name,
                                  const std::string& password) {
    json::Writer w;
    w.begin_object()
        .kv("method", "password")
        .kv("server_url", server.url())
        .kv("username", name)
        .kv("password", password)
        .end_object();
    return connect(who, w.str());
  }

  // A new API key on `server` (made as its admin).
  std::string api_key(Standin& server) {
    auto admin = server.login("admin", "admin-password", "setup");
    EXPECT_TRUE(admin.ok());
    EXPECT_EQ(server.api("POST", "/Auth/Keys?app=jellybridge", *admin, "", "setup")->status, 204);
    auto keys = json::parse(server.api("GET", "/Auth/Keys", *admin, "", "setup")->body);
    const auto* items = json::member(*keys, "Items");
    EXPECT_TRUE(items && items->IsArray() && !items->Empty());
    return json::get_string((*items)[items->Size() - 1], "AccessToken");
  }
  std::string user_id(Standin& server, const std::string& name) {
    auto admin = server.login("admin", "admin-password", "setup");
    auto users = json::parse(server.api("GET", "/Users", *admin, "", "setup")->body);
    for (const auto& u : users->GetArray())
      if (json::get_string(u, "Name") == name) return json::get_string(u, "Id");
    return "";
  }

  // Everything auth-service and the other services logged, in one string.
  std::string logs() {
    std::string all;
    for (const auto& l : stack.all_logs()) all += l + "\n";
    return all;
  }
};

// A new TV: its own MediaBrowser header and DeviceId, talking to one server.
struct Device {
  Standin& server;
  std::string device_id;
  HttpClient http{HttpClientOptions{}};
  std::string secret, code;

  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    jf::ClientIdentity id;
    id.client = "Living Room TV App";
    id.version = "2.1";
    id.device = "Living room TV";
    id.device_id = device_id;
    HttpRequest r;
    r.method = method;
    r.url = server.url() + path;
    r.body = body;
    r.headers = {{"Authorization", jf::authorization_header(id, "")}};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return http.send(r);
  }
  // POST /QuickConnect/Initiate: the code to show.
  bool initiate() {
    auto r = call("POST", "/QuickConnect/Initiate");
    if (!r.ok() || r->status != 200) return false;
    auto d = body_of(r);
    secret = json::get_string(d, "Secret");
    code = json::get_string(d, "Code");
    return secret.size() == 64 && code.size() == 6;
  }
  // GET /QuickConnect/Connect?secret=: Authenticated yet?
  bool authenticated() {
    auto r = call("GET", "/QuickConnect/Connect?secret=" + secret);
    return r.ok() && r->status == 200 && json::get_bool(body_of(r), "Authenticated");
  }
  // POST /Users/AuthenticateWithQuickConnect: the name of the user the token is for
  // ("" when refused), checked with the token itself (GET /Users/Me).
  std::string exchange() {
    auto r = call("POST", "/Users/AuthenticateWithQuickConnect", R"({"Secret":")" + secret + "\"}");
    if (!r.ok() || r->status != 200) return "";
    std::string token = json::get_string(body_of(r), "AccessToken");
    auto me = server.api("GET", "/Users/Me", token, "", device_id);
    if (!me.ok() || me->status != 200) return "";
    return json::get_string(body_of(me), "Name");
  }
};

std::string code_body(const std::string& code) {
  return R"({"code":")" + code + R"("})";
}

Result<HttpResponse> authorize(ApiClient& who, const std::string& conn, const std::string& code) {
  return who.call("POST", "/api/v1/connections/" + conn + "/quickconnect/authorize",
                  code_body(code));
}

std::string connection_status(ApiClient& who, const std::string& conn) {
  return json::get_string(body_of(who.call("GET", "/api/v1/connections/" + conn)), "status");
}

// The code as a whole number in `text` (not part of a longer run of digits).
bool mentions_code(const std::string& text, const std::string& code) {
  return std::regex_search(text, std::regex("(^|[^0-9])" + code + "($|[^0-9])"));
}

}  // namespace

TEST(DeviceAuthorize, PasswordConnectionSignsTheDeviceInAsItsUser) {
  Env e;
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  // A channel, so the sign-in is notified (the outbox enqueues on the urgent lane).
  auto ch = demo.call("POST", "/api/v1/me/security/channels",
                      R"({"type":"webhook","name":"Hook","url":"http://127.0.0.1:9/hook",)"
                      R"("events":["device_authorized"]})");
  ASSERT_EQ(ch->status, 201) << ch->body;
  std::string conn = e.password_connection(demo, e.other, "admin", "admin-password");

  Device tv{e.other, "tv-password-1"};
  ASSERT_TRUE(tv.initiate());
  EXPECT_FALSE(tv.authenticated());

  // A session cookie needs the CSRF token, like every other write.
  auto login = ApiClient{e.stack.api(""), ""}.call("POST", "/api/v1/auth/login",
                                                   login_body("demo", "demo-password"));
  std::string set_cookie = login->header("Set-Cookie");
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  std::string csrf = json::get_string(*json::member(body_of(login), "session"), "csrf_token");
  ApiClient browser{e.stack.api(""), "", {{"Cookie", cookie}}};
  auto no_csrf = authorize(browser, conn, tv.code);
  EXPECT_EQ(no_csrf->status, 403) << no_csrf->body;
  EXPECT_FALSE(tv.authenticated());

  browser.headers.emplace_back("X-CSRF-Token", csrf);
  auto r = authorize(browser, conn, tv.code.substr(0, 3) + " " + tv.code.substr(3));
  ASSERT_EQ(r->status, 200) << r->body;
  auto d = body_of(r);
  const auto* server = json::member(d, "server");
  const auto* user = json::member(d, "user");
  ASSERT_TRUE(server && user) << r->body;
  EXPECT_EQ(json::get_string(*server, "url"), e.other.url());
  EXPECT_EQ(json::get_string(*server, "id").size(), 32u);
  EXPECT_FALSE(json::get_string(*server, "name").empty());
  EXPECT_EQ(json::get_string(*user, "name"), "admin");
  EXPECT_EQ(json::get_string(*user, "id"), e.user_id(e.other, "admin"));

  EXPECT_TRUE(tv.authenticated());
  EXPECT_EQ(tv.exchange(), "admin") << "the device's token is the connection user's";
  EXPECT_EQ(connection_status(demo, conn), "active");

  // Audited with the code masked; notified to the channel.
  auto audit = demo.call("GET", "/api/v1/audit?type=connection.device_authorized");
  ASSERT_EQ(audit->status, 200) << audit->body;
  EXPECT_NE(audit->body.find(R"("outcome":"ok")"), std::string::npos) << audit->body;
  EXPECT_NE(audit->body.find(tv.code.substr(0, 2) + kMasked), std::string::npos) << audit->body;
  EXPECT_FALSE(mentions_code(audit->body, tv.code)) << audit->body;
  ASSERT_TRUE(eventually([&] {
    return e.stack.redis.cli("XRANGE jb:work:urgent - +").find("device_authorized") !=
           std::string::npos;
  }));

  // The code is in no service's log, nor in Redis.
  EXPECT_FALSE(mentions_code(e.logs(), tv.code));
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dump = redis_dump(redis);
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("connection.device_authorized"), std::string::npos);
  EXPECT_FALSE(mentions_code(*dump, tv.code));
}

TEST(DeviceAuthorize, ApiKeyConnectionApprovesAsItsChosenUserAndExpiresWhenTheKeyGoes) {
  Env e;
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  const std::string key = e.api_key(e.other);
  const std::string demo_id = e.user_id(e.other, "demo");
  ASSERT_EQ(demo_id.size(), 32u);
  // Without a chosen user there is nobody to sign the device in as.
  std::string unchosen = e.connect(demo, R"({"method":"api_key","server_url":")" + e.other.url() +
                                             R"(","api_key":")" + key + R"("})");
  Device first{e.other, "tv-key-0"};
  ASSERT_TRUE(first.initiate());
  auto not_ready = authorize(demo, unchosen, first.code);
  EXPECT_EQ(not_ready->status, 409) << not_ready->body;
  EXPECT_EQ(problem_type(not_ready), "connection_not_ready");

  std::string conn =
      e.connect(demo, R"({"method":"api_key","server_url":")" + e.other.url() + R"(","api_key":")" +
                          key + R"(","user_id":")" + demo_id + R"("})");
  Device tv{e.other, "tv-key-1"};
  ASSERT_TRUE(tv.initiate());
  auto r = authorize(demo, conn, tv.code);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::get_string(*json::member(body_of(r), "user"), "name"), "demo");
  EXPECT_TRUE(tv.authenticated());
  EXPECT_EQ(tv.exchange(), "demo") << "an API key approves as the connection's chosen user";

  // The key is deleted at Jellyfin: the token is rejected, the connection expires.
  auto admin = e.other.login("admin", "admin-password", "setup");
  ASSERT_EQ(e.other.api("DELETE", "/Auth/Keys/" + key, *admin, "", "setup")->status, 204);
  Device next{e.other, "tv-key-2"};
  ASSERT_TRUE(next.initiate());
  auto rejected = authorize(demo, conn, next.code);
  EXPECT_EQ(rejected->status, 409) << rejected->body;
  EXPECT_EQ(problem_type(rejected), "connection_expired");
  EXPECT_NE(json::get_string(body_of(rejected), "detail").find("expired"), std::string::npos);
  EXPECT_EQ(connection_status(demo, conn), "expired");
  EXPECT_FALSE(next.authenticated());
  EXPECT_EQ(demo.call("GET", "/api/v1/me")->status, 200) << "the suite session is not affected";
}

TEST(DeviceAuthorize, EveryJellyfinAnswerIsAClearProblem) {
  Env e(Env::Vars{{"JB_JELLYFIN_TIMEOUT_MS", "800"},
                  {"JB_DEVICE_AUTHORIZE_CONNECTION_BURST", "100"},
                  {"JB_DEVICE_AUTHORIZE_USER_BURST", "100"}});
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  std::string conn = e.password_connection(demo, e.other, "demo", "demo-password");
  auto expect = [&](const std::string& code, int status, const std::string& type,
                    const std::string& words) {
    auto r = authorize(demo, conn, code);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status) << code << " → " << r->body;
    EXPECT_EQ(problem_type(r), type) << r->body;
    EXPECT_NE(json::get_string(body_of(r), "detail").find(words), std::string::npos) << r->body;
  };

  // Not a 6-digit code: a field error, Jellyfin is not asked.
  const int64_t asked = e.other.requests("POST /QuickConnect/Authorize");
  for (const std::string bad : {"12345", "1234567", "12a456", ""}) {
    auto r = authorize(demo, conn, bad);
    EXPECT_EQ(r->status, 400) << bad << " → " << r->body;
    EXPECT_EQ(problem_type(r), "invalid_request");
    const json::Document body = body_of(r);  // kept: `params` points into it
    const auto* params = json::member(body, "invalid_params");
    ASSERT_TRUE(params && params->IsArray() && params->Size() == 1) << r->body;
    EXPECT_EQ(json::get_string((*params)[0], "name"), "code");
  }
  auto missing = demo.call("POST", "/api/v1/connections/" + conn + "/quickconnect/authorize", "{}");
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(e.other.requests("POST /QuickConnect/Authorize"), asked);

  // Unknown, expired, already authorised.
  expect("000000", 404, "quickconnect_code_unknown", "no device waiting with that code");
  Device late{e.other, "tv-late"};
  ASSERT_TRUE(late.initiate());
  ASSERT_TRUE(e.other.advance_clock(11 * 60).ok());  // past Jellyfin's 10 minutes
  expect(late.code, 404, "quickconnect_code_unknown", "expired");
  Device twice{e.other, "tv-twice"};
  ASSERT_TRUE(twice.initiate());
  ASSERT_EQ(authorize(demo, conn, twice.code)->status, 200);
  // Jellyfin (and the stand-in, API-NOTES §2) answers a second approval with 500.
  auto direct = e.other.api("POST", "/QuickConnect/Authorize?code=" + twice.code,
                            *e.other.login("demo", "demo-password", "check"), "", "check");
  EXPECT_EQ(direct->status, 500);
  expect(twice.code, 409, "quickconnect_code_used", "already been authorised");
  EXPECT_EQ(twice.exchange(), "demo") << "the first approval stands";

  // Quick Connect turned off on that server: its own problem; the connection stays active.
  Device off{e.other, "tv-off"};
  ASSERT_TRUE(off.initiate());
  ASSERT_TRUE(e.other.set_config(R"({"QuickConnect":false})").ok());
  expect(off.code, 409, "quickconnect_disabled", "Quick Connect is disabled");
  EXPECT_EQ(connection_status(demo, conn), "active");
  ASSERT_TRUE(e.other.set_config(R"({"QuickConnect":true})").ok());

  // The server cannot be reached, or does not answer in time.
  Device cut{e.other, "tv-cut"};
  ASSERT_TRUE(cut.initiate());
  ASSERT_TRUE(
      e.other.add_fault(R"({"Kind":"drop","Prefix":"/QuickConnect/Authorize","Count":1})").ok());
  expect(cut.code, 502, "jellyfin_unreachable", "could not be reached");
  ASSERT_TRUE(
      e.other
          .add_fault(
              R"({"Kind":"hang","HangMs":3000,"Prefix":"/QuickConnect/Authorize","Count":1})")
          .ok());
  expect(cut.code, 504, "jellyfin_timeout", "did not answer in time");
  EXPECT_FALSE(cut.authenticated());
  ASSERT_TRUE(e.other.clear_faults().ok());
  ASSERT_EQ(authorize(demo, conn, cut.code)->status, 200) << "the same code once it answers";

  // Another user's connection, or none: 404, as anywhere else.
  ApiClient admin{e.stack.api(""), e.token("admin", "admin-password")};
  Device theirs{e.other, "tv-theirs"};
  ASSERT_TRUE(theirs.initiate());
  auto other_users = authorize(admin, conn, theirs.code);
  EXPECT_EQ(other_users->status, 404) << other_users->body;
  EXPECT_EQ(problem_type(other_users), "not_found");
  EXPECT_EQ(authorize(admin, std::string(32, 'a'), theirs.code)->status, 404);
  EXPECT_FALSE(theirs.authenticated());

  // Failures are audited too, masked; no code is in any service's log.
  auto audit = demo.call("GET", "/api/v1/audit?type=connection.device_authorized&outcome=fail");
  EXPECT_NE(audit->body.find("quickconnect_code_used"), std::string::npos) << audit->body;
  const std::string logs = e.logs();
  for (const auto& code : {late.code, twice.code, off.code, cut.code, theirs.code})
    EXPECT_FALSE(mentions_code(logs, code)) << code;
}

TEST(DeviceAuthorize, LimitedPerConnectionAndPerUser) {
  Env e(Env::Vars{{"JB_DEVICE_AUTHORIZE_CONNECTION_BURST", "2"},
                  {"JB_DEVICE_AUTHORIZE_CONNECTION_PERIOD_S", "3600"},
                  {"JB_DEVICE_AUTHORIZE_USER_BURST", "4"},
                  {"JB_DEVICE_AUTHORIZE_USER_PERIOD_S", "3600"}});
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  std::string a = e.password_connection(demo, e.other, "demo", "demo-password");
  std::string b = e.password_connection(demo, e.other, "admin", "admin-password");
  EXPECT_EQ(authorize(demo, a, "111111")->status, 404);
  EXPECT_EQ(authorize(demo, a, "111112")->status, 404);
  const int64_t asked = e.other.requests("POST /QuickConnect/Authorize");
  auto limited = authorize(demo, a, "111113");
  EXPECT_EQ(limited->status, 429) << limited->body;
  EXPECT_EQ(problem_type(limited), "rate_limited");
  EXPECT_FALSE(limited->header("Retry-After").empty());
  // Another connection has its own bucket, but the user's is shared (and every
  // attempt took from it, the refused one too: 4 of 4 after this one).
  EXPECT_EQ(authorize(demo, b, "111114")->status, 404);
  auto user_limited = authorize(demo, b, "111115");
  EXPECT_EQ(user_limited->status, 429) << user_limited->body;
  EXPECT_FALSE(user_limited->header("Retry-After").empty());
  EXPECT_EQ(e.other.requests("POST /QuickConnect/Authorize"), asked + 1)
      << "refused attempts never reach Jellyfin";
  // Another user is not limited by demo's attempts.
  ApiClient admin{e.stack.api(""), e.token("admin", "admin-password")};
  std::string c = e.password_connection(admin, e.other, "admin", "admin-password");
  EXPECT_EQ(authorize(admin, c, "111116")->status, 404);
}
