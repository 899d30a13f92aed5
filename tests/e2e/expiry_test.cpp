// End-to-end tests of account expiry (issue 14, Expiry): real auth-service,
// two real sync-workers, real Redis, the Jellyfin stand-in as the home server,
// and the account clock moved by days (JB_TEST_CLOCK).
//   - ten accounts get expiries through the admin route; as the clock passes
//     the reminder days and the expiry, with one worker SIGKILLed while the
//     disabling is under way (stand-in latency keeps steps in flight), every
//     account gets each reminder once and one "expired" message, and is
//     disabled at the stand-in; an account an admin extended before its expiry
//     stays enabled and gets one "expiry changed" message;
//   - with JB_EXPIRY_DELETE_AFTER_DAYS the disabled accounts are deleted later,
//     and with JB_EXPIRY_ACTION=delete at once: the users are gone from the
//     stand-in's user list and their records from Redis;
//   - a user deleted directly in Jellyfin is forgotten by the sweep;
//   - bad bodies and unknown users get problems.
// Messages are counted in the work streams (msg.send entries, wherever they
// went: the lanes and the dead-letter stream, by the entry they came from) and
// by their dedupe keys.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>

#include "common/accounts/account_clock.h"
#include "common/core/json.h"
#include "common/core/time.h"
#include "common/notify/message.h"
#include "common/redis/client.h"
#include "common/redis/keys.h"
#include "common/redis/work_queue.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr int64_t kDay = 86400000;

struct Env {
  Stack stack;
  Standin home;
  std::unique_ptr<ApiClient> admin;
  std::unique_ptr<RedisConnection> redis;
  std::string jf_token;
  std::map<std::string, std::string> worker_env;

  explicit Env(std::map<std::string, std::string> worker_extra = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(stack.start_auth({{"JB_JELLYFIN_URL", home.url()}, {"JB_TEST_CLOCK", "true"}}));
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
    auto jt = home.login("admin", "admin-password", "setup");
    EXPECT_TRUE(jt.ok());
    jf_token = jt.ok() ? *jt : "";
    worker_env = {{"JB_TEST_CLOCK", "true"},
                  {"JB_SCHEDULE_TICK_MS", "100"},
                  {"JB_EXPIRY_REMINDER_DAYS", "7,1"}};
    for (auto& [k, v] : worker_extra) worker_env[k] = v;
  }

  Process* worker(const std::string& id) { return stack.start_worker(id, worker_env); }

