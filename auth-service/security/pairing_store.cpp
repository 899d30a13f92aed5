// pairing_store.cpp — see pairing_store.h.
#include "auth-service/security/pairing_store.h"

#include <cctype>

#include "auth-service/edge/signin_guard.h"
#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/recovery_codes.h"
#include "common/core/text.h"
#include "common/redis/rate_limiter.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

constexpr const char* kRecordPrefix = "jb:devpair:";
constexpr const char* kIdPrefix = "jbp_";
constexpr int kCodeDraws = 16;  // fresh codes tried when one is taken

// Milliseconds of the Redis clock, as `now` (every time of a request is on it).
std::string lua_now(const char* body) {
  return std::string(
             "local t = redis.call('TIME')\n"
             "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n") +
         body;
}

// KEYS: record, code[, the named account's index]. ARGV: lifetime_ms, keep_ms,
// max pending, record hash, device, account, ip, ua, code hash, handle.
// → {1, created, expires}; {0, ms until the oldest waiting request ends}; {-1, 0} code taken.
const RedisScript kCreate(lua_now(R"lua(
if #KEYS == 3 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    return {0, tonumber(oldest[2]) - now}
  end
end
if not redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', ARGV[1]) then return {-1, 0} end
local exp = now + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'pending', 'device', ARGV[5], 'account', ARGV[6],
           'ip', ARGV[7], 'ua', ARGV[8], 'code', ARGV[9], 'handle', ARGV[10],
           'created', tostring(now), 'expires', tostring(exp))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]))
if #KEYS == 3 then
  redis.call('ZADD', KEYS[3], exp, ARGV[4])
  redis.call('PEXPIRE', KEYS[3], ARGV[1])
end
return {1, now, exp}
)lua"));

