// Unit tests of rate_limiter.h's pure parts (rules, Retry-After rounding).
// The Lua script is tested against a real redis-server in
// tests/integration/rate_limiter_test.cpp.
#include "common/redis/rate_limiter.h"

#include <gtest/gtest.h>

using namespace jb;

TEST(RateLimitRule, GoodRulesAndCostsPass) {
  EXPECT_EQ(check_rule({1, 1}, 1), "");
  EXPECT_EQ(check_rule({10, 60000}, 0), "");
  EXPECT_EQ(check_rule({10, 60000}, 10), "");
}

TEST(RateLimitRule, BadRulesAndCostsAreRefusedWithAReason) {
  EXPECT_NE(check_rule({0, 1000}, 1), "");
  EXPECT_NE(check_rule({-3, 1000}, 1), "");
  EXPECT_NE(check_rule({5, 0}, 1), "");
  EXPECT_NE(check_rule({5, 400LL * 24 * 3600 * 1000}, 1), "");
  EXPECT_NE(check_rule({5, 1000}, -1), "");
  EXPECT_NE(check_rule({5, 1000}, 6), "") << "a cost above the burst could never be allowed";
}

TEST(RateLimitRetryAfter, WholeSecondsRoundedUpAndNeverZero) {
  EXPECT_EQ(retry_after_seconds(0), 1);
  EXPECT_EQ(retry_after_seconds(1), 1);
  EXPECT_EQ(retry_after_seconds(1000), 1);
  EXPECT_EQ(retry_after_seconds(1001), 2);
  EXPECT_EQ(retry_after_seconds(59999), 60);
  EXPECT_EQ(retry_after_seconds(86400000), 86400);
}

TEST(RateLimitKeys, BucketAndKeyAreBothInTheRedisKey) {
  EXPECT_EQ(RateLimiter::redis_key("signin_ip", "2001:db8::/64"), "jb:rl:signin_ip:2001:db8::/64");
}
