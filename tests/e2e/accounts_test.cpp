// End-to-end tests of account management, part one (issue 14): the admin
// connection, invites, permission profiles and the public sign-up pipeline.
// Real auth-service binary, real Redis, the Jellyfin stand-in as the home
// server (its user list is the truth about which accounts exist).
//   - 50 concurrent sign-ups on a 1-use invite make exactly 1 Jellyfin user,
//     on a 5-use invite exactly 5;
//   - a profile whose policy call fails at the stand-in leaves no user behind
//     and gives the invite's use back; the next sign-up gets the profile;
//   - the human check: a solved challenge works once, a reused one is refused;
//   - bad input (malformed bodies, oversized and wrong-typed fields, unknown and
//     expired invites, weak passwords, taken names, non-admins on admin routes)
//     gets its precise problem and is in the audit log with the address;
//   - the admin connection is checked when designated and shown in health.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <set>
#include <thread>

#include "auth-service/accounts/human_check.h"
#include "common/core/json.h"
#include "common/redis/client.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

struct Env {
  Stack stack;
  Standin home;
  std::unique_ptr<ApiClient> admin;  // the home server's admin, signed in to the suite

  using Vars = std::map<std::string, std::string>;
  explicit Env(Vars extra = {}, bool designate = true) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    extra.emplace("JB_SIGNUP_IP_BURST", "1000");
    extra.emplace("JB_HUMAN_CHECK_MAXNUMBER", "2000");
    EXPECT_TRUE(stack.start_auth(extra));
    auto t = session_token(stack.api(""), "admin", "admin-password");
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
    admin = std::make_unique<ApiClient>(stack.api(""), t.ok() ? *t : "");
    if (designate) {
      EXPECT_EQ(designate_api_key(), 200);
    }
  }

  ApiClient anonymous() { return ApiClient(stack.api(""), ""); }

  // A new API key on the home server (made as its admin), as an admin's connection,
  // designated as the admin connection: the answer's status.
  int designate_api_key() {
    auto jf_admin = home.login("admin", "admin-password", "setup");
    EXPECT_TRUE(jf_admin.ok());
    EXPECT_EQ(home.api("POST", "/Auth/Keys?app=jellybridge-admin", *jf_admin, "", "setup")->status,
              204);
    auto keys = json::parse(home.api("GET", "/Auth/Keys", *jf_admin, "", "setup")->body);
    const auto* items = json::member(*keys, "Items");
    std::string key = json::get_string((*items)[items->Size() - 1], "AccessToken");
    json::Writer w;
    w.begin_object()
        .kv("method", "api_key")
        .kv("server_url", home.url())
        .kv("api_key", key)
        .kv("user_id", user_id("admin"))
        .end_object();
    auto c = admin->call("POST", "/api/v1/connections", w.str());
    EXPECT_EQ(c->status, 201) << c->body;
    return admin
        ->call("PUT", "/api/v1/admin/connection",
               R"({"connection_id":")" + json::get_string(body_of(c), "id") + "\"}")
        ->status;
  }

  // The home server's users, by name.
  std::map<std::string, json::Document> users() {
    std::map<std::string, json::Document> out;
    auto jf_admin = home.login("admin", "admin-password", "setup");
    auto r = home.api("GET", "/Users", *jf_admin, "", "setup");
    auto d = json::parse(r->body);
    for (const auto& u : d->GetArray()) {
      json::Document one;
      one.CopyFrom(u, one.GetAllocator());
      out.emplace(json::get_string(u, "Name"), std::move(one));
    }
    return out;
  }
  std::string user_id(const std::string& name) {
    auto all = users();
    auto it = all.find(name);
    return it == all.end() ? "" : json::get_string(it->second, "Id");
  }

  // A new invite (admin API): its JSON.
  json::Document invite(const std::string& body) {
    auto r = admin->call("POST", "/api/v1/admin/invites", body);
    EXPECT_EQ(r->status, 201) << r->body;
    return body_of(r);
  }
  json::Document get_invite(const std::string& id) {
    return body_of(admin->call("GET", "/api/v1/admin/invites/" + id));
  }

  Result<HttpResponse> sign_up(const std::string& code, const std::string& name,
                               const std::string& password, const std::string& human = "") {
    json::Writer w;
    w.begin_object().kv("code", code).kv("user_name", name).kv("password", password);
    if (!human.empty()) w.kv("human_check", human);
    w.end_object();
    ApiClient a = anonymous();
    return a.call("POST", "/api/v1/signup", w.str());
  }

  // A solved human-check challenge (the payload a browser would send).
  std::string solved_challenge() {
    ApiClient a = anonymous();
    auto r = a.call("POST", "/api/v1/signup/challenge");
    EXPECT_EQ(r->status, 200) << r->body;
    auto c = accounts::parse_pow_challenge(r->body);
    EXPECT_TRUE(c.ok());
    return c.ok() ? accounts::solve_pow_payload(*c) : "";
  }

  // The audit events of a type (as the admin sees them).
  std::vector<json::Document> audit(const std::string& type) {
    std::vector<json::Document> out;
    auto d = body_of(admin->call("GET", "/api/v1/audit?count=1000&type=" + type));
    const auto* ev = json::member(d, "events");
    if (!ev || !ev->IsArray()) return out;
    for (const auto& e : ev->GetArray()) {
      json::Document one;
      one.CopyFrom(e, one.GetAllocator());
      out.push_back(std::move(one));
    }
    return out;
  }
};

