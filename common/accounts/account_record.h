// account_record.h — what the suite knows of a Jellyfin account beyond what
// Jellyfin keeps: the invite it was made with, when, and when it expires.
// Written by auth-service (sign-up, admins setting an expiry, bulk jobs) and
// read and acted on by the sync workers (expiry, sync-worker/expiry_step.h).
//
// Redis keys:
//   jb:account:<uid>     hash  invite created expires (ms; 0 = never) name …
//                              (further fields belong to the expiry step)
//   jb:account:expiry    zset  <uid> → the time its expiry work is next due (ms)
// The record's "expires" and the due set are always written together (MULTI).
// A new or cleared expiry is due at once (score kDueNow): the expiry step then
// plans its reminders and sets the real next due time, or enables an account
// the old expiry had disabled (sync-worker/expiry_plan.h).
//
// Thread-safety: stateless functions over the caller's pool; pure helpers.
#pragma once

#include <cstdint>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::accounts {

std::string account_record_key(const std::string& user_id);
inline constexpr const char* kExpiryDueKey = "jb:account:expiry";
inline constexpr const char* kDueNow = "0";  // the due score of a new expiry: plan it now

struct AccountRecord {
  std::string user_id, invite, name;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0 = never
  bool exists = false;     // false: the suite has no record of this account
};

Result<AccountRecord> read_account(RedisPool& redis, const std::string& user_id);

// Sets the account's expiry (expires_ms > 0) or clears it (0), record and due
// set together; the account's name is recorded when given (a user the suite
// did not make gets a record this way).
Status set_expiry(RedisPool& redis, const std::string& user_id, int64_t expires_ms,
                  const std::string& name = "");

// The expiry after extending by delta_ms: counted from the previous expiry
// when there is one (even if already past), else from now. Pure.
int64_t extended_expiry(int64_t previous_ms, int64_t now_ms, int64_t delta_ms);

}  // namespace jb::accounts
