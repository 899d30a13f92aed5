// bulk_step.cpp — see bulk_step.h.
#include "sync-worker/bulk_step.h"

#include <chrono>
#include <thread>

#include "common/accounts/account_record.h"
#include "common/accounts/link_store.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/errors.h"
#include "common/jellyfin/user_admin.h"
#include "common/notify/message.h"
#include "common/redis/token_lock.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

constexpr const char* kAdminLock = "jb:bulk:admin_lock";
constexpr int64_t kAdminLockTtlMs = 30000;
constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;
constexpr int64_t kPlanKeepMs = 30 * kDayMs;
constexpr const char* kLastAdmin = "last enabled administrator";

// What acting on one user came to: its outcome, or an error that is not the
// user's (retry, lease lost, stopping).
using Act = Result<accounts::BulkItem>;

struct Ctx {
  const BulkStepDeps& deps;
  const WorkControl& ctl;
  accounts::BulkJob job;
  std::string uid;
  int64_t now = 0;
};

accounts::BulkItem outcome(const Ctx& c, const std::string& name, const char* what,
                           std::string reason = "") {
  return accounts::BulkItem{c.uid, name, what, std::move(reason)};
}

bool passes_through(const Error& e) {
  return e.code == errc::lease_lost || e.code == errc::interrupted || e.code == errc::retry;
}

// A Jellyfin (or Redis) error while acting on the user: its outcome or a retry.
Act from_error(const Ctx& c, const std::string& name, const Error& e) {
  if (passes_through(e)) return e;
  if (auto reason = user_failure_reason(e)) return outcome(c, name, "failed", *reason);
  return Error(errc::retry, "bulk " + c.job.spec.action + ": " + e.code);
}

