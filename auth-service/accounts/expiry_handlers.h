// expiry_handlers.h — admins set or extend an account's expiry (issue 14, Expiry):
//
//   PUT /api/v1/admin/users/{id}/expiry   one of
//       {"expires_at": "<RFC 3339>"}   that time (a past one is allowed: the
//                                      sync workers then act at once)
//       {"expires_at": null}           never
//       {"extend_days": N}             N days (1–36500) from the previous
//                                      expiry when there is one, else from now
//     → 200 {"user_id", "expires_at": <RFC 3339>|null}. The user must exist on
//     the home server (asked through the admin connection: unknown → 404, no
//     admin connection → 503). The record and its due entry are written
//     together (account_record.h), the reminders start afresh for the new
//     expiry, and an expiry_changed message is enqueued (dedupe
//     expiry_changed:<uid>:<expiry>). Audited as admin.expiry_set.
//
// Thread-safety: handlers run concurrently; every dependency is thread-safe;
// the parsing and change functions are pure or use the caller's pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth-service/accounts/account_handlers.h"
#include "auth-service/api/io.h"
#include "common/redis/client.h"

namespace jb::accounts {

struct ExpiryChange {
  std::optional<int64_t> expires_ms;  // set: that time (0 = never)
  int64_t extend_days = 0;            // else: extend by this many days
};

// Pure: the request body (exactly one of expires_at, extend_days).
auth::BodyResult<ExpiryChange> parse_expiry_body(const http::Request& r);
// Pure: the expiry after the change.
int64_t changed_expiry(const ExpiryChange& c, int64_t previous_ms, int64_t now_ms);

// Applies the change to the account's record (set_expiry) and enqueues the
// expiry_changed message: the new expiry (0 = never). For admin routes and bulk jobs.
Result<int64_t> change_expiry(RedisPool& redis, const std::string& user_id,
                              const std::string& user_name, const ExpiryChange& c, int64_t now_ms);

void register_expiry_routes(http::Server& server, AccountDeps& deps);

}  // namespace jb::accounts
