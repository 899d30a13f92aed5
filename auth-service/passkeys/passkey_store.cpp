// passkey_store.cpp — see passkey_store.h.
#include "auth-service/passkeys/passkey_store.h"

#include <algorithm>

#include "common/core/base64url.h"
#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

// KEYS[1] credential index, KEYS[2] user set, KEYS[3] passkey; ARGV[1] cap, ARGV[2] id,
// ARGV[3..] field/value pairs → 1, -1 (credential taken), -2 (cap reached).
const RedisScript kAdd(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then return -2 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], unpack(ARGV, 3))
return 1
)lua");

// KEYS[1] passkey, KEYS[2] user set, KEYS[3] credential index; ARGV[1] uid, ARGV[2] id → 1 or 0.
const RedisScript kRemove(R"lua(
if redis.call('HGET', KEYS[1], 'uid') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
)lua");

// KEYS[1] passkey; ARGV[1] uid, then field/value pairs → 1 or 0 (not the user's).
const RedisScript kUpdate(R"lua(
if redis.call('HGET', KEYS[1], 'uid') ~= ARGV[1] then return 0 end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
return 1
)lua");

// KEYS[1] passkey; ARGV new counter, backed up, now → 1 recorded, 0 regressed, -1 gone.
const RedisScript kUse(R"lua(
local c = redis.call('HGET', KEYS[1], 'count')
if not c then return -1 end
c = tonumber(c)
local n = tonumber(ARGV[1])
if (c > 0 or n > 0) and n <= c then return 0 end
redis.call('HSET', KEYS[1], 'count', ARGV[1], 'bs', ARGV[2], 'used', ARGV[3])
return 1
)lua");

Passkey from_map(const std::string& id, std::map<std::string, std::string> m) {
  Passkey p;
  p.id = id;
  p.user_id = m["uid"];
  p.name = m["name"];
  p.credential_id = b64url::decode(m["cred"]).value_or("");
  p.key.spki_der = b64url::decode(m["spki"]).value_or("");
  text::parse_int64(m["alg"], p.key.alg);
  int64_t count = 0;
  text::parse_int64(m["count"], count);
  p.sign_count = static_cast<uint32_t>(count);
  p.passwordless = m["pwl"] == "1";
  p.backup_eligible = m["be"] == "1";
  p.backed_up = m["bs"] == "1";
  if (!m["tr"].empty()) p.transports = text::split(m["tr"], ',');
  text::parse_int64(m["created"], p.created_ms);
  text::parse_int64(m["used"], p.last_used_ms);
  return p;
}

const char* flag(bool b) {
  return b ? "1" : "0";
}

}  // namespace

std::string PasskeyStore::key(const std::string& id) {
  return "jb:passkey:" + id;
}
std::string PasskeyStore::user_key(const std::string& user_id) {
  return "jb:user:" + user_id + ":passkeys";
}
std::string PasskeyStore::credential_key(const std::string& credential_id) {
  return "jb:passkey:cred:" + crypto::sha256_hex(credential_id);
}

Result<Passkey> PasskeyStore::add(Passkey p) {
  p.id = rnd::id128();
  auto lease = redis_.acquire();
  auto r = kAdd.run(*lease, {credential_key(p.credential_id), user_key(p.user_id), key(p.id)},
                    {std::to_string(kMaxPerUser),
                     p.id,
                     "uid",
                     p.user_id,
                     "name",
                     p.name,
                     "cred",
                     b64url::encode(p.credential_id),
                     "spki",
                     b64url::encode(p.key.spki_der),
                     "alg",
                     std::to_string(p.key.alg),
                     "count",
                     std::to_string(p.sign_count),
                     "pwl",
                     flag(p.passwordless),
                     "be",
                     flag(p.backup_eligible),
                     "bs",
                     flag(p.backed_up),
                     "tr",
                     text::join(p.transports, ","),
                     "created",
                     std::to_string(p.created_ms),
                     "used",
                     std::to_string(p.last_used_ms)});
  if (!r.ok()) return r.error();
  if (r->integer == -1)
    return Error(errc::passkey_already_registered,
                 "This passkey is registered already (here or by another account).", 409);
  if (r->integer == -2)
    return Error(errc::passkey_limit,
                 "You have " + std::to_string(kMaxPerUser) +
                     " passkeys already; remove one you no longer use first.",
                 409);
  return p;
}

