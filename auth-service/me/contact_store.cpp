// contact_store.cpp — see contact_store.h.
#include "auth-service/me/contact_store.h"

#include "auth-service/me/contact_logic.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/redis/script.h"

namespace jb::me {

namespace {

constexpr int64_t kKeepMs = 24LL * 60 * 60 * 1000;  // beyond expiry: "expired", not "not pending"

// KEYS[1] pending, KEYS[2] contacts; ARGV[1] kind, ARGV[2] code hash, ARGV[3] now
// → {'none'} | {'expired'} | {'wrong', tries left} | {'ok', id}.
const RedisScript kConfirm(R"lua(
local k = ARGV[1]
local f = redis.call('HMGET', KEYS[1], k, k .. ':code', k .. ':expires', k .. ':tries')
if not f[1] then return {'none'} end
local function forget() redis.call('HDEL', KEYS[1], k, k .. ':code', k .. ':expires', k .. ':tries') end
if tonumber(f[3]) <= tonumber(ARGV[3]) then forget() return {'expired'} end
if f[2] ~= ARGV[2] then
  local left = tonumber(f[4]) - 1
  if left <= 0 then forget() return {'expired'} end
  redis.call('HSET', KEYS[1], k .. ':tries', left)
  return {'wrong', tostring(left)}
end
redis.call('HSET', KEYS[2], k, f[1])
forget()
return {'ok', f[1]}
)lua");

}  // namespace

std::string ContactStore::contacts_key(const std::string& user_id) {
  return "jb:contacts:" + user_id;
}

std::string ContactStore::pending_key(const std::string& user_id) {
  return "jb:contacts_pending:" + user_id;
}

Result<Contacts> ContactStore::get(const std::string& user_id, int64_t now_ms) {
  auto r = redis_.pipeline({{"HMGET", contacts_key(user_id), "telegram", "matrix"},
                            {"HMGET", pending_key(user_id), "telegram", "telegram:expires",
                             "matrix", "matrix:expires"}});
  if (!r.ok()) return r.error();
  if (r->size() != 2 || (*r)[0].elements.size() != 2 || (*r)[1].elements.size() != 4)
    return Error(errc::redis_protocol, "The contact details could not be read.", 500);
  const auto& c = (*r)[0].elements;
  const auto& p = (*r)[1].elements;
  auto pending = [now_ms](const RedisReply& id, const RedisReply& expires) {
    int64_t e = 0;
    if (!id.is_string() || !text::parse_int64(expires.as_string(), e) || e <= now_ms)
      return std::string();
    return id.str;
  };
  Contacts out;
  out.telegram = ContactState{c[0].as_string(), pending(p[0], p[1])};
  out.matrix = ContactState{c[1].as_string(), pending(p[2], p[3])};
  return out;
}

Result<std::string> ContactStore::set_pending(const std::string& user_id, const std::string& kind,
                                              const std::string& id, int64_t now_ms) {
  std::string code = std::to_string(rnd::uniform(1000000));
  code.insert(0, 6 - code.size(), '0');
  const std::string key = pending_key(user_id);
  auto r = redis_.pipeline(
      {{"HSET", key, kind, id, kind + ":code", code_hash(user_id, kind, code), kind + ":expires",
        std::to_string(now_ms + kCodeLifetimeMs), kind + ":tries", std::to_string(kMaxTries)},
       {"PEXPIRE", key, std::to_string(kCodeLifetimeMs + kKeepMs)}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The contact was not stored.", 500);
  return code;
}

Result<std::string> ContactStore::confirm(const std::string& user_id, const std::string& kind,
                                          const std::string& code, int64_t now_ms) {
  auto lease = redis_.acquire();
  auto r = kConfirm.run(*lease, {pending_key(user_id), contacts_key(user_id)},
                        {kind, code_hash(user_id, kind, code), std::to_string(now_ms)});
  if (!r.ok()) return r.error();
  const std::string state = r->elements.empty() ? "" : r->elements[0].as_string();
  if (state == "ok" && r->elements.size() == 2) return r->elements[1].str;
  if (state == "none")
    return Error(errc::contact_not_pending,
                 "No " + kind + " contact is waiting for a confirmation: set it first.", 409);
  if (state == "expired")
    return Error(errc::contact_code_expired,
                 "This confirmation code is older than 30 minutes or had too many wrong tries: "
                 "set the " +
                     kind + " contact again for a new code.",
                 410);
  if (state == "wrong" && r->elements.size() == 2)
    return Error(errc::contact_code_invalid,
                 "This confirmation code is wrong (" + r->elements[1].str + " tries left).", 400);
  return Error(errc::redis_protocol, "The confirmation could not be checked.", 500);
}

Result<bool> ContactStore::remove(const std::string& user_id, const std::string& kind) {
  auto r = redis_.pipeline(
      {{"HDEL", contacts_key(user_id), kind},
       {"HDEL", pending_key(user_id), kind, kind + ":code", kind + ":expires", kind + ":tries"}});
  if (!r.ok()) return r.error();
  if (r->size() != 2) return Error(errc::redis_protocol, "The contact was not removed.", 500);
  return (*r)[0].integer > 0 || (*r)[1].integer > 0;
}

}  // namespace jb::me
