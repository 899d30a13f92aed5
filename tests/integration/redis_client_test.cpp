// Integration tests of common/redis/client.h against a real redis-server: binary
// safety, pipelining, timeouts, authentication, pool concurrency, and a Redis
// restart in the middle of the test that the client recovers from.
#include <gtest/gtest.h>

#include <thread>

#include "common/core/time.h"
#include "common/redis/client.h"
#include "tests/support/redis_server.h"

using namespace jb;
using jb::testing::RedisServer;

namespace {
RedisOptions opts_for(const RedisServer& s) {
  auto o = parse_redis_url(s.url());
  EXPECT_TRUE(o.ok());
  RedisOptions r = *o;
  r.min_backoff_ms = 50;
  r.max_backoff_ms = 200;
  return r;
}
}  // namespace

TEST(RedisClient, BinarySafeArgvAndReplies) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  std::string value("a\0b\r\n$3\r\nc", 10);
  std::string key("k\0ey", 4);
  ASSERT_TRUE(c.command({"SET", key, value}).ok());
  auto r = c.command({"GET", key});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_string());
  EXPECT_EQ(r->str, value);
  auto nil = c.command({"GET", "missing"});
  ASSERT_TRUE(nil.ok());
  EXPECT_TRUE(nil->is_nil());
  auto arr = c.command({"MGET", key, "missing"});
  ASSERT_TRUE(arr->is_array());
  EXPECT_EQ(arr->elements.size(), 2u);
}

TEST(RedisClient, ErrorRepliesAreErrorsNotCrashes) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  ASSERT_TRUE(c.command({"SET", "s", "x"}).ok());
  auto r = c.command({"INCR", "s"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "redis_error");
  EXPECT_NE(r.error().message.find("not an integer"), std::string::npos);
  EXPECT_TRUE(c.command({"PING"}).ok());  // the connection is still usable
}

TEST(RedisClient, PipelineKeepsOrderAndInPlaceErrors) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  std::vector<RedisArgv> cmds;
  for (int i = 0; i < 1000; ++i) cmds.push_back({"INCR", "counter"});
  cmds.push_back({"HSET", "counter", "f", "v"});  // WRONGTYPE
  cmds.push_back({"GET", "counter"});
  auto r = c.pipeline(cmds);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1002u);
  EXPECT_EQ((*r)[999].integer, 1000);
  EXPECT_TRUE((*r)[1000].is_error());
  EXPECT_EQ((*r)[1001].str, "1000");
}

TEST(RedisClient, CommandTimeoutThenRecovery) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisOptions o = opts_for(srv);
  o.command_timeout_ms = 200;
  RedisConnection c(o);
  ASSERT_TRUE(c.command({"PING"}).ok());
  int64_t t0 = timeutil::monotonic_ms();
  auto r = c.command({"BLPOP", "empty-list", "2"});  // blocks 2 s server-side
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "redis_timeout");
  EXPECT_LT(timeutil::monotonic_ms() - t0, 1500);
  // The timeout is re-applied on the new connection too.
  ASSERT_TRUE(c.command({"PING"}).ok());
  EXPECT_EQ(c.connects(), 2u);
  t0 = timeutil::monotonic_ms();
  EXPECT_FALSE(c.command({"BLPOP", "empty-list", "2"}).ok());
  EXPECT_LT(timeutil::monotonic_ms() - t0, 1500);
  // A blocking command with its own longer timeout works.
  ASSERT_TRUE(c.command({"RPUSH", "l", "x"}).ok());
  auto b = c.command_with_timeout({"BLPOP", "l", "1"}, 3000);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->elements.at(1).str, "x");
}

TEST(RedisClient, AuthenticationAndWrongPassword) {
  RedisServer srv("s3cret-pw");
  ASSERT_TRUE(srv.ok());
  RedisConnection good(opts_for(srv));
  EXPECT_TRUE(good.command({"PING"}).ok());
  RedisOptions bad = opts_for(srv);
  bad.password = "wrong-pw";
  RedisConnection c(bad);
  auto r = c.command({"PING"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "redis_unavailable");
  EXPECT_NE(r.error().message.find("authentication failed"), std::string::npos);
  EXPECT_EQ(r.error().message.find("wrong-pw"), std::string::npos);
}

TEST(RedisClient, SurvivesARedisRestartMidTest) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 2);
  ASSERT_TRUE(pool.command({"SET", "durable", "yes"}).ok());
  ASSERT_TRUE(srv.stop());
  // Redis is down: errors, never a crash or a hang.
  for (int i = 0; i < 3; ++i) {
    int64_t t0 = timeutil::monotonic_ms();
    auto r = pool.command({"GET", "durable"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "redis_unavailable");
    EXPECT_LT(timeutil::monotonic_ms() - t0, 2000);
  }
  ASSERT_TRUE(srv.start());
  // Back: within the backoff window the client reconnects and the AOF kept the data.
  Result<RedisReply> r = Error("x", "x");
  for (int i = 0; i < 50; ++i) {
    r = pool.command({"GET", "durable"});
    if (r.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->str, "yes");
}

TEST(RedisClient, RestartWhileConnectedIsRetriedTransparently) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  ASSERT_TRUE(c.command({"SET", "k", "v"}).ok());
  ASSERT_TRUE(srv.restart());
  // The old socket is dead; the first command after the restart reconnects and succeeds.
  auto r = c.command({"GET", "k"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->str, "v");
}

TEST(RedisClient, PoolSharedByThreads) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool pool(opts_for(srv), 4);
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 250; ++i) ASSERT_TRUE(pool.command({"INCR", "n"}).ok());
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(pool.command({"GET", "n"})->str, "2000");
}
