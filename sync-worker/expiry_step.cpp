// expiry_step.cpp — see expiry_step.h.
#include "sync-worker/expiry_step.h"

#include <set>

#include "common/accounts/account_record.h"
#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/user_admin.h"
#include "common/notify/message.h"
#include "common/redis/script.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

using accounts::account_record_key;
using accounts::kExpiryDueKey;

// KEYS: record, due set. ARGV: uid, the expiry planned from, the next due time
// ("0" = none), then field/value pairs to write.
const RedisScript kRecord(R"lua(
local cur = redis.call('HGET', KEYS[1], 'expires')
if cur == false then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
if cur ~= ARGV[2] then return 0 end
if #ARGV > 3 then redis.call('HSET', KEYS[1], unpack(ARGV, 4)) end
if ARGV[3] == '0' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return 1
)lua");

// KEYS: record, due set, email, contacts, the email owner key ("" = none). ARGV: uid.
const RedisScript kForget(R"lua(
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
if KEYS[5] ~= '' and redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
return 1
)lua");

std::string email_key(const std::string& uid) {
  return "jb:2fa:email:" + uid;
}

Error retry(const std::string& what, const Error& e) {
  return Error(errc::retry, what + ": " + e.code + " " + e.message);
}

struct Loaded {
  ExpiryState state;
  std::string expires_text, name;
  bool exists = false;
};

Result<Loaded> load(RedisPool& redis, const std::string& uid) {
  auto r = redis.command({"HGETALL", account_record_key(uid)});
  if (!r.ok()) return r.error();
  auto m = r->as_map();
  Loaded out;
  out.exists = !m.empty();
  out.expires_text = m["expires"];
  out.name = m["name"];
  auto num = [&m](const char* k) {
    int64_t v = 0;
    return text::parse_int64(m[k], v) ? v : 0;
  };
  out.state.expires_ms = num("expires");
  out.state.reminded_for = num("reminded_for");
  out.state.reminded = parse_days(m["reminded"]);
  out.state.expired_for = num("expired_for");
  out.state.disabled_at_ms = num("disabled_at");
  return out;
}

Status record(RedisPool& redis, const std::string& uid, const Loaded& l, int64_t next_due,
              std::vector<std::string> fields) {
  std::vector<std::string> args{uid, l.expires_text, std::to_string(next_due > 0 ? next_due : 0)};
  for (auto& f : fields) args.push_back(std::move(f));
  auto c = redis.acquire();
  auto r = kRecord.run(*c, {account_record_key(uid), kExpiryDueKey}, args);
  if (!r.ok()) return r.error();
  if (r->integer == 0)
    log::info("account expiry: the record changed meanwhile; left to its new schedule",
              {{"user_id", uid}});
  return Status::Ok();
}

// The confirmed email address of the user ("" = none), for messages sent
// when the account is deleted (its records go with it before delivery).
std::string confirmed_address(RedisPool& redis, const std::string& uid) {
  auto r = redis.command({"HMGET", email_key(uid), "address", "confirmed"});
  if (!r.ok() || !r->is_array() || r->elements.size() != 2) return "";
  return r->elements[1].str == "1" ? r->elements[0].str : "";
}

