// End-to-end tests of bulk actions on users (issue 14): real auth-service, two
// real sync-workers, real Redis, the Jellyfin stand-in as the home server (its
// user list is the truth about what a job did), an API key designated as the
// admin connection.
//   - a bulk disable of 200 users and 3 unknown ids, with injected 400s (those
//     users fail with the reason) and 500s (retried, then done): each user's
//     outcome exactly, and the stand-in's IsDisabled set for exactly the ok ones;
//   - a bulk delete of every administrator leaves one enabled administrator
//     (the other's outcome says why) and skips the admin's own account;
//   - enable, apply_profile and extend_expiry change the stand-in's users and
//     the account records; expiry_changed, reset and announcement messages are
//     enqueued once per user (users without a confirmed address are skipped
//     for resets);
//   - a redelivered item is neither counted nor sent again; a user Jellyfin
//     keeps answering 500 for is failed "Jellyfin did not answer" after the
//     queue's last delivery, and the job still finishes;
//   - non-admins get 403; bad bodies 400 problem+json naming the field; an
//     unknown profile 404; the request is audited as admin.bulk.
#include <gtest/gtest.h>

#include <set>

#include "common/core/json.h"
#include "common/core/time.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr const char* kPublicUrl = "https://media.example.org";
constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;

struct Env {
  Stack stack;
  Standin home;
  std::unique_ptr<ApiClient> admin;  // a home server administrator, signed in to the suite
  std::unique_ptr<RedisConnection> redis;
  std::string jf_token;  // an API key of the stand-in, for setup and checks

  // `suite_admin`: the Jellyfin administrator who signs in to the suite.
  explicit Env(const std::string& suite_admin = "admin",
               const std::string& password = "admin-password",
               const std::string& max_deliveries = "10") {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(stack.start_auth({{"JB_JELLYFIN_URL", home.url()}, {"JB_PUBLIC_URL", kPublicUrl}}));
    for (const char* id : {"bulk-1", "bulk-2"})
      EXPECT_TRUE(stack.start_worker(id, {{"JB_PUBLIC_URL", kPublicUrl},
                                          {"JB_WORK_MAX_DELIVERIES", max_deliveries},
                                          {"JB_SYNC_SCAN_NICE", "0"}}));
    redis = std::make_unique<RedisConnection>(*parse_redis_url(stack.redis.url()));
    // An API key: the admin connection, and the tests' own way into the stand-in
    // (it outlives any user a test deletes).
    auto t = home.login("admin", "admin-password", "setup");
    EXPECT_TRUE(t.ok());
    EXPECT_EQ(
        home.api("POST", "/Auth/Keys?app=jellybridge-admin", t.ok() ? *t : "", "", "setup")->status,
        204);
    auto keys = json::parse(home.api("GET", "/Auth/Keys", t.ok() ? *t : "", "", "setup")->body);
    const auto* items = json::member(*keys, "Items");
    jf_token = json::get_string((*items)[items->Size() - 1], "AccessToken");
    if (suite_admin != "admin") {
      auto made = home.create_user(suite_admin, password, {{"IsAdministrator", true}});
      EXPECT_TRUE(made.ok());
    }
    auto s = session_token(stack.api(""), suite_admin, password);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    admin = std::make_unique<ApiClient>(stack.api(""), s.ok() ? *s : "");
    designate_api_key(suite_admin);
  }

