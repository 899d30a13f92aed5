// sync_context.h — what the sync pipeline's steps share: their dependencies,
// their settings, and the run-level operations (load, publish progress, fail,
// count finished parts, finalize).
//
// A run moves through work items on the stream (each idempotent, so
// redelivery after a crash is harmless):
//   sync.plan     (1)                 → sync.scan per (feature, side, library)
//   sync.scan     (shards)            → the last one enqueues sync.diff
//   sync.diff     (1)                 → held, dry-run done, or sync.apply shards
//   sync.apply    (shards of writes)  → the last one finalizes
//   sync.release  (after confirm)     → sync.apply shards of a held run
// Parts are counted with an idempotent "done set + counter" script, so a part
// that runs twice is counted once and exactly one finisher moves the run on.
//
// Thread-safety: shared by the handlers on the consumer thread (and by the
// fan-out tasks they start); the members it points to are thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include "common/jellyfin/connection_access.h"
#include "common/net/events.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "common/sync/store.h"
#include "sync-worker/fanout.h"
#include "sync-worker/library_client.h"
#include "sync-worker/planner.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* retry = "retry";  // the step is handed back to run again later
constexpr const char* bad_work_item = "bad_work_item";      // a work entry does not parse
constexpr const char* invalid_work = "invalid_work";        // a work entry of an unknown kind
constexpr const char* index_not_ready = "index_not_ready";  // a connection index is not built yet
constexpr const char* index_failed = "index_failed";        // a connection index build failed
constexpr const char* no_libraries = "no_libraries";        // no library of the pair counts
}  // namespace jb::errc

namespace jb::worker {

struct SyncOptions {
  int page_size = 1000;  // JB_SYNC_PAGE_SIZE: /Items page size
  int apply_batch =
      100;  // JB_SYNC_APPLY_BATCH: planned writes per apply shard (and per verification read)
  int list_pages_at_once =
      3;  // JB_SYNC_LIST_CONCURRENCY: listing pages of one scan in flight (each parsed page
          // costs several MB while it is decoded; listings are ~1 % of a run's requests)
  int64_t index_wait_ms = 60000;  // JB_SYNC_INDEX_WAIT_MS: how long planning waits for an index
  int64_t index_max_age_ms =
      300000;  // JB_SYNC_INDEX_MAX_AGE_MS: an older index is refreshed (incrementally) first
  int mass_delete_percent = 10;  // a run removing more than this share of a baseline is held
  int suspect_min_baseline =
      20;                    // a side listing < 10 % of a baseline at least this big is suspect
  int quarantine_after = 3;  // failed runs in a row before an item is quarantined
  int64_t keep_run_s = 30 * 86400;  // per-item results are kept this long
  int max_deliveries = 5;           // the consumer's limit: the last delivery fails the run
  sync::Rules rules;
};

// A run record with its pair, as the steps load it.
struct LoadedRun : sync::RunRecord {
  sync::Pair pair;
};

class SyncContext {
 public:
  SyncContext(RedisPool& redis, sync::SyncStore& store, LibraryClient& library,
              ConnectionAccess& access, Fanout& fanout, EventPublisher* events,
              std::string consumer, SyncOptions opts)
      : redis(redis),
        store(store),
        library(library),
        access(access),
        fanout(fanout),
        events(events),
        consumer(std::move(consumer)),
        opts(std::move(opts)) {}

  RedisPool& redis;
  sync::SyncStore& store;
  LibraryClient& library;
  ConnectionAccess& access;
  Fanout& fanout;  // the threads a step spreads its Jellyfin requests over
  EventPublisher* events;
  std::string consumer;
  SyncOptions opts;

  // The run and its pair; nullopt when the run (or its pair) is gone — the
  // run is then failed and the caller drops its work item.
  Result<std::optional<LoadedRun>> load(const std::string& run_id);
  Status set(const std::string& run_id, const std::map<std::string, std::string>& fields);
  // Publishes the run's current JSON on the "run" topic (auth-service's SSE).
  void publish(const std::string& run_id);
  // Ends the run as failed with a reason a person understands.
  void fail(const std::string& run_id, const std::string& pair_id, const std::string& reason);
  // Marks part `part` of `stage` ("scan", "apply") done once; returns the
  // parts still left (0: this caller moves the run on). Only while this
  // worker owns work entry `entry_id` ("lease_lost" otherwise).
  Result<int64_t> finish_part(const std::string& run_id, const std::string& stage,
                              const std::string& part, const workq::Item& entry);
  // Applies the agreed baselines (unless dry run), sets the final state,
  // frees the pair's run slot, cleans up and publishes. Safe to call twice;
  // only the owner of work entry `entry_id` finalises ("lease_lost" otherwise).
  Status finalize(const std::string& run_id, const workq::Item& entry);
  // The stream of the lane a work entry came from (work_queue.h).
  std::string lane_stream(const workq::Item& entry) const;
  // A step's error: transient ones are retried (lease); a permanent one, or
  // the last delivery, is returned for the consumer to dead-letter, after which
  // the run fails (the consumer's on_dead_letter); "interrupted" and
  // "lease_lost" are returned as they are.
  Status step_error(const workq::Item& item, const std::string& run_id, const std::string& pair_id,
                    const Error& e);
};

// A Redis or bookkeeping error inside a step: "retry" (the entry stays
// pending and is redelivered after the lease), except that "interrupted" and
// "lease_lost" pass through unchanged.
Error retry_later(const Error& e);

}  // namespace jb::worker
