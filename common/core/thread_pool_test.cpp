// Unit tests for thread_pool.h.
#include "common/core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

TEST(ThreadPool, RunsEverythingAndDrainsOnStop) {
  std::atomic<int> n{0};
  {
    jb::ThreadPool p(3, 1000);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(p.submit([&] { n++; }));
    p.stop();
    EXPECT_FALSE(p.submit([] {}));
  }
  EXPECT_EQ(n.load(), 500);
}

TEST(ThreadPool, BoundedQueueRefuses) {
  std::atomic<bool> release{false};
  jb::ThreadPool p(1, 2);
  ASSERT_TRUE(p.submit([&] {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the worker picks up the first
  EXPECT_TRUE(p.submit([] {}));
  EXPECT_TRUE(p.submit([] {}));
  EXPECT_FALSE(p.submit([] {}));
  release = true;
}

TEST(ThreadPool, ThrowingTaskDoesNotKillTheWorker) {
  std::atomic<int> n{0};
  jb::ThreadPool p(1, 10);
  p.submit([] { throw std::runtime_error("boom"); });
  p.submit([&] { n++; });
  p.stop();
  EXPECT_EQ(n.load(), 1);
}