  void set_clock(int64_t offset_ms) {
    ASSERT_TRUE(redis->command({"SET", accounts::kTestClockKey, std::to_string(offset_ms)}).ok());
  }
  Result<HttpResponse> put_expiry(const std::string& uid, const std::string& body) {
    return admin->call("PUT", "/api/v1/admin/users/" + uid + "/expiry", body);
  }
  int64_t expires(const std::string& uid) {
    auto r = redis->command({"HGET", "jb:account:" + uid, "expires"});
    return r.ok() && r->is_string() ? std::stoll(r->str) : 0;
  }
  std::string field(const std::string& uid, const std::string& f) {
    auto r = redis->command({"HGET", "jb:account:" + uid, f});
    return r.ok() && r->is_string() ? r->str : "";
  }
  // The due score (-1 = not in the due set).
  int64_t due(const std::string& uid) {
    auto r = redis->command({"ZSCORE", "jb:account:expiry", uid});
    return r.ok() && r->is_string() ? std::stoll(r->str) : -1;
  }
  bool record_exists(const std::string& uid) {
    auto r = redis->command({"EXISTS", "jb:account:" + uid});
    return r.ok() && r->integer == 1;
  }
  // The user's Policy.IsDisabled at the stand-in; nullopt when the user is gone.
  std::optional<bool> disabled(const std::string& uid) {
    auto r = home.api("GET", "/Users/" + uid, jf_token, "", "setup");
    if (!r.ok() || r->status == 404) return std::nullopt;
    auto d = json::parse(r->body);
    if (!d.ok()) return std::nullopt;
    const json::Value* p = json::member(*d, "Policy");
    return p && json::get_bool(*p, "IsDisabled");
  }
  std::set<std::string> standin_users() {
    std::set<std::string> out;
    auto r = home.api("GET", "/Users", jf_token, "", "setup");
    if (!r.ok()) return out;
    auto d = json::parse(r->body);
    if (!d.ok() || !d->IsArray()) return out;
    for (const auto& u : d->GetArray()) out.insert(json::get_string(u, "Id"));
    return out;
  }
  // msg.send entries per dedupe id: every entry of the lanes, plus dead
  // letters whose original entry is no longer in its lane.
  std::map<std::string, int> messages() {
    std::map<std::string, int> out;
    std::set<std::string> ids;
    auto add = [&out](const workq::Item& it) {
      auto m = msg::message_from_json(it.field("message"));
      if (m.ok()) ++out[m->dedupe];
    };
    for (const auto& s : {keys::work_urgent_stream(), keys::work_stream()}) {
      auto r = redis->command({"XRANGE", s, "-", "+"});
      if (!r.ok()) continue;
      for (const auto& it : workq::parse_entries(*r, s)) {
        if (it.field("type") != "msg.send") continue;
        ids.insert(it.id);
        add(it);
      }
    }
    auto dead = redis->command({"XRANGE", keys::work_dead_letter(), "-", "+"});
    if (dead.ok())
      for (const auto& it : workq::parse_entries(*dead))
        if (it.field("type") == "msg.send" && !ids.count(it.field("original_id"))) add(it);
    return out;
  }
  bool dedupe_key(const std::string& id) {
    auto r = redis->command({"EXISTS", "jb:msg:dedupe:" + id});
    return r.ok() && r->integer == 1;
  }
  // The users' accounts with an expiry `days` from the account clock's now.
  std::vector<std::string> accounts(const std::string& prefix, int n, int days) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      auto id = home.create_user(prefix + std::to_string(i), "a long enough passphrase");
      EXPECT_TRUE(id.ok());
      if (!id.ok()) continue;
      auto r = put_expiry(*id, R"({"extend_days":)" + std::to_string(days) + "}");
      EXPECT_TRUE(r.ok());
      if (r.ok()) {
        EXPECT_EQ(r->status, 200) << r->body;
      }
      out.push_back(*id);
    }
    return out;
  }
};

std::string exp_id(Env& e, const std::string& uid, const std::string& what) {
  return "expiry:" + uid + ":" + std::to_string(e.expires(uid)) + ":" + what;
}

