// trusted_browsers.cpp — see trusted_browsers.h.
#include "auth-service/security/trusted_browsers.h"

#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

std::string handle_of(const std::string& token) {
  return crypto::sha256_hex(token).substr(0, 32);
}
std::string record_key(const std::string& handle) {
  return "jb:trusted:" + handle;
}
std::string user_key(const std::string& uid) {
  return "jb:user:" + uid + ":trusted";
}

// KEYS[1] record, KEYS[2] the user's zset; ARGV handle, uid, device, now, ip,
// ua, lifetime, cap. Records already gone leave the zset; over the cap, the
// least recently used are removed.
const RedisScript kRemember(R"lua(
redis.call('HSET', KEYS[1], 'uid', ARGV[2], 'device', ARGV[3], 'created', ARGV[4],
           'used', ARGV[4], 'ip', ARGV[5], 'ua', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
for _, h in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', 'jb:trusted:' .. h) == 0 then redis.call('ZREM', KEYS[2], h) end
end
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[8])
if over > 0 then
  for _, h in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
    redis.call('DEL', 'jb:trusted:' .. h)
    redis.call('ZREM', KEYS[2], h)
  end
end
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1
)lua");

// KEYS[1] record, KEYS[2] the user's zset; ARGV uid, device, now, ip, ua,
// lifetime, handle → 1 when the record is this user's on this device (slid).
const RedisScript kRecognise(R"lua(
local f = redis.call('HMGET', KEYS[1], 'uid', 'device')
if not f[1] then redis.call('ZREM', KEYS[2], ARGV[7]) return 0 end
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'used', ARGV[3], 'ip', ARGV[4], 'ua', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 1
)lua");

// KEYS[1] the user's zset; ARGV[1] a handle ("" = all) → how many were removed.
const RedisScript kRevoke(R"lua(
local hs = {}
if ARGV[1] == '' then hs = redis.call('ZRANGE', KEYS[1], 0, -1)
elseif redis.call('ZSCORE', KEYS[1], ARGV[1]) then hs = {ARGV[1]} end
local n = 0
for _, h in ipairs(hs) do
  n = n + redis.call('DEL', 'jb:trusted:' .. h)
  redis.call('ZREM', KEYS[1], h)
end
return n
)lua");

}  // namespace

std::string trusted_cookie_value(const std::string& key, const std::string& token,
                                 const std::string& uid, const std::string& device_id) {
  return token + "." +
         crypto::hmac_sha256_b64url(
             key, "jbt1|" + token + "|" + uid + "|" + crypto::sha256_hex(device_id));
}

Result<std::string> TrustedBrowserStore::remember(const SessionUser& user,
                                                  const std::string& device_id,
                                                  const SessionOrigin& origin) {
  const std::string token = rnd::b64url(16);
  const std::string handle = handle_of(token);
  auto lease = redis_.acquire();
  auto r = kRemember.run(
      *lease, {record_key(handle), user_key(user.id)},
      {handle, user.id, crypto::sha256_hex(device_id), std::to_string(timeutil::now_unix_ms()),
       origin.ip, origin.user_agent, std::to_string(lifetime_ms_), std::to_string(kMaxPerUser)});
  if (!r.ok()) return r.error();
  return trusted_cookie_value(key_, token, user.id, device_id);
}

Result<bool> TrustedBrowserStore::recognise(const std::string& cookie, const std::string& uid,
                                            const std::string& device_id,
                                            const SessionOrigin& origin) {
  if (cookie.size() > 128 || device_id.empty()) return false;
  auto dot = cookie.find('.');
  if (dot == std::string::npos) return false;
  const std::string token = cookie.substr(0, dot);
  if (!crypto::equal_ct(cookie, trusted_cookie_value(key_, token, uid, device_id))) return false;
  const std::string handle = handle_of(token);
  auto lease = redis_.acquire();
  auto r =
      kRecognise.run(*lease, {record_key(handle), user_key(uid)},
                     {uid, crypto::sha256_hex(device_id), std::to_string(timeutil::now_unix_ms()),
                      origin.ip, origin.user_agent, std::to_string(lifetime_ms_), handle});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<std::vector<TrustedBrowser>> TrustedBrowserStore::list(const std::string& uid) {
  auto ids = redis_.command({"ZREVRANGE", user_key(uid), "0", "-1"});
  if (!ids.ok()) return ids.error();
  std::vector<std::vector<std::string>> cmds;
  for (const auto& h : ids->elements) {
    cmds.push_back({"HGETALL", record_key(h.str)});
    cmds.push_back({"PTTL", record_key(h.str)});
  }
  std::vector<TrustedBrowser> out;
  if (cmds.empty()) return out;
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  const int64_t now = timeutil::now_unix_ms();
  for (size_t i = 0; i + 1 < r->size(); i += 2) {
    auto m = (*r)[i].as_map();
    if (m.empty() || (*r)[i + 1].integer < 0) continue;  // expired since
    TrustedBrowser b;
    b.id = ids->elements[i / 2].str;
    text::parse_int64(m["created"], b.created_ms);
    text::parse_int64(m["used"], b.last_used_ms);
    b.expires_ms = now + (*r)[i + 1].integer;
    b.ip = m["ip"];
    b.user_agent = m["ua"];
    out.push_back(std::move(b));
  }
  return out;
}

Result<bool> TrustedBrowserStore::revoke(const std::string& uid, const std::string& id) {
  if (id.size() != 32) return false;
  auto lease = redis_.acquire();
  auto r = kRevoke.run(*lease, {user_key(uid)}, {id});
  if (!r.ok()) return r.error();
  return r->integer > 0;
}

Result<int64_t> TrustedBrowserStore::revoke_all(const std::string& uid) {
  auto lease = redis_.acquire();
  auto r = kRevoke.run(*lease, {user_key(uid)}, {""});
  if (!r.ok()) return r.error();
  return r->integer;
}

}  // namespace jb::auth
