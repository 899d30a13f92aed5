// End-to-end tests of the public edge's protection (auth-service/edge/):
// rate limits, account lockout and address bans, against the real
// auth-service binary (one or two replicas on one real Redis) and the Jellyfin
// stand-in, whose request counters show how many sign-ins reached "Jellyfin".
#include <gtest/gtest.h>

#include <set>

#include "common/core/json.h"
#include "tests/support/answers.h"
#include "tests/support/eventually.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr const char* kAuthByName = "POST /Users/AuthenticateByName";

using Vars = std::map<std::string, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

int64_t retry_after(const Result<HttpResponse>& r) {
  if (!r.ok()) return -1;
  std::string v = r->header("Retry-After");
  return v.empty() ? -1 : std::stoll(v);
}

struct Env {
  Stack stack;
  Standin home;
  HttpClient http;
  explicit Env(Vars extra = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    vars = extra;
    EXPECT_TRUE(stack.start_auth(extra));
  }
  Vars vars;

  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "", const std::string& token = "",
                            const std::string& xff = "", int port = 0) {
    HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:" + std::to_string(port ? port : stack.http_port) + path;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    if (!xff.empty()) r.headers.emplace_back("X-Forwarded-For", xff);
    return http.send(r);
  }
  Result<HttpResponse> login(const std::string& user, const std::string& pw,
                             const std::string& xff = "", int port = 0) {
    return call("POST", "/api/v1/auth/login", login_body(user, pw), "", xff, port);
  }
  std::string token_of(const std::string& user, const std::string& pw,
                       const std::string& xff = "") {
    auto r = login(user, pw, xff);
    if (!r.ok() || r->status != 200) {
      ADD_FAILURE() << "sign-in of " << user << ": " << (r.ok() ? r->body : r.error().message);
      return "";
    }
    return json::get_string(*json::member(body_of(r), "session"), "token");
  }
  int64_t reached() { return home.requests(kAuthByName); }
};

}  // namespace

TEST(Edge, BruteForceFromOneAddressReachesJellyfinAtMostTheLockoutLimit) {
  Env e;  // defaults: 10 a minute per address and per name, lockout after 5 failures
  std::string admin = e.token_of("admin", "admin-password");  // before the address's bucket empties
  ASSERT_TRUE(e.home.reset_counters().ok());
  int ok = 0, failed = 0, limited = 0, other = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = e.login("demo", "wrong-" + std::to_string(i));
    ASSERT_TRUE(r.ok());
    if (r->status == 200)
      ++ok;
    else if (r->status == 401)
      ++failed;
    else if (r->status == 429) {
      ++limited;
      EXPECT_EQ(problem_type(r), "rate_limited");
      EXPECT_GE(retry_after(r), 1) << r->body;
      EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
    } else
      ++other;
  }
  std::cout << "brute force: " << e.reached() << " of 1000 reached the stand-in, " << failed
            << " answered 401, " << limited << " answered 429\n";
  EXPECT_EQ(ok, 0);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(failed, 5);
  EXPECT_EQ(limited, 995);
  EXPECT_EQ(e.reached(), 5) << "the lockout stops the sixth attempt before Jellyfin";
  // Even the right password is refused now, without asking Jellyfin.
  auto right = e.login("demo", "demo-password");
  EXPECT_EQ(right->status, 429);
  EXPECT_EQ(e.reached(), 5);
  // 127.0.0.1 is in JB_LAN_CIDRS (default): never banned.
  auto bans = e.call("GET", "/api/v1/admin/bans", "", admin);
  ASSERT_EQ(bans->status, 200) << bans->body;
  EXPECT_EQ((*json::member(body_of(bans), "bans")).GetArray().Size(), 0u);
  auto locks = e.call("GET", "/api/v1/admin/lockouts", "", admin);
  ASSERT_EQ(locks->status, 200);
  const json::Document locks_body = body_of(locks);  // keeps what `list` points into alive
  const auto& list = (*json::member(locks_body, "lockouts")).GetArray();
  ASSERT_EQ(list.Size(), 1u);
  EXPECT_EQ(json::get_string(list[0], "user"), "demo");
  EXPECT_EQ(json::get_int(list[0], "failures"), 5);
  EXPECT_FALSE(json::get_string(list[0], "until").empty());
}