std::string code_of(const Result<HttpResponse>& r) {
  auto d = body_of(r);
  return json::get_string(d, "type").substr(std::string("urn:jellybridge:problem:").size());
}

// Each of `clients` threads signs up once (names user-<i>) on the invite.
int concurrent_sign_ups(Env& e, const std::string& code, int clients, const std::string& prefix) {
  std::atomic<int> made{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      auto r = e.sign_up(code, prefix + std::to_string(i), "correct horse battery " + prefix);
      if (r.ok() && r->status == 201) {
        ++made;
      } else if (r.ok()) {
        EXPECT_EQ(r->status, 409) << r->body;  // every other answer is "used up"
      }
    });
  for (auto& t : threads) t.join();
  return made.load();
}

int users_named(Env& e, const std::string& prefix) {
  int n = 0;
  for (const auto& [name, u] : e.users())
    if (name.rfind(prefix, 0) == 0) ++n;
  return n;
}

TEST(Accounts, ConcurrentSignUpsNeverOverspendAnInvite) {
  Env e;
  auto one = e.invite(R"({"label":"one seat","max_uses":1,"human_check":false})");
  EXPECT_EQ(concurrent_sign_ups(e, json::get_string(one, "code"), 50, "solo-"), 1);
  EXPECT_EQ(users_named(e, "solo-"), 1) << "the stand-in's user list";
  auto after = e.get_invite(json::get_string(one, "id"));
  EXPECT_EQ(json::get_int(after, "uses"), 1);
  EXPECT_EQ(json::get_int(after, "holds"), 0);
  EXPECT_EQ(json::get_string(after, "state"), "used_up");
  ASSERT_EQ(json::member(after, "used_by")->Size(), 1u);

  auto five = e.invite(R"({"label":"five seats","max_uses":5,"human_check":false})");
  EXPECT_EQ(concurrent_sign_ups(e, json::get_string(five, "code"), 50, "team-"), 5);
  EXPECT_EQ(users_named(e, "team-"), 5) << "the stand-in's user list";
  EXPECT_EQ(json::get_int(e.get_invite(json::get_string(five, "id")), "uses"), 5);
  EXPECT_EQ(e.audit("signup.completed").size(), 6u);
}

