// scheduler.cpp — see scheduler.h.
#include "sync-worker/scheduler.h"

#include "common/core/log.h"
#include "common/core/time.h"

namespace jb::worker {

int Scheduler::tick() {
  auto due = store_.claim_due_pairs(timeutil::now_unix_ms(), 100);
  if (!due.ok()) {
    log::warn("schedule unavailable", {{"error", due.error().message}});
    return 0;
  }
  int started = 0;
  for (const auto& id : *due) {
    auto pair = store_.get_pair(id);
    if (!pair.ok() || !pair->has_value()) continue;
    auto run = store_.create_run(**pair, "schedule");
    if (!run.ok()) {
      log::warn("scheduled run not started", {{"pair", id}, {"error", run.error().message}});
      continue;
    }
    if (run->already_active) {
      log::info("scheduled run skipped: the previous run is still active",
                {{"pair", id}, {"run", run->run_id}});
      continue;
    }
    started_.inc();
    ++started;
    log::info("scheduled run started", {{"pair", id}, {"run", run->run_id}});
  }
  return started;
}

}  // namespace jb::worker