// The administrators' lock, held while a change that could remove the last
// enabled administrator is checked and made.
class AdminLock {
 public:
  explicit AdminLock(RedisPool& redis) : redis_(redis), token_(rnd::id128()) {}
  ~AdminLock() {
    if (!held_) return;
    auto c = redis_.acquire();
    log::best_effort(token_lock::release(*c, kAdminLock, token_), "bulk admin lock");
  }
  Status acquire(const WorkControl& ctl, int64_t wait_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
      if (auto s = ctl.check(); !s.ok()) return s;
      auto r =
          redis_.command({"SET", kAdminLock, token_, "NX", "PX", std::to_string(kAdminLockTtlMs)});
      if (!r.ok()) return Error(errc::retry, "Redis: " + r.error().code);
      if (r->type == RedisReply::Type::status) {
        held_ = true;
        return Status::Ok();
      }
      if (std::chrono::steady_clock::now() >= deadline)
        return Error(errc::retry, "the administrators' lock is busy");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  RedisPool& redis_;
  std::string token_;
  bool held_ = false;
};

bool flag(const json::Value& policy, const char* k) {
  return policy.IsObject() && json::get_bool(policy, k);
}

// Runs `act` — a change that removes `name`'s administrator rights — only while
// another enabled administrator remains (under the lock, against the live list).
template <typename F>
Act unless_last_admin(Ctx& c, jf::Client& client, const std::string& name, F act) {
  AdminLock lock(*c.deps.redis);
  if (auto s = lock.acquire(c.ctl, c.deps.lock_wait_ms); !s.ok()) return s.error();
  auto users = client.get_json("/Users");
  if (!users.ok()) return from_error(c, name, users.error());
  if (!users->IsArray()) return Error(errc::retry, "GET /Users is not a list");
  if (!another_enabled_admin(*users, c.uid)) {
    log::warn("bulk: the last enabled administrator is kept",
              {{"job", c.job.id}, {"user", c.uid}, {"action", c.job.spec.action}});
    return outcome(c, name, "failed", kLastAdmin);
  }
  return act();
}

Act write_policy(Ctx& c, jf::Client& client, const std::string& name, const std::string& policy) {
  if (auto s = c.ctl.check(); !s.ok()) return s.error();
  if (auto s = jf::set_user_policy(client, c.uid, policy); !s.ok())
    return from_error(c, name, s.error());
  return outcome(c, name, "ok");
}

Act set_disabled(Ctx& c, jf::Client& client, const json::Value& user, bool disabled) {
  const std::string name = json::get_string(user, "Name");
  const json::Value* p = json::member(user, "Policy");
  if (!p || !p->IsObject()) return Error(errc::retry, "the user has no policy");
  if (flag(*p, "IsDisabled") == disabled)
    return outcome(c, name, "ok", disabled ? "already disabled" : "already enabled");
  if (disabled && c.uid == c.job.spec.created_by)
    return outcome(c, name, "skipped", "your own account");
  const std::string body = jf::policy_with_disabled(*p, disabled);
  if (disabled && flag(*p, "IsAdministrator"))
    return unless_last_admin(c, client, name, [&] { return write_policy(c, client, name, body); });
  return write_policy(c, client, name, body);
}

Act remove_user(Ctx& c, jf::Client& client, const json::Value& user) {
  const std::string name = json::get_string(user, "Name");
  if (c.uid == c.job.spec.created_by) return outcome(c, name, "skipped", "your own account");
  auto del = [&]() -> Act {
    if (auto s = c.ctl.check(); !s.ok()) return s.error();
    if (auto s = jf::delete_user(client, c.uid); !s.ok()) return from_error(c, name, s.error());
    return outcome(c, name, "ok");
  };
  const json::Value* p = json::member(user, "Policy");
  if (p && flag(*p, "IsAdministrator") && !flag(*p, "IsDisabled"))
    return unless_last_admin(c, client, name, del);
  return del();
}

Act apply_profile(Ctx& c, jf::Client& client, const json::Value& user) {
  const std::string name = json::get_string(user, "Name");
  auto r = c.deps.redis->command(
      {"HMGET", "jb:profile:" + c.job.spec.profile_id, "policy", "configuration"});
  if (!r.ok()) return Error(errc::retry, "Redis: " + r.error().code);
  if (!r->is_array() || r->elements.size() != 2 || r->elements[0].is_nil())
    return outcome(c, name, "failed", "the profile was deleted");
  auto profile_policy = json::parse(r->elements[0].str);
  if (!profile_policy.ok() || !profile_policy->IsObject())
    return outcome(c, name, "failed", "the profile's policy is not readable");
  const std::string configuration = r->elements[1].str;
  const json::Value* p = json::member(user, "Policy");
  json::Value none(rapidjson::kObjectType);
  const json::Value& theirs = p && p->IsObject() ? *p : none;
  auto merged = jf::policy_for_user(*profile_policy, theirs);
  if (!merged.ok()) return outcome(c, name, "failed", merged.error().message);
  // The user stays enabled or disabled as they were: a profile is about rights.
  auto doc = json::parse(*merged);
  if (!doc.ok()) return outcome(c, name, "failed", "the profile's policy is not readable");
  json::Document policy = std::move(*doc);
  const bool disabled = flag(theirs, "IsDisabled");
  if (policy.HasMember("IsDisabled"))
    policy["IsDisabled"].SetBool(disabled);
  else
    policy.AddMember("IsDisabled", disabled, policy.GetAllocator());
  const std::string body = json::stringify(policy);
  auto apply = [&]() -> Act {
    auto done = write_policy(c, client, name, body);
    if (!done.ok() || done->outcome != "ok" || configuration.empty()) return done;
    if (auto s = c.ctl.check(); !s.ok()) return s.error();
    if (auto s = jf::set_user_configuration(client, c.uid, configuration); !s.ok())
      return from_error(c, name, s.error());
    return done;
  };
  const bool demotes =
      flag(theirs, "IsAdministrator") && !disabled && !flag(*profile_policy, "IsAdministrator");
  if (demotes) return unless_last_admin(c, client, name, apply);
  return apply();
}

Status send(Ctx& c, const std::string& kind, const std::string& name,
            std::vector<std::pair<std::string, std::string>> vars) {
  if (auto s = c.ctl.check(); !s.ok()) return s;
  msg::Message m;
  m.kind = kind;
  m.user_id = c.uid;
  m.user_name = name;
  m.vars = std::move(vars);
  m.dedupe = "bulk:" + c.job.id + ":" + c.uid;
  auto conn = c.deps.redis->acquire();
  auto r = msg::enqueue(*conn, m);
  if (!r.ok()) return Error(errc::retry, "enqueueing the message: " + r.error().code);
  return Status::Ok();
}

Act extend_expiry(Ctx& c, const std::string& name) {
  // The new expiry, fixed the first time this job reaches this user.
  const std::string plan = accounts::bulk_job_key(c.job.id) + ":plan";
  auto rec = accounts::read_account(*c.deps.redis, c.uid);
  if (!rec.ok()) return Error(errc::retry, "Redis: " + rec.error().code);
  const int64_t wanted =
      accounts::extended_expiry(rec->expires_ms, c.now, c.job.spec.extend_days * kDayMs);
  auto r = c.deps.redis->pipeline({{"HSETNX", plan, c.uid, std::to_string(wanted)},
                                   {"PEXPIRE", plan, std::to_string(kPlanKeepMs)},
                                   {"HGET", plan, c.uid}});
  if (!r.ok()) return Error(errc::retry, "Redis: " + r.error().code);
  int64_t expires = 0;
  if (!text::parse_int64((*r)[2].str, expires) || expires <= 0) expires = wanted;
  if (auto s = c.ctl.check(); !s.ok()) return s.error();
  if (auto s = accounts::set_expiry(*c.deps.redis, c.uid, expires, name); !s.ok())
    return Error(errc::retry, "Redis: " + s.error().code);
  if (auto s = send(c, "expiry_changed", name,
                    {{"expires_at", timeutil::format_rfc3339(expires * 1000)}});
      !s.ok())
    return s.error();
  return outcome(c, name, "ok");
}

Act send_reset(Ctx& c, const std::string& name) {
  auto r = c.deps.redis->command({"HMGET", "jb:2fa:email:" + c.uid, "address", "confirmed"});
  if (!r.ok()) return Error(errc::retry, "Redis: " + r.error().code);
  if (!r->is_array() || r->elements.size() != 2 || r->elements[0].str.empty() ||
      r->elements[1].str != "1")
    return outcome(c, name, "skipped", "no confirmed address");
  if (c.deps.public_url.empty())
    return outcome(c, name, "failed", "the workers have no JB_PUBLIC_URL for reset links");
  accounts::LinkStore links(*c.deps.redis, accounts::reset_links());
  if (auto s = c.ctl.check(); !s.ok()) return s.error();
  auto token = links.create(c.uid, name, c.now);
  if (!token.ok()) return Error(errc::retry, "Redis: " + token.error().code);
  if (auto s = send(c, "reset", name, {{"link", c.deps.public_url + "/#/reset/" + *token}});
      !s.ok())
    return s.error();
  return outcome(c, name, "ok");
}

Act act(Ctx& c) {
  auto access = c.deps.admin->open();
  if (!access.ok()) return Error(errc::retry, "the admin connection: " + access.error().code);
  jf::Client& client = (*access)->client;
  if (auto s = c.ctl.check(); !s.ok()) return s.error();
  auto user = jf::user_dto(client, c.uid);
  if (!user.ok()) return from_error(c, "", user.error());
  const std::string name = json::get_string(*user, "Name");
  const std::string& a = c.job.spec.action;
  if (a == "enable") return set_disabled(c, client, *user, false);
  if (a == "disable") return set_disabled(c, client, *user, true);
  if (a == "delete") return remove_user(c, client, *user);
  if (a == "apply_profile") return apply_profile(c, client, *user);
  if (a == "extend_expiry") return extend_expiry(c, name);
  if (a == "send_reset") return send_reset(c, name);
  if (a == "announce") {
    if (auto s = send(c, "announcement", name,
                      {{"subject", c.job.spec.subject}, {"message", c.job.spec.message}});
        !s.ok())
      return s.error();
    return outcome(c, name, "ok");
  }
  return outcome(c, name, "failed", "unknown action '" + a + "'");
}

void record(const BulkStepDeps& deps, const std::string& job_id, const accounts::BulkItem& item,
            int64_t now) {
  auto r = deps.jobs->record(job_id, item, now);
  if (!r.ok()) return;
  if (*r && item.outcome != "ok")
    log::warn("bulk: user not done", {{"job", job_id},
                                      {"user", item.user_id},
                                      {"outcome", item.outcome},
                                      {"reason", item.reason}});
  if (*r && deps.events != nullptr) {
    json::Writer w;
    w.begin_object().kv("id", job_id).kv("user", item.user_id).end_object();
    deps.events->publish("bulk", w.str());
  }
}

}  // namespace

