// fanout_test.cpp — the fan-out pool: every task runs once, on several
// threads at once, never more than the pool's threads, and the fence stops
// tasks that have not started.
#include "sync-worker/fanout.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace jb::worker {
namespace {

TEST(Fanout, RunsEveryTaskOnceAndReturnsWhenAllEnded) {
  Fanout pool(4);
  std::vector<std::atomic<int>> hits(1000);
  size_t started = pool.run(
      hits.size(), [&](size_t i) { hits[i].fetch_add(1); }, [] { return true; });
  EXPECT_EQ(started, hits.size());
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

// Tasks wait at a barrier that opens only when `threads` of them are inside at
// once: the run can only end if the pool really runs that many concurrently.
TEST(Fanout, RunsAsManyTasksAtOnceAsItHasThreadsAndNoMore) {
  const size_t threads = 4;
  Fanout pool(threads);
  std::mutex mu;
  std::condition_variable cv;
  size_t inside = 0, most = 0;
  bool open = false;
  std::set<std::thread::id> ids;
  pool.run(
      3 * threads,
      [&](size_t) {
        std::unique_lock lock(mu);
        ids.insert(std::this_thread::get_id());
        ++inside;
        most = std::max(most, inside);
        if (inside == threads) open = true;
        cv.notify_all();
        cv.wait(lock, [&] { return open; });
        --inside;
      },
      [] { return true; });
  EXPECT_EQ(most, threads);
  EXPECT_EQ(ids.size(), threads);
}

TEST(Fanout, AWidthCapsTheTasksRunningAtOnce) {
  Fanout pool(8);
  std::mutex mu;
  int inside = 0, most = 0;
  pool.run(
      64,
      [&](size_t) {
        {
          std::lock_guard lock(mu);
          most = std::max(most, ++inside);
        }
        std::this_thread::yield();
        std::lock_guard lock(mu);
        --inside;
      },
      [] { return true; }, 2);
  EXPECT_GE(most, 1);
  EXPECT_LE(most, 2);
}

TEST(Fanout, AClosedFenceStartsNothingMore) {
  Fanout pool(3);
  std::atomic<int> ran{0};
  std::atomic<bool> allowed{true};
  size_t started = pool.run(
      100,
      [&](size_t) {
        if (ran.fetch_add(1) + 1 == 10) allowed = false;
      },
      [&] { return allowed.load(); });
  // Up to one task per thread may have passed the fence just before it closed.
  EXPECT_GE(ran.load(), 10);
  EXPECT_LE(ran.load(), 10 + 2);
  EXPECT_EQ(started, static_cast<size_t>(ran.load()));
}

TEST(Fanout, ASingleTaskRunsOnTheCallersThread) {
  Fanout pool(4);
  std::thread::id where;
  pool.run(
      1, [&](size_t) { where = std::this_thread::get_id(); }, [] { return true; });
  EXPECT_EQ(where, std::this_thread::get_id());
}

TEST(Fanout, AHugeOfferCostsNothingUntilTasksStart) {
  Fanout pool(2);
  std::atomic<int> ran{0};
  size_t started = pool.run(
      SIZE_MAX / 2, [&](size_t) { ran.fetch_add(1); }, [&] { return ran.load() < 5; });
  EXPECT_GE(started, 5u);
  EXPECT_LE(started, 6u);
}

TEST(Fanout, ATaskThatThrowsDoesNotStopTheOthers) {
  Fanout pool(2);
  std::atomic<int> ran{0};
  pool.run(
      10,
      [&](size_t i) {
        ran.fetch_add(1);
        if (i == 3) throw std::runtime_error("boom");
      },
      [] { return true; });
  EXPECT_EQ(ran.load(), 10);
}

}  // namespace
}  // namespace jb::worker
