// signin_guard.h — the public edge's protection of sign-in and other costly
// routes, shared by every auth-service replica through Redis: rate limits
// (common/redis/rate_limiter.h), per-account lockout and per-address bans.
//
// Sign-in (POST /api/v1/auth/login), before Jellyfin is asked, in this order:
//   1. a banned address (not exempt) → 403 ip_banned;
//   2. the address's bucket (IPv6 by its /64, net::client_key) and the user
//      name's bucket (lower-cased; defeats address rotation) → 429 rate_limited;
//   3. the account's lockout: the attempt is counted NOW, before Jellyfin is
//      asked, so concurrent attempts can never send Jellyfin more than
//      lockout_failures of them (and never trip Jellyfin's own
//      LoginAttemptsBeforeLockout, which disables the user). The attempt that
//      reaches the limit locks the account at once; further attempts answer
//      the same 429 rate_limited (a locked account looks like a rate limit: the
//      answer says nothing about whether the account exists).
// Afterwards: a success clears the account's count and lock; a credential
// failure (wrong password, unknown user, disabled user — Jellyfin answers 401
// or 403) keeps it counted and counts one failure for the address, which is
// banned for ban_ms after ban_failures within ban_window_ms unless exempt
// (LAN and trusted-proxy ranges); any other outcome (Jellyfin unreachable)
// gives the attempt back. Every credential failure answers the same 401
// sign_in_failed, no sooner than failure_min_ms after the request began.
//
// Quick Connect start, device pairing requests and sign-ups through an
// invite: ban check and the address's bucket. Sign-in with a passkey instead of the password: asking for
// its options takes from the same address bucket as a password sign-in (one
// per sign-in: each answer needs fresh options), the answer is refused from a
// banned address, and a failed answer counts towards the address's ban. Second-factor codes and pairing codes typed by a signed-in
// user: ban check and the user's bucket. Connection creation: the user's bucket.
// A device's Quick Connect code authorised through one of the user's
// connections: ban check, the user's bucket, then the connection's bucket.
// Emails sent for a user (sign-in codes, address confirmations): ban check, the
// user's bucket, then the recipient address's bucket.
//
// Redis keys (besides the limiter's jb:rl:<bucket>:<key>); <acct> is
// sha256(lower-cased user name), <ip> is net::client_key(address):
//   jb:edge:acct:<acct>:fails  str   attempts counted towards the lockout (PX lockout window)
//   jb:edge:acct:<acct>:lock   hash  user, until_ms, since_ms, failures, ip, reason (PX lockout)
//   jb:edge:lockouts           zset  <acct> → until_ms (index of the locks, for the admin list)
//   jb:edge:ip:<ip>:fails      str   credential failures from the address (PX ban window)
//   jb:edge:ip:<ip>:ban        hash  ip, until_ms, since_ms, failures, reason (PX ban)
//   jb:edge:bans               zset  <ip> → until_ms
// All times are the Redis clock's (TIME inside the scripts).
//
// Thread-safety: SignInGuard is thread-safe (state in Redis; the exempt
// function must be thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"
#include "common/redis/rate_limiter.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* sign_in_failed = "sign_in_failed";  // 401: any credential failure
constexpr const char* rate_limited = "rate_limited";      // 429: too many attempts; Retry-After
constexpr const char* ip_banned = "ip_banned";            // 403: the address is banned
}  // namespace jb::errc

