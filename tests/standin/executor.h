// executor.h — the stand-in's two background engines:
//   * WorkerPool: N threads running queued jobs (request handlers), so
//     Pistache's reactor threads only parse and write;
//   * Scheduler: one thread running jobs at a steady-clock deadline (injected
//     latency, held "hung" requests), so delays never occupy a worker and
//     concurrent delayed requests do not serialise.
// stop() discards jobs not yet started and joins the threads.
//
// Thread-safety: post()/at() are safe from any thread, including from jobs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace jb::standin {

using Job = std::function<void()>;

// Steady-clock microseconds (the time base of Scheduler::at).
int64_t steady_us();

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(Job job);
  void stop();

 private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class Scheduler {
 public:
  Scheduler();
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs job on the scheduler thread at steady-clock microsecond `due_us`
  // (steady_us()); jobs must be short (hand work to a pool).
  void at(int64_t due_us, Job job);
  void stop();

 private:
  struct Entry {
    int64_t due;
    uint64_t seq;
    Job job;
    bool operator>(const Entry& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> q_;
  uint64_t seq_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jb::standin
