// Unit tests for redis.h that need no server (URL parsing, dead-server
// behaviour). The live-server tests are in tests/integration/redis_client_test.cpp.
#include "common/redis/client.h"

#include <gtest/gtest.h>

#include "common/core/time.h"

using namespace jb;

TEST(RedisUrl, Parses) {
  auto o = parse_redis_url("redis://:p%40ss@redis.local:6380/3");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "redis.local");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->password, "p@ss");
  EXPECT_EQ(o->db, 3);
  auto d = parse_redis_url("redis://127.0.0.1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);
}

TEST(RedisUrl, RejectsBadUrlsWithoutEchoingThePassword) {
  for (const char* u :
       {"http://x", "redis://", "redis://h:0", "redis://h:99999", "redis://h/x", "redis://h/99"}) {
    auto o = parse_redis_url(u);
    EXPECT_FALSE(o.ok()) << u;
  }
  auto o = parse_redis_url("redis://:topsecret@h:abc");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().message.find("topsecret"), std::string::npos);
}

// Found by fuzz/redis_url_fuzz.cpp: libcurl refuses to decode a password with an encoded
// control character, and the URL was accepted with no password at all.
TEST(RedisUrl, EveryEncodedPasswordIsKept) {
  auto o = parse_redis_url("redis://:pa%0Ass@host:6379/1");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->password, "pa\nss");
  auto nul = parse_redis_url("redis://:a%00b@host");
  ASSERT_TRUE(nul.ok());
  EXPECT_EQ(nul->password, std::string("a\0b", 3));
  auto plus = parse_redis_url("redis://:a+b%2Bc@host");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(plus->password, "a+b+c");  // a URL's '+' is a plus, not a space
}

// Found by fuzz/redis_url_fuzz.cpp: libcurl decodes a percent-encoded host once, so
// "redis://h%25" was accepted with host "h%", which no resolver knows: the service started
// and failed later instead of naming JB_REDIS_URL at start.
TEST(RedisUrl, RejectsHostsLeftPercentEncoded) {
  for (const char* u : {"redis://h%25", "redis://%1%31", "redis://%25%32%35:6379"})
    EXPECT_FALSE(parse_redis_url(u).ok()) << u;
  auto decoded = parse_redis_url("redis://redis%2Elocal:6380");  // decoded once: a real name
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->host, "redis.local");
}

TEST(RedisReplyShapes, PairsBecomeAMapAndMapsBecomeHset) {
  RedisReply r;
  r.type = RedisReply::Type::array;
  for (const char* s : {"b", "2", "a", "placeholder", "dangling"}) {
    RedisReply e;
    e.type = RedisReply::Type::string;
    e.str = s;
    r.elements.push_back(e);
  }
  r.elements[3].str = std::string("\0x", 2);  // a binary value
  auto m = r.as_map();
  ASSERT_EQ(m.size(), 2u);  // the odd trailing element is ignored
  EXPECT_EQ(m["b"], "2");
  EXPECT_EQ(m["a"], std::string("\0x", 2));
  EXPECT_TRUE(RedisReply{}.as_map().empty());

  EXPECT_EQ(hset_argv("k", m), (RedisArgv{"HSET", "k", "a", std::string("\0x", 2), "b", "2"}));
  EXPECT_EQ(hset_argv("k", {}), (RedisArgv{"HSET", "k"}));
}

TEST(RedisConnection, DeadServerFailsFastWithBackoff) {
  RedisOptions o;
  o.port = 1;  // nothing listens there
  o.min_backoff_ms = 500;
  RedisConnection c(o);
  auto r1 = c.command({"PING"});
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, "redis_unavailable");
  int64_t t0 = timeutil::monotonic_ms();
  auto r2 = c.command({"PING"});  // inside the backoff window: no connect attempt
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("retrying in"), std::string::npos) << r2.error().message;
  EXPECT_LT(timeutil::monotonic_ms() - t0, 100);
  EXPECT_EQ(c.connects(), 0u);
}
