// bulk_job.cpp — see bulk_job.h.
#include "common/accounts/bulk_job.h"

#include <algorithm>
#include <map>

#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/redis/script.h"
#include "common/redis/work_queue.h"

namespace jb::accounts {

namespace {

constexpr const char* kJobsKey = "jb:bulks";
constexpr int64_t kKeepMs = int64_t{30} * 24 * 60 * 60 * 1000;

std::string items_key(const std::string& id) {
  return bulk_job_key(id) + ":items";
}

// KEYS[1] job hash, KEYS[2] items hash; ARGV: user id, outcome, outcome JSON, now (ms).
// Returns 1 when this call recorded the outcome, 0 when the user had one, -1
// when the job is gone.
const RedisScript& record_script() {
  static const RedisScript s(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
local v = redis.call('HMGET', KEYS[1], 'total', 'ok', 'failed', 'skipped')
local done = (tonumber(v[2]) or 0) + (tonumber(v[3]) or 0) + (tonumber(v[4]) or 0)
if done >= (tonumber(v[1]) or 0) then
  redis.call('HSET', KEYS[1], 'state', 'done', 'finished', ARGV[4])
else
  redis.call('HSET', KEYS[1], 'state', 'running')
end
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 1
)lua");
  return s;
}

int64_t int_of(std::map<std::string, std::string>& m, const char* k) {
  int64_t v = 0;
  return text::parse_int64(m[k], v) ? v : 0;
}

BulkJob job_from(const std::string& id, std::map<std::string, std::string> h) {
  BulkJob j;
  j.id = id;
  j.spec.action = h["action"];
  j.spec.profile_id = h["profile_id"];
  j.spec.extend_days = int_of(h, "extend_days");
  j.spec.subject = h["subject"];
  j.spec.message = h["message"];
  j.spec.created_by = h["created_by"];
  j.spec.created_by_name = h["created_by_name"];
  j.counters.total = int_of(h, "total");
  j.counters.ok = int_of(h, "ok");
  j.counters.failed = int_of(h, "failed");
  j.counters.skipped = int_of(h, "skipped");
  j.state = h["state"].empty() ? bulk_state(j.counters) : h["state"];
  j.created_ms = int_of(h, "created");
  j.finished_ms = int_of(h, "finished");
  auto users = json::parse(h["users"]);
  if (users.ok() && users->IsArray())
    for (const auto& u : users->GetArray())
      if (u.IsString()) j.spec.users.emplace_back(u.GetString());
  return j;
}

}  // namespace

const std::vector<std::string>& bulk_actions() {
  static const std::vector<std::string> a{"enable",        "disable",    "delete",  "apply_profile",
                                          "extend_expiry", "send_reset", "announce"};
  return a;
}

bool is_bulk_action(std::string_view action) {
  const auto& a = bulk_actions();
  return std::find(a.begin(), a.end(), action) != a.end();
}

BulkCounters fold_outcomes(int64_t total, const std::vector<BulkItem>& items) {
  BulkCounters c;
  c.total = total;
  for (const auto& i : items) {
    if (i.outcome == "ok")
      ++c.ok;
    else if (i.outcome == "failed")
      ++c.failed;
    else if (i.outcome == "skipped")
      ++c.skipped;
  }
  return c;
}

std::string bulk_state(const BulkCounters& c) {
  if (c.finished() == 0 && c.total > 0) return "queued";
  return c.finished() >= c.total ? "done" : "running";
}

bool is_jellyfin_id(std::string_view s) {
  auto hex = [](char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
  };
  if (s.size() == 32) return std::all_of(s.begin(), s.end(), hex);
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !hex(s[i])) return false;
  }
  return true;
}

std::string outcome_json(const BulkItem& item) {
  json::Writer w;
  w.begin_object()
      .kv("name", item.name)
      .kv("outcome", item.outcome)
      .kv("reason", item.reason)
      .end_object();
  return w.str();
}

std::optional<BulkItem> outcome_from_json(const std::string& user_id, std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok() || !d->IsObject()) return std::nullopt;
  BulkItem i;
  i.user_id = user_id;
  i.name = json::get_string(*d, "name");
  i.outcome = json::get_string(*d, "outcome");
  i.reason = json::get_string(*d, "reason");
  return i;
}

std::string bulk_job_key(const std::string& id) {
  return "jb:bulk:" + id;
}

