// fanout.cpp — see fanout.h.
#include "sync-worker/fanout.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>

#include "common/core/log.h"
#include "common/core/thread_priority.h"

namespace jb::worker {

namespace {

// One run(): the next index to hand out, and the runners still going.
struct Batch {
  size_t n = 0;
  const std::function<void(size_t)>* task = nullptr;
  const std::function<bool()>* may_start = nullptr;
  std::atomic<size_t> started{0};
  std::atomic<size_t> next{0};
  std::atomic<bool> closed{false};
  std::mutex mu;
  std::condition_variable cv;
  size_t runners = 0;  // guarded by mu
};

void drain(Batch& b) {
  for (;;) {
    if (b.closed.load()) return;
    size_t i = b.next.fetch_add(1);
    if (i >= b.n) return;
    if (!(*b.may_start)()) {
      b.closed = true;
      return;
    }
    b.started.fetch_add(1);
    try {
      (*b.task)(i);
    } catch (const std::exception& e) {
      log::error("a fan-out task failed", {{"error", e.what()}});
    } catch (...) {
      log::error("a fan-out task failed", {{"error", "unknown exception"}});
    }
  }
}

}  // namespace

Fanout::Fanout(size_t threads, int nice)
    : threads_(std::max<size_t>(threads, 1)), pool_(threads_, 1024, "fanout", [nice] {
        if (nice > 0)
          log::best_effort(set_this_thread_nice(nice), "lowering a fan-out thread's priority");
      }) {}

size_t Fanout::run(size_t n, const std::function<void(size_t)>& task,
                   const std::function<bool()>& may_start, size_t cap) {
  auto b = std::make_shared<Batch>();
  b->n = n;
  b->task = &task;
  b->may_start = &may_start;
  size_t width = std::min(n, cap > 0 ? std::min(cap, threads_) : threads_);
  if (width <= 1) {
    drain(*b);
  } else {
    size_t submitted = 0;
    for (size_t k = 0; k < width; ++k) {
      {
        std::lock_guard lock(b->mu);
        ++b->runners;
      }
      bool ok = pool_.submit([b] {
        drain(*b);
        std::lock_guard lock(b->mu);
        if (--b->runners == 0) b->cv.notify_all();
      });
      if (!ok) {
        std::lock_guard lock(b->mu);
        --b->runners;
        break;
      }
      ++submitted;
    }
    if (submitted == 0) drain(*b);  // the pool is stopping: do the work here
    std::unique_lock lock(b->mu);
    b->cv.wait(lock, [&] { return b->runners == 0; });
  }
  return b->started.load();
}

}  // namespace jb::worker
