// End-to-end tests of suite sign-in, Jellyfin connections and the token vault:
// the real auth-service against real Redis and the Jellyfin stand-in.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/rpc.h"
#include "common/redis/client.h"
#include "tests/support/answers.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_dump.h"
#include "tests/support/refusing_port.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr const char* kDemoPassword = "demo-password";
constexpr const char* kAdminPassword = "admin-password";

struct Api {
  HttpClient http;
  std::string base, token, cookie, csrf;

  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "", bool use_cookie = false,
                            bool with_csrf = true) {
    HttpRequest r;
    r.method = method;
    r.url = base + path;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (use_cookie) {
      r.headers.emplace_back("Cookie", "jb_session=" + cookie);
      if (with_csrf && !csrf.empty()) r.headers.emplace_back("X-CSRF-Token", csrf);
    } else if (!token.empty()) {
      r.headers.emplace_back("Authorization", "Bearer " + token);
    }
    return http.send(r);
  }
};

// A stack with auth-service whose home server is `home`.
struct Env {
  Stack stack;
  Standin home;
  Api api;
  using Vars = std::map<std::string, std::string>;
  explicit Env(Vars extra = {}, std::vector<std::string> standin_args = {}) : home(standin_args) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    if (!extra.count("JB_QUICKCONNECT_POLL_MS")) extra["JB_QUICKCONNECT_POLL_MS"] = "300";
    EXPECT_TRUE(stack.start_auth(extra));
    api.base = stack.api("");
  }
  bool sign_in(const std::string& user = "demo", const std::string& pw = kDemoPassword) {
    auto r = api.call("POST", "/api/v1/auth/login", login_body(user, pw));
    if (!r.ok() || r->status != 200) return false;
    auto d = body_of(r);
    api.token = json::get_string(*json::member(d, "session"), "token");
    api.csrf = json::get_string(*json::member(d, "session"), "csrf_token");
    std::string sc = r->header("Set-Cookie");
    auto eq = sc.find('='), semi = sc.find(';');
    api.cookie = sc.substr(eq + 1, semi - eq - 1);
    return !api.token.empty();
  }
  // The plaintext credentials of a connection, straight from the vault RPC.
  Result<json::Document> vault_credentials(const std::string& conn_id, const CurveKeyPair& client) {
    zmq::context_t ctx;
    RpcClientOptions o;
    o.endpoint = stack.vault_endpoint;
    o.timeout_ms = 1000;
    o.attempts = 1;
    o.curve = client;
    o.server_public_z85 = stack.keys.vault_server.public_z85;
    RpcClient c(ctx, o);
    auto r = c.call("credentials", "{\"connection_id\":\"" + conn_id + "\"}");
    if (!r.ok()) return r.error();
    return json::parse(*r);
  }
  std::string create_connection(const std::string& body, int expect_status = 201) {
    auto r = api.call("POST", "/api/v1/connections", body);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, expect_status) << r->body;
    return json::get_string(body_of(r), "id");
  }
};

std::string password_conn(const std::string& url, const std::string& user = "demo",
                          const std::string& pw = kDemoPassword) {
  json::Writer w;
  w.begin_object()
      .kv("method", "password")
      .kv("server_url", url)
      .kv("username", user)
      .kv("password", pw)
      .end_object();
  return w.str();
}

}  // namespace