Result<BulkJob> BulkJobs::create(BulkSpec spec, int64_t now_ms) {
  BulkJob j;
  j.id = rnd::id128();
  j.spec = std::move(spec);
  j.state = "queued";
  j.counters.total = static_cast<int64_t>(j.spec.users.size());
  j.created_ms = now_ms;
  json::Writer users;
  users.begin_array();
  for (const auto& u : j.spec.users) users.value(u);
  users.end_array();
  const std::string key = bulk_job_key(j.id);
  std::map<std::string, std::string> h{{"action", j.spec.action},
                                       {"state", j.state},
                                       {"total", std::to_string(j.counters.total)},
                                       {"ok", "0"},
                                       {"failed", "0"},
                                       {"skipped", "0"},
                                       {"created", std::to_string(now_ms)},
                                       {"created_by", j.spec.created_by},
                                       {"created_by_name", j.spec.created_by_name},
                                       {"users", users.str()}};
  if (!j.spec.profile_id.empty()) h["profile_id"] = j.spec.profile_id;
  if (j.spec.extend_days > 0) h["extend_days"] = std::to_string(j.spec.extend_days);
  if (!j.spec.subject.empty()) h["subject"] = j.spec.subject;
  if (!j.spec.message.empty()) h["message"] = j.spec.message;
  // The record and one work item per user (normal lane) in one transaction:
  // a crash never leaves a job with only some of its users queued.
  const std::string stream = workq::default_names().normal_lane().stream;
  std::vector<RedisArgv> cmds{{"MULTI"},
                              hset_argv(key, h),
                              {"PEXPIRE", key, std::to_string(kKeepMs)},
                              {"ZADD", kJobsKey, std::to_string(now_ms), j.id},
                              {"ZREMRANGEBYRANK", kJobsKey, "0",
                               std::to_string(-static_cast<int64_t>(kMaxJobsListed) - 1)}};
  for (const auto& user : j.spec.users)
    cmds.push_back({"XADD", stream, "*", "type", kBulkWorkType, "job", j.id, "user", user});
  cmds.push_back({"EXEC"});
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  const RedisReply& exec = r->back();
  if (!exec.is_array()) return Error(errc::internal, "the bulk job's transaction was not run");
  for (const auto& reply : exec.elements)
    if (reply.is_error()) return Error(errc::internal, "bulk job: " + reply.str);
  return j;
}

Result<std::optional<BulkJob>> BulkJobs::get(const std::string& id, bool with_items) {
  auto r = redis_.pipeline({{"HGETALL", bulk_job_key(id)}, {"HGETALL", items_key(id)}});
  if (!r.ok()) return r.error();
  auto h = (*r)[0].as_map();
  if (h.empty()) return std::optional<BulkJob>();
  BulkJob j = job_from(id, std::move(h));
  if (with_items) {
    auto items = (*r)[1].as_map();
    for (const auto& u : j.spec.users) {
      auto it = items.find(u);
      if (it == items.end()) continue;
      if (auto item = outcome_from_json(u, it->second)) j.items.push_back(std::move(*item));
    }
  }
  return std::optional<BulkJob>(std::move(j));
}

Result<std::vector<BulkJob>> BulkJobs::recent(size_t count) {
  auto ids = redis_.command({"ZREVRANGE", kJobsKey, "0", std::to_string(count - 1)});
  if (!ids.ok()) return ids.error();
  std::vector<BulkJob> out;
  std::vector<RedisArgv> cmds;
  for (const auto& e : ids->elements) cmds.push_back({"HGETALL", bulk_job_key(e.str)});
  if (cmds.empty()) return out;
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  for (size_t i = 0; i < r->size(); ++i) {
    auto h = (*r)[i].as_map();
    if (!h.empty()) out.push_back(job_from(ids->elements[i].str, std::move(h)));
  }
  return out;
}

Result<bool> BulkJobs::record(const std::string& job_id, const BulkItem& item, int64_t now_ms) {
  auto c = redis_.acquire();
  auto r =
      record_script().run(*c, {bulk_job_key(job_id), items_key(job_id)},
                          {item.user_id, item.outcome, outcome_json(item), std::to_string(now_ms)});
  if (!r.ok()) return r.error();
  if (r->is_error()) return Error(errc::internal, "bulk outcome: " + r->str);
  return r->integer == 1;
}

Result<bool> BulkJobs::has_outcome(const std::string& job_id, const std::string& user_id) {
  auto r = redis_.command({"HEXISTS", items_key(job_id), user_id});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

}  // namespace jb::accounts