  // The API key as the suite admin's connection, designated as the admin connection.
  void designate_api_key(const std::string& owner) {
    json::Writer w;
    w.begin_object()
        .kv("method", "api_key")
        .kv("server_url", home.url())
        .kv("api_key", jf_token)
        .kv("user_id", user_id(owner))
        .end_object();
    auto c = admin->call("POST", "/api/v1/connections", w.str());
    ASSERT_EQ(c->status, 201) << c->body;
    ASSERT_EQ(admin
                  ->call("PUT", "/api/v1/admin/connection",
                         R"({"connection_id":")" + json::get_string(body_of(c), "id") + "\"}")
                  ->status,
              200);
  }

  // The home server's users, by id.
  std::map<std::string, json::Document> users() {
    std::map<std::string, json::Document> out;
    auto r = home.api("GET", "/Users", jf_token, "", "setup");
    auto d = json::parse(r->body);
    for (const auto& u : d->GetArray()) {
      json::Document one;
      one.CopyFrom(u, one.GetAllocator());
      out.emplace(json::get_string(u, "Id"), std::move(one));
    }
    return out;
  }
  std::string user_id(const std::string& name) {
    for (auto& [id, u] : users())
      if (json::get_string(u, "Name") == name) return id;
    return "";
  }
  bool policy_flag(const std::string& id, const char* flag) {
    auto r = home.api("GET", "/Users/" + id, jf_token, "", "setup");
    auto d = json::parse(r->body);
    return json::get_bool(*json::member(*d, "Policy"), flag);
  }
  // `n` new users named <prefix>-<i>: their ids.
  std::vector<std::string> make_users(const std::string& prefix, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      json::Writer w;
      w.begin_object()
          .kv("Name", prefix + "-" + std::to_string(i))
          .kv("Password", "pw")
          .end_object();
      auto r = home.api("POST", "/Users/New", jf_token, w.str(), "setup");
      EXPECT_EQ(r->status, 200);
      ids.push_back(json::get_string(*json::parse(r->body), "Id"));
    }
    return ids;
  }

  // Starts a job: its id (empty when refused).
  std::string start(const std::string& action, const std::vector<std::string>& ids,
                    const std::string& more = "") {
    std::string body = R"({"action":")" + action + R"(","users":[)";
    for (size_t i = 0; i < ids.size(); ++i) body += (i ? ",\"" : "\"") + ids[i] + "\"";
    body += "]" + more + "}";
    auto r = admin->call("POST", "/api/v1/admin/bulk", body);
    EXPECT_EQ(r->status, 202) << r->body;
    if (r->status != 202) return "";
    auto job = body_of(r);
    EXPECT_EQ(json::get_string(job, "state"), "queued");
    EXPECT_EQ(r->header("Location"), "/api/v1/admin/bulk/" + json::get_string(job, "id"));
    return json::get_string(job, "id");
  }
  json::Document job(const std::string& id) {
    return body_of(admin->call("GET", "/api/v1/admin/bulk/" + id));
  }
  // Waits until the job is done: the job.
  json::Document finished(const std::string& id) {
    EXPECT_TRUE(eventually([&] { return json::get_string(job(id), "state") == "done"; }, 120000));
    return job(id);
  }
  // The job's items: user id → {outcome, reason}.
  static std::map<std::string, std::pair<std::string, std::string>> outcomes(
      const json::Document& job) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    for (const auto& i : json::member(job, "items")->GetArray())
      out[json::get_string(i, "user_id")] = {json::get_string(i, "outcome"),
                                             json::get_string(i, "reason")};
    return out;
  }
  static int64_t counter(const json::Document& job, const char* k) {
    return json::get_int(*json::member(job, "counters"), k);
  }
  // The msg.send items enqueued for one job's users (by the dedupe keys and the stream).
  std::vector<json::Document> messages(const std::string& kind) {
    std::vector<json::Document> out;
    auto r = redis->command({"XRANGE", workq::default_names().urgent, "-", "+"});
    for (const auto& item : workq::parse_entries(*r)) {
      if (item.field("type") != "msg.send") continue;
      auto m = json::parse(item.field("message"));
      if (m.ok() && json::get_string(*m, "kind") == kind) out.push_back(std::move(*m));
    }
    return out;
  }
  // True once the workers took every entry of the normal lane up to `entry` and
  // none is pending (each was acked or dead-lettered).
  bool drained(const std::string& entry) {
    auto names = workq::default_names();
    auto r = redis->command({"XINFO", "GROUPS", names.stream});
    if (!r.ok()) return false;
    for (const auto& g : r->elements) {
      auto m = g.as_map();
      if (m["name"] != names.group) continue;
      auto at = [](const std::string& id) {
        size_t dash = id.find('-');
        return std::make_pair(std::stoll(id.substr(0, dash)), std::stoll(id.substr(dash + 1)));
      };
      const std::string last = m["last-delivered-id"];
      return last.find('-') != std::string::npos && at(last) >= at(entry) &&
             redis->command({"XPENDING", names.stream, names.group})->elements[0].integer == 0;
    }
    return false;
  }
  size_t dedupe_keys(const std::string& job_id) {
    auto r = redis->command({"KEYS", "jb:msg:dedupe:bulk:" + job_id + ":*"});
    return r->elements.size();
  }
};

