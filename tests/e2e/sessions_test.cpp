// End-to-end tests of suite sessions that follow the Jellyfin account (a user
// disabled or deleted in Jellyfin, or whose home token is revoked, loses every
// suite session on every auth-service replica within one home check period),
// the sessions API (GET/DELETE /api/v1/sessions) and the per-user caps of
// connections and pairs: the real auth-service binaries, real Redis and the
// Jellyfin stand-in. Waits are eventually() on what the API answers.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/core/json.h"
#include "common/net/rpc.h"
#include "tests/support/answers.h"
#include "tests/support/eventually.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr const char* kDemoPassword = "demo-password";

struct Api {
  std::shared_ptr<HttpClient> http = std::make_shared<HttpClient>();  // copies share it
  std::string base, token, cookie, csrf;

  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "", bool use_cookie = false,
                            bool with_csrf = true, const std::string& user_agent = "") {
    HttpRequest r;
    r.method = method;
    r.url = base + path;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (!user_agent.empty()) r.headers.emplace_back("User-Agent", user_agent);
    if (use_cookie) {
      r.headers.emplace_back("Cookie", "jb_session=" + cookie);
      if (with_csrf && !csrf.empty()) r.headers.emplace_back("X-CSRF-Token", csrf);
    } else if (!token.empty()) {
      r.headers.emplace_back("Authorization", "Bearer " + token);
    }
    return http->send(r);
  }
  int status(const std::string& method, const std::string& path) {
    auto r = call(method, path);
    return r.ok() ? r->status : -1;
  }
};

// A stack whose home server is a stand-in, with a second auth-service replica
// on the same Redis whose session cache lasts a minute (only the revocation
// message can evict a session from it).
struct Env {
  using Vars = std::map<std::string, std::string>;
  Stack stack;
  Standin home;
  std::unique_ptr<Process> second;
  std::string base_a, base_b;

  explicit Env(Vars extra = {}, bool two_replicas = false) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    EXPECT_TRUE(stack.start_auth(extra));
    base_a = stack.api("");
    if (!two_replicas) return;
    auto env = stack.auth_replica_env("second");
    for (auto& [k, v] : extra) env[k] = v;
    env["JB_SESSION_CACHE_MS"] = "60000";
    json::Document ready;
    second = start_service("auth-service", env, &ready);
    EXPECT_TRUE(second);
    base_b = "http://127.0.0.1:" + std::to_string(json::get_int(ready, "http_port"));
  }

  // Signs in at `base`; the Api carries the session.
  Api sign_in(const std::string& base, const std::string& user, const std::string& pw,
              const std::string& user_agent = "") {
    Api a;
    a.base = base;
    json::Writer w;
    w.begin_object().kv("username", user).kv("password", pw).end_object();
    auto r = a.call("POST", "/api/v1/auth/login", w.str(), false, true, user_agent);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return a;
    EXPECT_EQ(r->status, 200) << r->body;
    auto d = body_of(r);
    if (const auto* s = json::member(d, "session")) {
      a.token = json::get_string(*s, "token");
      a.csrf = json::get_string(*s, "csrf_token");
    }
    std::string sc = r->header("Set-Cookie");
    auto eq = sc.find('='), semi = sc.find(';');
    if (eq != std::string::npos) a.cookie = sc.substr(eq + 1, semi - eq - 1);
    return a;
  }

  // The stand-in as its administrator.
  std::string admin_token() {
    auto t = home.login("admin", "admin-password", "test-admin-device");
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : "";
  }
  Status disable_user(const std::string& id) {
    std::string admin = admin_token();
    auto u = home.api("GET", "/Users/" + id, admin, "", "test-admin-device");
    if (!u.ok()) return u.error();
    auto d = json::parse(u->body);
    if (!d.ok()) return d.error();
    const auto* policy = json::member(*d, "Policy");
    if (!policy) return Error("test", "no policy");
    json::Document p;
    p.CopyFrom(*policy, p.GetAllocator());
    p["IsDisabled"].SetBool(true);
    auto s = home.api("POST", "/Users/" + id + "/Policy", admin, json::stringify(p),
                      "test-admin-device");
    if (!s.ok()) return s.error();
    if (s->status != 204) return Error("test", "policy → " + std::to_string(s->status));
    return Status::Ok();
  }
  Status delete_user(const std::string& id) {
    auto s = home.api("DELETE", "/Users/" + id, admin_token(), "", "test-admin-device");
    if (!s.ok()) return s.error();
    if (s->status != 204) return Error("test", "delete → " + std::to_string(s->status));
    return Status::Ok();
  }
  // Signs our stored home token of this connection out at the stand-in (as if
  // an administrator revoked the device), with the token from the vault.
  Status revoke_home_token(const std::string& conn_id) {
    zmq::context_t ctx;
    RpcClientOptions o;
    o.endpoint = stack.vault_endpoint;
    o.timeout_ms = 2000;
    o.attempts = 1;
    o.curve = stack.keys.library_client;
    o.server_public_z85 = stack.keys.vault_server.public_z85;
    RpcClient c(ctx, o);
    auto r = c.call("credentials", "{\"connection_id\":\"" + conn_id + "\"}");
    if (!r.ok()) return r.error();
    auto d = json::parse(*r);
    if (!d.ok()) return d.error();
    auto out = home.api("POST", "/Sessions/Logout", json::get_string(*d, "token"), "",
                        json::get_string(*d, "device_id"));
    if (!out.ok()) return out.error();
    if (out->status != 204) return Error("test", "logout → " + std::to_string(out->status));
    return Status::Ok();
  }
  std::string audit_dump() { return stack.redis.cli("XRANGE jb:audit:log - +"); }
};

