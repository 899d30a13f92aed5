// Integration tests of common/redis/capped_set.h (the per-user caps of
// connections and pairs) against a real redis-server: concurrent adds never
// take a set beyond its cap.
#include "common/redis/capped_set.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/redis_server.h"

using namespace jb;
using jb::testing::RedisServer;

TEST(CappedSet, ConcurrentAddsNeverExceedTheCapAndMembersAreReadmitted) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 8);
  std::atomic<int> admitted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = capped_set_add(redis, "jb:user:u1:conns", std::to_string(t * 100 + i), 7);
        ASSERT_TRUE(r.ok());
        (*r ? admitted : refused)++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 7);
  EXPECT_EQ(refused.load(), 200 - 7);
  EXPECT_EQ(redis.command({"SCARD", "jb:user:u1:conns"})->integer, 7);
  // A member already there is admitted again (saving it is not a new one).
  auto members = redis.command({"SMEMBERS", "jb:user:u1:conns"});
  ASSERT_TRUE(members.ok());
  EXPECT_TRUE(*capped_set_add(redis, "jb:user:u1:conns", members->elements[0].str, 7));
  EXPECT_FALSE(*capped_set_add(redis, "jb:user:u1:conns", "new", 7));
  // After a removal there is room for exactly one more; cap 0 means no cap.
  ASSERT_TRUE(redis.command({"SREM", "jb:user:u1:conns", members->elements[0].str}).ok());
  EXPECT_TRUE(*capped_set_add(redis, "jb:user:u1:conns", "new", 7));
  EXPECT_FALSE(*capped_set_add(redis, "jb:user:u1:conns", "newer", 7));
  EXPECT_TRUE(*capped_set_add(redis, "jb:user:u1:conns", "uncapped", 0));
}