std::string var(const json::Value& m, const char* name) {
  const json::Value* vars = json::member(m, "vars");
  if (!vars) return "";
  if (vars->IsObject()) return json::get_string(*vars, name);
  if (vars->IsArray())
    for (const auto& pair : vars->GetArray())
      if (pair.IsArray() && pair.Size() == 2 && std::string(pair[0].GetString()) == name)
        return pair[1].GetString();
  return "";
}

TEST(BulkActions, ADisableRecordsEachUsersOutcomeDespiteFailures) {
  Env e;
  auto ids = e.make_users("bulk", 200);
  const std::vector<std::string> unknown{"0123456789abcdef0123456789abcdef",
                                         "fedcba9876543210fedcba9876543210",
                                         "00000000000000000000000000000001"};
  // First 5 policy writes are refused (the users fail), then 3 answer 500 (retried).
  ASSERT_TRUE(e.home
                  .add_fault(R"({"Kind":"badrequest","Route":"POST /Users/{userId}/Policy",
                                "Count":5})")
                  .ok());
  ASSERT_TRUE(
      e.home.add_fault(R"({"Kind":"error500","Route":"POST /Users/{userId}/Policy","Count":3})")
          .ok());
  std::vector<std::string> all = ids;
  all.insert(all.end(), unknown.begin(), unknown.end());
  const std::string id = e.start("disable", all);
  ASSERT_FALSE(id.empty());
  auto job = e.finished(id);
  EXPECT_EQ(Env::counter(job, "total"), 203);
  EXPECT_EQ(Env::counter(job, "ok"), 195);
  EXPECT_EQ(Env::counter(job, "failed"), 8);
  EXPECT_EQ(Env::counter(job, "skipped"), 0);
  auto out = Env::outcomes(job);
  ASSERT_EQ(out.size(), 203u);
  for (const auto& u : unknown)
    EXPECT_EQ(out[u], std::make_pair(std::string("failed"), std::string("no such user")));
  std::set<std::string> ok, refused;
  for (const auto& u : ids) {
    if (out[u].first == "ok")
      ok.insert(u);
    else if (out[u] ==
             std::make_pair(std::string("failed"), std::string("Jellyfin refused it (HTTP 400)")))
      refused.insert(u);
  }
  EXPECT_EQ(ok.size(), 195u);
  EXPECT_EQ(refused.size(), 5u);
  // The stand-in's users: disabled exactly when their outcome is ok.
  auto users = e.users();
  for (const auto& u : ids) {
    const bool disabled = json::get_bool(*json::member(users.at(u), "Policy"), "IsDisabled");
    EXPECT_EQ(disabled, ok.count(u) == 1) << u;
  }
  // The list shows the job; the request was audited with its count and id.
  auto list = body_of(e.admin->call("GET", "/api/v1/admin/bulk"));
  ASSERT_GE(json::member(list, "jobs")->Size(), 1u);
  EXPECT_EQ(json::get_string((*json::member(list, "jobs"))[0], "id"), id);
  auto audit = body_of(e.admin->call("GET", "/api/v1/audit?count=100&type=admin.bulk"));
  ASSERT_EQ(json::member(audit, "events")->Size(), 1u);
  const std::string audited = json::stringify((*json::member(audit, "events"))[0]);
  EXPECT_NE(audited.find(id), std::string::npos);
  EXPECT_NE(audited.find("203"), std::string::npos);
  // The job's event stream: the job as it is, then "end" (it is done), then closed.
  auto events = e.admin->call("GET", "/api/v1/admin/bulk/" + id + "/events");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->status, 200);
  EXPECT_EQ(events->header("Content-Type").rfind("text/event-stream", 0), 0u);
  EXPECT_NE(events->body.find("id: 204\nevent: state\n"), std::string::npos) << events->body;
  EXPECT_NE(events->body.find("\"ok\":195"), std::string::npos) << events->body;
  EXPECT_NE(events->body.find("event: end\ndata: {\"state\":\"done\"}"), std::string::npos)
      << events->body;
}