TEST(Accounts, AFailingProfileCallLeavesNoUserAndGivesTheUseBack) {
  Env e;
  // The template: one library only, no remote access, its own subtitle mode.
  auto tmpl = e.home.create_user("template", "template-password-1");
  ASSERT_TRUE(tmpl.ok());
  auto jf_admin = e.home.login("admin", "admin-password", "setup");
  auto folders =
      json::parse(e.home.api("GET", "/Library/MediaFolders", *jf_admin, "", "setup")->body);
  const auto& first = (*json::member(*folders, "Items"))[0];
  const std::string lib_id = json::get_string(first, "Id"),
                    lib_name = json::get_string(first, "Name");
  auto dto = json::parse(e.home.api("GET", "/Users/" + *tmpl, *jf_admin, "", "setup")->body);
  json::Document policy;
  policy.CopyFrom((*dto)["Policy"], policy.GetAllocator());
  policy["EnableAllFolders"].SetBool(false);
  policy["EnableRemoteAccess"].SetBool(false);
  policy["EnabledFolders"].SetArray().PushBack(json::Value(lib_id.c_str(), policy.GetAllocator()),
                                               policy.GetAllocator());
  ASSERT_EQ(
      e.home
          .api("POST", "/Users/" + *tmpl + "/Policy", *jf_admin, json::stringify(policy), "setup")
          ->status,
      204);
  ASSERT_EQ(e.home
                .api("POST", "/Users/Configuration?userId=" + *tmpl, *jf_admin,
                     R"({"SubtitleMode":"Always","HidePlayedInLatest":false})", "setup")
                ->status,
            204);

  auto p = e.admin->call("POST", "/api/v1/admin/profiles",
                         R"({"name":"Family","template_user_id":")" + *tmpl + "\"}");
  ASSERT_EQ(p->status, 201) << p->body;
  auto profile = body_of(p);
  EXPECT_TRUE(json::get_bool(profile, "default")) << "the first profile is the default";
  const auto& summary = *json::member(profile, "summary");
  EXPECT_FALSE(json::get_bool(summary, "all_libraries"));
  EXPECT_FALSE(json::get_bool(summary, "remote_access"));
  EXPECT_FALSE(json::get_bool(summary, "administrator"));
  ASSERT_EQ(json::member(summary, "libraries")->Size(), 1u);
  EXPECT_EQ((*json::member(summary, "libraries"))[0].GetString(), lib_name);

  auto inv = e.invite(R"({"max_uses":1,"human_check":false,"profile_id":")" +
                      json::get_string(profile, "id") + "\"}");
  const std::string code = json::get_string(inv, "code");
  ASSERT_TRUE(
      e.home.add_fault(R"({"Kind":"500","Route":"POST /Users/{userId}/Policy","Count":1})").ok());
  auto failed = e.sign_up(code, "newcomer", "a long enough passphrase");
  EXPECT_EQ(failed->status, 502) << failed->body;
  EXPECT_EQ(e.user_id("newcomer"), "") << "the half-made user was deleted";
  auto after = e.get_invite(json::get_string(inv, "id"));
  EXPECT_EQ(json::get_int(after, "uses"), 0);
  EXPECT_EQ(json::get_int(after, "holds"), 0) << "the use was given back";
  auto failures = e.audit("signup.failed");
  ASSERT_FALSE(failures.empty());
  EXPECT_EQ(json::get_string(*json::member(failures.front(), "detail"), "step"), "profile");

  // The use is still there: the next try gets the account, with the profile.
  auto made = e.sign_up(code, "newcomer", "a long enough passphrase");
  ASSERT_EQ(made->status, 201) << made->body;
  auto users = e.users();
  ASSERT_TRUE(users.count("newcomer"));
  const auto& u = users["newcomer"];
  EXPECT_FALSE(u["Policy"]["EnableAllFolders"].GetBool());
  EXPECT_FALSE(u["Policy"]["EnableRemoteAccess"].GetBool());
  ASSERT_EQ(u["Policy"]["EnabledFolders"].Size(), 1u);
  EXPECT_EQ(u["Policy"]["EnabledFolders"][0].GetString(), lib_id);
  EXPECT_STREQ(u["Configuration"]["SubtitleMode"].GetString(), "Always");
  EXPECT_TRUE(e.home.login("newcomer", "a long enough passphrase", "phone").ok())
      << "the new account signs in at Jellyfin";
  EXPECT_EQ(e.sign_up(code, "latecomer", "a long enough passphrase")->status, 409);
}