TEST(SignIn, PasswordSignInSessionCookieMeAndLogout) {
  Env e;
  auto r = e.api.call("POST", "/api/v1/auth/login", login_body("demo", kDemoPassword));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  auto d = body_of(r);
  const auto* user = json::member(d, "user");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(json::get_string(*user, "name"), "demo");
  EXPECT_FALSE(json::get_bool(*user, "is_admin", true));
  EXPECT_EQ(json::get_string(*user, "id").size(), 32u);
  std::string cookie = r->header("Set-Cookie");
  EXPECT_NE(cookie.find("jb_session=jbs_"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain http without JB_PUBLIC_URL
  ASSERT_TRUE(e.sign_in());

  auto me = e.api.call("GET", "/api/v1/me");
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(json::get_string(*json::member(body_of(me), "user"), "name"), "demo");
  EXPECT_EQ(e.api.call("GET", "/api/v1/me", "", true)->status, 200);  // by cookie

  // The home server's token is the user's first connection.
  auto list = body_of(e.api.call("GET", "/api/v1/connections"));
  const auto& conns = (*json::member(list, "connections")).GetArray();
  ASSERT_EQ(conns.Size(), 1u);
  EXPECT_TRUE(json::get_bool(conns[0], "home"));
  EXPECT_EQ(json::get_string(conns[0], "status"), "active");
  EXPECT_EQ(json::get_string(conns[0], "method"), "password");
  EXPECT_EQ(json::get_string(*json::member(conns[0], "user"), "name"), "demo");

  // Signing in again re-uses the home connection (one DeviceId per user), no pile-up.
  std::string first_session = e.api.token;
  ASSERT_TRUE(e.sign_in());
  EXPECT_NE(e.api.token, first_session);
  auto list2 = body_of(e.api.call("GET", "/api/v1/connections"));
  EXPECT_EQ((*json::member(list2, "connections")).Size(), 1u);

  // Logout by cookie needs the CSRF token.
  auto no_csrf = e.api.call("POST", "/api/v1/auth/logout", "", true, false);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(problem_type(no_csrf), "csrf_failed");
  auto out = e.api.call("POST", "/api/v1/auth/logout", "", true, true);
  EXPECT_EQ(out->status, 204);
  EXPECT_NE(out->header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(e.api.call("GET", "/api/v1/me", "", true)->status, 401);
  EXPECT_EQ(e.api.call("GET", "/api/v1/me")->status, 401);  // the same session by bearer
  e.api.token = first_session;  // the earlier session is another one: still valid
  EXPECT_EQ(e.api.call("GET", "/api/v1/me")->status, 200);
}

TEST(SignIn, WrongPasswordDisabledUserAndHomeServerDown) {
  Env e;
  auto bad = e.api.call("POST", "/api/v1/auth/login", login_body("demo", "nope"));
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(problem_type(bad), "sign_in_failed");  // one answer for every credential failure
  EXPECT_EQ(bad->header("Content-Type"), "application/problem+json");
  auto unknown = e.api.call("POST", "/api/v1/auth/login", login_body("nobody", "x"));
  EXPECT_EQ(unknown->status, 401);
  ASSERT_TRUE(e.home.create_user("frozen", "frozen-pw", true).ok());
  auto disabled = e.api.call("POST", "/api/v1/auth/login", login_body("frozen", "frozen-pw"));
  EXPECT_EQ(disabled->status, 401);  // like a wrong password (tests/e2e/edge_test.cpp)
  EXPECT_EQ(problem_type(disabled), "sign_in_failed");
  ASSERT_TRUE(
      e.home
          .add_fault(
              R"({"Kind":"503","RetryAfterSeconds":30,"Prefix":"/Users/AuthenticateByName"})")
          .ok());
  auto starting = e.api.call("POST", "/api/v1/auth/login", login_body("demo", kDemoPassword));
  EXPECT_EQ(starting->status, 503);
  EXPECT_EQ(problem_type(starting), "jellyfin_starting");
  EXPECT_EQ(starting->header("Retry-After"), "30");
  ASSERT_TRUE(e.home.clear_faults().ok());
  e.home.process().signal(SIGKILL);
  e.home.process().wait(3000);
  auto down = e.api.call("POST", "/api/v1/auth/login", login_body("demo", kDemoPassword));
  EXPECT_EQ(down->status, 503);
  EXPECT_EQ(problem_type(down), "jellyfin_connection_refused");
  EXPECT_NE(json::get_string(body_of(down), "detail").find("home Jellyfin server"),
            std::string::npos);
}

TEST(SignIn, QuickConnectApprovalPollRateAndSessionHandedOutOnce) {
  Env e(Env::Vars{{"JB_QUICKCONNECT_POLL_MS", "1000"}});
  auto start = e.api.call("POST", "/api/v1/auth/quickconnect");
  ASSERT_EQ(start->status, 201) << start->body;
  auto d = body_of(start);
  std::string id = json::get_string(d, "id"), code = json::get_string(d, "code");
  EXPECT_EQ(code.size(), 6u);
  EXPECT_EQ(json::get_string(d, "state"), "pending");
  ASSERT_TRUE(e.home.reset_counters().ok());
  // Many polls of ours within one second: Jellyfin is asked at most once.
  for (int i = 0; i < 15; ++i) {
    auto p = e.api.call("GET", "/api/v1/auth/quickconnect/" + id);
    ASSERT_EQ(p->status, 200);
    EXPECT_EQ(json::get_string(body_of(p), "state"), "pending");
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  EXPECT_LE(e.home.requests("GET /QuickConnect/Connect"), 1);
  ASSERT_TRUE(e.home.approve_quickconnect(code, "demo").ok());
  std::string session;
  ASSERT_TRUE(eventually(
      [&] {
        auto p = e.api.call("GET", "/api/v1/auth/quickconnect/" + id);
        auto b = body_of(p);
        if (json::get_string(b, "state") != "authenticated") return false;
        session = json::get_string(*json::member(b, "session"), "token");
        return true;
      },
      5000));
  EXPECT_EQ(session.rfind("jbs_", 0), 0u);
  EXPECT_EQ(e.api.call("GET", "/api/v1/auth/quickconnect/" + id)->status, 404);  // handed out once
  e.api.token = session;
  auto me = e.api.call("GET", "/api/v1/me");
  EXPECT_EQ(json::get_string(*json::member(body_of(me), "user"), "name"), "demo");
  auto conns = body_of(e.api.call("GET", "/api/v1/connections"));
  const auto& list = (*json::member(conns, "connections")).GetArray();
  ASSERT_EQ(list.Size(), 1u);
  EXPECT_EQ(json::get_string(list[0], "method"), "quickconnect");
}

TEST(SignIn, QuickConnectExpiryDisabledAndUnknownIds) {
  Env e;
  auto start = e.api.call("POST", "/api/v1/auth/quickconnect");
  std::string id = json::get_string(body_of(start), "id");
  ASSERT_TRUE(e.home.advance_clock(11 * 60).ok());  // past Jellyfin's 10-minute lifetime
  ASSERT_TRUE(eventually(
      [&] {
        auto p = e.api.call("GET", "/api/v1/auth/quickconnect/" + id);
        return json::get_string(body_of(p), "state") == "expired";
      },
      3000));
  EXPECT_EQ(e.api.call("GET", "/api/v1/auth/quickconnect/zzz")->status, 404);
  EXPECT_EQ(e.api.call("GET", "/api/v1/auth/quickconnect/" + std::string(32, 'a'))->status, 404);
  ASSERT_TRUE(e.home.set_config(R"({"QuickConnect":false})").ok());
  auto off = e.api.call("POST", "/api/v1/auth/quickconnect");
  EXPECT_EQ(off->status, 409);
  EXPECT_EQ(problem_type(off), "quickconnect_disabled");
  EXPECT_NE(json::get_string(body_of(off), "detail").find("Quick Connect is disabled"),
            std::string::npos);
}

TEST(Connections, PasswordConnectionSurvivesOtherSignInsAndDeleteRevokesOurToken) {
  Env e;
  Standin other;
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(e.sign_in());
  // The user is signed in on that server from a TV already.
  auto tv = other.login("demo", kDemoPassword, "living-room-tv");
  ASSERT_TRUE(tv.ok());
  std::string id = e.create_connection(password_conn(other.url() + "/"));
  auto c = body_of(e.api.call("GET", "/api/v1/connections/" + id));
  EXPECT_EQ(json::get_string(c, "status"), "active");
  EXPECT_EQ(json::get_string(*json::member(c, "server"), "url"), other.url());  // normalised
  EXPECT_FALSE(json::get_string(*json::member(c, "server"), "id").empty());
  EXPECT_EQ(json::get_string(*json::member(c, "user"), "name"), "demo");
  EXPECT_EQ(c.HasMember("token"), false);
  // Ours did not revoke the TV…
  EXPECT_EQ(other.api("GET", "/Users/Me", *tv, "", "living-room-tv")->status, 200);
  // …and a new sign-in elsewhere (even from the TV again) does not revoke ours.
  ASSERT_TRUE(other.login("demo", kDemoPassword, "living-room-tv").ok());
  ASSERT_TRUE(other.login("demo", kDemoPassword, "phone").ok());
  auto verified = e.api.call("POST", "/api/v1/connections/" + id + "/verify");
  ASSERT_EQ(verified->status, 200) << verified->body;
  EXPECT_EQ(json::get_string(body_of(verified), "status"), "active");
  // Delete logs our token out at Jellyfin.
  auto creds = e.vault_credentials(id, e.stack.keys.library_client);
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  std::string token = json::get_string(*creds, "token");
  std::string device = json::get_string(*creds, "device_id");
  EXPECT_EQ(other.api("GET", "/Users/Me", token, "", device)->status, 200);
  EXPECT_EQ(e.api.call("DELETE", "/api/v1/connections/" + id)->status, 204);
  EXPECT_EQ(other.api("GET", "/Users/Me", token, "", device)->status, 401);
  EXPECT_EQ(e.api.call("GET", "/api/v1/connections/" + id)->status, 404);
}

TEST(Connections, RevokedTokenIsMarkedExpiredByVerifyAndBackgroundCheck) {
  Env e(
      Env::Vars{{"JB_CONNECTION_CHECK_TICK_MS", "200"}, {"JB_CONNECTION_CHECK_INTERVAL_S", "10"}});
  Standin other;
  ASSERT_TRUE(e.sign_in());
  std::string a = e.create_connection(password_conn(other.url()));
  std::string b = e.create_connection(password_conn(other.url()));
  for (const auto& id : {a, b}) {
    auto creds = e.vault_credentials(id, e.stack.keys.worker_client);
    ASSERT_TRUE(creds.ok());
    ASSERT_EQ(other
                  .api("POST", "/Sessions/Logout", json::get_string(*creds, "token"), "",
                       json::get_string(*creds, "device_id"))
                  ->status,
              204);
  }
  auto v = e.api.call("POST", "/api/v1/connections/" + a + "/verify");
  EXPECT_EQ(json::get_string(body_of(v), "status"), "expired");
  EXPECT_EQ(json::get_string(*json::member(body_of(v), "last_error"), "code"),
            "jellyfin_token_rejected");
  // The vault no longer hands out an expired connection's token.
  auto refused = e.vault_credentials(a, e.stack.keys.worker_client);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "connection_not_active");
  // b is found by the background check (its first check is due after 10 s).
  ASSERT_TRUE(eventually(
      [&] {
        return json::get_string(body_of(e.api.call("GET", "/api/v1/connections/" + b)), "status") ==
               "expired";
      },
      15000));
}

TEST(Connections, UnreachableServerIsMarkedAndCheckedWithBackoff) {
  Env e(Env::Vars{{"JB_CONNECTION_CHECK_TICK_MS", "200"}});
  auto other = std::make_unique<Standin>();
  ASSERT_TRUE(e.sign_in());
  std::string id = e.create_connection(password_conn(other->url()));
  ASSERT_TRUE(other->add_fault(R"({"Kind":"drop","Prefix":"/Users/Me"})").ok());
  auto v = e.api.call("POST", "/api/v1/connections/" + id + "/verify");
  auto d = body_of(v);
  EXPECT_EQ(json::get_string(d, "status"), "unreachable");
  int64_t requests_after_first = other->requests("GET /Users/Me");
  // Backoff: the next check is 30 s away, so the background checker leaves it alone.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(other->requests("GET /Users/Me"), requests_after_first);
}

TEST(Connections, ApiKeyConnectionChoosesItsUser) {
  Env e;
  Standin other;
  ASSERT_TRUE(e.sign_in());
  auto admin = other.login("admin", kAdminPassword, "setup");
  ASSERT_TRUE(other.api("POST", "/Auth/Keys?app=jellybridge", *admin, "", "setup")->status == 204);
  auto keys = json::parse(other.api("GET", "/Auth/Keys", *admin, "", "setup")->body);
  std::string api_key = json::get_string((*json::member(*keys, "Items"))[0], "AccessToken");
  ASSERT_EQ(api_key.size(), 32u);

  auto bad = e.api.call("POST", "/api/v1/connections",
                        R"({"method":"api_key","server_url":")" + other.url() +
                            R"(","api_key":"0123456789abcdef0123456789abcdef"})");
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(problem_type(bad), "jellyfin_bad_api_key");

  std::string id = e.create_connection(R"({"method":"api_key","server_url":")" + other.url() +
                                       R"(","api_key":")" + api_key + R"("})");
  auto c = body_of(e.api.call("GET", "/api/v1/connections/" + id));
  EXPECT_EQ(json::get_string(c, "status"), "pending");
  EXPECT_EQ(json::get_string(c, "pending_reason"), "user_id");
  auto users = body_of(e.api.call("GET", "/api/v1/connections/" + id + "/users"));
  std::string demo_id;
  for (const auto& u : (*json::member(users, "users")).GetArray())
    if (json::get_string(u, "name") == "demo") demo_id = json::get_string(u, "id");
  ASSERT_FALSE(demo_id.empty());
  auto not_a_user = e.api.call("PATCH", "/api/v1/connections/" + id,
                               R"({"user_id":")" + std::string(32, 'f') + R"("})");
  EXPECT_EQ(not_a_user->status, 400);
  auto chosen =
      e.api.call("PATCH", "/api/v1/connections/" + id, R"({"user_id":")" + demo_id + R"("})");
  ASSERT_EQ(chosen->status, 200) << chosen->body;
  EXPECT_EQ(json::get_string(body_of(chosen), "status"), "active");
  EXPECT_EQ(json::get_string(*json::member(body_of(chosen), "user"), "name"), "demo");
  auto v = e.api.call("POST", "/api/v1/connections/" + id + "/verify");
  EXPECT_EQ(json::get_string(body_of(v), "status"), "active");
  // Deleting an API-key connection does not log anything out (an API key has no session).
  EXPECT_EQ(e.api.call("DELETE", "/api/v1/connections/" + id)->status, 204);
  EXPECT_EQ(other.api("GET", "/System/Info", api_key, "", "x")->status, 200);
  // With the user chosen up front it is active at once.
  std::string direct =
      e.create_connection(R"({"method":"api_key","server_url":")" + other.url() +
                          R"(","api_key":")" + api_key + R"(","user_id":")" + demo_id + R"("})");
  EXPECT_EQ(json::get_string(body_of(e.api.call("GET", "/api/v1/connections/" + direct)), "status"),
            "active");
}