TEST(Edge, HundredAddressesAgainstOneUserAreStoppedByTheAccountLimits) {
  // Behind a trusted proxy (this test), each request names another client.
  Env e(Vars{{"JB_TRUSTED_PROXIES", "127.0.0.1/32"}});
  int limited = 0;
  for (int i = 0; i < 100; ++i) {
    auto r = e.login("Demo", "guess-" + std::to_string(i), "198.51.100." + std::to_string(i + 1));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->status == 401 || r->status == 429) << r->status << " " << r->body;
    if (r->status == 429) ++limited;
  }
  EXPECT_EQ(e.reached(), 5) << "the per-account lockout holds whatever the address";
  EXPECT_EQ(limited, 95);
  // An administrator lifts it (any case of the name); the user signs in again.
  std::string admin = e.token_of("admin", "admin-password");
  auto lift = e.call("DELETE", "/api/v1/admin/lockouts/DEMO", "", admin);
  EXPECT_EQ(lift->status, 204) << lift->body;
  EXPECT_EQ(e.call("DELETE", "/api/v1/admin/lockouts/DEMO", "", admin)->status, 404);
  EXPECT_EQ(e.login("demo", "demo-password", "198.51.100.200")->status, 200);
}

TEST(Edge, TwoReplicasOnOneRedisShareTheLimits) {
  Env e(Vars{{"JB_LOCKOUT_FAILURES", "4"}});
  int port_a = e.stack.http_port;
  std::unique_ptr<Process> replica_a = std::move(e.stack.auth);
  e.stack.events_endpoint = e.stack.fresh_endpoint("events");
  e.stack.vault_endpoint = e.stack.fresh_endpoint("vault");
  ASSERT_TRUE(e.stack.start_auth(e.vars));
  int port_b = e.stack.http_port;
  ASSERT_NE(port_a, port_b);
  for (int i = 0; i < 10; ++i) {
    auto r = e.login("demo", "nope", "", i % 2 ? port_b : port_a);
    ASSERT_TRUE(r.ok());
  }
  EXPECT_EQ(e.reached(), 4) << "four failures between both replicas, not four each";
  EXPECT_EQ(e.login("demo", "demo-password", "", port_a)->status, 429);
  EXPECT_EQ(e.login("demo", "demo-password", "", port_b)->status, 429);
  EXPECT_EQ(e.reached(), 4);
}

TEST(Edge, WrongPasswordUnknownUserAndDisabledUserLookAlike) {
  Env e;
  ASSERT_TRUE(e.home.create_user("frozen", "frozen-pw", true).ok());
  ASSERT_TRUE(e.home.reset_counters().ok());  // create_user signed the stand-in's admin in
  ASSERT_EQ(e.login("demo", "demo-password")->status, 200);  // "demo" is a known name now
  auto wrong = e.login("demo", "not-it");
  auto unknown = e.login("nobody-at-all", "x");
  auto disabled = e.login("frozen", "frozen-pw");
  for (const auto* r : {&wrong, &unknown, &disabled}) {
    ASSERT_TRUE(r->ok());
    EXPECT_EQ((*r)->status, 401) << (*r)->body;
    EXPECT_EQ((*r)->header("Content-Type"), "application/problem+json");
    EXPECT_EQ(problem_type(*r), "sign_in_failed");
    EXPECT_EQ(json::get_string(body_of(*r), "title"), json::get_string(body_of(wrong), "title"));
    EXPECT_EQ(json::get_string(body_of(*r), "detail"), json::get_string(body_of(wrong), "detail"));
    EXPECT_EQ((*r)->header("Retry-After"), "");
  }
  EXPECT_EQ(e.reached(), 4) << "each of them was asked of Jellyfin";
  // The precise reasons are in the audit log only.
  std::string admin = e.token_of("admin", "admin-password");
  auto audit = e.call("GET", "/api/v1/audit?type=signin.failure", "", admin);
  ASSERT_EQ(audit->status, 200) << audit->body;
  for (const char* reason : {"wrong_password", "unknown_user", "disabled"})
    EXPECT_NE(audit->body.find(reason), std::string::npos) << reason << " in " << audit->body;
}

