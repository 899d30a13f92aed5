// Integration tests of auth-service's device pairing store
// (auth-service/security/pairing_store.h) against a real redis-server:
// approve, deny and expiry as the device sees them; an approval is handed out
// once and made once, also when twenty users race for one code; requests
// naming a user are listed for that user only and capped; only hashes of the
// polling id and the code are stored.
#include "auth-service/security/pairing_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/core/text.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_dump.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::auth;
using jb::testing::eventually;
using jb::testing::RedisServer;

namespace {

RedisOptions opts_for(const RedisServer& s) {
  return *parse_redis_url(s.url());
}

// A fresh redis-server and a pool on it.
class PairingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(srv.ok()); }
  RedisServer srv;
  RedisPool redis{opts_for(srv), 2};
};

const SessionOrigin kTv{"203.0.113.7", "TV-App/1.0"};
const SessionUser kAlice{"a11ce000a11ce000a11ce000a11ce000", "Alice", false};
const SessionUser kBob{"b0b00000b0b00000b0b00000b0b00000", "bob", true};

std::string state_of(PairingStore& s, const std::string& id) {
  auto p = s.poll(id);
  if (!p.ok()) return "error: " + p.error().message;
  return *p ? (*p)->state : "unknown";
}

// The code as a person might type it: lower case, a space for the dash.
std::string typed(const std::string& code) {
  std::string out = text::to_lower(code);
  out[3] = ' ';
  return out;
}

}  // namespace

TEST_F(PairingStoreTest, AnApprovedDeviceCollectsItsUserOnceAndOnlyHashesAreStored) {
  PairingStore store(redis);
  auto p = store.create("Living-room TV", "alice", kTv);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(looks_like_pairing_id(p->id));
  EXPECT_TRUE(normalize_pairing_code(p->code));
  EXPECT_GT(p->request.expires_ms, p->request.created_ms);
  EXPECT_EQ(p->request.expires_ms - p->request.created_ms, 10 * 60 * 1000);
  EXPECT_EQ(state_of(store, p->id), "pending");

  // Listed for alice in any case, for nobody else; neither secret in Redis.
  auto listed = store.pending_for("ALICE");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].handle, p->request.handle);
  EXPECT_EQ((*listed)[0].device_name, "Living-room TV");
  EXPECT_EQ((*listed)[0].ip, "203.0.113.7");
  EXPECT_EQ((*listed)[0].user_agent, "TV-App/1.0");
  EXPECT_TRUE(store.pending_for("bob")->empty());
  RedisConnection c(opts_for(srv));
  auto dump = jb::testing::redis_dump(c);
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("Living-room TV"), std::string::npos) << "the dump covers the record";
  EXPECT_EQ(dump->find(p->id), std::string::npos);
  EXPECT_EQ(dump->find(p->id.substr(4)), std::string::npos);
  EXPECT_EQ(dump->find(p->code), std::string::npos);
  EXPECT_EQ(dump->find(*normalize_pairing_code(p->code)), std::string::npos);

  // Another user cannot approve a request naming alice, even with the code.
  EXPECT_FALSE(*store.approve(p->code, kBob));
  EXPECT_FALSE(*store.approve("ZZZ-ZZZ", kAlice)) << "a wrong code";
  auto ok = store.approve(typed(p->code), kAlice);
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(*ok) << "typed loosely, it works";
  EXPECT_EQ((*ok)->handle, p->request.handle);
  EXPECT_FALSE(*store.approve(p->code, kAlice)) << "approved once";
  EXPECT_TRUE(store.pending_for("alice")->empty());
  EXPECT_FALSE(*store.deny(p->request.handle, "alice")) << "an approved request cannot be denied";

  auto done = store.poll(p->id);
  ASSERT_TRUE(done.ok() && *done);
  EXPECT_EQ((*done)->state, "approved");
  ASSERT_TRUE((*done)->user);
  EXPECT_EQ((*done)->user->id, kAlice.id);
  EXPECT_EQ((*done)->user->name, "Alice");
  EXPECT_EQ((*done)->handle, p->request.handle);
  EXPECT_EQ(state_of(store, p->id), "unknown") << "the approval is handed out once";
  EXPECT_EQ(state_of(store, "jbp_" + std::string(43, 'A')), "unknown");
  EXPECT_EQ(state_of(store, "not an id"), "unknown");
}