TEST(Connections, QuickConnectConnectionBecomesActiveOnceApproved) {
  Env e;
  Standin other;
  ASSERT_TRUE(e.sign_in());
  auto r = e.api.call("POST", "/api/v1/connections",
                      R"({"method":"quickconnect","server_url":")" + other.url() + R"("})");
  ASSERT_EQ(r->status, 201) << r->body;
  auto d = body_of(r);
  std::string id = json::get_string(d, "id");
  EXPECT_EQ(json::get_string(d, "status"), "pending");
  std::string code = json::get_string(*json::member(d, "quickconnect"), "code");
  EXPECT_EQ(code.size(), 6u);
  EXPECT_EQ(d.HasMember("secret"), false);
  ASSERT_TRUE(other.approve_quickconnect(code, "admin").ok());
  ASSERT_TRUE(eventually(
      [&] {
        return json::get_string(body_of(e.api.call("GET", "/api/v1/connections/" + id)),
                                "status") == "active";
      },
      5000));
  auto c = body_of(e.api.call("GET", "/api/v1/connections/" + id));
  EXPECT_EQ(json::get_string(*json::member(c, "user"), "name"), "admin");
  // Quick Connect disabled on a server: a clear 409.
  ASSERT_TRUE(other.set_config(R"({"QuickConnect":false})").ok());
  auto off = e.api.call("POST", "/api/v1/connections",
                        R"({"method":"quickconnect","server_url":")" + other.url() + R"("})");
  EXPECT_EQ(off->status, 409);
  EXPECT_EQ(problem_type(off), "quickconnect_disabled");
}