bool another_enabled_admin(const json::Value& users, const std::string& user_id) {
  if (!users.IsArray()) return false;
  for (const auto& u : users.GetArray()) {
    if (!u.IsObject() || json::get_string(u, "Id") == user_id) continue;
    const json::Value* p = json::member(u, "Policy");
    if (p && flag(*p, "IsAdministrator") && !flag(*p, "IsDisabled")) return true;
  }
  return false;
}

std::optional<std::string> user_failure_reason(const Error& e) {
  if (e.code == jf::errc::not_found) return "no such user";
  if (jf::is_transient(e)) return std::nullopt;
  if (e.code == jf::errc::bad_request) return "Jellyfin refused it (HTTP 400)";
  if (e.code == jf::errc::forbidden) return "Jellyfin refused it (HTTP 403)";
  if (e.code == jf::errc::token_rejected) return std::nullopt;  // the admin connection's token
  if (e.http_status >= 400 && e.http_status < 500)
    return "Jellyfin refused it (HTTP " + std::to_string(e.http_status) + ")";
  return std::nullopt;
}

Status bulk_step(const BulkStepDeps& deps, const workq::Item& item, const WorkControl& ctl) {
  const std::string job_id = item.field("job"), uid = item.field("user");
  if (job_id.empty() || uid.empty())
    return Error(errc::bad_work_item, "a bulk.user item needs its job and user");
  auto job = deps.jobs->get(job_id, false);
  if (!job.ok()) return Error(errc::retry, "Redis: " + job.error().code);
  if (!*job) {
    log::info("bulk: the job is gone", {{"job", job_id}});
    return Status::Ok();
  }
  auto done = deps.jobs->has_outcome(job_id, uid);
  if (!done.ok()) return Error(errc::retry, "Redis: " + done.error().code);
  if (*done) return Status::Ok();  // a redelivery of a user already done
  Ctx c{deps, ctl, std::move(**job), uid, deps.now_ms ? deps.now_ms() : timeutil::now_unix_ms()};
  auto out = act(c);
  if (!out.ok()) return out.error();
  if (auto s = ctl.check_owned(); !s.ok()) return s;
  record(deps, job_id, *out, timeutil::now_unix_ms());
  return Status::Ok();
}

void bulk_dead_letter(const BulkStepDeps& deps, const workq::Item& item, const std::string& error) {
  const std::string job_id = item.field("job"), uid = item.field("user");
  if (job_id.empty() || uid.empty()) return;
  log::warn("bulk: gave up on a user", {{"job", job_id}, {"user", uid}, {"error", error}});
  record(deps, job_id, accounts::BulkItem{uid, "", "failed", "Jellyfin did not answer"},
         timeutil::now_unix_ms());
}

}  // namespace jb::worker
