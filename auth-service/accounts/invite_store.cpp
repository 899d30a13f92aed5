// invite_store.cpp — see invite_store.h.
#include "auth-service/accounts/invite_store.h"

#include "common/accounts/invite_notice.h"
#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::accounts {

namespace {

constexpr size_t kCodeBytes = 16;  // 128 bits → 22 base64url characters
constexpr size_t kCodeChars = 22;

std::string key(const std::string& id) {
  return "jb:invite:" + id;
}
std::string holds_key(const std::string& id) {
  return key(id) + ":holds";
}
std::string used_key(const std::string& id) {
  return key(id) + ":used";
}
std::string code_key(const std::string& code) {
  return "jb:invite:code:" + crypto::sha256_hex(code);
}
const char* kIndex = "jb:invites";

// Drops lapsed holds, then whether one more use fits. KEYS invite, holds; ARGV now.
// Returns "expired", "used_up" or "ok" (shared by reserve and a late commit).
constexpr const char* kRoom = R"lua(
local function room(inv, holds, now)
  local f = redis.call('HMGET', inv, 'expires', 'max_uses', 'uses')
  local exp = tonumber(f[1]) or 0
  if exp > 0 and now >= exp then return 'expired' end
  redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
  local max = tonumber(f[2]) or 1
  if max >= 0 and (tonumber(f[3]) or 0) + redis.call('ZCARD', holds) >= max then
    return 'used_up'
  end
  return 'ok'
end
)lua";

// KEYS invite, holds; ARGV now, hold token, deadline.
const RedisScript kReserve(std::string(kRoom) + R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
local why = room(KEYS[1], KEYS[2], tonumber(ARGV[1]))
if why ~= 'ok' then return why end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], ARGV[3])
return 'ok'
)lua");

// KEYS invite, holds, used; ARGV hold token, now, use entry.
const RedisScript kCommit(std::string(kRoom) + R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 'unknown'
end
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then
  local why = room(KEYS[1], KEYS[2], tonumber(ARGV[2]))
  if why == 'used_up' then return why end
end
redis.call('HINCRBY', KEYS[1], 'uses', 1)
redis.call('RPUSH', KEYS[3], ARGV[3])
return 'ok'
)lua");

Error script_error(const std::string& why) {
  if (why == "unknown") return Error(errc::invite_unknown, "There is no such invite.", 404);
  if (why == "expired")
    return Error(errc::invite_expired, "This invite has expired; ask for a new one.", 410);
  if (why == "used_up")
    return Error(errc::invite_used_up, "Every use of this invite has been taken.", 409);
  return Error(errc::redis_protocol, "Unexpected answer from the invite script: " + why, 500);
}

int64_t num(const std::map<std::string, std::string>& m, const char* k, int64_t fallback) {
  auto it = m.find(k);
  if (it == m.end()) return fallback;
  int64_t v = 0;
  return text::parse_int64(it->second, v) ? v : fallback;
}

std::string str(const std::map<std::string, std::string>& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? std::string() : it->second;
}

std::vector<std::string> spec_fields(const InviteSpec& s) {
  return {"label",        s.label,
          "expires",      std::to_string(s.expires_ms),
          "max_uses",     std::to_string(s.max_uses),
          "profile",      s.profile_id,
          "account_days", std::to_string(s.account_days),
          "human",        s.human_check ? "1" : "0",
          "email",        s.require_email ? "1" : "0",
          "notify",       join_notify(s.notify)};
}

// The invite's place in the due set of expiries the workers tell admins of.
RedisArgv expiry_due(const std::string& id, const InviteSpec& s) {
  if (s.expires_ms > 0 && !s.notify.empty())
    return {"ZADD", kInviteExpiryDueKey, std::to_string(s.expires_ms), id};
  return {"ZREM", kInviteExpiryDueKey, id};
}

}  // namespace

std::string invite_unusable(const Invite& inv, int64_t now_ms) {
  if (inv.spec.expires_ms > 0 && now_ms >= inv.spec.expires_ms) return "expired";
  if (inv.spec.max_uses >= 0 && inv.uses + inv.holds >= inv.spec.max_uses) return "used_up";
  return "";
}

bool InviteStore::plausible_code(const std::string& code) {
  if (code.size() != kCodeChars) return false;
  for (char ch : code)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) return false;
  return true;
}

Result<Invite> InviteStore::create(const InviteSpec& spec, const std::string& created_by,
                                   int64_t now_ms) {
  Invite inv;
  inv.id = rnd::hex(8);
  inv.code = rnd::b64url(kCodeBytes);
  inv.spec = spec;
  inv.created_ms = now_ms;
  inv.created_by = created_by;
  auto sealed = vault_.seal("invite:" + inv.id, inv.code);
  if (!sealed.ok()) return sealed.error();
  RedisArgv hset{
      "HSET",       key(inv.id), "code_sealed", *sealed, "created", std::to_string(now_ms),
      "created_by", created_by,  "uses",        "0"};
  for (auto& f : spec_fields(spec)) hset.push_back(std::move(f));
  auto r = redis_.pipeline({{"MULTI"},
                            hset,
                            {"SET", code_key(inv.code), inv.id},
                            {"ZADD", kIndex, std::to_string(now_ms), inv.id},
                            expiry_due(inv.id, spec),
                            {"EXEC"}});
  if (!r.ok()) return r.error();
  if (r->back().is_nil() || r->back().is_error())
    return Error(errc::redis_protocol, "The invite was not stored.", 500);
  return inv;
}