std::string home_connection_id(Api& a) {
  auto d = body_of(a.call("GET", "/api/v1/connections"));
  const auto* list = json::member(d, "connections");
  if (!list || !list->IsArray()) return "";
  for (const auto& c : list->GetArray())
    if (json::get_bool(c, "home")) return json::get_string(c, "id");
  return "";
}

// A short home check period: the account is looked at every second.
Env::Vars fast_home_checks() {
  return {{"JB_HOME_CHECK_INTERVAL_S", "1"}, {"JB_CONNECTION_CHECK_TICK_MS", "100"}};
}

// Signs `user` in twice on replica A and once on replica B (each session used
// once, so B caches it for a minute), makes an app password, and signs `demo`
// in once; runs `cut`; then every session and the app password of `user` must
// end on both replicas while demo's stays.
void expect_all_sessions_end(Env& e, const std::string& user, const std::string& pw,
                             const std::function<Status()>& cut, const std::string& reason) {
  std::vector<Api> sessions{e.sign_in(e.base_a, user, pw), e.sign_in(e.base_a, user, pw),
                            e.sign_in(e.base_b, user, pw)};
  Api bystander = e.sign_in(e.base_b, "demo", kDemoPassword);
  // The first session, used on the other replica too (cached there).
  Api first_on_b = sessions[0];
  first_on_b.base = e.base_b;
  sessions.push_back(first_on_b);
  // An app password of the user, on both replicas: it ends with the sessions.
  auto made = body_of(
      sessions[0].call("POST", "/api/v1/me/security/app-passwords", R"({"name":"script"})"));
  Api app = sessions[0];
  app.token = json::get_string(made, "password");
  ASSERT_FALSE(app.token.empty()) << json::stringify(made);
  sessions.push_back(app);
  app.base = e.base_b;
  sessions.push_back(app);
  for (auto& s : sessions) ASSERT_EQ(s.status("GET", "/api/v1/me"), 200);
  ASSERT_EQ(bystander.status("GET", "/api/v1/me"), 200);
  ASSERT_TRUE(cut().ok());
  for (auto& s : sessions)
    EXPECT_TRUE(eventually([&] { return s.status("GET", "/api/v1/me") == 401; }))
        << "a session on " << s.base << " outlived the account";
  EXPECT_EQ(bystander.status("GET", "/api/v1/me"), 200);
  EXPECT_TRUE(eventually([&] {
    std::string log = e.audit_dump();
    return log.find("session.revoked") != std::string::npos &&
           log.find(reason) != std::string::npos;
  }));
}

}  // namespace

TEST(SessionsFollowAccount, DisabledUserLosesEverySessionOnEveryReplica) {
  Env e(fast_home_checks(), true);
  auto id = e.home.create_user("carol", "carol-password");
  ASSERT_TRUE(id.ok());
  // Jellyfin revokes a disabled user's tokens (and refuses them anyway): 401.
  expect_all_sessions_end(
      e, "carol", "carol-password", [&] { return e.disable_user(*id); }, "home_token_rejected");
}

TEST(SessionsFollowAccount, DeletedUserLosesEverySessionOnEveryReplica) {
  Env e(fast_home_checks(), true);
  auto id = e.home.create_user("dave", "dave-password");
  ASSERT_TRUE(id.ok());
  expect_all_sessions_end(
      e, "dave", "dave-password", [&] { return e.delete_user(*id); }, "home_token_rejected");
}

