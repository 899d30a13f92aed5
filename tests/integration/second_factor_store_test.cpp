// Integration tests of auth-service's second-factor store
// (auth-service/security/second_factor_store.h) against a real redis-server:
// the TOTP replay floor holds across replicas and restarts, and a recovery
// code is used once — also when twenty submissions of it race.
#include "auth-service/security/second_factor_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <thread>
#include <vector>

#include "common/core/recovery_codes.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::auth;
using jb::testing::RedisServer;

namespace {
RedisOptions opts_for(const RedisServer& s) {
  return *parse_redis_url(s.url());
}
}  // namespace

// A step, once accepted, is refused everywhere afterwards: on this replica, on
// another, after a restart; older steps too; the next step passes.
TEST(SecondFactorStore, ATotpStepIsAcceptedOnceAcrossReplicasAndRestarts) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  const int64_t step = 59704123;
  {
    SecondFactorStore replica_a(redis);
    EXPECT_TRUE(*replica_a.accept_step("u1", step));
    EXPECT_FALSE(*replica_a.accept_step("u1", step)) << "the same code again";
    EXPECT_FALSE(*replica_a.accept_step("u1", step - 1)) << "an older code";
    EXPECT_TRUE(*replica_a.accept_step("u2", step)) << "another user has a floor of their own";
  }
  RedisPool after_restart(opts_for(srv), 2);
  SecondFactorStore replica_b(after_restart);
  EXPECT_FALSE(*replica_b.accept_step("u1", step));
  EXPECT_TRUE(*replica_b.accept_step("u1", step + 1));
  // Twenty submissions of one fresh code at once: exactly one passes.
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&] {
      RedisPool own(opts_for(srv), 1);
      SecondFactorStore s(own);
      auto r = s.accept_step("u1", step + 2);
      if (r.ok() && *r) passed++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(passed.load(), 1);
}

TEST(SecondFactorStore, RecoveryCodesAreStoredHashedAndEachWorksOnce) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SecondFactorStore store(redis);
  auto codes = recovery::generate();
  ASSERT_TRUE(store.set_recovery_codes("u1", codes).ok());
  EXPECT_EQ(*store.recovery_codes_left("u1"), 10);
  // Only hashes at rest: no code appears in Redis in any form.
  auto all = redis.command({"HGETALL", SecondFactorStore::recovery_key("u1")});
  ASSERT_TRUE(all.ok());
  for (const auto& c : codes)
    for (const auto& e : all->elements) {
      EXPECT_EQ(e.str.find(c), std::string::npos);
      EXPECT_EQ(e.str.find(*recovery::normalize(c)), std::string::npos);
    }
  // Typed loosely (lower case, spaces), it works once.
  std::string typed = codes[3];
  for (auto& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  typed[5] = ' ';
  EXPECT_TRUE(*store.consume_recovery_code("u1", typed));
  EXPECT_FALSE(*store.consume_recovery_code("u1", codes[3])) << "used up";
  EXPECT_EQ(*store.recovery_codes_left("u1"), 9);
  EXPECT_FALSE(*store.consume_recovery_code("u1", "ABCDE-FGHJK")) << "never issued";
  EXPECT_FALSE(*store.consume_recovery_code("u1", "not a code"));
  EXPECT_FALSE(*store.consume_recovery_code("u2", codes[4])) << "another user's code";
  // Regenerating replaces every old code.
  auto fresh = recovery::generate();
  ASSERT_TRUE(store.set_recovery_codes("u1", fresh).ok());
  EXPECT_FALSE(*store.consume_recovery_code("u1", codes[4]));
  EXPECT_TRUE(*store.consume_recovery_code("u1", fresh[0]));
  ASSERT_TRUE(store.clear_recovery_codes("u1").ok());
  EXPECT_EQ(*store.recovery_codes_left("u1"), 0);
  EXPECT_FALSE(*store.consume_recovery_code("u1", fresh[1]));
}

TEST(SecondFactorStore, ARecoveryCodeSubmittedTwentyTimesAtOnceWorksExactlyOnce) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(opts_for(srv), 2);
  SecondFactorStore store(redis);
  auto codes = recovery::generate();
  ASSERT_TRUE(store.set_recovery_codes("u1", codes).ok());
  std::atomic<int> passed{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&] {
      RedisPool own(opts_for(srv), 1);
      SecondFactorStore s(own);
      auto r = s.consume_recovery_code("u1", codes[7]);
      if (!r.ok())
        errors++;
      else if (*r)
        passed++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(passed.load(), 1);
  EXPECT_EQ(*store.recovery_codes_left("u1"), 9);
}