TEST(BulkActions, DeletingEveryAdministratorLeavesOneEnabled) {
  // The suite admin ("boss") is a Jellyfin administrator when signing in, then
  // loses the rights at the home server: the job's other administrators are
  // then all the enabled ones.
  Env e("boss", "boss-password");
  auto c = e.home.create_user("carol", "pw", {{"IsAdministrator", true}});
  ASSERT_TRUE(c.ok());
  const std::string boss = e.user_id("boss"), admin = e.user_id("admin");
  auto p = json::parse(e.home.api("GET", "/Users/" + boss, e.jf_token, "", "setup")->body);
  json::Document policy;
  policy.CopyFrom(*json::member(*p, "Policy"), policy.GetAllocator());
  policy["IsAdministrator"].SetBool(false);
  ASSERT_EQ(
      e.home
          .api("POST", "/Users/" + boss + "/Policy", e.jf_token, json::stringify(policy), "setup")
          ->status,
      204);
  const std::string id = e.start("delete", {admin, *c, boss});
  auto job = e.finished(id);
  auto out = Env::outcomes(job);
  EXPECT_EQ(out[boss], std::make_pair(std::string("skipped"), std::string("your own account")));
  EXPECT_EQ(Env::counter(job, "ok"), 1);
  EXPECT_EQ(Env::counter(job, "failed"), 1);
  const std::string kept = out[admin].first == "failed" ? admin : *c;
  EXPECT_EQ(out[kept],
            std::make_pair(std::string("failed"), std::string("last enabled administrator")));
  auto users = e.users();
  int enabled_admins = 0;
  for (auto& [uid, u] : users) {
    const auto* pol = json::member(u, "Policy");
    if (json::get_bool(*pol, "IsAdministrator") && !json::get_bool(*pol, "IsDisabled")) {
      ++enabled_admins;
      EXPECT_EQ(uid, kept);
    }
  }
  EXPECT_EQ(enabled_admins, 1);
  EXPECT_EQ(users.count(kept == admin ? *c : admin), 0u);
}