Result<std::vector<Invite>> InviteStore::load(const std::vector<std::string>& ids) {
  std::vector<Invite> out;
  if (ids.empty()) return out;
  std::vector<RedisArgv> cmds;
  const std::string now = std::to_string(timeutil::now_unix_ms());
  for (const auto& id : ids) {
    cmds.push_back({"HGETALL", key(id)});
    cmds.push_back({"ZCOUNT", holds_key(id), "(" + now, "+inf"});
    cmds.push_back({"LRANGE", used_key(id), "0", "-1"});
  }
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  for (size_t i = 0; i < ids.size(); ++i) {
    auto m = (*r)[3 * i].as_map();
    if (m.empty()) continue;
    Invite inv;
    inv.id = ids[i];
    inv.spec.label = str(m, "label");
    inv.spec.expires_ms = num(m, "expires", 0);
    inv.spec.max_uses = num(m, "max_uses", 1);
    inv.spec.profile_id = str(m, "profile");
    inv.spec.account_days = num(m, "account_days", 0);
    inv.spec.human_check = str(m, "human") != "0";
    inv.spec.require_email = str(m, "email") == "1";
    inv.spec.notify = split_notify(str(m, "notify"));
    inv.created_ms = num(m, "created", 0);
    inv.created_by = str(m, "created_by");
    inv.uses = num(m, "uses", 0);
    inv.holds = (*r)[3 * i + 1].integer;
    auto code = vault_.open("invite:" + inv.id, str(m, "code_sealed"));
    if (code.ok()) inv.code = *code;
    for (const auto& e : (*r)[3 * i + 2].elements) {
      auto parts = text::split(e.str, '\t', false);
      if (parts.size() != 3) continue;
      int64_t at = 0;
      if (!text::parse_int64(parts[2], at)) at = 0;
      inv.used_by.push_back({parts[0], parts[1], at});
    }
    out.push_back(std::move(inv));
  }
  return out;
}

Result<std::optional<Invite>> InviteStore::get(const std::string& id) {
  if (id.empty() || id.size() > 64) return std::optional<Invite>{};
  auto v = load({id});
  if (!v.ok()) return v.error();
  if (v->empty()) return std::optional<Invite>{};
  return std::optional<Invite>(std::move(v->front()));
}

Result<std::optional<Invite>> InviteStore::find_by_code(const std::string& code) {
  if (!plausible_code(code)) return std::optional<Invite>{};
  auto id = redis_.command({"GET", code_key(code)});
  if (!id.ok()) return id.error();
  if (!id->is_string()) return std::optional<Invite>{};
  return get(id->str);
}

Result<std::vector<Invite>> InviteStore::list() {
  auto ids = redis_.command({"ZRANGE", kIndex, "0", "-1"});
  if (!ids.ok()) return ids.error();
  std::vector<std::string> v;
  for (const auto& e : ids->elements) v.push_back(e.str);
  return load(v);
}

Status InviteStore::update(const std::string& id, const InviteSpec& spec) {
  RedisArgv hset{"HSET", key(id)};
  for (auto& f : spec_fields(spec)) hset.push_back(std::move(f));
  auto r = redis_.pipeline({{"MULTI"}, hset, expiry_due(id, spec), {"EXEC"}});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> InviteStore::remove(const std::string& id) {
  auto inv = get(id);
  if (!inv.ok()) return inv.error();
  if (!*inv) return false;
  std::vector<RedisArgv> cmds{{"DEL", key(id), holds_key(id), used_key(id)},
                              {"ZREM", kIndex, id},
                              {"ZREM", kInviteExpiryDueKey, id}};
  if (!(*inv)->code.empty()) cmds.push_back({"DEL", code_key((*inv)->code)});
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  return true;
}

Result<std::string> InviteStore::reserve(const std::string& id, int64_t now_ms) {
  std::string hold = rnd::hex(12);
  auto c = redis_.acquire();
  auto r = kReserve.run(*c, {key(id), holds_key(id)},
                        {std::to_string(now_ms), hold, std::to_string(now_ms + hold_ms_)});
  if (!r.ok()) return r.error();
  if (r->str != "ok") return script_error(r->str);
  return hold;
}

Status InviteStore::commit(const std::string& id, const std::string& hold, const InviteUse& use,
                           int64_t now_ms) {
  auto c = redis_.acquire();
  auto r = kCommit.run(*c, {key(id), holds_key(id), used_key(id)},
                       {hold, std::to_string(now_ms),
                        use.user_id + "\t" + use.user_name + "\t" + std::to_string(use.at_ms)});
  if (!r.ok()) return r.error();
  if (r->str != "ok") return script_error(r->str);
  return Status::Ok();
}

Status InviteStore::release(const std::string& id, const std::string& hold) {
  auto r = redis_.command({"ZREM", holds_key(id), hold});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb::accounts
