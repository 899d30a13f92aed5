// Integration tests of auth-service's session store and authenticator against
// a real redis-server: hashing at rest, sliding expiry, absolute lifetime,
// revocation, CSRF for cookie-authenticated changes.
#include "auth-service/sessions/session_store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

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
  http::Cookie c = auth.session_cookie(*s, request("GET", s->token, ""));
  EXPECT_TRUE(c.http_only);
  EXPECT_TRUE(c.secure);
  EXPECT_EQ(c.same_site, "Strict");
}

// The per-user index: list (with where each session was created), revoke one
// by its public id (only the owner's), revoke all but the current one.
TEST(SessionIndex, ListsRevokesOneByIdAndAllOthers) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionStore store(redis, SessionPolicy{});
  auto a = store.create(SessionUser{"u1", "alice", false}, {"192.0.2.1", "curl/8.0"});
  auto b = store.create(SessionUser{"u1", "alice", false}, {"192.0.2.2", "Firefox\x01\n/1"});
  auto c = store.create(SessionUser{"u1", "alice", false}, {"2001:db8::1", ""});
  auto other = store.create(SessionUser{"u2", "bob", false}, {"192.0.2.9", "x"});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && other.ok());
  auto list = store.list("u1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  std::set<std::string> ips, agents, ids;
  for (const auto& s : *list) {
    ips.insert(s.ip);
    agents.insert(s.user_agent);
    ids.insert(s.id);
    EXPECT_EQ(s.id.size(), 32u);
    EXPECT_GE(s.last_used_ms, s.created_ms);
    EXPECT_GT(s.expires_ms, s.created_ms);
    for (const auto* t : {&*a, &*b, &*c}) {  // the handle is neither the token nor its hash
      EXPECT_EQ(t->token.find(s.id), std::string::npos);
      EXPECT_EQ(t->token_hash.find(s.id), std::string::npos);
    }
  }
  EXPECT_EQ(ips, (std::set<std::string>{"192.0.2.1", "192.0.2.2", "2001:db8::1"}));
  EXPECT_TRUE(agents.count("Firefox/1")) << "control characters are dropped";
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_TRUE(ids.count(SessionStore::public_id(a->token_hash)));

  // Another user's id is unknown to this user; the owner can revoke it.
  std::string bid = SessionStore::public_id(b->token_hash);
  EXPECT_FALSE(*store.revoke_by_id("u2", bid));
  EXPECT_TRUE(store.lookup(b->token).ok());
  EXPECT_TRUE(*store.revoke_by_id("u1", bid));
  EXPECT_FALSE(store.lookup(b->token).ok());
  EXPECT_FALSE(*store.revoke_by_id("u1", bid)) << "already gone";

  // All others but the current one.
  auto n = store.revoke_others("u1", c->token_hash);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(store.lookup(a->token).ok());
  EXPECT_TRUE(store.lookup(c->token).ok());
  EXPECT_TRUE(store.lookup(other->token).ok()) << "another user's sessions are untouched";
  EXPECT_EQ(store.list("u1")->size(), 1u);
  EXPECT_EQ(store.list("u2")->size(), 1u);
}

TEST(SessionIndex, RevokeAllCountsAndExpiredSessionsLeaveTheIndex) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  SessionStore store(redis, SessionPolicy{});
  auto a = store.create(SessionUser{"u1", "alice", false});
  auto b = store.create(SessionUser{"u1", "alice", false});
  auto gone = store.create(SessionUser{"u1", "alice", false});
  ASSERT_TRUE(a.ok() && b.ok() && gone.ok());
  // One expires by itself (idle): list() drops it from the index.
  ASSERT_TRUE(redis.command({"DEL", "jb:session:" + gone->token_hash}).ok());
  EXPECT_EQ(store.list("u1")->size(), 2u);
  EXPECT_EQ(redis.command({"SISMEMBER", "jb:user:u1:sessions", gone->token_hash})->integer, 0);
  auto n = store.revoke_all("u1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(store.lookup(a->token).ok());
  EXPECT_FALSE(store.lookup(b->token).ok());
  EXPECT_EQ(redis.command({"EXISTS", "jb:user:u1:sessions"})->integer, 0);
  EXPECT_EQ(*store.revoke_all("u1"), 0);
  EXPECT_TRUE(store.list("u1")->empty());
}

// Sessions created while all of the user's sessions are being revoked are
// either revoked or indexed: none survives outside the index (where a later
// revoke_all could not find it).
TEST(SessionIndex, NoSessionEscapesTheIndexWhileRevokingConcurrently) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 6);
  SessionStore store(redis, SessionPolicy{});
  std::vector<Session> made[2];
  std::vector<std::thread> creators;
  for (int t = 0; t < 2; ++t)
    creators.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        auto s = store.create(SessionUser{"u1", "alice", false});
        if (s.ok()) made[t].push_back(*s);
      }
    });
  std::thread revoker([&] {
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(store.revoke_all("u1").ok());
  });
  for (auto& t : creators) t.join();
  revoker.join();
  size_t alive = 0;
  for (const auto& v : made)
    for (const auto& s : v) {
      bool live = redis.command({"EXISTS", "jb:session:" + s.token_hash})->integer == 1;
      if (!live) continue;
      ++alive;
      EXPECT_EQ(redis.command({"SISMEMBER", "jb:user:u1:sessions", s.token_hash})->integer, 1);
    }
  EXPECT_EQ(made[0].size() + made[1].size(), 300u);
  auto n = store.revoke_all("u1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(static_cast<size_t>(*n), alive);
}
