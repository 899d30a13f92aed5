// Integration tests of auth-service's session store and authenticator against
// a real redis-server: hashing at rest, sliding expiry, absolute lifetime,
// revocation, CSRF for cookie-authenticated changes.
#include "auth-service/sessions/session_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "auth-service/sessions/authenticator.h"
#include "common/core/crypto.h"
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

TEST(Sessions, ExpirySlidesWithUseAndHasAnAbsoluteLimit) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionPolicy p;
  p.idle_ms = 600;
  p.max_ms = 2500;
  SessionStore store(redis, p);
  auto s = store.create(SessionUser{"u1", "alice", false});
  // Used every 300 ms, it outlives its 600 ms idle expiry…
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(store.lookup(s->token).ok()) << "use " << i;
  }
  // …but not its absolute lifetime.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (void)store.lookup(s->token);
  }
  EXPECT_FALSE(store.lookup(s->token).ok());
  // Unused, it expires after the idle period.
  auto t = store.create(SessionUser{"u1", "alice", false});
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
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