TEST(AccountExpiry, RemindersAndExpiryHappenOnceEachDespiteAKilledWorker) {
  Env e;
  auto ids = e.accounts("expiring-", 10, 10);
  ASSERT_EQ(ids.size(), 10u);
  Process* w1 = e.worker("expiry-w1");
  ASSERT_NE(w1, nullptr);
  ASSERT_NE(e.worker("expiry-w2"), nullptr);
  // The workers plan each new expiry: next due at the first reminder.
  ASSERT_TRUE(eventually([&] {
    for (const auto& id : ids)
      if (e.due(id) != e.expires(id) - 7 * kDay) return false;
    return true;
  }));
  EXPECT_EQ(e.messages().count(exp_id(e, ids[0], "remind:7")), 0u);

  e.set_clock(3 * kDay + kDay / 2);  // 6.5 days left
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& id : ids)
          if (!e.dedupe_key(exp_id(e, id, "remind:7")) || e.due(id) != e.expires(id) - kDay)
            return false;
        return true;
      },
      60000));
  e.set_clock(9 * kDay + kDay / 2);  // 0.5 days left
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& id : ids)
          if (!e.dedupe_key(exp_id(e, id, "remind:1")) || e.due(id) != e.expires(id)) return false;
        return true;
      },
      60000));

  // An admin extends the last account before it expires.
  const std::string kept = ids.back();
  const int64_t old_expiry = e.expires(kept);
  const std::string old_remind7 = exp_id(e, kept, "remind:7");
  const std::string old_remind1 = exp_id(e, kept, "remind:1");
  auto ext = e.put_expiry(kept, R"({"extend_days":30})");
  ASSERT_TRUE(ext.ok());
  ASSERT_EQ(ext->status, 200) << ext->body;
  EXPECT_EQ(e.expires(kept), old_expiry + 30 * kDay);
  EXPECT_EQ(json::get_string(body_of(ext), "expires_at"),
            timeutil::format_rfc3339((old_expiry + 30 * kDay) * 1000));
  ASSERT_TRUE(eventually([&] { return e.due(kept) == e.expires(kept) - 7 * kDay; }));

  // Slow disabling, so the kill lands while steps are under way.
  ASSERT_TRUE(e.home
                  .control("POST", "/__standin/latency",
                           R"({"Route":"POST /Users/{userId}/Policy","Ms":400})")
                  .ok());
  e.set_clock(10 * kDay + kDay / 2);  // expired
  const std::vector<std::string> expiring(ids.begin(), ids.end() - 1);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& id : expiring)
          if (e.disabled(id).value_or(false)) return true;
        return false;
      },
      60000));
  w1->signal(SIGKILL);
  // An hour on: any account the killed worker had claimed but not enqueued comes back.
  e.set_clock(10 * kDay + kDay / 2 + 3600000);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& id : expiring)
          if (!e.disabled(id).value_or(false) || e.field(id, "expired_for").empty()) return false;
        return true;
      },
      90000));

  auto counts = e.messages();
  for (const auto& id : expiring) {
    for (const char* what : {"remind:7", "remind:1", "expired"}) {
      EXPECT_EQ(counts[exp_id(e, id, what)], 1) << id << " " << what;
      EXPECT_TRUE(e.dedupe_key(exp_id(e, id, what))) << id << " " << what;
    }
    EXPECT_EQ(e.due(id), -1);  // disabled, kept: nothing more is due
    EXPECT_EQ(e.field(id, "expired_for"), std::to_string(e.expires(id)));
  }
  // The extended account: enabled, reminded once for its old expiry, told of the new one.
  EXPECT_EQ(e.disabled(kept), std::optional<bool>(false));
  EXPECT_EQ(counts[old_remind7], 1);
  EXPECT_EQ(counts[old_remind1], 1);
  EXPECT_EQ(counts["expiry_changed:" + kept + ":" + std::to_string(e.expires(kept))], 1);
  EXPECT_EQ(counts[exp_id(e, kept, "expired")], 0);
  EXPECT_TRUE(e.field(kept, "expired_for").empty());
  EXPECT_EQ(e.due(kept), e.expires(kept) - 7 * kDay);
}

TEST(AccountExpiry, DisabledAccountsAreDeletedAfterTheGracePeriod) {
  Env e({{"JB_EXPIRY_DELETE_AFTER_DAYS", "2"}, {"JB_EXPIRY_REMINDER_DAYS", "none"}});
  auto ids = e.accounts("grace-", 3, 1);
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_NE(e.worker("grace-w1"), nullptr);
  ASSERT_NE(e.worker("grace-w2"), nullptr);
  e.set_clock(kDay + kDay / 2);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& id : ids)
          if (!e.disabled(id).value_or(false) || e.field(id, "disabled_at").empty()) return false;
        return true;
      },
      60000));
  std::map<std::string, std::string> deleted_ids;
  for (const auto& id : ids) {
    EXPECT_GT(e.due(id), 0);  // the deletion is due later
    deleted_ids[id] = exp_id(e, id, "deleted");
  }
  e.set_clock(4 * kDay);
  ASSERT_TRUE(eventually(
      [&] {
        auto users = e.standin_users();
        for (const auto& id : ids)
          if (users.count(id) || e.record_exists(id)) return false;
        return true;
      },
      60000));
  auto counts = e.messages();
  for (const auto& id : ids) {
    EXPECT_EQ(counts[deleted_ids[id]], 1) << id;
    EXPECT_EQ(e.due(id), -1);
  }
  EXPECT_FALSE(e.standin_users().empty());  // the others are still there
}

