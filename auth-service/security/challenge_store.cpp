// challenge_store.cpp — see challenge_store.h.
#include "auth-service/security/challenge_store.h"

#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

// KEYS[1] challenge; ARGV[1] max wrong → attempts left (0: burnt and deleted; -1: gone).
const RedisScript kWrong(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('HINCRBY', KEYS[1], 'wrong', 1)
local left = tonumber(ARGV[1]) - n
if left <= 0 then redis.call('DEL', KEYS[1]) return 0 end
return left
)lua");

// KEYS[1] challenge; ARGV code hash, expires → 1, or 0 when the challenge is gone.
const RedisScript kSetEmailCode(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'email_code', ARGV[1], 'email_expires', ARGV[2])
return 1
)lua");

// KEYS[1] challenge; ARGV challenge hash, expires → 1, or 0 when the challenge is gone.
const RedisScript kSetPasskey(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'pk_challenge', ARGV[1], 'pk_expires', ARGV[2])
return 1
)lua");

std::string email_code_hash(const std::string& id, const std::string& code) {
  return crypto::sha256_hex(id + ":" + code);
}

}  // namespace

std::string ChallengeStore::key(const std::string& id) {
  return "jb:challenge:" + crypto::sha256_hex(id);
}

Result<Challenge> ChallengeStore::create(const SessionUser& user,
                                         const std::vector<std::string>& methods,
                                         const SessionOrigin& origin,
                                         const std::string& device_id) {
  Challenge c;
  c.id = "jbc_" + rnd::b64url(32);
  c.user = user;
  c.methods = methods;
  c.origin = origin;
  c.device_id = device_id;
  c.expires_ms = timeutil::now_unix_ms() + kLifetimeMs;
  auto r = redis_.pipeline({{"HSET",    key(c.id),
                             "uid",     user.id,
                             "name",    user.name,
                             "admin",   user.is_admin ? "1" : "0",
                             "methods", text::join(methods, ","),
                             "ip",      origin.ip,
                             "ua",      origin.user_agent,
                             "dev",     device_id,
                             "expires", std::to_string(c.expires_ms),
                             "wrong",   "0"},
                            {"PEXPIRE", key(c.id), std::to_string(kLifetimeMs)}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The sign-in challenge was not stored.");
  return c;
}

Result<std::optional<Challenge>> ChallengeStore::get(const std::string& id) {
  if (id.rfind("jbc_", 0) != 0 || id.size() > 64) return std::optional<Challenge>{};
  auto r = redis_.command({"HGETALL", key(id)});
  if (!r.ok()) return r.error();
  auto m = r->as_map();
  if (m.empty()) return std::optional<Challenge>{};
  Challenge c;
  c.id = id;
  c.user = SessionUser{m["uid"], m["name"], m["admin"] == "1"};
  c.methods = text::split(m["methods"], ',');
  c.origin = SessionOrigin{m["ip"], m["ua"]};
  c.device_id = m["dev"];
  text::parse_int64(m["expires"], c.expires_ms);
  text::parse_int64(m["wrong"], c.wrong);
  c.email_code_hash = m["email_code"];
  text::parse_int64(m["email_expires"], c.email_expires_ms);
  c.passkey_challenge_sha256 = m["pk_challenge"];
  text::parse_int64(m["pk_expires"], c.passkey_expires_ms);
  return std::optional<Challenge>(std::move(c));
}

Result<int64_t> ChallengeStore::wrong(const std::string& id) {
  auto lease = redis_.acquire();
  auto r = kWrong.run(*lease, {key(id)}, {std::to_string(kMaxWrong)});
  if (!r.ok()) return r.error();
  return std::max<int64_t>(0, r->integer);
}

Result<bool> ChallengeStore::set_email_code(const std::string& id, const std::string& code,
                                            int64_t expires_ms) {
  auto lease = redis_.acquire();
  auto r =
      kSetEmailCode.run(*lease, {key(id)}, {email_code_hash(id, code), std::to_string(expires_ms)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<bool> ChallengeStore::set_passkey_challenge(const std::string& id,
                                                   const std::string& challenge_sha256,
                                                   int64_t expires_ms) {
  auto lease = redis_.acquire();
  auto r = kSetPasskey.run(*lease, {key(id)}, {challenge_sha256, std::to_string(expires_ms)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

bool ChallengeStore::email_code_matches(const Challenge& c, const std::string& code,
                                        int64_t now_ms) {
  if (c.email_code_hash.empty() || now_ms >= c.email_expires_ms) return false;
  return crypto::equal_ct(email_code_hash(c.id, code), c.email_code_hash);
}

Result<bool> ChallengeStore::take(const std::string& id) {
  auto r = redis_.command({"DEL", key(id)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

}  // namespace jb::auth
