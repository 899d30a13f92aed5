// signin_guard.cpp — see signin_guard.h.
#include "auth-service/edge/signin_guard.h"

#include "auth-service/connections/home_signin.h"
#include "common/core/crypto.h"
#include "common/core/text.h"
#include "common/jellyfin/errors.h"
#include "common/net/cidr.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

constexpr const char* kBucketSignInIp = "signin_ip";
constexpr const char* kBucketSignInUser = "signin_user";
constexpr const char* kBucketQuickConnectIp = "quickconnect_ip";
constexpr const char* kBucketSecondFactor = "second_factor_user";
constexpr const char* kBucketConnectionCreate = "connection_create";
constexpr const char* kBucketPairingIp = "pairing_ip";
constexpr const char* kBucketPairingUser = "pairing_user";
constexpr const char* kBucketDeviceAuthorizeUser = "device_authorize_user";
constexpr const char* kBucketDeviceAuthorizeConnection = "device_authorize_connection";
constexpr const char* kBucketEmailUser = "email_user";
constexpr const char* kBucketEmailAddress = "email_address";
constexpr const char* kBucketSignUpIp = "signup_ip";
constexpr const char* kBucketResetIp = "reset_ip";
constexpr const char* kBucketResetAccount = "reset_account";

// Milliseconds of the Redis clock, as `now`.
#define JB_LUA_NOW                 \
  "local t = redis.call('TIME')\n" \
  "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"

// KEYS: fails, lock, lockouts. ARGV: max, window_ms, lock_ms, acct id, user, ip.
// → {admitted (1/0), retry_after_ms, locked_now (1/0)}
const RedisScript kAdmitAccount(JB_LUA_NOW R"lua(
local untl = tonumber(redis.call('HGET', KEYS[2], 'until_ms') or '0') or 0
if untl > now then return {0, untl - now, 0} end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n >= tonumber(ARGV[1]) then
  local u = now + tonumber(ARGV[3])
  redis.call('DEL', KEYS[2], KEYS[1])
  redis.call('HSET', KEYS[2], 'user', ARGV[5], 'until_ms', tostring(u), 'since_ms', tostring(now),
             'failures', tostring(n), 'ip', ARGV[6], 'reason', 'too_many_failures')
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], u, ARGV[4])
  return {1, 0, 1}
end
return {1, 0, 0}
)lua");

// KEYS: fails, lock, lockouts. ARGV: locked_now, acct id, window_ms, max.
const RedisScript kGiveBack(R"lua(
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
  redis.call('SET', KEYS[1], tonumber(ARGV[4]) - 1, 'PX', ARGV[3])
  return 1
end
local n = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0
)lua");

// KEYS: fails, ban, bans. ARGV: max, window_ms, ban_ms, ip key. → {failures, banned_now}
const RedisScript kStrikeIp(JB_LUA_NOW R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n >= tonumber(ARGV[1]) then
  local u = now + tonumber(ARGV[3])
  redis.call('DEL', KEYS[2], KEYS[1])
  redis.call('HSET', KEYS[2], 'ip', ARGV[4], 'until_ms', tostring(u), 'since_ms', tostring(now),
             'failures', tostring(n), 'reason', 'too_many_failures')
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], u, ARGV[4])
  return {n, 1}
end
return {n, 0}
)lua");

// KEYS: a ban or lock hash. → ms until it ends (0: none).
const RedisScript kRemaining(JB_LUA_NOW R"lua(
local u = tonumber(redis.call('HGET', KEYS[1], 'until_ms') or '0') or 0
if u > now then return u - now end
return 0
)lua");

// KEYS: an index zset. Drops ended members; → the others.
const RedisScript kLive(JB_LUA_NOW R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
)lua");

#undef JB_LUA_NOW

int64_t num(const std::map<std::string, std::string>& m, const char* k) {
  auto it = m.find(k);
  if (it == m.end()) return 0;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return 0;
  }
}

std::string str(const std::map<std::string, std::string>& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

Result<std::optional<Refusal>> limited(RateLimiter& rl, const char* bucket, const std::string& key,
                                       const LimitRule& rule) {
  auto d = rl.take(bucket, key, rule);
  if (!d.ok()) return d.error();
  if (d->allowed) return std::optional<Refusal>();
  return std::optional<Refusal>(Refusal{rate_limited_error(d->retry_after_ms), "rate_limited"});
}

}  // namespace

