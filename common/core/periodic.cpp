// periodic.cpp — see periodic.h.
#include "common/core/periodic.h"

namespace jb {

void PeriodicTask::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void PeriodicTask::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::wake() {
  {
    std::lock_guard<std::mutex> l(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PeriodicTask::loop() {
  std::unique_lock<std::mutex> l(mu_);
  bool run = run_first_;
  while (!stop_) {
    if (run) {
      woken_ = false;
      l.unlock();
      task_();
      l.lock();
    }
    run = true;
    cv_.wait_for(l, interval_, [&] { return stop_ || woken_; });
  }
}

}  // namespace jb
