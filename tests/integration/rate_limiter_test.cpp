// Integration tests of the rate limiter (common/redis/rate_limiter.h) against
// a real redis-server: exact counts, refills on the Redis clock, peek and
// reset, and racing takers from several threads and connections never getting
// more than the burst between them.
#include "common/redis/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::testing;

namespace {

RedisOptions opts_for(const RedisServer& s) {
  return *parse_redis_url(s.url());
}

constexpr int64_t kHour = 3600 * 1000;

}  // namespace

TEST(RateLimiter, AllowsExactlyTheBurstThenDeniesWithRetryAfter) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 2);
  RateLimiter rl(pool);
  LimitRule rule{5, kHour};  // one unit back every 12 minutes
  for (int i = 0; i < 5; ++i) {
    auto d = rl.take("t", "k", rule);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_TRUE(d->allowed) << i;
    EXPECT_EQ(d->remaining, 4 - i);
    EXPECT_EQ(d->retry_after_ms, 0);
  }
  for (int i = 0; i < 3; ++i) {
    auto d = rl.take("t", "k", rule);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->allowed);
    EXPECT_EQ(d->remaining, 0);
    EXPECT_GT(d->retry_after_ms, 12 * 60 * 1000 - 5000);  // the next unit, minus this test's time
    EXPECT_LE(d->retry_after_ms, 12 * 60 * 1000);
    EXPECT_GT(d->reset_after_ms, kHour - 5000);
  }
  // Other keys and other buckets are separate.
  EXPECT_TRUE(rl.take("t", "other", rule)->allowed);
  EXPECT_TRUE(rl.take("u", "k", rule)->allowed);
}

TEST(RateLimiter, CostsTakeSeveralUnitsAndADeniedTakeTakesNothing) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 1);
  RateLimiter rl(pool);
  LimitRule rule{10, kHour};
  EXPECT_TRUE(rl.take("t", "k", rule, 7)->allowed);
  auto big = rl.take("t", "k", rule, 4);
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->allowed);
  EXPECT_EQ(big->remaining, 3) << "the denied take of 4 took nothing";
  EXPECT_TRUE(rl.take("t", "k", rule, 3)->allowed);
  EXPECT_FALSE(rl.take("t", "k", rule, 1)->allowed);
  auto bad = rl.take("t", "k", rule, 11);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, errc::invalid_request);
  EXPECT_FALSE(rl.take("t", "k", LimitRule{0, 1000}).ok());
}

TEST(RateLimiter, PeekTakesNothingAndResetRefills) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 1);
  RateLimiter rl(pool);
  LimitRule rule{2, kHour};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.peek("t", "k", rule)->allowed);
  EXPECT_EQ(rl.peek("t", "k", rule)->remaining, 2);
  EXPECT_EQ(srv.cli("EXISTS jb:rl:t:k"), "0\n") << "a peek writes nothing";
  EXPECT_TRUE(rl.take("t", "k", rule)->allowed);
  EXPECT_TRUE(rl.take("t", "k", rule)->allowed);
  EXPECT_FALSE(rl.peek("t", "k", rule)->allowed);
  EXPECT_FALSE(rl.take("t", "k", rule)->allowed);
  ASSERT_TRUE(rl.reset("t", "k").ok());
  EXPECT_TRUE(rl.take("t", "k", rule)->allowed);
}

TEST(RateLimiter, KeysExpireOnceTheBucketIsFullAgain) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 1);
  RateLimiter rl(pool);
  ASSERT_TRUE(rl.take("t", "k", LimitRule{3, kHour})->allowed);
  int64_t ttl = std::stoll(srv.cli("PTTL jb:rl:t:k"));
  EXPECT_GT(ttl, 20 * 60 * 1000 - 5000);  // one unit of three an hour = 20 minutes
  EXPECT_LE(ttl, 20 * 60 * 1000);
}

TEST(RateLimiter, RefillsOnTheRedisClock) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 1);
  RateLimiter rl(pool);
  LimitRule rule{2, 400};  // a unit every 200 ms
  EXPECT_TRUE(rl.take("t", "k", rule)->allowed);
  EXPECT_TRUE(rl.take("t", "k", rule)->allowed);
  auto d = rl.take("t", "k", rule);
  ASSERT_TRUE(d.ok());
  if (!d->allowed) {
    EXPECT_LE(d->retry_after_ms, 200);
  }
  EXPECT_TRUE(eventually([&] { return rl.take("t", "k", rule)->allowed; }));
}

TEST(RateLimiter, RacingThreadsGetExactlyTheBurstBetweenThem) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 8);
  RateLimiter rl(pool);
  LimitRule rule{137, kHour};
  std::atomic<int> allowed{0}, denied{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto d = rl.take("race", "k", rule);
        if (!d.ok())
          ++errors;
        else if (d->allowed)
          ++allowed;
        else
          ++denied;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(allowed.load(), 137);
  EXPECT_EQ(denied.load(), 800 - 137);
}

TEST(RateLimiter, TwoPoolsOnOneRedisShareTheBuckets) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool a(opts_for(srv), 2), b(opts_for(srv), 2);
  RateLimiter ra(a), rb(b);
  LimitRule rule{4, kHour};
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    allowed += ra.take("shared", "k", rule)->allowed ? 1 : 0;
    allowed += rb.take("shared", "k", rule)->allowed ? 1 : 0;
  }
  EXPECT_EQ(allowed, 4);
}

TEST(RateLimiter, RedisDownIsAnErrorNotADecision) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 1);
  RateLimiter rl(pool);
  ASSERT_TRUE(srv.stop());
  auto d = rl.take("t", "k", LimitRule{1, 1000});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code.rfind("redis_", 0), 0u) << d.error().code;
}