// ---------------------------------------------------------------- pure policy

std::string account_name(std::string_view username) {
  return text::to_lower(username);
}

std::string account_id(std::string_view username) {
  return crypto::sha256_hex(account_name(username));
}

Error sign_in_failed_error() {
  return Error(errc::sign_in_failed,
               "Sign-in failed: the user name or password is not right, or the account may not "
               "sign in.",
               401);
}

Error rate_limited_error(int64_t retry_after_ms) {
  int64_t s = retry_after_seconds(retry_after_ms);
  Error e(
      errc::rate_limited,
      "Too many attempts. Try again in " + std::to_string(s) + (s == 1 ? " second." : " seconds."),
      429);
  e.retry_after_s = static_cast<int>(s);
  return e;
}

Error ip_banned_error(int64_t retry_after_ms) {
  int64_t s = retry_after_seconds(retry_after_ms);
  Error e(errc::ip_banned,
          "This address is blocked after too many failed sign-ins. It is unblocked in " +
              std::to_string(s) + " seconds, or an administrator can lift the block.",
          403);
  e.retry_after_s = static_cast<int>(s);
  return e;
}

std::optional<std::string> credential_failure_reason(const Error& e, bool name_seen_before) {
  if (e.code == jf::errc::bad_credentials)
    return std::string(name_seen_before ? "wrong_password" : "unknown_user");
  if (e.code == jf::errc::user_disabled) return std::string("disabled");
  return std::nullopt;
}

int64_t failure_padding_ms(int64_t elapsed_ms, int64_t min_ms) {
  return elapsed_ms >= min_ms ? 0 : min_ms - elapsed_ms;
}

// ---------------------------------------------------------------- keys

std::string SignInGuard::account_key(const std::string& acct_id, std::string_view part) {
  return "jb:edge:acct:" + acct_id + ":" + std::string(part);
}
std::string SignInGuard::ip_key(const std::string& ip_key, std::string_view part) {
  return "jb:edge:ip:" + ip_key + ":" + std::string(part);
}
std::string SignInGuard::lockouts_key() {
  return "jb:edge:lockouts";
}
std::string SignInGuard::bans_key() {
  return "jb:edge:bans";
}

// ---------------------------------------------------------------- the guard

SignInGuard::SignInGuard(RedisPool& redis, EdgePolicy policy, Exempt exempt)
    : redis_(redis), limiter_(redis), p_(policy), exempt_(std::move(exempt)) {}

Result<std::optional<Refusal>> SignInGuard::ban_check(const std::string& key) {
  auto c = redis_.acquire();
  auto r = kRemaining.run(*c, {ip_key(key, "ban")}, {});
  if (!r.ok()) return r.error();
  if (r->integer > 0) return std::optional<Refusal>(Refusal{ip_banned_error(r->integer), "banned"});
  return std::optional<Refusal>();
}

Result<Admission> SignInGuard::admit_sign_in(const std::string& ip, const std::string& username) {
  Admission a;
  a.attempt.ip = ip;
  a.attempt.ip_key = net::client_key(ip);
  a.attempt.account = account_name(username);
  a.attempt.account_id = account_id(username);
  a.attempt.exempt = exempt(ip);
  if (!a.attempt.exempt) {
    auto b = ban_check(a.attempt.ip_key);
    if (!b.ok()) return b.error();
    if (*b) {
      a.refused = std::move(**b);
      return a;
    }
  }
  for (auto [bucket, key, rule] :
       {std::tuple{kBucketSignInIp, a.attempt.ip_key, p_.signin_ip},
        std::tuple{kBucketSignInUser, a.attempt.account_id, p_.signin_user}}) {
    auto l = limited(limiter_, bucket, key, rule);
    if (!l.ok()) return l.error();
    if (*l) {
      a.refused = std::move(**l);
      return a;
    }
  }
  auto c = redis_.acquire();
  const std::string& id = a.attempt.account_id;
  auto r =
      kAdmitAccount.run(*c, {account_key(id, "fails"), account_key(id, "lock"), lockouts_key()},
                        {std::to_string(p_.lockout_failures), std::to_string(p_.lockout_window_ms),
                         std::to_string(p_.lockout_ms), id, a.attempt.account, ip});
  if (!r.ok()) return r.error();
  if (!r->is_array() || r->elements.size() != 3)
    return Error(errc::redis_protocol, "The lockout script answered an unexpected shape.");
  if (r->elements[0].integer == 0) {
    a.refused = Refusal{rate_limited_error(r->elements[1].integer), "locked"};
    return a;
  }
  a.attempt.locked_account = r->elements[2].integer == 1;
  return a;
}