TEST(BulkActions, EnableApplyProfileAndExtendExpiry) {
  Env e;
  std::vector<std::string> off;
  for (int i = 0; i < 3; ++i) {
    auto u = e.home.create_user("off-" + std::to_string(i), "pw", true);
    ASSERT_TRUE(u.ok());
    off.push_back(*u);
  }
  auto enabled = e.finished(e.start("enable", off));
  EXPECT_EQ(Env::counter(enabled, "ok"), 3);
  for (const auto& u : off) EXPECT_FALSE(e.policy_flag(u, "IsDisabled"));

  // A profile of a template user without remote access, applied to two users.
  auto tpl = e.home.create_user("template", "pw", {{"EnableRemoteAccess", false}});
  ASSERT_TRUE(tpl.ok());
  auto profile = e.admin->call("POST", "/api/v1/admin/profiles",
                               R"({"name":"local only","template_user_id":")" + *tpl + "\"}");
  ASSERT_EQ(profile->status, 201) << profile->body;
  const std::string pid = json::get_string(body_of(profile), "id");
  auto targets = e.make_users("target", 2);
  for (const auto& u : targets) ASSERT_TRUE(e.policy_flag(u, "EnableRemoteAccess"));
  auto applied = e.finished(e.start("apply_profile", targets, R"(,"profile_id":")" + pid + "\""));
  EXPECT_EQ(Env::counter(applied, "ok"), 2);
  for (const auto& u : targets) {
    EXPECT_FALSE(e.policy_flag(u, "EnableRemoteAccess"));
    EXPECT_FALSE(e.policy_flag(u, "IsDisabled"));
  }

  // Expiry: from the previous one when there is one, else from now.
  const int64_t before = timeutil::now_unix_ms(), previous = before + 3 * kDayMs;
  ASSERT_TRUE(
      e.redis->command({"HSET", "jb:account:" + targets[0], "expires", std::to_string(previous)})
          .ok());
  const std::string ext = e.start("extend_expiry", targets, R"(,"extend_days":10)");
  auto extended = e.finished(ext);
  const int64_t after = timeutil::now_unix_ms();
  EXPECT_EQ(Env::counter(extended, "ok"), 2);
  auto expires = [&](const std::string& u) {
    auto r = e.redis->command({"HGET", "jb:account:" + u, "expires"});
    return std::stoll(r->str);
  };
  EXPECT_EQ(expires(targets[0]), previous + 10 * kDayMs);
  EXPECT_GE(expires(targets[1]), before + 10 * kDayMs);
  EXPECT_LE(expires(targets[1]), after + 10 * kDayMs);
  for (const auto& u : targets)
    EXPECT_EQ(e.redis->command({"ZSCORE", "jb:account:expiry", u})->str,
              "0");  // due now: the expiry step plans its reminders (expiry_plan.h)
  EXPECT_EQ(e.dedupe_keys(ext), 2u);
  EXPECT_EQ(e.messages("expiry_changed").size(), 2u);
}