TEST(Accounts, TheHumanCheckIsSolvedOnceAndNeverReplayed) {
  Env e;
  auto inv = e.invite(R"({"max_uses":3})");  // human_check defaults to on
  const std::string code = json::get_string(inv, "code");
  auto view = body_of(e.anonymous().call("GET", "/api/v1/signup/invites/" + code));
  EXPECT_TRUE(json::get_bool(view, "valid"));
  EXPECT_TRUE(json::get_bool(view, "human_check"));
  EXPECT_EQ(json::get_int(view, "uses_left"), 3);

  auto none = e.sign_up(code, "robot", "a long enough passphrase");
  EXPECT_EQ(none->status, 400);
  EXPECT_EQ(code_of(none), "human_check_failed");
  const std::string solved = e.solved_challenge();
  auto ok = e.sign_up(code, "human", "a long enough passphrase", solved);
  EXPECT_EQ(ok->status, 201) << ok->body;
  auto again = e.sign_up(code, "replayer", "a long enough passphrase", solved);
  EXPECT_EQ(again->status, 400);
  EXPECT_EQ(code_of(again), "human_check_reused");
  EXPECT_EQ(e.user_id("replayer"), "");
  EXPECT_EQ(json::get_int(e.get_invite(json::get_string(inv, "id")), "uses"), 1)
      << "refused sign-ups give their hold back";
}

TEST(Accounts, BadInputGetsAPreciseProblemAndIsAudited) {
  Env e;
  auto inv = e.invite(R"({"max_uses":10,"human_check":false})");
  const std::string code = json::get_string(inv, "code");
  ApiClient anon = e.anonymous();
  auto expect = [](const Result<HttpResponse>& r, int status, const std::string& code) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json") << r->body;
    EXPECT_EQ(code_of(r), code) << r->body;
  };
  expect(anon.call("POST", "/api/v1/signup", "{\"code\":"), 400, "invalid_json");
  expect(anon.call("POST", "/api/v1/signup", R"({"code":5,"user_name":"x","password":"y"})"), 400,
         "invalid_request");
  expect(e.sign_up(code, std::string(300, 'a'), "a long enough passphrase"), 400,
         "invalid_request");
  expect(anon.call("POST", "/api/v1/signup",
                   R"({"code":")" + code + R"(","user_name":"u","password":"p","extra":1})"),
         400, "invalid_request");
  expect(e.sign_up("AAAAAAAAAAAAAAAAAAAAAA", "someone", "a long enough passphrase"), 404,
         "invite_unknown");
  expect(anon.call("GET", "/api/v1/signup/invites/not-a-code"), 404, "invite_unknown");
  expect(e.sign_up(code, " spaced", "a long enough passphrase"), 400, "invalid_user_name");
  expect(e.sign_up(code, "shorty", "seven77"), 400, "password_rejected");
  expect(e.sign_up(code, "commoner", "password1"), 400, "password_rejected");
  expect(e.sign_up(code, "Demo", "a long enough passphrase"), 409, "user_name_taken");
  EXPECT_EQ(json::get_int(e.get_invite(json::get_string(inv, "id")), "uses"), 0);
  EXPECT_EQ(json::get_int(e.get_invite(json::get_string(inv, "id")), "holds"), 0);

  // An invite whose time is over (its expiry moved to the past, as time passing would).
  auto old = e.invite(R"({"max_uses":1,"human_check":false,"expires_at":"2099-01-01T00:00:00Z"})");
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  ASSERT_TRUE(
      redis.command({"HSET", "jb:invite:" + json::get_string(old, "id"), "expires", "1000"}).ok());
  expect(e.sign_up(json::get_string(old, "code"), "tardy", "a long enough passphrase"), 410,
         "invite_expired");
  auto view = body_of(anon.call("GET", "/api/v1/signup/invites/" + json::get_string(old, "code")));
  EXPECT_FALSE(json::get_bool(view, "valid"));
  EXPECT_EQ(json::get_string(view, "reason"), "expired");

  // Admin routes: a non-admin gets 403 admin_only; bad admin bodies are 400s.
  auto demo_token = session_token(e.stack.api(""), "demo", "demo-password");
  ASSERT_TRUE(demo_token.ok());
  ApiClient demo(e.stack.api(""), *demo_token);
  expect(demo.call("GET", "/api/v1/admin/invites"), 403, "admin_only");
  expect(demo.call("POST", "/api/v1/admin/invites", "{}"), 403, "admin_only");
  expect(demo.call("PUT", "/api/v1/admin/connection", R"({"connection_id":"x"})"), 403,
         "admin_only");
  expect(e.admin->call("POST", "/api/v1/admin/invites", R"({"max_uses":0})"), 400,
         "invalid_request");
  expect(e.admin->call("POST", "/api/v1/admin/invites", R"({"expires_at":"yesterday"})"), 400,
         "invalid_request");
  expect(e.admin->call("POST", "/api/v1/admin/invites", R"({"profile_id":"nope"})"), 400,
         "invalid_request");
  expect(e.admin->call("PATCH", "/api/v1/admin/invites/0000", R"({"label":"x"})"), 404,
         "not_found");

  // All of it is in the audit log, with the client's address.
  auto failed = e.audit("signup.failed");
  std::set<std::string> steps;
  for (const auto& f : failed) {
    EXPECT_EQ(json::get_string(f, "ip"), "127.0.0.1");
    steps.insert(json::get_string(*json::member(f, "detail"), "step"));
  }
  for (const char* s : {"request", "invite", "user_name", "password", "create"})
    EXPECT_TRUE(steps.count(s)) << s;
  EXPECT_EQ(e.audit("admin.denied").size(), 3u);
  EXPECT_FALSE(e.audit("signup.invite_unknown").empty());
}