// A server_url that cannot be used gets one answer whatever the reason (so the API
// cannot map the network: tests/e2e/outbound_guard_test.cpp); once a Jellyfin has
// answered, account failures keep their own problem types.
TEST(Connections, UnusableServersShareOneProblemAndAccountFailuresArePrecise) {
  Env e(Env::Vars{{"JB_JELLYFIN_TIMEOUT_MS", "800"}});
  Standin other;
  ASSERT_TRUE(e.sign_in());
  std::string generic;
  auto expect = [&](const std::string& body, int status, const std::string& type) {
    auto r = e.api.call("POST", "/api/v1/connections", body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status) << body << " → " << r->body;
    EXPECT_EQ(problem_type(r), type) << r->body;
    std::string detail = json::get_string(body_of(r), "detail");
    EXPECT_FALSE(detail.empty());
    if (type == "server_url_unusable") {
      if (generic.empty()) generic = detail;
      EXPECT_EQ(detail, generic) << body << ": the same words for every unusable server";
    }
  };
  RefusingPort refusing;
  expect(password_conn("http://127.0.0.1:" + std::to_string(refusing.port())), 422,
         "server_url_unusable");  // refused
  expect(password_conn(e.stack.api("")), 422,
         "server_url_unusable");  // auth-service itself is not Jellyfin
  expect(password_conn("https://127.0.0.1:" + std::to_string(other.port())), 422,
         "server_url_unusable");  // TLS
  expect(password_conn("ftp://x"), 400, "invalid_server_url");
  expect(password_conn("http://no-such-host.invalid"), 422, "server_url_unusable");  // DNS
  expect(password_conn(other.url(), "demo", "wrong"), 401, "jellyfin_bad_credentials");
  ASSERT_TRUE(other.create_user("locked", "locked-pw", true).ok());
  expect(password_conn(other.url(), "locked", "locked-pw"), 403, "jellyfin_user_disabled");
  ASSERT_TRUE(
      other.add_fault(R"({"Kind":"hang","HangMs":3000,"Prefix":"/System/Info/Public","Count":3})")
          .ok());
  expect(password_conn(other.url()), 422, "server_url_unusable");  // timeout
  ASSERT_TRUE(other.clear_faults().ok());
  ASSERT_TRUE(
      other.control("POST", "/__standin/starting", R"({"Enabled":true,"RetryAfterSeconds":20})")
          .ok());
  expect(password_conn(other.url()), 422, "server_url_unusable");  // 503 while starting
  // The precise reasons are in the log (written before each answer; read from
  // the service's output by a thread of ours, so possibly a moment later).
  const std::vector<const char*> codes{"jellyfin_connection_refused",
                                       "not_jellyfin",
                                       "jellyfin_tls",
                                       "jellyfin_dns",
                                       "jellyfin_timeout",
                                       "jellyfin_starting"};
  std::string logs;
  eventually(
      [&] {
        logs.clear();
        for (const auto& l : e.stack.auth->lines()) logs += l + "\n";
        for (const char* code : codes)
          if (logs.find(code) == std::string::npos) return false;
        return true;
      },
      5000);
  for (const char* code : codes)
    EXPECT_NE(logs.find(code), std::string::npos) << code << " is not logged";
}

