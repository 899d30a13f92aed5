// Unit tests for thread_pool.h.
#include "common/core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

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
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  jb::ThreadPool p(1, 2);
  ASSERT_TRUE(p.submit([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the only worker is busy: the queue holds the next two
  EXPECT_TRUE(p.submit([] {}));
  EXPECT_TRUE(p.submit([] {}));
  EXPECT_FALSE(p.submit([] {}));
  release.set_value();
  p.stop();
}

TEST(ThreadPool, ThrowingTaskDoesNotKillTheWorker) {
  std::atomic<int> n{0};
  jb::ThreadPool p(1, 10);
  p.submit([] { throw std::runtime_error("boom"); });
  p.submit([&] { n++; });
  p.stop();
  EXPECT_EQ(n.load(), 1);
}