TEST(BulkActions, ResetsAndAnnouncementsAreEnqueuedOncePerUser) {
  Env e;
  auto ids = e.make_users("reader", 3);
  ASSERT_TRUE(e.redis
                  ->command({"HSET", "jb:2fa:email:" + ids[0], "address", "r0@example.org",
                             "confirmed", "1"})
                  .ok());
  ASSERT_TRUE(e.redis
                  ->command({"HSET", "jb:2fa:email:" + ids[1], "address", "r1@example.org",
                             "confirmed", "0"})
                  .ok());
  const std::string reset = e.start("send_reset", ids);
  auto job = e.finished(reset);
  auto out = Env::outcomes(job);
  EXPECT_EQ(out[ids[0]].first, "ok");
  for (int i : {1, 2})
    EXPECT_EQ(out[ids[i]],
              std::make_pair(std::string("skipped"), std::string("no confirmed address")));
  auto resets = e.messages("reset");
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_EQ(json::get_string(resets[0], "user_id"), ids[0]);
  EXPECT_EQ(var(resets[0], "link").rfind(std::string(kPublicUrl) + "/#/reset/", 0), 0u)
      << json::stringify(resets[0]);
  EXPECT_EQ(e.dedupe_keys(reset), 1u);

  const std::string ann =
      e.start("announce", ids, R"(,"subject":"Maintenance","message":"**Down** at 9")");
  auto announced = e.finished(ann);
  EXPECT_EQ(Env::counter(announced, "ok"), 3);
  auto sent = e.messages("announcement");
  ASSERT_EQ(sent.size(), 3u);
  std::set<std::string> to;
  for (const auto& m : sent) {
    to.insert(json::get_string(m, "user_id"));
    EXPECT_EQ(var(m, "subject"), "Maintenance");
    EXPECT_EQ(var(m, "message"), "**Down** at 9");
  }
  EXPECT_EQ(to, std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(e.dedupe_keys(ann), 3u);
  // Every user's item again (a redelivery after a crash): nothing is counted or sent twice.
  std::string last;
  for (const auto& u : ids)
    last = e.redis
               ->command({"XADD", workq::default_names().stream, "*", "type", "bulk.user", "job",
                          ann, "user", u})
               ->str;
  ASSERT_TRUE(eventually([&] { return e.drained(last); }));
  auto again = e.job(ann);
  EXPECT_EQ(Env::counter(again, "ok"), 3);
  EXPECT_EQ(Env::counter(again, "total"), 3);
  EXPECT_EQ(e.messages("announcement").size(), 3u);
}

TEST(BulkActions, AUserJellyfinNeverAnswersForFailsAndTheJobFinishes) {
  Env e("admin", "admin-password", "2");
  auto ids = e.make_users("slow", 2);
  // Every read of the first user fails with 500: retried, then dead-lettered.
  ASSERT_TRUE(
      e.home.add_fault(R"({"Kind":"error500","Method":"GET","Prefix":"/Users/)" + ids[0] + "\"}")
          .ok());
  auto job = e.finished(e.start("disable", ids));
  auto out = Env::outcomes(job);
  EXPECT_EQ(out[ids[0]],
            std::make_pair(std::string("failed"), std::string("Jellyfin did not answer")));
  EXPECT_EQ(out[ids[1]].first, "ok");
  ASSERT_TRUE(e.home.clear_faults().ok());
  EXPECT_FALSE(e.policy_flag(ids[0], "IsDisabled"));
  EXPECT_TRUE(e.policy_flag(ids[1], "IsDisabled"));
}

TEST(BulkActions, OnlyAdministratorsAndOnlyGoodRequests) {
  Env e;
  auto demo = session_token(e.stack.api(""), "demo", "demo-password");
  ASSERT_TRUE(demo.ok());
  ApiClient user(e.stack.api(""), *demo);
  const std::string one = R"(["0123456789abcdef0123456789abcdef"])";
  EXPECT_EQ(user.call("POST", "/api/v1/admin/bulk", R"({"action":"disable","users":)" + one + "}")
                ->status,
            403);
  EXPECT_EQ(user.call("GET", "/api/v1/admin/bulk")->status, 403);
  for (const std::string& bad :
       {std::string(R"({"action":"disable","users":"all"})"),
        std::string(R"({"action":"disable","users":[]})"),
        std::string(R"({"action":"explode","users":)") + one + "}",
        std::string(R"({"action":"apply_profile","users":)") + one + "}",
        std::string(R"({"action":"disable","users":["x","x"]})"), std::string("[1")}) {
    auto r = e.admin->call("POST", "/api/v1/admin/bulk", bad);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->header("Content-Type").rfind("application/problem+json", 0), 0u) << bad;
  }
  std::string many = "[";
  for (int i = 0; i < 1001; ++i) {
    std::string n = std::to_string(i);
    many += (i ? ",\"" : "\"") + std::string(32 - n.size(), 'a') + n + "\"";
  }
  auto too_many =
      e.admin->call("POST", "/api/v1/admin/bulk", R"({"action":"disable","users":)" + many + "]}");
  EXPECT_EQ(too_many->status, 400);
  EXPECT_NE(too_many->body.find("users"), std::string::npos);
  auto no_profile =
      e.admin->call("POST", "/api/v1/admin/bulk",
                    R"({"action":"apply_profile","profile_id":"nope","users":)" + one + "}");
  EXPECT_EQ(no_profile->status, 404);
  EXPECT_EQ(e.admin->call("GET", "/api/v1/admin/bulk/0123456789abcdef0123456789abcdef")->status,
            404);
}

}  // namespace
