// thread_pool.cpp — see thread_pool.h.
#include "common/core/thread_pool.h"

#include "common/core/log.h"

namespace jb {

ThreadPool::ThreadPool(size_t threads, size_t max_queue, std::string name,
                       std::function<void()> on_start)
    : max_queue_(max_queue), name_(std::move(name)) {
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i)
    threads_.emplace_back([this, on_start] {
      if (on_start) on_start();
      loop();
    });
}

ThreadPool::~ThreadPool() {
  stop();
}

bool ThreadPool::submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ || q_.size() >= max_queue_) return false;
    q_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

size_t ThreadPool::queued() const {
  std::lock_guard<std::mutex> l(mu_);
  return q_.size();
}

void ThreadPool::loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !q_.empty(); });
      if (q_.empty()) return;
      task = std::move(q_.front());
      q_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::error("task threw", {{"pool", name_}, {"error", e.what()}});
    } catch (...) {
      log::error("task threw", {{"pool", name_}});
    }
  }
}

}  // namespace jb
