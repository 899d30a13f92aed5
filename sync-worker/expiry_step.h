// expiry_step.h — the account expiry work types (issue 14, Expiry), run by
// any sync worker, each item claimed once (expiry_scheduler.h):
//
//   "account.expiry" (field user): plans the account (expiry_plan.h) from its
//     record jb:account:<uid> and the account clock, and does what is due:
//       remind   enqueue expiry_reminder (vars days_left, expires_at)
//       disable  read the user's policy, set it again with IsDisabled true,
//                enqueue expired (var action=disabled)
//       delete   enqueue expired (action=deleted), DELETE /Users/{id}, forget
//       delete a disabled account after JB_EXPIRY_DELETE_AFTER_DAYS: enqueue
//                deleted, DELETE /Users/{id}, forget
//     then records what it did and the next due time in one script, only if
//     the record's expiry is still the one it planned from (an admin who
//     changed it meanwhile rescheduled it). Messages carry dedupe ids
//     expiry:<uid>:<expires>:remind:<d> | :expired | :deleted, so a step redone
//     after a crash never sends twice; a user Jellyfin no longer has (404) is
//     forgotten.
//   "account.sweep": lists the home server's users with the admin connection
//     and forgets the accounts of users it no longer has. Never when the list
//     failed or is empty (a server always has its administrator).
//
// Forgetting a user removes the suite's account records of it: jb:account:<uid>,
// its entry in jb:account:expiry, its email address (jb:2fa:email:<uid> and the
// address's owner key when it names the user) and jb:contacts:<uid>.
//
// Failures: no admin connection, Jellyfin unreachable or 5xx, Redis errors →
// "retry" (the item is redelivered after the lease; the due entry's claim
// lease brings the account back in any case), never a lost state.
//
// Thread-safety: stateless apart from the deps, which are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "sync-worker/admin_client.h"
#include "sync-worker/expiry_plan.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

inline constexpr const char* kExpiryWorkType = "account.expiry";
inline constexpr const char* kSweepWorkType = "account.sweep";

struct ExpiryDeps {
  RedisPool* redis = nullptr;
  AdminClient* admin = nullptr;
  ExpirySettings settings;
  std::function<int64_t()> now_ms;  // the account clock (account_clock.h)
};

Status expiry_step(const ExpiryDeps& deps, const workq::Item& item, const WorkControl& ctl);
Status sweep_step(const ExpiryDeps& deps, const workq::Item& item, const WorkControl& ctl);

// Removes the suite's account records of a user (see above).
Status forget_account(RedisPool& redis, const std::string& user_id);

}  // namespace jb::worker
