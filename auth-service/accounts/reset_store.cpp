// reset_store.cpp — see reset_store.h.
#include "auth-service/accounts/reset_store.h"

#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/redis/script.h"

namespace jb::accounts {

namespace {

constexpr int64_t kKeepMs = 24LL * 60 * 60 * 1000;  // beyond expiry: "expired", not "unknown"

std::string key(const std::string& token) {
  return "jb:reset:" + crypto::sha256_hex(token);
}

// KEYS[1] link; ARGV[1] now, ARGV[2] "take" or "peek" → {state, uid, name, expires}.
const RedisScript kRead(R"lua(
local f = redis.call('HMGET', KEYS[1], 'uid', 'name', 'expires')
if not f[1] then return {'unknown'} end
if tonumber(f[3]) <= tonumber(ARGV[1]) then return {'expired'} end
if ARGV[2] == 'take' then redis.call('DEL', KEYS[1]) end
return {'ok', f[1], f[2], f[3]}
)lua");

bool plausible(const std::string& token) {
  if (token.size() != 22) return false;
  for (char c : token)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

Result<ResetLink> read(RedisPool& redis, const std::string& token, int64_t now_ms,
                       const char* mode) {
  if (!plausible(token))
    return Error(errc::reset_link_invalid, "This reset link is not valid (or was used already).",
                 404);
  auto c = redis.acquire();
  auto r = kRead.run(*c, {key(token)}, {std::to_string(now_ms), mode});
  if (!r.ok()) return r.error();
  const std::string state = r->elements.empty() ? "" : r->elements[0].str;
  if (state == "expired")
    return Error(errc::reset_link_expired,
                 "This reset link is older than 30 minutes: ask for a new one.", 410);
  if (state != "ok" || r->elements.size() != 4)
    return Error(errc::reset_link_invalid, "This reset link is not valid (or was used already).",
                 404);
  ResetLink l{r->elements[1].str, r->elements[2].str, 0};
  if (!text::parse_int64(r->elements[3].str, l.expires_ms)) l.expires_ms = 0;
  return l;
}

}  // namespace

Result<std::string> ResetStore::create(const std::string& user_id, const std::string& user_name,
                                       int64_t now_ms) {
  const std::string token = rnd::b64url(16);
  ResetLink l{user_id, user_name, now_ms + kLifetimeMs};
  if (auto s = put_back(token, l); !s.ok()) return s.error();
  return token;
}

Result<ResetLink> ResetStore::peek(const std::string& token, int64_t now_ms) {
  return read(redis_, token, now_ms, "peek");
}

Result<ResetLink> ResetStore::take(const std::string& token, int64_t now_ms) {
  return read(redis_, token, now_ms, "take");
}

Status ResetStore::put_back(const std::string& token, const ResetLink& l) {
  auto r = redis_.pipeline({{"HSET", key(token), "uid", l.user_id, "name", l.user_name, "expires",
                             std::to_string(l.expires_ms)},
                            {"PEXPIRE", key(token), std::to_string(kLifetimeMs + kKeepMs)}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The reset link was not stored.", 500);
  return Status::Ok();
}

}  // namespace jb::accounts
