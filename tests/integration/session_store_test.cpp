// Integration tests of auth-service's session store and authenticator against
// a real redis-server: hashing at rest, sliding expiry, absolute lifetime,
// revocation, CSRF for cookie-authenticated changes.
#include "auth-service/sessions/session_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "auth-service/sessions/authenticator.h"
#include "common/core/crypto.h"
#include "common/core/time.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::auth;
using jb::testing::RedisServer;

namespace {
RedisPool pool_for(const RedisServer& s) {
  return RedisPool(*parse_redis_url(s.url()), 2);
}

http::Request request(const std::string& method, const std::string& bearer,
                      const std::string& cookie, const std::string& csrf = "") {
  http::Request r;
  r.method = method;
  if (!bearer.empty()) r.headers.emplace_back("Authorization", "Bearer " + bearer);
  if (!cookie.empty()) r.cookies[kSessionCookie] = cookie;
  if (!csrf.empty()) r.headers.emplace_back("X-CSRF-Token", csrf);
  return r;
}
}  // namespace

TEST(Sessions, TokensAre256BitAndStoredOnlyAsHashes) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionStore store(redis, SessionPolicy{});
  auto s = store.create(SessionUser{"u1", "alice", true});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->token.size(), 47u);  // "jbs_" + 43 base64url chars = 256 bits
  EXPECT_TRUE(SessionStore::looks_like_token(s->token));
  std::string dump = srv.cli("--scan") + srv.cli("HGETALL jb:session:" + s->token_hash);
  EXPECT_EQ(dump.find(s->token), std::string::npos);
  EXPECT_EQ(dump.find(s->token.substr(4)), std::string::npos);
  EXPECT_NE(dump.find(crypto::sha256_hex(s->token)), std::string::npos);
  auto again = store.lookup(s->token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->user.name, "alice");
  EXPECT_TRUE(again->user.is_admin);
  EXPECT_EQ(again->csrf, s->csrf);
}

TEST(Sessions, UnknownMalformedAndRevokedTokensAre401) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionStore store(redis, SessionPolicy{});
  for (const char* bad : {"", "x", "jbs_short", "jbs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                          "Bearer jbs_x", "jbs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"'"}) {
    auto r = store.lookup(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().http_status, 401);
  }
  auto s = store.create(SessionUser{"u1", "alice", false});
  ASSERT_TRUE(store.revoke(s->token).ok());
  EXPECT_FALSE(store.lookup(s->token).ok());
  auto a = store.create(SessionUser{"u2", "bob", false});
  auto b = store.create(SessionUser{"u2", "bob", false});
  ASSERT_TRUE(store.revoke_all("u2").ok());
  EXPECT_FALSE(store.lookup(a->token).ok());
  EXPECT_FALSE(store.lookup(b->token).ok());
}

// Time is moved in Redis, not waited for: the session's TTL is shortened (as
// if it had been idle) and its creation time pushed back (as if it were old).
TEST(Sessions, ExpirySlidesWithUseAndHasAnAbsoluteLimit) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionPolicy p;
  p.idle_ms = 600000;
  p.max_ms = 3600000;
  SessionStore store(redis, p);
  auto s = store.create(SessionUser{"u1", "alice", false});
  ASSERT_TRUE(s.ok());
  std::string key = "jb:session:" + s->token_hash;
  auto ttl = [&] { return redis.command({"PTTL", key})->integer; };
  EXPECT_GT(ttl(), 590000);
  // Nearly idle for the whole period: a use slides the expiry back to the full idle time.
  ASSERT_TRUE(redis.command({"PEXPIRE", key, "5000"}).ok());
  ASSERT_TRUE(store.lookup(s->token).ok());
  EXPECT_GT(ttl(), 590000) << "sliding";
  // Created longer ago than the absolute limit: refused however recently used.
  int64_t old = timeutil::now_unix_ms() - p.max_ms - 1000;
  ASSERT_TRUE(redis.command({"HSET", key, "created", std::to_string(old)}).ok());
  EXPECT_FALSE(store.lookup(s->token).ok());
  // Unused for the idle period: Redis expires it.
  auto t = store.create(SessionUser{"u1", "alice", false});
  ASSERT_TRUE(t.ok());
  std::string tkey = "jb:session:" + t->token_hash;
  ASSERT_TRUE(redis.command({"PEXPIRE", tkey, "1"}).ok());
  ASSERT_TRUE(jb::testing::eventually([&] {
    return redis.command({"EXISTS", tkey})->integer == 0;
  }));
  EXPECT_FALSE(store.lookup(t->token).ok());
}

TEST(Authenticator, BearerOrCookieAndCsrfForCookieMutations) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionStore store(redis, SessionPolicy{});
  Authenticator auth(store, true);
  auto s = store.create(SessionUser{"u1", "alice", false});
  EXPECT_TRUE(auth.authenticate(request("GET", s->token, "")).ok());
  EXPECT_TRUE(auth.authenticate(request("POST", s->token, "")).ok());  // bearer: no CSRF needed
  EXPECT_TRUE(auth.authenticate(request("GET", "", s->token)).ok());
  auto no_csrf = auth.authenticate(request("POST", "", s->token));
  ASSERT_FALSE(no_csrf.ok());
  EXPECT_EQ(no_csrf.error().code, "csrf_failed");
  EXPECT_EQ(no_csrf.error().http_status, 403);
  EXPECT_FALSE(auth.authenticate(request("DELETE", "", s->token, "wrong")).ok());
  EXPECT_TRUE(auth.authenticate(request("DELETE", "", s->token, s->csrf)).ok());
  auto none = auth.authenticate(request("GET", "", ""));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "unauthenticated");
  http::Cookie c = auth.session_cookie(*s);
  EXPECT_TRUE(c.http_only);
  EXPECT_TRUE(c.secure);
  EXPECT_EQ(c.same_site, "Strict");
}
