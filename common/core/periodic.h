// periodic.h — a background thread that runs one task now and then every
// `interval` until stopped: the heartbeats, lease renewals, schedulers and
// checkers of the services. wake() runs the task early (new work arrived);
// stop() returns once the task in progress, if any, has finished, and never
// waits out an interval.
//
// Thread-safety: start()/stop() from the owning thread; wake() from any
// thread; the task runs on the periodic thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace jb {

class PeriodicTask {
 public:
  // `run_first`: run the task at once on start (else after one interval).
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task,
               bool run_first = true)
      : interval_(interval), task_(std::move(task)), run_first_(run_first) {}
  ~PeriodicTask() { stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start();
  void stop();
  void wake();
  bool running() const { return thread_.joinable(); }

 private:
  void loop();
  std::chrono::milliseconds interval_;
  std::function<void()> task_;
  bool run_first_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace jb
