// fanout.h — the worker's own threads for the Jellyfin requests of one step.
// A step hands over n independent tasks (the writes of an apply shard, its
// verification reads, the pages of a listing) and waits until every task that
// started has ended, so one worker keeps a server's whole budget busy instead
// of one request at a time.
//
// How many requests reach a server at once is decided by the shared budget
// (server_budget.h) that every request passes, never here: the pool only
// supplies threads — twice JB_SERVER_CONCURRENCY, enough to fill the budgets
// of both servers of a pair at the same time.
//
// Cancellation: right before each task starts, run() asks `may_start()`; once
// it answers false (the lease is lost, the worker is stopping, a task met an
// error that ends the step) no further task starts. Tasks record what they
// did themselves; n costs nothing until tasks start, so a listing may offer
// more pages than it will turn out to need.
//
// Thread-safety: run() may be called from several threads at once (their
// tasks share the pool's threads). A task must not call run() itself (it
// would wait for threads it occupies). Tasks run concurrently and synchronise
// what they share themselves; an exception escaping a task is logged and the
// task counts as run.
#pragma once

#include <cstddef>
#include <functional>

#include "common/core/thread_pool.h"

namespace jb::worker {

class Fanout {
 public:
  // `nice` > 0 lowers the CPU priority of the pool's threads (thread_priority.h).
  explicit Fanout(size_t threads, int nice = 0);
  size_t threads() const { return threads_; }

  // Runs task(i) for every i in [0, n) on up to threads() threads (a single
  // task runs on the caller's thread), in order of i, and returns when all
  // started tasks have ended: how many started.
  // `width` caps the tasks running at once below threads() (0: no cap), for
  // tasks that hold much memory each (listing pages).
  size_t run(size_t n, const std::function<void(size_t)>& task,
             const std::function<bool()>& may_start, size_t width = 0);

 private:
  size_t threads_;
  ThreadPool pool_;  // last: joined before the members its tasks could use go
};

}  // namespace jb::worker