TEST_F(PairingStoreTest, ADeniedDeviceIsToldSoAndItsCodeWorksNoMore) {
  PairingStore store(redis);
  auto p = store.create("Bedroom TV", "alice", kTv);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(*store.deny(p->request.handle, "bob")) << "not bob's to deny";
  EXPECT_FALSE(*store.deny("00000000000000000000000000000000", "alice"));
  auto d = store.deny(p->request.handle, "Alice");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(*d);
  EXPECT_EQ((*d)->device_name, "Bedroom TV");
  EXPECT_EQ(state_of(store, p->id), "denied");
  EXPECT_EQ(state_of(store, p->id), "denied") << "the device is told as often as it asks";
  EXPECT_FALSE(*store.approve(p->code, kAlice));
  EXPECT_FALSE(*store.deny(p->request.handle, "alice")) << "denied once";
  EXPECT_TRUE(store.pending_for("alice")->empty());
}

TEST_F(PairingStoreTest, AnUnansweredRequestExpires) {
  PairingOptions o;
  o.lifetime_ms = 300;
  PairingStore store(redis, o);
  auto p = store.create("Kitchen TV", "alice", kTv);
  ASSERT_TRUE(p.ok());
  // The record outlives the request, so the device learns how it ended.
  EXPECT_TRUE(eventually([&] { return state_of(store, p->id) == "expired"; }, 20000, 50));
  EXPECT_FALSE(*store.approve(p->code, kAlice));
  EXPECT_TRUE(store.pending_for("alice")->empty());
  EXPECT_FALSE(*store.deny(p->request.handle, "alice"));
  auto ttl = redis.command({"PTTL", PairingStore::record_key(p->id)});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, o.lifetime_ms + o.keep_ms) << "Redis removes it on its own";
}

TEST_F(PairingStoreTest, RequestsNamingOneUserAreCappedAndUnnamedOnesGoToWhoeverHasTheCode) {
  PairingStore store(redis);
  std::vector<PairingStarted> waiting;
  for (int i = 0; i < 5; ++i) {
    auto p = store.create("TV " + std::to_string(i), i % 2 ? "alice" : "ALICE", kTv);
    ASSERT_TRUE(p.ok()) << p.error().message;
    waiting.push_back(*p);
  }
  auto sixth = store.create("TV 5", "Alice", kTv);
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, errc::too_many_pairing_requests);
  EXPECT_EQ(sixth.error().http_status, 429);
  EXPECT_GT(sixth.error().retry_after_s, 0);
  EXPECT_EQ(store.pending_for("alice")->size(), 5u);
  ASSERT_TRUE(store.create("TV 6", "bob", kTv).ok()) << "another name has its own cap";
  ASSERT_TRUE(*store.deny(waiting[0].request.handle, "alice"));
  EXPECT_TRUE(store.create("TV 7", "alice", kTv).ok()) << "a denied request frees its place";

  // Without a name: listed nowhere, approved by the first user who types the
  // code; twenty users typing it at once: exactly one wins.
  auto open = store.create("Guest TV", "", kTv);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(store.pending_for("")->size(), 0u);
  std::atomic<int> won{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      RedisPool own(opts_for(srv), 1);
      PairingStore s(own);
      SessionUser u{std::to_string(i), "user" + std::to_string(i), false};
      auto r = s.approve(open->code, u);
      if (!r.ok())
        errors++;
      else if (*r)
        won++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(won.load(), 1);
  auto done = store.poll(open->id);
  ASSERT_TRUE(done.ok() && *done && (*done)->user);
  EXPECT_EQ((*done)->user->name, "user" + (*done)->user->id);
}
