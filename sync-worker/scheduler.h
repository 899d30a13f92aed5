// scheduler.h — starts scheduled pairs' runs without a leader process.
//
// Every worker ticks; each tick claims the pairs that are due with one
// Redis-atomic script (sync_store.h: the claim moves each pair's next time
// one interval on), so a pair is enqueued exactly once per interval however
// many workers run. A pair whose previous run is still active is skipped for
// that interval (create_run's active slot).
//
// Thread-safety: start()/stop() from the owning thread; the tick runs on its
// own thread.
#pragma once

#include "common/core/metrics.h"
#include "common/core/periodic.h"
#include "common/sync/store.h"

namespace jb::worker {

class Scheduler {
 public:
  Scheduler(sync::SyncStore& store, int tick_ms, metrics::Registry& registry)
      : store_(store),
        started_(registry.counter("jb_sync_scheduled_runs_total", "Runs started by the schedule")),
        task_(std::chrono::milliseconds(tick_ms), [this] { tick(); }) {}
  void start() { task_.start(); }
  void stop() { task_.stop(); }
  // One tick (tests): returns the number of runs started.
  int tick();

 private:
  sync::SyncStore& store_;
  metrics::Counter& started_;
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace jb::worker