TEST(Accounts, TheAdminConnectionIsCheckedAndShownInHealth) {
  Env e({}, false);
  auto health = body_of(e.anonymous().call("GET", "/api/v1/health"));
  EXPECT_EQ(json::get_string(*json::member(health, "admin_connection"), "status"), "none");
  auto inv = e.invite(R"({"max_uses":1,"human_check":false})");
  auto r = e.sign_up(json::get_string(inv, "code"), "early", "a long enough passphrase");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(code_of(r), "admin_connection_missing");
  EXPECT_EQ(json::get_int(e.get_invite(json::get_string(inv, "id")), "holds"), 0);

  // A connection of a user who is no administrator cannot be the admin connection.
  auto demo_token = session_token(e.stack.api(""), "demo", "demo-password");
  ApiClient demo(e.stack.api(""), *demo_token);
  auto conns = body_of(e.admin->call("GET", "/api/v1/connections"));
  const auto& list = *json::member(conns, "connections");
  ASSERT_GE(list.Size(), 1u);  // the admin's home connection (a token of an administrator)
  std::string home_conn = json::get_string(list[0], "id");
  auto demo_conns = body_of(demo.call("GET", "/api/v1/connections"));
  std::string demo_conn = json::get_string((*json::member(demo_conns, "connections"))[0], "id");
  auto not_mine =
      e.admin->call("PUT", "/api/v1/admin/connection", R"({"connection_id":")" + demo_conn + "\"}");
  EXPECT_EQ(not_mine->status, 404) << "only one's own connections";

  auto designated =
      e.admin->call("PUT", "/api/v1/admin/connection", R"({"connection_id":")" + home_conn + "\"}");
  ASSERT_EQ(designated->status, 200) << designated->body;
  EXPECT_EQ(json::get_string(body_of(designated), "status"), "ok");
  health = body_of(e.anonymous().call("GET", "/api/v1/health"));
  EXPECT_EQ(json::get_string(*json::member(health, "admin_connection"), "status"), "ok");
  EXPECT_EQ(e.sign_up(json::get_string(inv, "code"), "early", "a long enough passphrase")->status,
            201);
  EXPECT_EQ(e.audit("admin.connection.set").size(), 2u);
}

