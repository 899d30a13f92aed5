// Integration tests of the shared Redis pieces against a real redis-server:
// due sets (common/redis/due_set.h) hand each due member out once however
// many claimers race, and token locks (common/redis/token_lock.h) are renewed
// and released only by their holder.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/redis/due_set.h"
#include "common/redis/token_lock.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::testing;

namespace {

RedisOptions opts_for(const RedisServer& s) {
  return *parse_redis_url(s.url());
}

}  // namespace

TEST(DueSet, EachDueMemberIsClaimedOnceHoweverManyClaimersRace) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection setup(opts_for(srv));
  const int64_t now = 1'000'000;
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(
        setup.command({"ZADD", "due", std::to_string(now - i), "m" + std::to_string(i)}).ok());
  ASSERT_TRUE(setup.command({"ZADD", "due", std::to_string(now + 60000), "later"}).ok());
  std::mutex mu;
  std::map<std::string, int> claimed;
  std::vector<std::thread> claimers;
  for (int t = 0; t < 4; ++t)
    claimers.emplace_back([&] {
      RedisConnection c(opts_for(srv));
      for (;;) {
        auto got = due::claim_due(c, "due", now, 30000, 7);
        ASSERT_TRUE(got.ok());
        if (got->empty()) return;
        std::lock_guard<std::mutex> l(mu);
        for (const auto& m : *got) claimed[m]++;
      }
    });
  for (auto& t : claimers) t.join();
  EXPECT_EQ(claimed.size(), 200u);
  for (const auto& [m, n] : claimed) EXPECT_EQ(n, 1) << m;
  EXPECT_EQ(claimed.count("later"), 0u) << "not due yet";
  // Moved on by the interval, from now.
  EXPECT_EQ(setup.command({"ZSCORE", "due", "m5"})->str, std::to_string(now + 30000));
  EXPECT_TRUE(due::claim_due(setup, "due", now + 29999, 30000, 1000)->empty());
  EXPECT_EQ(due::claim_due(setup, "due", now + 30000, 30000, 1000)->size(), 200u);
}

TEST(DueSet, PerMemberIntervalsComeFromTheRecordsAndUnscheduledMembersLeave) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  ASSERT_TRUE(c.command({"ZADD", "sched", "100", "a", "100", "b", "100", "c"}).ok());
  ASSERT_TRUE(c.command({"HSET", "rec:a", "every", "15"}).ok());
  ASSERT_TRUE(c.command({"HSET", "rec:b", "every", "0"}).ok());  // c has no record at all
  auto got = due::claim_due_every(c, "sched", 1000, "rec:", "every", 10);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::vector<std::string>{"a"});
  EXPECT_EQ(c.command({"ZSCORE", "sched", "a"})->str, std::to_string(1000 + 15 * 60000));
  EXPECT_TRUE(c.command({"ZSCORE", "sched", "b"})->is_nil());
  EXPECT_TRUE(c.command({"ZSCORE", "sched", "c"})->is_nil());
}

TEST(TokenLock, OnlyTheHolderRenewsOrReleases) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  ASSERT_TRUE(c.command({"SET", "lock", "mine", "NX", "PX", "60000"}).ok());
  EXPECT_FALSE(*token_lock::renew(c, "lock", "theirs", 1000));
  EXPECT_FALSE(*token_lock::release(c, "lock", "theirs"));
  EXPECT_EQ(c.command({"GET", "lock"})->str, "mine");
  EXPECT_GT(c.command({"PTTL", "lock"})->integer, 50000) << "a stranger did not shorten it";
  EXPECT_TRUE(*token_lock::renew(c, "lock", "mine", 5000));
  EXPECT_LE(c.command({"PTTL", "lock"})->integer, 5000);
  EXPECT_TRUE(*token_lock::release(c, "lock", "mine"));
  EXPECT_TRUE(c.command({"GET", "lock"})->is_nil());
  EXPECT_FALSE(*token_lock::release(c, "lock", "mine")) << "gone: nothing to release";
}