TEST(AccountExpiry, AnExpiredAccountAnAdminExtendsIsEnabledAgainOnce) {
  Env e(std::map<std::string, std::string>{{"JB_EXPIRY_REMINDER_DAYS", "none"}});
  auto ids = e.accounts("back-", 1, 1);
  ASSERT_EQ(ids.size(), 1u);
  const std::string id = ids[0];
  ASSERT_NE(e.worker("back-w1"), nullptr);
  e.set_clock(kDay + kDay / 2);
  ASSERT_TRUE(eventually([&] { return e.disabled(id).value_or(false); }, 60000));
  const std::string old_expired = exp_id(e, id, "expired");
  ASSERT_TRUE(eventually([&] { return !e.field(id, "disabled_at").empty(); }, 60000));
  const std::string disabled_at = e.field(id, "disabled_at");
  auto ext = e.put_expiry(id, R"({"extend_days":30})");
  ASSERT_TRUE(ext.ok());
  ASSERT_EQ(ext->status, 200) << ext->body;
  ASSERT_TRUE(eventually(
      [&] {
        return e.disabled(id) == std::optional<bool>(false) && e.field(id, "disabled_at") == "0";
      },
      60000));
  auto counts = e.messages();
  EXPECT_EQ(counts[old_expired], 1);
  EXPECT_EQ(counts[exp_id(e, id, "enabled:" + disabled_at)], 1);
  EXPECT_GT(e.due(id), 0);  // the new expiry is scheduled
}

TEST(AccountExpiry, AnInvitesAdminsHearOfEachUseAndOfItsExpiryOnce) {
  Env e(std::map<std::string, std::string>{{"JB_EXPIRY_REMINDER_DAYS", "none"}});
  std::string admin_id;
  {
    auto r = e.home.api("GET", "/Users", e.jf_token, "", "setup");
    ASSERT_TRUE(r.ok());
    auto d = json::parse(r->body);
    ASSERT_TRUE(d.ok() && d->IsArray());
    for (const auto& u : d->GetArray())
      if (json::get_string(u, "Name") == "admin") admin_id = json::get_string(u, "Id");
  }
  ASSERT_EQ(admin_id.size(), 32u);
  // A bad notify list is refused field by field.
  auto bad = e.admin->call("POST", "/api/v1/admin/invites", R"({"notify":["not-an-id"]})");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400) << bad->body;
  const std::string expires = timeutil::format_rfc3339((timeutil::now_unix_ms() + 3600000) * 1000);
  auto made = e.admin->call("POST", "/api/v1/admin/invites",
                            R"({"label":"Team","max_uses":5,"human_check":false,"expires_at":")" +
                                expires + R"(","notify":[")" + admin_id + R"("]})");
  ASSERT_TRUE(made.ok());
  ASSERT_EQ(made->status, 201) << made->body;
  auto inv = json::parse(made->body);
  ASSERT_TRUE(inv.ok());
  const std::string invite_id = json::get_string(*inv, "id");
  const json::Value* notify = json::member(*inv, "notify");
  ASSERT_TRUE(notify && notify->IsArray() && notify->Size() == 1);
  EXPECT_EQ(std::string((*notify)[0].GetString()), admin_id);
  ApiClient anon(e.stack.api(""), "");
  auto signed_up =
      anon.call("POST", "/api/v1/signup",
                R"({"code":")" + json::get_string(*inv, "code") +
                    R"(","user_name":"newcomer","password":"a long enough passphrase"})");
  ASSERT_TRUE(signed_up.ok());
  ASSERT_EQ(signed_up->status, 201) << signed_up->body;
  auto made_user = json::parse(signed_up->body);
  ASSERT_TRUE(made_user.ok());
  const json::Value* user = json::member(*made_user, "user");
  ASSERT_TRUE(user != nullptr);
  const std::string new_id = json::get_string(*user, "id");
  ASSERT_FALSE(new_id.empty());
  ASSERT_NE(e.worker("inv-w1"), nullptr);
  ASSERT_NE(e.worker("inv-w2"), nullptr);
  e.set_clock(2 * 3600000);  // past the invite's expiry
  int64_t expires_ms = 0;
  {
    auto us = timeutil::parse_iso8601(expires);
    ASSERT_TRUE(us.has_value());
    expires_ms = *us / 1000;
  }
  const std::string expired_id =
      "invite_expired:" + invite_id + ":" + std::to_string(expires_ms) + ":" + admin_id;
  const std::string used_id = "invite_used:" + invite_id + ":" + new_id + ":" + admin_id;
  ASSERT_TRUE(eventually([&] { return e.messages()[expired_id] == 1; }, 60000));
  // Claimed once by the two workers and then forgotten; the use told once.
  ASSERT_TRUE(eventually(
      [&] {
        auto r = e.redis->command({"ZSCORE", "jb:invite:expiry", invite_id});
        return r.ok() && r->is_nil();
      },
      60000));
  auto counts = e.messages();
  EXPECT_EQ(counts[expired_id], 1);
  EXPECT_EQ(counts[used_id], 1);
}