TEST(Edge, SuccessBelowTheThresholdResetsTheCountAndLockoutsExpire) {
  Env e(Vars{{"JB_LOCKOUT_FAILURES", "3"},
             {"JB_LOCKOUT_S", "1"},
             {"JB_SIGNIN_IP_BURST", "1000"},
             {"JB_SIGNIN_USER_BURST", "1000"}});
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(e.login("demo", "bad-1")->status, 401);
    EXPECT_EQ(e.login("demo", "bad-2")->status, 401);
    EXPECT_EQ(e.login("demo", "demo-password")->status, 200) << "round " << round;
  }
  EXPECT_EQ(e.reached(), 9);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(e.login("demo", "bad")->status, 401);
  auto locked = e.login("demo", "demo-password");
  EXPECT_EQ(locked->status, 429);
  EXPECT_EQ(retry_after(locked), 1);
  EXPECT_EQ(e.reached(), 12);
  // The lockout ends on its own (Redis clock); then the right password works.
  EXPECT_TRUE(
      eventually([&] { return e.login("demo", "demo-password")->status == 200; }, 20000, 100));
}

TEST(Edge, AddressesAreBannedExceptLanAndTrustedProxiesAndAdminsLiftBans) {
  Env e(Vars{{"JB_TRUSTED_PROXIES", "127.0.0.1/32"},
             {"JB_BAN_FAILURES", "3"},
             {"JB_SIGNIN_IP_BURST", "100"},
             {"JB_SIGNIN_FAILURE_MIN_MS", "0"}});
  std::string admin = e.token_of("admin", "admin-password");
  std::string demo = e.token_of("demo", "demo-password");
  // Three failures (three names, so no lockout) ban a public address…
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(e.login("user" + std::to_string(i), "x", "203.0.113.7")->status, 401);
  int64_t before = e.reached();
  auto banned = e.login("demo", "demo-password", "203.0.113.7");
  EXPECT_EQ(banned->status, 403);
  EXPECT_EQ(problem_type(banned), "ip_banned");
  EXPECT_GT(retry_after(banned), 86000);
  auto qc = e.call("POST", "/api/v1/auth/quickconnect", "", "", "203.0.113.7");
  EXPECT_EQ(qc->status, 403);
  EXPECT_EQ(problem_type(qc), "ip_banned");
  EXPECT_EQ(e.reached(), before) << "a banned address never reaches Jellyfin";
  EXPECT_EQ(e.home.requests("POST /QuickConnect/Initiate"), 0);
  // …and an IPv6 address bans its whole /64.
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(e.login("v6user" + std::to_string(i), "x", "2001:db8:1:2::99")->status, 401);
  EXPECT_EQ(e.login("demo", "demo-password", "2001:db8:1:2::1")->status, 403);
  EXPECT_NE(e.login("demo", "demo-password", "2001:db8:1:3::1")->status, 403);
  // LAN addresses and the trusted proxy itself are never banned.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(e.login("lan" + std::to_string(i), "x", "192.168.1.50")->status, 401);
    EXPECT_EQ(e.login("proxy" + std::to_string(i), "x")->status, 401);
  }
  EXPECT_EQ(e.login("demo", "demo-password", "192.168.1.50")->status, 200);
  EXPECT_EQ(e.login("demo", "demo-password")->status, 200);

  // Only administrators see and lift bans and lockouts.
  for (const auto& [m, p] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/admin/bans"},
           {"DELETE", "/api/v1/admin/bans/203.0.113.7"},
           {"GET", "/api/v1/admin/lockouts"},
           {"DELETE", "/api/v1/admin/lockouts/demo"}}) {
    auto r = e.call(m, p, "", demo);
    EXPECT_EQ(r->status, 403) << m << " " << p;
    EXPECT_EQ(problem_type(r), "admin_only");
    EXPECT_EQ(e.call(m, p)->status, 401);
  }
  auto list = e.call("GET", "/api/v1/admin/bans", "", admin);
  ASSERT_EQ(list->status, 200);
  std::set<std::string> ips;
  const json::Document bans_body = body_of(list);  // a range-for would not keep a temporary alive
  for (const auto& b : (*json::member(bans_body, "bans")).GetArray()) {
    ips.insert(json::get_string(b, "ip"));
    EXPECT_EQ(json::get_int(b, "failures"), 3);
    EXPECT_EQ(json::get_string(b, "reason"), "too_many_failures");
  }
  EXPECT_EQ(ips, (std::set<std::string>{"203.0.113.7", "2001:db8:1:2::/64"}));
  EXPECT_EQ(e.call("DELETE", "/api/v1/admin/bans/203.0.113.7", "", admin)->status, 204);
  EXPECT_EQ(e.call("DELETE", "/api/v1/admin/bans/203.0.113.7", "", admin)->status, 404);
  // An IPv6 address in the path, percent-encoded: its /64 is lifted.
  EXPECT_EQ(e.call("DELETE", "/api/v1/admin/bans/2001%3Adb8%3A1%3A2%3A%3A5", "", admin)->status,
            204);
  EXPECT_EQ(e.login("demo", "demo-password", "203.0.113.7")->status, 200);
  EXPECT_EQ(e.login("demo", "demo-password", "2001:db8:1:2::1")->status, 200);
  auto after = e.call("GET", "/api/v1/admin/bans", "", admin);
  EXPECT_EQ((*json::member(body_of(after), "bans")).GetArray().Size(), 0u);
}