TEST(SessionsFollowAccount, RevokedHomeTokenEndsEverySessionOnEveryReplica) {
  Env e(fast_home_checks(), true);
  ASSERT_TRUE(e.home.create_user("erin", "erin-password").ok());
  Api probe = e.sign_in(e.base_a, "erin", "erin-password");
  std::string conn = home_connection_id(probe);
  ASSERT_EQ(conn.size(), 32u);
  expect_all_sessions_end(
      e, "erin", "erin-password", [&] { return e.revoke_home_token(conn); }, "home_token_rejected");
  EXPECT_EQ(probe.status("GET", "/api/v1/me"), 401);
}

// Any request that sees the home token rejected ends the sessions at once,
// without waiting for the periodic check (here: once an hour).
TEST(SessionsFollowAccount, ARequestThatSeesTheHomeTokenRejectedEndsTheSessions) {
  Env e(Env::Vars{{"JB_HOME_CHECK_INTERVAL_S", "3600"}});
  ASSERT_TRUE(e.home.create_user("fred", "fred-password").ok());
  Api a = e.sign_in(e.base_a, "fred", "fred-password");
  Api b = e.sign_in(e.base_a, "fred", "fred-password");
  std::string conn = home_connection_id(a);
  ASSERT_EQ(conn.size(), 32u);
  ASSERT_TRUE(e.revoke_home_token(conn).ok());
  EXPECT_EQ(a.status("GET", "/api/v1/me"), 200) << "nothing looked yet";
  auto v = a.call("POST", "/api/v1/connections/" + conn + "/verify");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(json::get_string(body_of(v), "status"), "expired") << v->body;
  EXPECT_EQ(a.status("GET", "/api/v1/me"), 401);
  EXPECT_EQ(b.status("GET", "/api/v1/me"), 401);
}

TEST(SessionsApi, ListShowsOwnSessionsAndDeletesOneOrAllOthers) {
  Env e;
  Api one = e.sign_in(e.base_a, "demo", kDemoPassword, "jb-test/1");
  Api two = e.sign_in(e.base_a, "demo", kDemoPassword, "jb-test/2");
  Api three = e.sign_in(e.base_a, "demo", kDemoPassword, "jb-test/3");
  Api admin = e.sign_in(e.base_a, "admin", "admin-password", "jb-test/admin");

  auto list = three.call("GET", "/api/v1/sessions");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->status, 200) << list->body;
  auto d = body_of(list);
  const auto* sessions = json::member(d, "sessions");
  ASSERT_TRUE(sessions && sessions->IsArray());
  ASSERT_EQ(sessions->Size(), 3u);
  std::map<std::string, std::string> id_by_agent;
  int current = 0;
  for (const auto& s : sessions->GetArray()) {
    std::string id = json::get_string(s, "id");
    EXPECT_EQ(id.size(), 32u);
    for (const auto* a : {&one, &two, &three}) EXPECT_EQ(a->token.find(id), std::string::npos);
    EXPECT_EQ(json::get_string(s, "ip"), "127.0.0.1");
    EXPECT_FALSE(json::get_string(s, "created_at").empty());
    EXPECT_FALSE(json::get_string(s, "last_used_at").empty());
    EXPECT_FALSE(json::get_string(s, "expires_at").empty());
    id_by_agent[json::get_string(s, "user_agent")] = id;
    if (json::get_bool(s, "current")) {
      ++current;
      EXPECT_EQ(json::get_string(s, "user_agent"), "jb-test/3");
    }
  }
  EXPECT_EQ(current, 1);
  ASSERT_EQ(id_by_agent.size(), 3u);
  EXPECT_EQ(list->body.find(three.token), std::string::npos);

  // Another user's session id is not ours: 404, and it stays.
  auto admin_list = body_of(admin.call("GET", "/api/v1/sessions"));
  std::string admin_id =
      json::get_string((*json::member(admin_list, "sessions")).GetArray()[0], "id");
  auto foreign = three.call("DELETE", "/api/v1/sessions/" + admin_id);
  EXPECT_EQ(foreign->status, 404);
  EXPECT_EQ(problem_type(foreign), "not_found");
  EXPECT_EQ(three.status("DELETE", "/api/v1/sessions/" + std::string(32, 'a')), 404);
  EXPECT_EQ(admin.status("GET", "/api/v1/me"), 200);

  // End one session by its id.
  EXPECT_EQ(three.status("DELETE", "/api/v1/sessions/" + id_by_agent["jb-test/1"]), 204);
  EXPECT_EQ(one.status("GET", "/api/v1/me"), 401);
  EXPECT_EQ(two.status("GET", "/api/v1/me"), 200);

  // End all the others: by cookie it needs the CSRF token.
  auto no_csrf = three.call("DELETE", "/api/v1/sessions", "", true, false);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(problem_type(no_csrf), "csrf_failed");
  EXPECT_EQ(two.status("GET", "/api/v1/me"), 200);
  auto others = three.call("DELETE", "/api/v1/sessions", "", true, true);
  ASSERT_EQ(others->status, 200) << others->body;
  EXPECT_EQ(json::get_int(body_of(others), "revoked"), 1);
  EXPECT_EQ(two.status("GET", "/api/v1/me"), 401);
  EXPECT_EQ(three.status("GET", "/api/v1/me"), 200) << "the current session stays";
  EXPECT_EQ(admin.status("GET", "/api/v1/me"), 200) << "another user's sessions stay";
  auto after = body_of(three.call("GET", "/api/v1/sessions"));
  ASSERT_EQ((*json::member(after, "sessions")).Size(), 1u);
  EXPECT_TRUE(json::get_bool((*json::member(after, "sessions")).GetArray()[0], "current"));

  // Ending the current one by its id signs out (and clears the cookie).
  auto self = three.call("DELETE", "/api/v1/sessions/" + id_by_agent["jb-test/3"]);
  EXPECT_EQ(self->status, 204);
  EXPECT_NE(self->header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(three.status("GET", "/api/v1/me"), 401);
  EXPECT_EQ(three.status("GET", "/api/v1/sessions"), 401);
}

