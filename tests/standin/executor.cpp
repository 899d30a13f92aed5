// executor.cpp — see executor.h.
#include "tests/standin/executor.h"

#include <chrono>

namespace jb::standin {

int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

WorkerPool::WorkerPool(int threads) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::post(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WorkerPool::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

Scheduler::Scheduler() : thread_([this] { run(); }) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::at(int64_t due_us, Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    q_.push(Entry{due_us, seq_++, std::move(job)});
  }
  cv_.notify_one();
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    while (!q_.empty()) q_.pop();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return;
    if (q_.empty()) {
      cv_.wait(lock);
      continue;
    }
    int64_t now = steady_us();
    if (q_.top().due > now) {
      cv_.wait_for(lock, std::chrono::microseconds(q_.top().due - now));
      continue;
    }
    Job job = std::move(const_cast<Entry&>(q_.top()).job);
    q_.pop();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace jb::standin