TEST(Edge, QuickConnectStartsAndNewConnectionsAreLimited) {
  Env e(Vars{{"JB_QUICKCONNECT_IP_BURST", "2"}, {"JB_CONNECTION_CREATE_BURST", "2"}});
  EXPECT_EQ(e.call("POST", "/api/v1/auth/quickconnect")->status, 201);
  EXPECT_EQ(e.call("POST", "/api/v1/auth/quickconnect")->status, 201);
  auto third = e.call("POST", "/api/v1/auth/quickconnect");
  EXPECT_EQ(third->status, 429);
  EXPECT_EQ(problem_type(third), "rate_limited");
  EXPECT_GE(retry_after(third), 1);
  EXPECT_EQ(e.home.requests("POST /QuickConnect/Initiate"), 2);

  std::string demo = e.token_of("demo", "demo-password");
  json::Writer w;
  w.begin_object()
      .kv("method", "password")
      .kv("server_url", e.home.url())
      .kv("username", "demo")
      .kv("password", "demo-password")
      .end_object();
  EXPECT_EQ(e.call("POST", "/api/v1/connections", w.str(), demo)->status, 201);
  EXPECT_EQ(e.call("POST", "/api/v1/connections", w.str(), demo)->status, 201);
  auto over = e.call("POST", "/api/v1/connections", w.str(), demo);
  EXPECT_EQ(over->status, 429);
  EXPECT_EQ(problem_type(over), "rate_limited");
  EXPECT_GE(retry_after(over), 1);
  // Another user has a bucket of their own.
  std::string admin = e.token_of("admin", "admin-password");
  EXPECT_EQ(e.call("POST", "/api/v1/connections", w.str(), admin)->status, 201);
}