// KEYS: record. → {} unknown; {state, expires} (an expired pending request says
// 'expired'); {'approved', expires, uid, uname, admin, handle, device}, the record taken.
const RedisScript kPoll(lua_now(R"lua(
local f = redis.call('HMGET', KEYS[1], 'state', 'expires', 'uid', 'uname', 'admin', 'handle',
                     'device')
if not f[1] then return {} end
if f[1] == 'approved' then
  redis.call('DEL', KEYS[1])
  return f
end
if f[1] == 'pending' and now >= tonumber(f[2]) then return {'expired', f[2]} end
return {f[1], f[2]}
)lua"));

// The fields a request is shown with, in the order the scripts below answer them.
#define JB_PAIRING_SHOWN "'handle', 'device', 'ip', 'ua', 'created', 'expires'"

// KEYS: an account's index. ARGV: record key prefix. Drops the ended members;
// → the waiting requests, each as its shown fields (records in the index are
// named by the member, as kRevokeAll in session_store.cpp does).
const RedisScript kPending(lua_now(R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local rk = ARGV[1] .. m
  if redis.call('HGET', rk, 'state') == 'pending' then
    table.insert(out, redis.call('HMGET', rk, )lua" JB_PAIRING_SHOWN R"lua())
  end
end
return out
)lua"));

// KEYS: code, the approver's index. ARGV: record key prefix, approver's account,
// uid, uname, admin (1/0), keep_ms, code hash. → {} none; the shown fields.
const RedisScript kApprove(lua_now(R"lua(
local rec = redis.call('GET', KEYS[1])
if not rec then return {} end
local rk = ARGV[1] .. rec
local f = redis.call('HMGET', rk, 'state', 'expires', 'account', 'code')
if f[1] ~= 'pending' or f[4] ~= ARGV[7] or now >= tonumber(f[2]) then
  redis.call('DEL', KEYS[1])  -- the code names no waiting request any more
  return {}
end
if f[3] ~= '' and f[3] ~= ARGV[2] then return {} end
redis.call('HSET', rk, 'state', 'approved', 'uid', ARGV[3], 'uname', ARGV[4], 'admin', ARGV[5])
redis.call('PEXPIRE', rk, ARGV[6])
redis.call('DEL', KEYS[1])
if f[3] ~= '' then redis.call('ZREM', KEYS[2], rec) end
return redis.call('HMGET', rk, )lua" JB_PAIRING_SHOWN R"lua()
)lua"));

// KEYS: the user's index. ARGV: record key prefix, handle, keep_ms.
// → {} none; the shown fields of the request now denied.
const RedisScript kDeny(lua_now(R"lua(
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  local rk = ARGV[1] .. m
  local f = redis.call('HMGET', rk, 'state', 'handle')
  if f[1] == 'pending' and f[2] == ARGV[2] then
    redis.call('HSET', rk, 'state', 'denied')
    redis.call('PEXPIRE', rk, ARGV[3])
    redis.call('ZREM', KEYS[1], m)
    return redis.call('HMGET', rk, )lua" JB_PAIRING_SHOWN R"lua()
  end
end
return {}
)lua"));

#undef JB_PAIRING_SHOWN

int64_t to_int(const RedisReply& r) {
  int64_t v = r.integer;
  if (r.is_string()) text::parse_int64(r.str, v);
  return v;
}

// A request from its shown fields (JB_PAIRING_SHOWN's order).
Result<PairingRequest> shown(const RedisReply& r) {
  if (!r.is_array() || r.elements.size() != 6)
    return Error(errc::redis_protocol, "A pairing script answered an unexpected shape.");
  const auto& e = r.elements;
  return PairingRequest{e[0].str, e[1].str, e[2].str, e[3].str, to_int(e[4]), to_int(e[5])};
}

Result<std::optional<PairingRequest>> maybe_shown(const Result<RedisReply>& r) {
  if (!r.ok()) return r.error();
  if (r->is_array() && r->elements.empty()) return std::optional<PairingRequest>{};
  auto p = shown(*r);
  if (!p.ok()) return p.error();
  return std::optional<PairingRequest>(std::move(*p));
}

// The length in UTF-8 characters; -1 when `s` is not UTF-8.
int64_t utf8_length(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return -1;
    i += len;
  }
  return n;
}

}  // namespace

// ---------------------------------------------------------------- pure helpers

std::string new_pairing_code() {
  return recovery::generate(1, kPairingCodeSymbols).front();
}

std::optional<std::string> normalize_pairing_code(std::string_view typed) {
  return recovery::normalize(typed, kPairingCodeSymbols);
}

std::optional<std::string> device_name_problem(std::string_view name) {
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return std::string("must not contain control characters");
  int64_t n = utf8_length(name);
  if (n < 0) return std::string("must be UTF-8 text");
  if (n > 64) return std::string("is longer than 64 characters");
  if (text::trim(name).empty()) return std::string("must not be empty");
  return std::nullopt;
}

bool looks_like_pairing_id(std::string_view id) {
  if (id.size() != 4 + 43 || id.substr(0, 4) != kIdPrefix) return false;
  for (char c : id.substr(4))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

// ---------------------------------------------------------------- keys

std::string PairingStore::record_key(const std::string& id) {
  return kRecordPrefix + crypto::sha256_hex(id);
}

std::string PairingStore::code_key(const std::string& code_symbols) {
  return std::string(kRecordPrefix) + "code:" + crypto::sha256_hex(code_symbols);
}

std::string PairingStore::user_key(const std::string& username) {
  return std::string(kRecordPrefix) + "acct:" + account_id(username);
}

// ---------------------------------------------------------------- the store

Result<PairingStarted> PairingStore::create(const std::string& device_name,
                                            const std::string& username,
                                            const SessionOrigin& origin) {
  PairingStarted p;
  p.id = kIdPrefix + rnd::b64url(32);
  p.request.handle = rnd::id128();
  p.request.device_name = device_name;
  p.request.ip = origin.ip;
  p.request.user_agent = clean_user_agent(origin.user_agent);
  const std::string record_hash = crypto::sha256_hex(p.id);
  const std::string account = username.empty() ? "" : account_name(username);
  auto lease = redis_.acquire();
  for (int draw = 0; draw < kCodeDraws; ++draw) {
    p.code = new_pairing_code();
    const std::string symbols = *normalize_pairing_code(p.code);
    std::vector<std::string> keys{record_key(p.id), code_key(symbols)};
    if (!account.empty()) keys.push_back(user_key(account));
    auto r = kCreate.run(
        *lease, keys,
        {std::to_string(o_.lifetime_ms), std::to_string(o_.keep_ms),
         std::to_string(o_.max_pending_per_user), record_hash, device_name, account, origin.ip,
         p.request.user_agent, crypto::sha256_hex(symbols), p.request.handle});
    if (!r.ok()) return r.error();
    if (!r->is_array() || r->elements.size() < 2)
      return Error(errc::redis_protocol, "The pairing script answered an unexpected shape.");
    const int64_t outcome = r->elements[0].integer;
    if (outcome == -1) continue;  // the code shows on another waiting device: draw again
    if (outcome == 0) {
      Error e(errc::too_many_pairing_requests,
              "Enough devices are already waiting for this user's approval; approve or deny "
              "them, or try again later.",
              429);
      e.retry_after_s = static_cast<int>(retry_after_seconds(r->elements[1].integer));
      return e;
    }
    p.request.created_ms = r->elements[1].integer;
    p.request.expires_ms = r->elements[2].integer;
    return p;
  }
  return Error(errc::unavailable, "No free pairing code was found; try again.", 503);
}

Result<std::optional<PairingPoll>> PairingStore::poll(const std::string& id) {
  if (!looks_like_pairing_id(id)) return std::optional<PairingPoll>{};
  auto lease = redis_.acquire();
  auto r = kPoll.run(*lease, {record_key(id)}, {});
  if (!r.ok()) return r.error();
  if (!r->is_array()) return Error(errc::redis_protocol, "The pairing poll answered no array.");
  const auto& e = r->elements;
  if (e.empty()) return std::optional<PairingPoll>{};
  PairingPoll p;
  p.state = e[0].str;
  if (e.size() > 1) p.expires_ms = to_int(e[1]);
  if (p.state == "approved") {
    if (e.size() != 7) return Error(errc::redis_protocol, "An approved pairing lacks its user.");
    p.user = SessionUser{e[2].str, e[3].str, e[4].str == "1"};
    p.handle = e[5].str;
    p.device_name = e[6].str;
  }
  return std::optional<PairingPoll>(std::move(p));
}

Result<std::vector<PairingRequest>> PairingStore::pending_for(const std::string& username) {
  auto lease = redis_.acquire();
  auto r = kPending.run(*lease, {user_key(username)}, {kRecordPrefix});
  if (!r.ok()) return r.error();
  std::vector<PairingRequest> out;
  for (const auto& row : r->elements) {
    auto p = shown(row);
    if (!p.ok()) return p.error();
    out.push_back(std::move(*p));
  }
  return out;
}

Result<std::optional<PairingRequest>> PairingStore::approve(std::string_view typed_code,
                                                            const SessionUser& approver) {
  auto symbols = normalize_pairing_code(typed_code);
  if (!symbols) return std::optional<PairingRequest>{};
  auto lease = redis_.acquire();
  return maybe_shown(kApprove.run(
      *lease, {code_key(*symbols), user_key(approver.name)},
      {kRecordPrefix, account_name(approver.name), approver.id, approver.name,
       approver.is_admin ? "1" : "0", std::to_string(o_.keep_ms), crypto::sha256_hex(*symbols)}));
}

Result<std::optional<PairingRequest>> PairingStore::deny(const std::string& handle,
                                                         const std::string& username) {
  if (!rnd::is_id128(handle)) return std::optional<PairingRequest>{};
  auto lease = redis_.acquire();
  return maybe_shown(
      kDeny.run(*lease, {user_key(username)}, {kRecordPrefix, handle, std::to_string(o_.keep_ms)}));
}

}  // namespace jb::auth
