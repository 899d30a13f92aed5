// Integration tests of the sign-up human check's single use
// (auth-service/accounts/human_check_store.h) against a real redis-server: an
// answer is redeemed once, a second redeem is human_check_reused, twenty
// threads redeeming one answer at once let exactly one through, a bad or
// expired answer writes nothing, and the used mark lives no longer than the
// challenge would have.
//
// Thread-safety: one test thread (the race test starts its own).
#include "auth-service/accounts/human_check_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "common/core/json.h"
#include "common/core/time.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::accounts;
using jb::testing::RedisServer;

namespace {

const std::string kKey = "integration-test-key-of-32-bytes";

std::string payload_for(const PowChallenge& c) {
  std::string p = solve_pow_payload(c);
  EXPECT_FALSE(p.empty());
  return p;
}

}  // namespace

TEST(HumanCheckStore, AnAnswerIsRedeemedOnce) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 2);
  HumanCheck check(redis, kKey, 1000, 600);
  int64_t now = timeutil::now_unix_s();
  PowChallenge c = check.issue(now);
  EXPECT_EQ(c.maxnumber, 1000);
  EXPECT_TRUE(c.salt.ends_with("?expires=" + std::to_string(now + 600) + "&"));
  std::string p = payload_for(c);

  Status first = check.redeem(p, now);
  ASSERT_TRUE(first.ok()) << first.error().message;
  Status again = check.redeem(p, now);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, errc::human_check_reused);
  EXPECT_EQ(again.error().http_status, 400);
  EXPECT_EQ(srv.cli("EXISTS " + HumanCheck::used_key(c.challenge)), "1\n");
  EXPECT_EQ(srv.cli("GET " + HumanCheck::used_key(c.challenge)), "1\n");

  // Another challenge is redeemed independently; the used mark names only a hash.
  PowChallenge d = check.issue(now);
  EXPECT_TRUE(check.redeem(payload_for(d), now).ok());
  std::string keys = srv.cli("--scan --pattern 'jb:human:*'");
  EXPECT_NE(keys.find(HumanCheck::used_key(d.challenge)), std::string::npos) << keys;
  EXPECT_EQ(keys.find(c.challenge), std::string::npos) << "the key is a hash of the challenge";
  EXPECT_EQ(srv.cli("DBSIZE"), "2\n");
}

TEST(HumanCheckStore, TwentyThreadsRedeemingOneAnswerLetOneThrough) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 8);
  HumanCheck check(redis, kKey, 1000, 600);
  int64_t now = timeutil::now_unix_s();
  std::string p = payload_for(check.issue(now));

  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::atomic<int> passed{0}, reused{0}, other{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 20; ++i)
    racers.emplace_back([&] {
      start.wait();
      Status s = check.redeem(p, now);
      if (s.ok())
        ++passed;
      else if (s.error().code == errc::human_check_reused)
        ++reused;
      else
        ++other;
    });
  go.set_value();
  for (auto& t : racers) t.join();
  EXPECT_EQ(passed.load(), 1);
  EXPECT_EQ(reused.load(), 19);
  EXPECT_EQ(other.load(), 0);
}

TEST(HumanCheckStore, ABadOrExpiredAnswerWritesNothing) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 2);
  HumanCheck check(redis, kKey, 1000, 600);
  int64_t now = timeutil::now_unix_s();

  std::string old = payload_for(check.issue(now - 700));  // expired 100 s ago
  Status expired = check.redeem(old, now);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, errc::human_check_failed);
  EXPECT_EQ(expired.error().http_status, 400);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(check.redeem(old, now).error().code, errc::human_check_failed)
      << "still expired, not reused";

  HumanCheck other_key(redis, "another key", 1000, 600);
  Status foreign = check.redeem(payload_for(other_key.issue(now)), now);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, errc::human_check_failed);

  Status garbage = check.redeem("not a payload", now);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, errc::human_check_failed);
  EXPECT_EQ(check.redeem(std::string(2000, 'A'), now).error().code, errc::human_check_failed);

  EXPECT_EQ(srv.cli("DBSIZE"), "0\n") << "failed answers write nothing";
}

TEST(HumanCheckStore, TheUsedMarkLivesNoLongerThanTheChallenge) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 2);
  HumanCheck check(redis, kKey, 1000, 600);
  int64_t now = timeutil::now_unix_s();

  PowChallenge fresh = check.issue(now);
  ASSERT_TRUE(check.redeem(payload_for(fresh), now).ok());
  int64_t ttl = std::stoll(srv.cli("PTTL " + HumanCheck::used_key(fresh.challenge)));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 600'000);

  // Redeemed 500 s into its 600: the mark lives at most the 100 s left.
  PowChallenge late = check.issue(now - 500);
  ASSERT_TRUE(check.redeem(payload_for(late), now).ok());
  ttl = std::stoll(srv.cli("PTTL " + HumanCheck::used_key(late.challenge)));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 100'000);
}