TEST(UserCaps, ConnectionsAndPairsPerUserAreCapped) {
  Env e(Env::Vars{{"JB_MAX_CONNECTIONS_PER_USER", "3"}, {"JB_MAX_PAIRS_PER_USER", "2"}});
  Api a = e.sign_in(e.base_a, "demo", kDemoPassword);  // the home connection is the first
  auto connect = [&] {
    json::Writer w;
    w.begin_object()
        .kv("method", "password")
        .kv("server_url", e.home.url())
        .kv("username", "demo")
        .kv("password", kDemoPassword)
        .end_object();
    return a.call("POST", "/api/v1/connections", w.str());
  };
  std::vector<std::string> conns{home_connection_id(a)};
  for (int i = 0; i < 2; ++i) {
    auto r = connect();
    ASSERT_EQ(r->status, 201) << r->body;
    conns.push_back(json::get_string(body_of(r), "id"));
  }
  auto full = connect();
  EXPECT_EQ(full->status, 409) << full->body;
  EXPECT_EQ(problem_type(full), "too_many_connections");
  EXPECT_NE(json::get_string(body_of(full), "detail").find("JB_MAX_CONNECTIONS_PER_USER"),
            std::string::npos);
  EXPECT_EQ((*json::member(body_of(a.call("GET", "/api/v1/connections")), "connections")).Size(),
            3u);
  // Deleting one makes room for one.
  ASSERT_EQ(a.status("DELETE", "/api/v1/connections/" + conns[2]), 204);
  auto again = connect();
  ASSERT_EQ(again->status, 201) << again->body;
  conns[2] = json::get_string(body_of(again), "id");
  // Signing in again never fails because of the cap.
  Api b = e.sign_in(e.base_a, "demo", kDemoPassword);
  EXPECT_EQ(b.status("GET", "/api/v1/me"), 200);

  auto pair = [&](int n) {
    std::string body = "{\"name\":\"p" + std::to_string(n) + "\",\"source\":\"" + conns[1] +
                       "\",\"target\":\"" + conns[2] + "\",\"mode\":\"one-way\"}";
    return a.call("POST", "/api/v1/pairs", body);
  };
  std::vector<std::string> pairs;
  for (int i = 0; i < 2; ++i) {
    auto r = pair(i);
    ASSERT_EQ(r->status, 201) << r->body;
    pairs.push_back(json::get_string(body_of(r), "id"));
  }
  auto too_many = pair(2);
  EXPECT_EQ(too_many->status, 409) << too_many->body;
  EXPECT_EQ(problem_type(too_many), "too_many_pairs");
  EXPECT_EQ((*json::member(body_of(a.call("GET", "/api/v1/pairs")), "pairs")).Size(), 2u);
  ASSERT_EQ(a.status("DELETE", "/api/v1/pairs/" + pairs[0]), 204);
  EXPECT_EQ(pair(3)->status, 201);
}