TEST(Accounts, AdminsManageInvitesAndProfiles) {
  Env e(Env::Vars{{"JB_PUBLIC_URL", "https://media.example.org"}});
  auto inv =
      e.invite(R"({"label":"Cousins","max_uses":null,"account_days":30,"human_check":false})");
  const std::string id = json::get_string(inv, "id"), code = json::get_string(inv, "code");
  EXPECT_EQ(code.size(), 22u) << "128 bits, base64url";
  EXPECT_EQ(json::get_string(inv, "link"), "https://media.example.org/#/signup/" + code);
  EXPECT_TRUE(json::member(inv, "max_uses")->IsNull()) << "unlimited";
  auto second = e.invite("{}");
  EXPECT_NE(json::get_string(second, "code"), code);

  auto made = e.sign_up(code, "cousin-1", "a long enough passphrase");
  ASSERT_EQ(made->status, 201) << made->body;
  EXPECT_FALSE(json::member(body_of(made), "expires_at")->IsNull()) << "account_days 30";
  auto listed = body_of(e.admin->call("GET", "/api/v1/admin/invites"));
  ASSERT_EQ(json::member(listed, "invites")->Size(), 2u);
  auto one = e.get_invite(id);
  ASSERT_EQ(json::member(one, "used_by")->Size(), 1u);
  EXPECT_EQ(json::get_string((*json::member(one, "used_by"))[0], "user_name"), "cousin-1");
  EXPECT_EQ(json::get_string((*json::member(one, "used_by"))[0], "user_id"), e.user_id("cousin-1"));

  // The user list joins Jellyfin's users with the suite's record of the account.
  auto listed_users = body_of(e.admin->call("GET", "/api/v1/admin/users"));
  bool seen = false;
  for (const auto& u : json::member(listed_users, "users")->GetArray()) {
    if (json::get_string(u, "name") == "cousin-1") {
      seen = true;
      EXPECT_EQ(json::get_string(u, "invite_id"), id);
      EXPECT_TRUE(json::member(u, "expires_at")->IsString());
      EXPECT_FALSE(json::get_bool(u, "administrator"));
      EXPECT_FALSE(json::get_bool(*json::member(u, "second_factor"), "totp"));
    }
    if (json::get_string(u, "name") == "admin") {
      EXPECT_TRUE(json::get_bool(u, "administrator"));
      EXPECT_TRUE(json::member(u, "invite_id")->IsNull());
      EXPECT_TRUE(json::member(u, "last_login")->IsString()) << "the admin signed in";
    }
  }
  EXPECT_TRUE(seen);

  auto patched = e.admin->call("PATCH", "/api/v1/admin/invites/" + id,
                               R"({"label":"Cousins 2027","max_uses":1})");
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(json::get_string(body_of(patched), "label"), "Cousins 2027");
  EXPECT_EQ(json::get_string(body_of(patched), "state"), "used_up");
  EXPECT_EQ(e.sign_up(code, "cousin-2", "a long enough passphrase")->status, 409);

  EXPECT_EQ(e.admin->call("DELETE", "/api/v1/admin/invites/" + id)->status, 204);
  EXPECT_EQ(e.anonymous().call("GET", "/api/v1/signup/invites/" + code)->status, 404);
  EXPECT_EQ(e.admin->call("DELETE", "/api/v1/admin/invites/" + id)->status, 404);

  // Profiles: captured, listed, renamed, made default, deleted.
  const std::string demo_id = e.user_id("demo");
  auto a = body_of(e.admin->call("POST", "/api/v1/admin/profiles",
                                 R"({"name":"A","template_user_id":")" + demo_id + "\"}"));
  auto b = body_of(e.admin->call(
      "POST", "/api/v1/admin/profiles",
      R"({"name":"B","template_user_id":")" + demo_id + R"(","configuration":false})"));
  EXPECT_TRUE(json::get_bool(a, "default"));
  EXPECT_FALSE(json::get_bool(b, "default"));
  EXPECT_FALSE(json::get_bool(b, "has_configuration"));
  auto pb = e.admin->call("PATCH", "/api/v1/admin/profiles/" + json::get_string(b, "id"),
                          R"({"name":"B2","default":true})");
  ASSERT_EQ(pb->status, 200) << pb->body;
  EXPECT_TRUE(json::get_bool(body_of(pb), "default"));
  EXPECT_EQ(json::get_string(body_of(pb), "name"), "B2");
  auto plist = body_of(e.admin->call("GET", "/api/v1/admin/profiles"));
  ASSERT_EQ(json::member(plist, "profiles")->Size(), 2u);
  EXPECT_EQ(e.admin
                ->call("POST", "/api/v1/admin/profiles",
                       R"({"name":"C","template_user_id":"a0000000000040008000000000000999"})")
                ->status,
            400);
  EXPECT_EQ(e.admin->call("DELETE", "/api/v1/admin/profiles/" + json::get_string(a, "id"))->status,
            204);
  EXPECT_EQ(e.admin->call("GET", "/api/v1/admin/profiles/" + json::get_string(a, "id"))->status,
            404);
  for (const char* t : {"admin.invite.created", "admin.invite.updated", "admin.invite.deleted",
                        "admin.profile.created", "admin.profile.updated", "admin.profile.deleted"})
    EXPECT_FALSE(e.audit(t).empty()) << t;
}

