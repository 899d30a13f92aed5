// Unit tests for periodic.h, synchronised by counting under a mutex and
// condition variable (no sleeps as synchronisation, no timing assertions).
#include "common/core/periodic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

using namespace jb;
using namespace std::chrono_literals;

namespace {

struct Counter {
  std::mutex mu;
  std::condition_variable cv;
  int n = 0;
  void hit() {
    {
      std::lock_guard<std::mutex> l(mu);
      ++n;
    }
    cv.notify_all();
  }
  bool wait_for_at_least(int k) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, 30s, [&] { return n >= k; });
  }
};

}  // namespace

TEST(PeriodicTask, RunsAtOnceThenEveryInterval) {
  Counter c;
  PeriodicTask t(1ms, [&] { c.hit(); });
  t.start();
  EXPECT_TRUE(c.wait_for_at_least(5));
  t.stop();
  EXPECT_FALSE(t.running());
}

TEST(PeriodicTask, WakeRunsTheTaskBeforeALongIntervalEnds) {
  Counter c;
  PeriodicTask t(1h, [&] { c.hit(); });
  t.start();
  ASSERT_TRUE(c.wait_for_at_least(1)) << "the first run is immediate";
  t.wake();
  EXPECT_TRUE(c.wait_for_at_least(2)) << "woken, not after an hour";
  t.stop();  // returns at once: nobody waits out the hour
}

TEST(PeriodicTask, StopWaitsForTheRunInProgressAndNeverRunsAgain) {
  std::mutex gate;
  std::unique_lock<std::mutex> held(gate);
  Counter started;
  std::atomic<int> finished{0};
  PeriodicTask t(1ms, [&] {
    started.hit();
    std::lock_guard<std::mutex> l(gate);  // blocks until the test lets it go
    finished++;
  });
  t.start();
  ASSERT_TRUE(started.wait_for_at_least(1));
  std::thread stopper([&] { t.stop(); });
  held.unlock();
  stopper.join();
  EXPECT_EQ(finished.load(), started.n) << "stop() returned only after the run finished";
  int after = finished.load();
  EXPECT_EQ(finished.load(), after);
  EXPECT_FALSE(t.running());
}

TEST(PeriodicTask, WithoutRunFirstTheFirstRunWaitsForAWake) {
  Counter c;
  PeriodicTask t(
      1h, [&] { c.hit(); }, false);
  t.start();
  t.wake();
  EXPECT_TRUE(c.wait_for_at_least(1));
  t.stop();
  EXPECT_EQ(c.n, 1);
}
