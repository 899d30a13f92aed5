// Unit tests of thread_priority.h and ThreadPool's on_start hook: a lowered
// priority belongs to the thread that asked for it, never to the others.
#include "common/core/thread_priority.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/core/thread_pool.h"

namespace {

int this_thread_nice() {
  errno = 0;
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

}  // namespace

TEST(ThreadPriority, LowersOnlyTheCallingThread) {
  const int before = this_thread_nice();
  int inside = -1;
  std::thread t([&] {
    ASSERT_TRUE(jb::set_this_thread_nice(std::max(before, 7)).ok());
    inside = this_thread_nice();
  });
  t.join();
  EXPECT_EQ(inside, std::max(before, 7));
  EXPECT_EQ(this_thread_nice(), before) << "the caller's own priority is untouched";
  EXPECT_FALSE(jb::set_this_thread_nice(20).ok());
  EXPECT_FALSE(jb::set_this_thread_nice(-1).ok());
}

TEST(ThreadPriority, APoolsOnStartRunsOnEachOfItsThreads) {
  const int before = this_thread_nice();
  const int low = std::max(before, 9);
  std::atomic<int> started{0}, low_seen{0};
  {
    jb::ThreadPool pool(3, 64, "test", [&] {
      if (jb::set_this_thread_nice(low).ok()) started++;
    });
    for (int i = 0; i < 30; ++i)
      ASSERT_TRUE(pool.submit([&] {
        if (this_thread_nice() == low) low_seen++;
      }));
    pool.stop();
  }
  EXPECT_EQ(started.load(), 3);
  EXPECT_EQ(low_seen.load(), 30) << "every task ran on a lowered thread";
  EXPECT_EQ(this_thread_nice(), before);
}