namespace jb::auth {

struct EdgePolicy {
  LimitRule signin_ip{10, 60 * 1000};                // JB_SIGNIN_IP_BURST / _PERIOD_S
  LimitRule signin_user{10, 15 * 60 * 1000};         // JB_SIGNIN_USER_BURST / _PERIOD_S
  LimitRule quickconnect_ip{5, 5 * 60 * 1000};       // JB_QUICKCONNECT_IP_BURST / _PERIOD_S
  LimitRule connection_create{20, 60 * 60 * 1000};   // JB_CONNECTION_CREATE_BURST / _PERIOD_S
  LimitRule second_factor_user{10, 15 * 60 * 1000};  // JB_SECOND_FACTOR_BURST / _PERIOD_S
  LimitRule pairing_ip{5, 10 * 60 * 1000};           // JB_PAIRING_IP_BURST / _PERIOD_S
  LimitRule pairing_user{10, 15 * 60 * 1000};        // JB_PAIRING_USER_BURST / _PERIOD_S
  LimitRule email_user{3, 10 * 60 * 1000};           // JB_EMAIL_CODE_USER_BURST / _PERIOD_S
  LimitRule email_address{5, 60 * 60 * 1000};        // JB_EMAIL_CODE_ADDRESS_BURST / _PERIOD_S
  int64_t lockout_failures = 5;                      // JB_LOCKOUT_FAILURES
  int64_t lockout_window_ms = 15 * 60 * 1000;        // JB_LOCKOUT_WINDOW_S
  int64_t lockout_ms = 15 * 60 * 1000;               // JB_LOCKOUT_S
  int64_t ban_failures = 10;                         // JB_BAN_FAILURES
  int64_t ban_window_ms = 10 * 60 * 1000;            // JB_BAN_WINDOW_S
  int64_t ban_ms = 24 * 60 * 60 * 1000;              // JB_BAN_S
  int64_t failure_min_ms = 250;                      // JB_SIGNIN_FAILURE_MIN_MS
  // JB_DEVICE_AUTHORIZE_USER_BURST / _PERIOD_S, JB_DEVICE_AUTHORIZE_CONNECTION_BURST / _PERIOD_S
  LimitRule device_authorize_user{10, 15 * 60 * 1000};
  LimitRule device_authorize_connection{5, 15 * 60 * 1000};
  LimitRule signup_ip{10, 60 * 60 * 1000};     // JB_SIGNUP_IP_BURST / _PERIOD_S
  LimitRule reset_ip{5, 15 * 60 * 1000};       // JB_RESET_IP_BURST / _PERIOD_S
  LimitRule reset_account{3, 60 * 60 * 1000};  // JB_RESET_ACCOUNT_BURST / _PERIOD_S
};

// ---- pure policy (unit-tested) ----

// What a user name counts as: lower-cased (Jellyfin matches names case-insensitively).
std::string account_name(std::string_view username);
// The Redis-safe id of an account: sha256 hex of account_name().
std::string account_id(std::string_view username);
// The one answer for every credential failure (401 sign_in_failed, same text).
Error sign_in_failed_error();
Error rate_limited_error(int64_t retry_after_ms);
Error ip_banned_error(int64_t retry_after_ms);
// The audit reason of a failed home sign-in: "wrong_password" (Jellyfin said
// 401 and the name has signed in here before), "unknown_user" (401, never seen),
// "disabled" (403); nullopt when the failure is not about the credentials.
std::optional<std::string> credential_failure_reason(const Error& e, bool name_seen_before);
// How long to wait before answering a failure that took elapsed_ms.
int64_t failure_padding_ms(int64_t elapsed_ms, int64_t min_ms);

// ---- the guard ----

// A sign-in that may go ahead; settle it with one of the settle_* calls.
struct SignInAttempt {
  std::string ip, ip_key, account, account_id;
  bool locked_account = false;  // this attempt reached the limit and locked the account
  bool exempt = false;
};

// Why a request was refused before Jellyfin was asked.
struct Refusal {
  Error error;         // 429 rate_limited or 403 ip_banned, with retry_after_s
  std::string reason;  // audit: "rate_limited", "locked" or "banned"
};

struct Admission {
  std::optional<Refusal> refused;
  SignInAttempt attempt;  // when not refused
};

struct FailureEffects {
  bool banned_now = false;  // this failure banned the address
  int64_t ip_failures = 0;
};

struct BanInfo {
  std::string ip, reason;
  int64_t until_ms = 0, since_ms = 0, failures = 0;
};
struct LockoutInfo {
  std::string user, ip, reason;
  int64_t until_ms = 0, since_ms = 0, failures = 0;
};

class SignInGuard {
 public:
  using Exempt = std::function<bool(const std::string& ip)>;
  SignInGuard(RedisPool& redis, EdgePolicy policy, Exempt exempt = nullptr);