Status send(RedisPool& redis, msg::Message m) {
  auto c = redis.acquire();
  auto r = msg::enqueue(*c, m);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

msg::Message message(const std::string& kind, const std::string& uid, const Loaded& l,
                     const std::string& suffix) {
  msg::Message m;
  m.kind = kind;
  m.user_id = uid;
  m.user_name = l.name;
  m.vars.emplace_back("expires_at", timeutil::format_rfc3339(l.state.expires_ms * 1000));
  m.dedupe = "expiry:" + uid + ":" + l.expires_text + ":" + suffix;
  return m;
}

// Jellyfin's answer for the user: 404 means the user is gone.
bool gone(const Error& e) {
  return e.code == jf::errc::not_found;
}

Status forget_gone(RedisPool& redis, const std::string& uid) {
  log::info("account expiry: the user is gone from the home server; its records are removed",
            {{"user_id", uid}});
  if (auto s = forget_account(redis, uid); !s.ok()) return retry("forgetting", s.error());
  return Status::Ok();
}

// Sets the user's IsDisabled at the home server (when it differs): true when
// done, false when the user is gone (and forgotten), an error to retry.
Result<bool> set_disabled(const ExpiryDeps& d, const std::string& uid, bool disabled,
                          const WorkControl& ctl) {
  auto admin = d.admin->open();
  if (!admin.ok()) return retry("the admin connection", admin.error());
  jf::Client& c = (*admin)->client;
  auto forgotten = [&]() -> Result<bool> {
    if (auto s = forget_gone(*d.redis, uid); !s.ok()) return s.error();
    return false;
  };
  auto dto = jf::user_dto(c, uid);
  if (!dto.ok()) return gone(dto.error()) ? forgotten() : retry("GET /Users/{id}", dto.error());
  const json::Value* policy = json::member(*dto, "Policy");
  if (!policy || !policy->IsObject()) return Error(errc::retry, "the user's answer has no policy");
  if (json::get_bool(*policy, "IsDisabled") == disabled) return true;
  if (auto s = ctl.check(); !s.ok()) return s.error();
  if (auto s = jf::set_user_policy(c, uid, jf::policy_with_disabled(*policy, disabled)); !s.ok())
    return gone(s.error()) ? forgotten() : retry("POST /Users/{id}/Policy", s.error());
  log::info(disabled ? "account expired: disabled" : "account expiry moved on: enabled again",
            {{"user_id", uid}});
  return true;
}

Status disable(const ExpiryDeps& d, const std::string& uid, const Loaded& l, const ExpiryPlan& p,
               const WorkControl& ctl) {
  auto done = set_disabled(d, uid, true, ctl);
  if (!done.ok()) return done.error();
  if (!*done) return Status::Ok();  // gone
  if (auto s = ctl.check(); !s.ok()) return s;
  auto m = message("expired", uid, l, "expired");
  m.vars.emplace_back("action", "disabled");
  if (auto s = send(*d.redis, m); !s.ok()) return retry("message", s.error());
  return record(*d.redis, uid, l, p.next_due_ms,
                {"expired_for", l.expires_text, "disabled_at", std::to_string(d.now_ms())});
}

// Enables an account its expiry disabled, now that the expiry was moved on or cleared.
Status enable(const ExpiryDeps& d, const std::string& uid, const Loaded& l, const ExpiryPlan& p,
              const WorkControl& ctl) {
  auto done = set_disabled(d, uid, false, ctl);
  if (!done.ok()) return done.error();
  if (!*done) return Status::Ok();  // gone
  if (auto s = ctl.check(); !s.ok()) return s;
  msg::Message m;
  m.kind = "enabled";
  m.user_id = uid;
  m.user_name = l.name;
  if (l.state.expires_ms > 0)
    m.vars.emplace_back("expires_at", timeutil::format_rfc3339(l.state.expires_ms * 1000));
  m.dedupe =
      "expiry:" + uid + ":" + l.expires_text + ":enabled:" + std::to_string(l.state.disabled_at_ms);
  if (auto s = send(*d.redis, m); !s.ok()) return retry("message", s.error());
  std::vector<std::string> fields{"disabled_at", "0"};
  if (l.state.expires_ms > 0)
    fields.insert(fields.end(),
                  {"reminded_for", l.expires_text, "reminded", days_text(p.reminded)});
  return record(*d.redis, uid, l, p.next_due_ms, fields);
}

// Deletes the user (a message first, to the address the records still know).
Status remove(const ExpiryDeps& d, const std::string& uid, const Loaded& l, bool after_disable,
              const WorkControl& ctl) {
  auto admin = d.admin->open();
  if (!admin.ok()) return retry("the admin connection", admin.error());
  jf::Client& c = (*admin)->client;
  auto dto = jf::user_dto(c, uid);
  if (!dto.ok())
    return gone(dto.error()) ? forget_gone(*d.redis, uid) : retry("GET /Users/{id}", dto.error());
  if (auto s = ctl.check(); !s.ok()) return s;
  auto m =
      after_disable ? message("deleted", uid, l, "deleted") : message("expired", uid, l, "expired");
  if (!after_disable) m.vars.emplace_back("action", "deleted");
  if (const std::string addr = confirmed_address(*d.redis, uid); !addr.empty())
    m.to = "mailto:" + addr;
  if (auto s = send(*d.redis, m); !s.ok()) return retry("message", s.error());
  if (auto s = ctl.check(); !s.ok()) return s;
  if (auto s = jf::delete_user(c, uid); !s.ok() && !gone(s.error()))
    return retry("DELETE /Users/{id}", s.error());
  log::info("account expired: deleted", {{"user_id", uid}});
  if (auto s = forget_account(*d.redis, uid); !s.ok()) return retry("forgetting", s.error());
  return Status::Ok();
}

}  // namespace