TEST(Accounts, ASignUpCutShortByACrashIsUndoneByAnotherReplica) {
  Env e(Env::Vars{{"JB_SIGNUP_HOLD_S", "1"}});
  auto profile = e.admin->call("POST", "/api/v1/admin/profiles",
                               R"({"name":"P","template_user_id":")" + e.user_id("demo") + "\"}");
  ASSERT_EQ(profile->status, 201) << profile->body;
  auto inv = e.invite(R"({"max_uses":1,"human_check":false})");
  // A second replica on the same Redis; Jellyfin holds its profile call until it is killed.
  auto env = e.stack.auth_replica_env("doomed");
  env["JB_JELLYFIN_URL"] = e.home.url();
  env["JB_SIGNUP_HOLD_S"] = "1";
  env["JB_SIGNUP_IP_BURST"] = "1000";
  json::Document ready;
  auto doomed = start_service("auth-service", env, &ready);
  ASSERT_TRUE(doomed);
  const std::string base = "http://127.0.0.1:" + std::to_string(json::get_int(ready, "http_port"));
  ASSERT_TRUE(
      e.home.add_fault(R"({"Kind":"hang","HangMs":5000,"Route":"POST /Users/{userId}/Policy"})")
          .ok());
  std::thread cut([&] {
    ApiClient a(base, "");
    json::Writer w;
    w.begin_object()
        .kv("code", json::get_string(inv, "code"))
        .kv("user_name", "cut-short")
        .kv("password", "a long enough passphrase")
        .end_object();
    auto r = a.call("POST", "/api/v1/signup", w.str());
    EXPECT_FALSE(r.ok() && r->status == 201);
  });
  ASSERT_TRUE(eventually([&] { return !e.user_id("cut-short").empty(); }, 10000));
  doomed->signal(SIGKILL);
  cut.join();
  ASSERT_TRUE(e.home.clear_faults().ok());
  // The stack's own auth-service finds the journal entry and undoes the sign-up.
  EXPECT_TRUE(eventually([&] { return e.user_id("cut-short").empty(); }, 15000))
      << "the half-made user is deleted";
  EXPECT_TRUE(eventually(
      [&] { return json::get_int(e.get_invite(json::get_string(inv, "id")), "holds") == 0; },
      10000));
  EXPECT_EQ(json::get_int(e.get_invite(json::get_string(inv, "id")), "uses"), 0);
  auto again = e.sign_up(json::get_string(inv, "code"), "second-try", "a long enough passphrase");
  EXPECT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(users_named(e, "cut-short") + users_named(e, "second-try"), 1);
}

}  // namespace