  Result<Admission> admit_sign_in(const std::string& ip, const std::string& username);
  Status settle_success(const SignInAttempt& a);
  Result<FailureEffects> settle_failure(const SignInAttempt& a);
  Status settle_neutral(const SignInAttempt& a);  // Jellyfin could not answer: give it back
  // Whether the name has signed in here before (audit: wrong_password vs unknown_user).
  Result<bool> name_seen(const std::string& username);

  // Quick Connect start from `ip`; nullopt = go ahead.
  Result<std::optional<Refusal>> admit_quickconnect(const std::string& ip);
  // A sign-up through an invite from `ip` (ban check, the address's bucket).
  Result<std::optional<Refusal>> admit_signup(const std::string& ip);
  // A password reset asked from `ip` for `account` (a user name or an address):
  // ban check, the address's bucket, then the account's (lower-cased, hashed).
  Result<std::optional<Refusal>> admit_reset(const std::string& ip, const std::string& account);
  // Options for a passkey sign-in from `ip` (ban check, the sign-in address bucket).
  Result<std::optional<Refusal>> admit_passkey_options(const std::string& ip);
  // A passkey sign-in's answer from `ip` (ban check).
  Result<std::optional<Refusal>> admit_passkey_answer(const std::string& ip);
  // A failed passkey sign-in from `ip`: counts towards the address's ban.
  Result<FailureEffects> count_address_failure(const std::string& ip);
  // A new connection by `user_id`; nullopt = go ahead.
  Result<std::optional<Refusal>> admit_connection_create(const std::string& user_id);
  // A second-factor code (sign-in challenge, enrolment, turning it off) from `ip`
  // for `user_id`: refused when the address is banned or the user's bucket is empty.
  Result<std::optional<Refusal>> admit_second_factor(const std::string& ip,
                                                     const std::string& user_id);
  // A device asking to be paired from `ip`; nullopt = go ahead.
  Result<std::optional<Refusal>> admit_pairing(const std::string& ip);
  // A pairing code typed by `user_id` (signed in) from `ip`: refused when the
  // address is banned or the user's bucket is empty.
  Result<std::optional<Refusal>> admit_pairing_code(const std::string& ip,
                                                    const std::string& user_id);
  // A device's Quick Connect code typed by `user_id` (signed in) from `ip`, to be
  // authorised through `connection_id`: refused when the address is banned, or
  // the user's or the connection's bucket is empty.
  Result<std::optional<Refusal>> admit_device_authorize(const std::string& ip,
                                                        const std::string& user_id,
                                                        const std::string& connection_id);
  // An email (sign-in code or address confirmation) to `address` for `user_id`
  // asked from `ip`: refused when the address is banned, or the user's or the
  // recipient's bucket (lower-cased, hashed) is empty.
  Result<std::optional<Refusal>> admit_email(const std::string& ip, const std::string& user_id,
                                             const std::string& address);

  Result<std::vector<BanInfo>> bans();
  Result<std::vector<LockoutInfo>> lockouts();
  // True when there was one to lift. `ip` is an address (IPv6: any of its /64) or a key.
  Result<bool> lift_ban(const std::string& ip);
  Result<bool> lift_lockout(const std::string& username);

  bool exempt(const std::string& ip) const { return exempt_ && exempt_(ip); }
  const EdgePolicy& policy() const { return p_; }
  RateLimiter& limiter() { return limiter_; }

  static std::string account_key(const std::string& acct_id, std::string_view part);
  static std::string ip_key(const std::string& ip_key, std::string_view part);
  static std::string lockouts_key();
  static std::string bans_key();

 private:
  Result<std::optional<Refusal>> ban_check(const std::string& ip_key);
  // The ban check of `ip` (unless exempt), then `bucket`'s rule for `key`.
  Result<std::optional<Refusal>> admit_unbanned(const std::string& ip, const char* bucket,
                                                const std::string& key, const LimitRule& rule);
  RedisPool& redis_;
  RateLimiter limiter_;
  EdgePolicy p_;
  Exempt exempt_;
};

}  // namespace jb::auth
