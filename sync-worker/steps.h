// steps.h — the sync pipeline's work-item handlers (see sync_context.h for
// the flow). Each is idempotent: a redelivered item finds its work done, or
// redoes it without double effects.
//
// Every step checks its WorkControl before each side effect and stops with
// "lease_lost" once its entry belongs to another worker (lease_keeper.h).
//
// Thread-safety: called on the consumer thread; they share only SyncContext.
#pragma once

#include <atomic>

#include "common/redis/work_queue.h"
#include "sync-worker/lease_keeper.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

// sync.plan {run}: waits for both indexes, fixes the libraries, enqueues the scans.
Status plan_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl);
// sync.scan {run, feature, side, library}: one listing → match groups in Redis.
Status scan_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl);
// sync.diff {run}: decides every group, writes the plan, holds or enqueues the applies.
Status diff_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl);
// sync.apply {run, from, to}: performs and verifies a slice of the plan.
Status apply_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl);
// sync.release {run}: a confirmed held run goes on to its applies.
Status release_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl);

// Enqueues the apply shards of a planned run (or finalizes it when nothing is planned).
Status enqueue_applies(SyncContext& ctx, const std::string& run_id, int64_t planned,
                       const workq::Item& entry);

}  // namespace jb::worker
