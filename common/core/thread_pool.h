// thread_pool.h — a fixed pool of threads with a bounded queue, for work that
// must not run on an I/O reactor thread (Redis, ZeroMQ, Jellyfin calls).
// submit() returns false instead of queueing past the bound, so callers can
// answer "overloaded" rather than grow without limit.
//
// Thread-safety: submit/size/stop are thread-safe. Tasks run concurrently and
// must synchronise shared state themselves. Exceptions from tasks are caught and
// logged.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jb {

class ThreadPool {
 public:
  // `on_start` (optional) runs first on each of the pool's threads (e.g. to lower its priority).
  ThreadPool(size_t threads, size_t max_queue, std::string name = "pool",
             std::function<void()> on_start = nullptr);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  bool submit(std::function<void()> task);
  // Stops taking work, runs what is queued, joins. Idempotent.
  void stop();
  size_t queued() const;

 private:
  void loop();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> q_;
  std::vector<std::thread> threads_;
  size_t max_queue_;
  std::string name_;
  bool stopping_ = false;
};

}  // namespace jb