TEST(AccountExpiry, DeleteActionDeletesAtOnceAndTheSweepForgetsUsersGoneFromJellyfin) {
  Env e({{"JB_EXPIRY_ACTION", "delete"}, {"JB_ACCOUNT_SWEEP_INTERVAL_S", "1"}});
  auto ids = e.accounts("deleted-", 3, 5);
  ASSERT_EQ(ids.size(), 3u);
  // One already past: allowed, acted on at once.
  auto past = e.put_expiry(ids[0], R"({"expires_at":"2020-01-01T00:00:00Z"})");
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->status, 200) << past->body;
  const std::string past_expired =
      "expiry:" + ids[0] + ":" + std::to_string(e.expires(ids[0])) + ":expired";
  ASSERT_NE(e.worker("delete-w1"), nullptr);
  ASSERT_NE(e.worker("delete-w2"), nullptr);
  ASSERT_TRUE(eventually([&] { return !e.standin_users().count(ids[0]); }, 60000));
  ASSERT_TRUE(eventually([&] { return !e.record_exists(ids[0]); }));
  EXPECT_TRUE(e.dedupe_key(past_expired));

  // A user deleted in Jellyfin directly: the sweep forgets the account.
  ASSERT_TRUE(eventually([&] { return e.due(ids[1]) > 0; }));
  auto del = e.home.api("DELETE", "/Users/" + ids[1], e.jf_token, "", "setup");
  ASSERT_TRUE(del.ok());
  ASSERT_LT(del->status, 300);
  e.set_clock(kDay);  // sweeps are due by the account clock
  ASSERT_TRUE(eventually([&] { return !e.record_exists(ids[1]) && e.due(ids[1]) == -1; }, 60000));
  EXPECT_TRUE(e.record_exists(ids[2]));  // still in Jellyfin: kept

  // The last one expires: deleted, with one expired message.
  std::string last_expired = exp_id(e, ids[2], "expired");
  e.set_clock(6 * kDay);
  ASSERT_TRUE(eventually(
      [&] { return !e.standin_users().count(ids[2]) && !e.record_exists(ids[2]); }, 60000));
  auto counts = e.messages();
  EXPECT_EQ(counts[past_expired], 1);
  EXPECT_EQ(counts[last_expired], 1);
}

TEST(AccountExpiry, TheRouteAnswersBadInputWithProblems) {
  Env e;
  auto id = e.home.create_user("route-user", "a long enough passphrase");
  ASSERT_TRUE(id.ok());
  for (const char* body : {R"({})", R"({"extend_days":0})", R"({"expires_at":"soon"})",
                           R"({"expires_at":null,"extend_days":3})", R"({"extend":3})", "[]"}) {
    auto r = e.put_expiry(*id, body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << body << " → " << r->body;
    EXPECT_NE(r->header("content-type").find("problem+json"), std::string::npos);
  }
  auto unknown = e.put_expiry("0123456789abcdef0123456789abcdef", R"({"extend_days":3})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  // Never: the due entry goes.
  ASSERT_EQ(e.put_expiry(*id, R"({"extend_days":3})")->status, 200);
  EXPECT_EQ(e.due(*id), 0);  // due now: the workers plan it
  auto never = e.put_expiry(*id, R"({"expires_at":null})");
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->status, 200);
  EXPECT_TRUE(json::member(body_of(never), "expires_at")->IsNull());
  EXPECT_EQ(e.due(*id), 0);  // due now too: a worker enables it if its expiry had disabled it
  EXPECT_EQ(e.expires(*id), 0);
  // Non-admins are refused.
  auto t = session_token(e.stack.api(""), "demo", "demo-password");
  ASSERT_TRUE(t.ok());
  ApiClient demo(e.stack.api(""), *t);
  EXPECT_EQ(
      demo.call("PUT", "/api/v1/admin/users/" + *id + "/expiry", R"({"extend_days":3})")->status,
      403);
}

}  // namespace
