// email_store.h — each user's email address for sign-in codes (issue 12,
// "Email codes"): set unconfirmed, confirmed by a link carrying a one-time
// token, removed. Only a confirmed address is offered as a second factor.
//
// The token ("jbe_" + 192 random bits) is shown once, in the link emailed to
// the new address; only its SHA-256 is stored, for 24 hours. Setting another
// address forgets the previous token; confirming takes the token in one step
// (single use) and only confirms the address it was sent to.
//
// Redis keys:
//   jb:2fa:email:<user id>              hash  address, confirmed (0/1), token (hash of the pending one)
//   jb:2fa:email_token:<sha256(token)>  hash  uid, address (PX 24 h)
//   jb:2fa:email_owner:<sha256(lower-cased address)>  str  uid, set when confirmed (a stale
//                                       entry is harmless: owner_of() checks the user's record)
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::auth {

struct EmailAddress {
  std::string address;
  bool confirmed = false;
};

struct ConfirmedEmail {
  std::string user_id, address;
};

class EmailStore {
 public:
  static constexpr int64_t kTokenLifetimeMs = 24LL * 60 * 60 * 1000;
  static constexpr size_t kMaxAddress = 254;

  explicit EmailStore(RedisPool& redis) : redis_(redis) {}

  // The user's address, or nullopt when none is set.
  Result<std::optional<EmailAddress>> get(const std::string& user_id);
  // Sets `address` unconfirmed; the confirmation token (shown once).
  Result<std::string> set(const std::string& user_id, const std::string& address);
  // Uses up `token`: the address it confirmed, or nullopt (unknown, expired,
  // used, or the address was changed since).
  Result<std::optional<ConfirmedEmail>> confirm(const std::string& token);
  // True when there was an address.
  Result<bool> remove(const std::string& user_id);
  // Sets `address` as the user's, confirmed already (it was confirmed before the
  // account existed: a sign-up's contact confirmation).
  Status set_confirmed(const std::string& user_id, const std::string& address);
  // The user whose confirmed address `address` is (compared ignoring case), or nullopt.
  Result<std::optional<std::string>> owner_of(const std::string& address);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
