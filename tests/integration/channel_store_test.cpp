// Integration tests of auth-service's ChannelStore on a real redis-server:
// secrets are sealed (never in clear in Redis), bound to their user and
// channel, and survive a vault key rotation (reseal).
#include "auth-service/notify/channel_store.h"

#include <gtest/gtest.h>

#include "tests/support/redis_dump.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::auth;

namespace {

crypto::KeyRing ring_of(std::vector<crypto::Key> keys) {
  crypto::KeyRing r;
  for (auto& k : keys) r.add(k);
  return r;
}

}  // namespace

TEST(ChannelStore, SecretsAreSealedAndSurviveAKeyRotation) {
  jb::testing::RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 2);
  crypto::Key old_key = crypto::KeyRing::generate("k1"), new_key = crypto::KeyRing::generate("k2");
  Vault before(ring_of({old_key}));
  ChannelStore store(redis, before, 10);
  auto made = store.create("u1", {"webhook", "Hook", "https://example.org/h", "whsec_clear", {}});
  ASSERT_TRUE(made.ok());
  auto conn = redis.acquire();
  auto dump = jb::testing::redis_dump(*conn);
  ASSERT_TRUE(dump.ok());
  EXPECT_EQ(dump->find("whsec_clear"), std::string::npos);
  // Another user's key for the same channel id does not open it.
  auto other = store.target("u2", made->id);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());

  Vault rotating(ring_of({new_key, old_key}));
  ChannelStore during(redis, rotating, 10);
  auto n = during.reseal();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(*during.reseal(), 0) << "already under the primary key";

  Vault after(ring_of({new_key}));
  ChannelStore now(redis, after, 10);
  auto t = now.target("u1", made->id);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->secret, "whsec_clear");
}
