// link_store.h — one-time links: a token of 128 random bits (22 base64url
// characters) that allows one thing once, for a while. Two kinds:
//   reset    a password reset for a user (subject = user id, detail = user name),
//            30 minutes;
//   contact  an email address confirmed for a sign-up through an invite
//            (subject = invite id, detail = the address), 30 minutes.
// Only the token's SHA-256 is stored. take() uses a link up in one Lua script
// (two requests with the same link cannot both succeed); put_back() restores a
// taken link when the step it was for failed for another reason.
//
// Expiry is decided by the caller's clock (now_ms), not by Redis's key TTL, so
// tests can move time; the record itself stays a day longer so an expired link
// is told apart from an unknown one.
//
// Redis keys: jb:reset:<sha256(token)>, jb:signup:contact:<sha256(token)>
//             hash  subject detail expires (PX lifetime + 1 day)
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* reset_link_invalid =
    "reset_link_invalid";  // 404: no such reset link (mistyped, or already used)
constexpr const char* reset_link_expired = "reset_link_expired";  // 410: older than 30 minutes
constexpr const char* contact_token_invalid =
    "contact_token_invalid";  // 400: no such address confirmation (mistyped, or already used)
constexpr const char* contact_token_expired =
    "contact_token_expired";  // 410: an address confirmation older than 30 minutes
}  // namespace jb::errc

namespace jb::accounts {

struct LinkKind {
  std::string prefix;  // Redis key prefix
  int64_t lifetime_ms = 30 * 60 * 1000;
  const char* invalid_code;
  int invalid_status;
  std::string invalid_detail;
  const char* expired_code;
  std::string expired_detail;
};
LinkKind reset_links();
LinkKind contact_links();

struct OneTimeLink {
  std::string subject, detail;
  int64_t expires_ms = 0;
};

class LinkStore {
 public:
  LinkStore(RedisPool& redis, LinkKind kind) : redis_(redis), kind_(std::move(kind)) {}
  // A new link: its token (shown once).
  Result<std::string> create(const std::string& subject, const std::string& detail, int64_t now_ms);
  Result<OneTimeLink> peek(const std::string& token, int64_t now_ms);
  Result<OneTimeLink> take(const std::string& token, int64_t now_ms);
  Status put_back(const std::string& token, const OneTimeLink& link);

 private:
  Result<OneTimeLink> read(const std::string& token, int64_t now_ms, const char* mode);
  RedisPool& redis_;
  LinkKind kind_;
};

}  // namespace jb::accounts