Status forget_account(RedisPool& redis, const std::string& uid) {
  std::string owner;
  auto addr = redis.command({"HGET", email_key(uid), "address"});
  if (!addr.ok()) return addr.error();
  if (addr->is_string() && !addr->str.empty())
    owner = "jb:2fa:email_owner:" + crypto::sha256_hex(text::to_lower(addr->str));
  auto c = redis.acquire();
  auto r = kForget.run(
      *c, {account_record_key(uid), kExpiryDueKey, email_key(uid), "jb:contacts:" + uid, owner},
      {uid});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status expiry_step(const ExpiryDeps& d, const workq::Item& item, const WorkControl& ctl) {
  const std::string uid = item.field("user");
  if (uid.empty()) return Error(errc::invalid_request, "an account.expiry item needs its user");
  auto l = load(*d.redis, uid);
  if (!l.ok()) return retry("the account record", l.error());
  if (!l->exists) {
    auto r = d.redis->command({"ZREM", kExpiryDueKey, uid});
    if (!r.ok()) return retry("the due set", r.error());
    return Status::Ok();
  }
  const int64_t now = d.now_ms();
  const ExpiryPlan p = plan_expiry(l->state, now, d.settings);
  switch (p.action) {
    case ExpiryAction::none:
      if (auto s = record(*d.redis, uid, *l, p.next_due_ms, {}); !s.ok())
        return retry("the account record", s.error());
      return Status::Ok();
    case ExpiryAction::remind: {
      if (auto s = ctl.check(); !s.ok()) return s;
      auto m = message("expiry_reminder", uid, *l, "remind:" + std::to_string(p.days));
      m.vars.emplace_back("days_left", std::to_string(p.days));
      if (auto s = send(*d.redis, m); !s.ok()) return retry("message", s.error());
      log::info("account expiry: reminder", {{"user_id", uid}, {"days", p.days}});
      if (auto s = record(*d.redis, uid, *l, p.next_due_ms,
                          {"reminded_for", l->expires_text, "reminded", days_text(p.reminded)});
          !s.ok())
        return retry("the account record", s.error());
      return Status::Ok();
    }
    case ExpiryAction::disable:
      return disable(d, uid, *l, p, ctl);
    case ExpiryAction::remove:
      return remove(d, uid, *l, false, ctl);
    case ExpiryAction::remove_disabled:
      return remove(d, uid, *l, true, ctl);
    case ExpiryAction::enable:
      return enable(d, uid, *l, p, ctl);
  }
  return Status::Ok();
}

Status sweep_step(const ExpiryDeps& d, const workq::Item&, const WorkControl& ctl) {
  const int64_t started = timeutil::now_unix_ms();
  auto admin = d.admin->open();
  if (!admin.ok()) return retry("the admin connection", admin.error());
  auto users = (*admin)->client.users();
  if (!users.ok()) return retry("GET /Users", users.error());
  if (users->empty()) {
    log::warn("account sweep skipped: the home server listed no users");
    return Status::Ok();
  }
  std::set<std::string> present;
  for (const auto& u : *users) present.insert(u.id);
  // The suite's accounts: records and due entries.
  std::set<std::string> known;
  std::string cursor = "0";
  const std::string prefix = account_record_key("");
  do {
    auto r =
        d.redis->command({"SCAN", cursor, "MATCH", prefix + "*", "TYPE", "hash", "COUNT", "500"});
    if (!r.ok()) return retry("SCAN", r.error());
    if (!r->is_array() || r->elements.size() != 2) break;
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements) known.insert(k.str.substr(prefix.size()));
  } while (cursor != "0");
  auto due = d.redis->command({"ZRANGE", kExpiryDueKey, "0", "-1"});
  if (!due.ok()) return retry("the due set", due.error());
  for (const auto& m : due->elements) known.insert(m.str);
  int forgotten = 0;
  for (const auto& uid : known) {
    if (uid.empty() || present.count(uid)) continue;
    // An account made after the list was read (a sign-up under way) is not gone.
    auto created = d.redis->command({"HGET", account_record_key(uid), "created"});
    int64_t created_ms = 0;
    if (created.ok() && text::parse_int64(created->str, created_ms) && created_ms > started - 60000)
      continue;
    if (auto s = ctl.check(); !s.ok()) return s;
    if (auto s = forget_account(*d.redis, uid); !s.ok()) return retry("forgetting", s.error());
    ++forgotten;
    log::info("account sweep: the user is gone from the home server; its records are removed",
              {{"user_id", uid}});
  }
  log::info("account sweep done",
            {{"users", static_cast<int>(present.size())}, {"forgotten", forgotten}});
  return Status::Ok();
}

}  // namespace jb::worker
