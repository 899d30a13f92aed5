// app_password_store.cpp — see app_password_store.h.
#include "auth-service/security/app_password_store.h"

#include <algorithm>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

std::string lookup_key(const std::string& hash) {
  return "jb:apppw:" + hash;
}
std::string user_key(const std::string& uid) {
  return "jb:user:" + uid + ":apppw";
}

// KEYS[1] the user's hash, KEYS[2] the lookup key; ARGV id, record JSON, uid,
// user name, admin flag, the cap → 1, or -1 at the cap.
const RedisScript kCreate(R"lua(
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], 'uid', ARGV[3], 'user', ARGV[4], 'admin', ARGV[5], 'id', ARGV[1])
return 1
)lua");

// KEYS[1] the user's hash; ARGV[1] an id ("" = all) → how many were removed,
// each with its lookup key.
const RedisScript kRevoke(R"lua(
local ids = {}
if ARGV[1] == '' then ids = redis.call('HKEYS', KEYS[1]) else ids = {ARGV[1]} end
local n = 0
for _, id in ipairs(ids) do
  local j = redis.call('HGET', KEYS[1], id)
  if j then
    local ok, rec = pcall(cjson.decode, j)
    if ok and type(rec) == 'table' and rec.hash then redis.call('DEL', 'jb:apppw:' .. rec.hash) end
    redis.call('HDEL', KEYS[1], id)
    n = n + 1
  end
end
return n
)lua");

// KEYS[1] the lookup key; ARGV now_ms, ip → {uid, user, admin, id} after
// recording the use, or nil (unknown; a lookup key whose record is gone is removed).
const RedisScript kLookup(R"lua(
local f = redis.call('HMGET', KEYS[1], 'uid', 'user', 'admin', 'id')
if not f[1] or not f[4] then return nil end
local uk = 'jb:user:' .. f[1] .. ':apppw'
local j = redis.call('HGET', uk, f[4])
if not j then redis.call('DEL', KEYS[1]) return nil end
local ok, rec = pcall(cjson.decode, j)
if ok and type(rec) == 'table' then
  rec.last_used_ms = tonumber(ARGV[1])
  rec.last_ip = ARGV[2]
  redis.call('HSET', uk, f[4], cjson.encode(rec))
end
return f
)lua");

}  // namespace

bool looks_like_app_password(std::string_view secret) {
  return secret.rfind(kAppPasswordPrefix, 0) == 0;
}

Result<NewAppPassword> AppPasswordStore::create(const SessionUser& user, const std::string& name) {
  NewAppPassword out;
  out.secret = std::string(kAppPasswordPrefix) + rnd::b64url(24);
  out.info.id = rnd::hex(8);
  out.info.name = name;
  out.info.created_ms = timeutil::now_unix_ms();
  const std::string hash = crypto::sha256_hex(out.secret);
  json::Writer w;
  w.begin_object()
      .kv("name", name)
      .kv("created_ms", out.info.created_ms)
      .kv("last_used_ms", int64_t{0})
      .kv("last_ip", "")
      .kv("hash", hash)
      .end_object();
  auto lease = redis_.acquire();
  auto r = kCreate.run(*lease, {user_key(user.id), lookup_key(hash)},
                       {out.info.id, w.str(), user.id, user.name, user.is_admin ? "1" : "0",
                        std::to_string(kMaxPerUser)});
  if (!r.ok()) return r.error();
  if (r->integer < 0)
    return Error(errc::app_password_limit,
                 "You have " + std::to_string(kMaxPerUser) +
                     " app passwords already; revoke one you no longer use first.",
                 409);
  return out;
}

Result<std::vector<AppPassword>> AppPasswordStore::list(const std::string& uid) {
  auto r = redis_.command({"HGETALL", user_key(uid)});
  if (!r.ok()) return r.error();
  std::vector<AppPassword> out;
  for (const auto& [id, j] : r->as_map()) {
    auto d = json::parse(j);
    if (!d.ok() || !d->IsObject()) continue;
    out.push_back(AppPassword{id, json::get_string(*d, "name"), json::get_int(*d, "created_ms"),
                              json::get_int(*d, "last_used_ms"), json::get_string(*d, "last_ip")});
  }
  std::sort(out.begin(), out.end(), [](const AppPassword& a, const AppPassword& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

Result<bool> AppPasswordStore::revoke(const std::string& uid, const std::string& id) {
  if (id.empty()) return false;
  auto lease = redis_.acquire();
  auto r = kRevoke.run(*lease, {user_key(uid)}, {id});
  if (!r.ok()) return r.error();
  return r->integer > 0;
}

Result<int64_t> AppPasswordStore::revoke_all(const std::string& uid) {
  auto lease = redis_.acquire();
  auto r = kRevoke.run(*lease, {user_key(uid)}, {""});
  if (!r.ok()) return r.error();
  return r->integer;
}

Result<std::optional<AppPasswordUse>> AppPasswordStore::lookup(const std::string& secret,
                                                               const std::string& ip,
                                                               int64_t now_ms) {
  if (!looks_like_app_password(secret) || secret.size() > 64)
    return std::optional<AppPasswordUse>{};
  auto lease = redis_.acquire();
  auto r =
      kLookup.run(*lease, {lookup_key(crypto::sha256_hex(secret))}, {std::to_string(now_ms), ip});
  if (!r.ok()) return r.error();
  if (r->is_nil() || r->elements.size() < 4) return std::optional<AppPasswordUse>{};
  const auto& e = r->elements;
  return std::optional<AppPasswordUse>(
      AppPasswordUse{SessionUser{e[0].str, e[1].str, e[2].str == "1"}, e[3].str});
}

}  // namespace jb::auth