Result<std::vector<Passkey>> PasskeyStore::list(const std::string& user_id) {
  auto ids = redis_.command({"SMEMBERS", user_key(user_id)});
  if (!ids.ok()) return ids.error();
  std::vector<RedisArgv> cmds;
  std::vector<std::string> names;
  for (const auto& e : ids->elements) {
    cmds.push_back({"HGETALL", key(e.str)});
    names.push_back(e.str);
  }
  std::vector<Passkey> out;
  if (cmds.empty()) return out;
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  for (size_t i = 0; i < r->size() && i < names.size(); ++i) {
    auto m = (*r)[i].as_map();
    if (m.empty() || m["uid"] != user_id) continue;
    out.push_back(from_map(names[i], std::move(m)));
  }
  std::sort(out.begin(), out.end(), [](const Passkey& a, const Passkey& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

Result<PasskeyCounts> PasskeyStore::counts(const std::string& user_id) {
  auto all = list(user_id);
  if (!all.ok()) return all.error();
  PasskeyCounts c;
  c.count = static_cast<int64_t>(all->size());
  for (const auto& p : *all) c.passwordless += p.passwordless ? 1 : 0;
  return c;
}

Result<std::optional<Passkey>> PasskeyStore::get(const std::string& user_id,
                                                 const std::string& id) {
  if (!rnd::is_id128(id)) return std::optional<Passkey>{};
  auto r = redis_.command({"HGETALL", key(id)});
  if (!r.ok()) return r.error();
  auto m = r->as_map();
  if (m.empty() || m["uid"] != user_id) return std::optional<Passkey>{};
  return std::optional<Passkey>(from_map(id, std::move(m)));
}

Result<std::optional<Passkey>> PasskeyStore::by_credential(const std::string& credential_id) {
  if (credential_id.empty()) return std::optional<Passkey>{};
  auto id = redis_.command({"GET", credential_key(credential_id)});
  if (!id.ok()) return id.error();
  if (!id->is_string()) return std::optional<Passkey>{};
  auto r = redis_.command({"HGETALL", key(id->str)});
  if (!r.ok()) return r.error();
  auto m = r->as_map();
  if (m.empty()) return std::optional<Passkey>{};
  Passkey p = from_map(id->str, std::move(m));
  if (p.credential_id != credential_id) return std::optional<Passkey>{};
  return std::optional<Passkey>(std::move(p));
}

Result<bool> PasskeyStore::update(const std::string& user_id, const std::string& id,
                                  const std::optional<std::string>& name,
                                  const std::optional<bool>& passwordless) {
  if (!rnd::is_id128(id)) return false;
  std::vector<std::string> args{user_id};
  if (name) {
    args.emplace_back("name");
    args.push_back(*name);
  }
  if (passwordless) {
    args.emplace_back("pwl");
    args.emplace_back(flag(*passwordless));
  }
  auto lease = redis_.acquire();
  auto r = kUpdate.run(*lease, {key(id)}, args);
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<bool> PasskeyStore::remove(const std::string& user_id, const std::string& id) {
  auto p = get(user_id, id);
  if (!p.ok()) return p.error();
  if (!*p) return false;
  auto lease = redis_.acquire();
  auto r = kRemove.run(*lease, {key(id), user_key(user_id), credential_key((*p)->credential_id)},
                       {user_id, id});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<int64_t> PasskeyStore::remove_all(const std::string& user_id) {
  auto all = list(user_id);
  if (!all.ok()) return all.error();
  int64_t n = 0;
  for (const auto& p : *all) {
    auto gone = remove(user_id, p.id);
    if (!gone.ok()) return gone.error();
    n += *gone ? 1 : 0;
  }
  return n;
}

Result<PasskeyUse> PasskeyStore::record_use(const Passkey& p, uint32_t sign_count, bool backed_up,
                                            int64_t now_ms) {
  auto lease = redis_.acquire();
  auto r = kUse.run(*lease, {key(p.id)},
                    {std::to_string(sign_count), flag(backed_up), std::to_string(now_ms)});
  if (!r.ok()) return r.error();
  if (r->integer == 1) return PasskeyUse::kRecorded;
  if (r->integer == 0) return PasskeyUse::kRegressed;
  return PasskeyUse::kGone;
}

}  // namespace jb::auth