Status SignInGuard::settle_success(const SignInAttempt& a) {
  auto r = redis_.pipeline(
      {{"DEL", account_key(a.account_id, "fails"), account_key(a.account_id, "lock")},
       {"ZREM", lockouts_key(), a.account_id}});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<FailureEffects> SignInGuard::settle_failure(const SignInAttempt& a) {
  FailureEffects fx;
  if (a.exempt) return fx;
  auto c = redis_.acquire();
  auto r = kStrikeIp.run(*c, {ip_key(a.ip_key, "fails"), ip_key(a.ip_key, "ban"), bans_key()},
                         {std::to_string(p_.ban_failures), std::to_string(p_.ban_window_ms),
                          std::to_string(p_.ban_ms), a.ip_key});
  if (!r.ok()) return r.error();
  if (!r->is_array() || r->elements.size() != 2)
    return Error(errc::redis_protocol, "The ban script answered an unexpected shape.");
  fx.ip_failures = r->elements[0].integer;
  fx.banned_now = r->elements[1].integer == 1;
  return fx;
}

Status SignInGuard::settle_neutral(const SignInAttempt& a) {
  auto c = redis_.acquire();
  auto r = kGiveBack.run(
      *c, {account_key(a.account_id, "fails"), account_key(a.account_id, "lock"), lockouts_key()},
      {a.locked_account ? "1" : "0", a.account_id, std::to_string(p_.lockout_window_ms),
       std::to_string(p_.lockout_failures)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> SignInGuard::name_seen(const std::string& username) {
  auto r = redis_.command({"EXISTS", HomeSignInService::login_key(username)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<std::optional<Refusal>> SignInGuard::admit_unbanned(const std::string& ip,
                                                           const char* bucket,
                                                           const std::string& key,
                                                           const LimitRule& rule) {
  if (!exempt(ip)) {
    auto b = ban_check(net::client_key(ip));
    if (!b.ok() || *b) return b;
  }
  return limited(limiter_, bucket, key, rule);
}

Result<std::optional<Refusal>> SignInGuard::admit_quickconnect(const std::string& ip) {
  return admit_unbanned(ip, kBucketQuickConnectIp, net::client_key(ip), p_.quickconnect_ip);
}

Result<std::optional<Refusal>> SignInGuard::admit_signup(const std::string& ip) {
  return admit_unbanned(ip, kBucketSignUpIp, net::client_key(ip), p_.signup_ip);
}

Result<std::optional<Refusal>> SignInGuard::admit_reset(const std::string& ip,
                                                        const std::string& account) {
  auto a = admit_unbanned(ip, kBucketResetIp, net::client_key(ip), p_.reset_ip);
  if (!a.ok() || *a) return a;
  return limited(limiter_, kBucketResetAccount, account_id(account), p_.reset_account);
}

Result<std::optional<Refusal>> SignInGuard::admit_passkey_options(const std::string& ip) {
  return admit_unbanned(ip, kBucketSignInIp, net::client_key(ip), p_.signin_ip);
}

Result<std::optional<Refusal>> SignInGuard::admit_passkey_answer(const std::string& ip) {
  if (exempt(ip)) return std::optional<Refusal>();
  return ban_check(net::client_key(ip));
}

Result<FailureEffects> SignInGuard::count_address_failure(const std::string& ip) {
  SignInAttempt a;
  a.ip = ip;
  a.ip_key = net::client_key(ip);
  a.exempt = exempt(ip);
  return settle_failure(a);
}

Result<std::optional<Refusal>> SignInGuard::admit_connection_create(const std::string& user_id) {
  return limited(limiter_, kBucketConnectionCreate, user_id, p_.connection_create);
}

Result<std::optional<Refusal>> SignInGuard::admit_second_factor(const std::string& ip,
                                                                const std::string& user_id) {
  return admit_unbanned(ip, kBucketSecondFactor, user_id, p_.second_factor_user);
}

Result<std::optional<Refusal>> SignInGuard::admit_pairing(const std::string& ip) {
  return admit_unbanned(ip, kBucketPairingIp, net::client_key(ip), p_.pairing_ip);
}

Result<std::optional<Refusal>> SignInGuard::admit_pairing_code(const std::string& ip,
                                                               const std::string& user_id) {
  return admit_unbanned(ip, kBucketPairingUser, user_id, p_.pairing_user);
}

Result<std::optional<Refusal>> SignInGuard::admit_device_authorize(
    const std::string& ip, const std::string& user_id, const std::string& connection_id) {
  auto u = admit_unbanned(ip, kBucketDeviceAuthorizeUser, user_id, p_.device_authorize_user);
  if (!u.ok() || *u) return u;
  return limited(limiter_, kBucketDeviceAuthorizeConnection, connection_id,
                 p_.device_authorize_connection);
}

Result<std::optional<Refusal>> SignInGuard::admit_email(const std::string& ip,
                                                        const std::string& user_id,
                                                        const std::string& address) {
  auto u = admit_unbanned(ip, kBucketEmailUser, user_id, p_.email_user);
  if (!u.ok() || *u) return u;
  return limited(limiter_, kBucketEmailAddress, crypto::sha256_hex(account_name(address)),
                 p_.email_address);
}

Result<std::vector<BanInfo>> SignInGuard::bans() {
  std::vector<BanInfo> out;
  auto c = redis_.acquire();
  auto ips = kLive.run(*c, {bans_key()}, {});
  if (!ips.ok()) return ips.error();
  std::vector<RedisArgv> cmds;
  for (const auto& m : ips->elements) cmds.push_back({"HGETALL", ip_key(m.str, "ban")});
  if (cmds.empty()) return out;
  auto rows = c->pipeline(cmds);
  if (!rows.ok()) return rows.error();
  for (const auto& row : *rows) {
    auto f = row.as_map();
    if (f.empty()) continue;  // ended between the two calls
    out.push_back(BanInfo{str(f, "ip"), str(f, "reason"), num(f, "until_ms"), num(f, "since_ms"),
                          num(f, "failures")});
  }
  return out;
}

Result<std::vector<LockoutInfo>> SignInGuard::lockouts() {
  std::vector<LockoutInfo> out;
  auto c = redis_.acquire();
  auto ids = kLive.run(*c, {lockouts_key()}, {});
  if (!ids.ok()) return ids.error();
  std::vector<RedisArgv> cmds;
  for (const auto& m : ids->elements) cmds.push_back({"HGETALL", account_key(m.str, "lock")});
  if (cmds.empty()) return out;
  auto rows = c->pipeline(cmds);
  if (!rows.ok()) return rows.error();
  for (const auto& row : *rows) {
    auto f = row.as_map();
    if (f.empty()) continue;
    out.push_back(LockoutInfo{str(f, "user"), str(f, "ip"), str(f, "reason"), num(f, "until_ms"),
                              num(f, "since_ms"), num(f, "failures")});
  }
  return out;
}

Result<bool> SignInGuard::lift_ban(const std::string& ip) {
  std::string key = net::client_key(ip);
  auto r = redis_.pipeline({{"DEL", ip_key(key, "ban")},
                            {"DEL", ip_key(key, "fails")},
                            {"ZREM", bans_key(), key},
                            {"DEL", RateLimiter::redis_key(kBucketSignInIp, key)}});
  if (!r.ok()) return r.error();
  return (*r)[0].integer == 1;
}

Result<bool> SignInGuard::lift_lockout(const std::string& username) {
  std::string id = account_id(username);
  auto r = redis_.pipeline({{"DEL", account_key(id, "lock")},
                            {"DEL", account_key(id, "fails")},
                            {"ZREM", lockouts_key(), id},
                            {"DEL", RateLimiter::redis_key(kBucketSignInUser, id)}});
  if (!r.ok()) return r.error();
  return (*r)[0].integer == 1;
}

}  // namespace jb::auth