TEST(Connections, BadInputGetsPreciseErrorsAndOthersDataStaysHidden) {
  Env e;
  Standin other;
  ASSERT_TRUE(e.sign_in("admin", kAdminPassword));
  std::string admins = e.create_connection(password_conn(other.url(), "admin", kAdminPassword));
  ASSERT_TRUE(e.sign_in("demo", kDemoPassword));

  auto malformed = e.api.call("POST", "/api/v1/connections", "{\"method\": ");
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(problem_type(malformed), "invalid_json");
  auto missing = e.api.call("POST", "/api/v1/connections", R"({"method":"password"})");
  EXPECT_EQ(missing->status, 400);
  auto md = body_of(missing);
  std::set<std::string> names;
  for (const auto& p : (*json::member(md, "invalid_params")).GetArray())
    names.insert(json::get_string(p, "name"));
  EXPECT_EQ(names, (std::set<std::string>{"server_url", "username", "password"}));
  auto types = e.api.call("POST", "/api/v1/connections",
                          R"({"method":"password","server_url":5,"username":[],"password":null})");
  EXPECT_EQ(types->status, 400);
  EXPECT_NE(json::get_string(body_of(types), "detail").find("'server_url' must be a string"),
            std::string::npos);
  EXPECT_EQ(e.api.call("POST", "/api/v1/connections", R"({"method":"telepathy","server_url":"x"})")
                ->status,
            400);
  EXPECT_EQ(e.api
                .call("POST", "/api/v1/connections",
                      R"({"method":"quickconnect","server_url":"x","extra":1})")
                ->status,
            400);
  EXPECT_EQ(e.api.call("POST", "/api/v1/connections", "[1,2]")->status, 400);
  HttpRequest xml;
  xml.method = "POST";
  xml.url = e.api.base + "/api/v1/connections";
  xml.body = "<x/>";
  xml.headers = {{"Authorization", "Bearer " + e.api.token}, {"Content-Type", "application/xml"}};
  EXPECT_EQ(e.api.http.send(xml)->status, 415);
  auto huge = e.api.call("POST", "/api/v1/connections",
                         "{\"method\":\"password\",\"x\":\"" + std::string(2 << 20, 'a') + "\"}");
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(problem_type(huge), "body_too_large");
  auto huge_login = e.api.call("POST", "/api/v1/auth/login", std::string(2 << 20, '{'));
  EXPECT_EQ(huge_login->status, 413);

  for (const std::string& id : {std::string(32, '0'), std::string("not-an-id"), admins}) {
    for (const auto& [m, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", ""}, {"POST", "/verify"}, {"GET", "/users"}, {"DELETE", ""}}) {
      auto r = e.api.call(m, "/api/v1/connections/" + id + path);
      EXPECT_EQ(r->status, 404) << m << " " << id << path;
      EXPECT_EQ(r->body.find("admin"), std::string::npos);
    }
    auto patch = e.api.call("PATCH", "/api/v1/connections/" + id, R"({"user_id":"x"})");
    EXPECT_EQ(patch->status, 404);
  }
  // The admin's connection is untouched.
  ASSERT_TRUE(e.sign_in("admin", kAdminPassword));
  EXPECT_EQ(e.api.call("GET", "/api/v1/connections/" + admins)->status, 200);
  // No session at all.
  e.api.token.clear();
  EXPECT_EQ(e.api.call("GET", "/api/v1/connections")->status, 401);
  EXPECT_EQ(e.api.call("GET", "/api/v1/connections", "", false)->header("WWW-Authenticate"),
            "Bearer");
}

TEST(Vault, RefusesClientsWithoutAnAllowedKey) {
  Env e;
  ASSERT_TRUE(e.sign_in());
  auto conns = body_of(e.api.call("GET", "/api/v1/connections"));
  std::string id = json::get_string((*json::member(conns, "connections"))[0], "id");
  auto good = e.vault_credentials(id, e.stack.keys.library_client);
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(json::get_string(*good, "token").size(), 32u);
  auto stranger = e.vault_credentials(id, curve_keypair());
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, "rpc_timeout");  // never completes the handshake: gets nothing
  // Not even a CURVE client at all.
  zmq::context_t ctx;
  RpcClientOptions o;
  o.endpoint = e.stack.vault_endpoint;
  o.timeout_ms = 500;
  o.attempts = 1;
  RpcClient plain(ctx, o);
  EXPECT_FALSE(plain.call("credentials", "{\"connection_id\":\"" + id + "\"}").ok());
  auto unknown = e.vault_credentials(std::string(32, 'e'), e.stack.keys.worker_client);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "not_found");
}

