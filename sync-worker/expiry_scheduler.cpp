// expiry_scheduler.cpp — see expiry_scheduler.h.
#include "sync-worker/expiry_scheduler.h"

#include "common/accounts/account_record.h"
#include "common/accounts/admin_connection.h"
#include "common/accounts/invite_notice.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/notify/delivery_queue.h"
#include "common/redis/due_set.h"
#include "common/redis/work_queue.h"
#include "sync-worker/expiry_step.h"

namespace jb::worker {

int ExpiryScheduler::tick() {
  const int64_t now = now_ms_();
  auto c = redis_.acquire();
  const auto lane = workq::default_names().normal_lane();
  int enqueued = 0;
  auto due = due::claim_due(*c, accounts::kExpiryDueKey, now, kExpiryClaimLeaseMs, 200);
  if (!due.ok()) {
    log::warn("account expiry schedule unavailable", {{"error", due.error().message}});
    return 0;
  }
  for (const auto& uid : *due) {
    auto id = workq::enqueue(*c, lane, {{"type", kExpiryWorkType}, {"user", uid}});
    if (!id.ok()) {
      // The claim's lease brings the account back.
      log::warn("account expiry not enqueued", {{"user_id", uid}, {"error", id.error().message}});
      continue;
    }
    ++enqueued;
  }
  // Expired invites that name admins to tell (invite_notice.h): told once, then forgotten.
  auto invites = due::claim_due(*c, accounts::kInviteExpiryDueKey, now, kExpiryClaimLeaseMs, 50);
  if (invites.ok())
    for (const auto& id : *invites) {
      auto done = accounts::notify_invite_expired(redis_, id, now);
      if (!done.ok())  // the claim's lease brings it back
        log::warn("invite expiry notice not sent",
                  {{"invite_id", id}, {"error", done.error().message}});
      else if (*done)
        log::best_effort(c->command({"ZREM", accounts::kInviteExpiryDueKey, id}),
                         "invite expiry due set");
    }
  // Account messages whose next attempt is due (delivery_queue.h: backoff).
  if (auto moved = msg::release_due_retries(redis_, timeutil::now_unix_ms(), 200); !moved.ok())
    log::warn("message retries not released", {{"error", moved.error().message}});
  // The sweep needs the admin connection: without one there is nothing it could check.
  auto admin = c->command({"EXISTS", accounts::kAdminConnectionKey});
  if (!admin.ok() || admin->integer == 0) {
    started_.inc(enqueued);
    return enqueued;
  }
  if (!c->command({"ZADD", kSweepDueKey, "NX", "0", "sweep"}).ok()) return enqueued;
  auto sweep = due::claim_due(*c, kSweepDueKey, now, sweep_interval_ms_, 1);
  if (sweep.ok() && !sweep->empty()) {
    if (auto id = workq::enqueue(*c, lane, {{"type", kSweepWorkType}}); id.ok())
      ++enqueued;
    else
      log::warn("account sweep not enqueued", {{"error", id.error().message}});
  }
  started_.inc(enqueued);
  return enqueued;
}

}  // namespace jb::worker
