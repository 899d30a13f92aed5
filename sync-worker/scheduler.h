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

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/core/metrics.h"
#include "common/sync/store.h"

namespace jb::worker {

class Scheduler {
 public:
  Scheduler(sync::SyncStore& store, int tick_ms, metrics::Registry& registry)
      : store_(store),
        tick_ms_(tick_ms),
        started_(registry.counter("jb_sync_scheduled_runs_total", "Runs started by the schedule")) {
  }
  ~Scheduler();
  void start();
  void stop();
  // One tick (tests): returns the number of runs started.
  int tick();

 private:
  void loop();
  sync::SyncStore& store_;
  int tick_ms_;
  metrics::Counter& started_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace jb::worker