TEST(Secrets, NoPasswordOrPlaintextTokenInRedisOrLogs) {
  Env e;
  Standin other;
  ASSERT_TRUE(e.sign_in());
  auto admin = other.login("admin", kAdminPassword, "setup");
  ASSERT_EQ(other.api("POST", "/Auth/Keys?app=jellybridge", *admin, "", "setup")->status, 204);
  auto keys = json::parse(other.api("GET", "/Auth/Keys", *admin, "", "setup")->body);
  std::string api_key = json::get_string((*json::member(*keys, "Items"))[0], "AccessToken");
  std::vector<std::string> ids;
  ids.push_back(e.create_connection(password_conn(other.url())));
  ids.push_back(e.create_connection(R"({"method":"api_key","server_url":")" + other.url() +
                                    R"(","api_key":")" + api_key + R"("})"));
  auto qc =
      body_of(e.api.call("POST", "/api/v1/connections",
                         R"({"method":"quickconnect","server_url":")" + other.url() + R"("})"));
  ids.push_back(json::get_string(qc, "id"));
  ASSERT_TRUE(
      other
          .approve_quickconnect(json::get_string(*json::member(qc, "quickconnect"), "code"), "demo")
          .ok());
  ASSERT_TRUE(eventually(
      [&] {
        return json::get_string(body_of(e.api.call("GET", "/api/v1/connections/" + ids[2])),
                                "status") == "active";
      },
      5000));
  (void)e.api.call("POST", "/api/v1/auth/login", login_body("demo", "a-wrong-password-xyz"));
  auto home = body_of(e.api.call("GET", "/api/v1/connections"));
  ids.push_back(json::get_string((*json::member(home, "connections"))[0], "id"));

  std::vector<std::string> secrets{kDemoPassword, "a-wrong-password-xyz", api_key, e.api.token};
  for (const auto& id : ids) {
    auto creds = e.vault_credentials(id, e.stack.keys.library_client);
    if (!creds.ok() && creds.error().code == "connection_not_active")
      continue;  // the API-key one (its key is listed)
    ASSERT_TRUE(creds.ok()) << id << ": " << creds.error().message;
    secrets.push_back(json::get_string(*creds, "token"));
  }
  ASSERT_EQ(secrets.size(), 7u);
  // Every key and value in Redis.
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dumped = redis_dump(redis);
  ASSERT_TRUE(dumped.ok());
  const std::string& dump = *dumped;
  ASSERT_GT(dump.size(), 100u);
  // The append-only file on disk too.
  std::string aof;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(e.stack.redis.dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream f(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    aof += ss.str();
  }
  std::string logs;
  for (const auto& l : e.stack.all_logs()) logs += l + "\n";
  ASSERT_FALSE(logs.empty());
  for (const auto& s : secrets) {
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(dump.find(s), std::string::npos) << "a secret is stored in Redis in plaintext";
    EXPECT_EQ(aof.find(s), std::string::npos) << "a secret is in the AOF in plaintext";
    EXPECT_EQ(logs.find(s), std::string::npos) << "a secret is in the logs";
  }
}

TEST(SignIn, LogoutOnOneInstanceIsHonouredByAnotherAtOnce) {
  Env e;
  ASSERT_TRUE(e.sign_in());
  // A second auth-service instance on the same Redis (its own ports).
  auto env = e.stack.auth_replica_env("second");
  env["JB_JELLYFIN_URL"] = e.home.url();
  env["JB_SESSION_CACHE_MS"] = "60000";  // a long cache: only the revocation message can evict it
  json::Document ready;
  auto second = start_service("auth-service", env, &ready);
  ASSERT_TRUE(second);
  Api b;
  b.base = "http://127.0.0.1:" + std::to_string(json::get_int(ready, "http_port"));
  b.token = e.api.token;
  ASSERT_EQ(b.call("GET", "/api/v1/me")->status, 200);  // now cached on the second instance
  ASSERT_EQ(e.api.call("POST", "/api/v1/auth/logout")->status, 204);  // revoked on the first
  EXPECT_TRUE(eventually([&] { return b.call("GET", "/api/v1/me")->status == 401; }, 1000));
}
