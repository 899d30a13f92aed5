// bulk_step.h — the "bulk.user" work type (fields: job, user): one user of a
// bulk job (common/accounts/bulk_job.h, made by auth-service's
// POST /api/v1/admin/bulk), acted on through the designated admin connection
// (admin_client.h), its outcome recorded in the job (only the first outcome
// counts, so a redelivered item is never counted twice).
//
//   enable / disable  GET /Users/{id}, then its policy POSTed back with IsDisabled changed
//                     (already so: ok, nothing written)
//   delete            DELETE /Users/{id}
//   apply_profile     the profile's policy (jb:profile:<id>, auth-service's profile_store.h)
//                     with the user's provider ids and its own IsDisabled, and the
//                     profile's configuration when it has one
//   extend_expiry     the account's expiry moved by extend_days (from the previous expiry,
//                     else from now; account_record.h); the new expiry is fixed once per
//                     job and user (jb:bulk:<id>:plan), so a redone item does not extend
//                     twice; an expiry_changed message
//   send_reset        a reset link (link_store.h, 30 minutes) sent as a "reset" message with
//                     var link = JB_PUBLIC_URL + "/#/reset/" + token; no confirmed address
//                     (jb:2fa:email:<uid>): skipped "no confirmed address"
//   announce          an "announcement" message with vars subject and message
// Messages are enqueued with the dedupe id bulk:<job>:<uid>: a redone item never sends twice.
//
// The last enabled administrator: disabling or deleting an enabled administrator, or
// applying a profile that is not an administrator's to one, is done only while
// another enabled administrator remains in Jellyfin's live user list (GET /Users),
// checked and done under one Redis lock (jb:bulk:admin_lock, token_lock.h) shared
// by every worker, so two jobs cannot each remove "the other" last one; refused:
// failed "last enabled administrator". The admin who asked for the job is never
// disabled or deleted by it: skipped "your own account".
//
// Outcomes: Jellyfin's 404 → failed "no such user"; other 4xx → failed with the
// status; 5xx, transport errors, no admin connection → "retry" (redelivered after
// JB_WORK_LEASE_MS; after JB_WORK_MAX_DELIVERIES the dead-letter hook,
// bulk_dead_letter(), records failed "Jellyfin did not answer"). Each outcome is
// published as a "bulk" event {id: job}; failures are logged with the job, user
// and reason.
//
// Thread-safety: stateless apart from the deps, which are thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/accounts/bulk_job.h"
#include "common/core/json.h"
#include "common/net/events.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "sync-worker/admin_client.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

struct BulkStepDeps {
  RedisPool* redis = nullptr;
  AdminClient* admin = nullptr;
  accounts::BulkJobs* jobs = nullptr;
  EventPublisher* events = nullptr;  // null: no events
  std::string public_url;            // JB_PUBLIC_URL: reset links (empty: send_reset fails)
  std::function<int64_t()> now_ms;   // the account clock (null: real time)
  int64_t lock_wait_ms = 20000;      // waiting for the administrators' lock, then "retry"
};

// Pure: whether an enabled administrator other than `user_id` is in `users`
// (Jellyfin's GET /Users list).
bool another_enabled_admin(const json::Value& users, const std::string& user_id);
// Pure: the failure reason of a Jellyfin error about one user, or nullopt
// when trying again may help (transient).
std::optional<std::string> user_failure_reason(const Error& e);

Status bulk_step(const BulkStepDeps& deps, const workq::Item& item, const WorkControl& ctl);
// The item gave up (dead-lettered): the user's outcome is failed "Jellyfin did not answer".
void bulk_dead_letter(const BulkStepDeps& deps, const workq::Item& item, const std::string& error);

}  // namespace jb::worker
