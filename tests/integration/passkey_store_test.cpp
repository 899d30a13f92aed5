// Integration tests of the passkey store and the WebAuthn challenges
// (auth-service/passkeys/passkey_store.h, webauthn_challenges.h) against a
// real redis-server: a credential is registered once by anyone, the per-user
// cap holds, only the owner renames or removes, the signature counter only
// moves forward — also when twenty uses of one counter value race — and a
// challenge is taken once, for its own purpose.
#include "auth-service/passkeys/passkey_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth-service/passkeys/webauthn_challenges.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::auth;
using jb::testing::RedisServer;

namespace {

Passkey passkey(const std::string& user, const std::string& cred) {
  Passkey p;
  p.user_id = user;
  p.name = "Key " + cred;
  p.credential_id = cred;
  p.key = webauthn::PublicKey{webauthn::kAlgES256, "spki-" + cred};
  p.transports = {"usb", "nfc"};
  p.created_ms = 1000;
  return p;
}

}  // namespace

TEST(PasskeyStore, ACredentialIsRegisteredOnceAndOnlyItsOwnerChangesIt) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 2);
  PasskeyStore store(redis);
  auto a = store.add(passkey("u1", std::string("\x00\x01cred", 6)));
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto again = store.add(passkey("u2", std::string("\x00\x01cred", 6)));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, errc::passkey_already_registered);

  auto found = store.by_credential(std::string("\x00\x01cred", 6));
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->id, a->id);
  EXPECT_EQ((*found)->key.spki_der, "spki-" + std::string("\x00\x01cred", 6));
  EXPECT_EQ((*found)->transports, (std::vector<std::string>{"usb", "nfc"}));
  EXPECT_FALSE(store.get("u2", a->id)->has_value()) << "another user's passkey is not found";
  EXPECT_FALSE(*store.update("u2", a->id, std::string("Mine"), std::nullopt));
  EXPECT_FALSE(*store.remove("u2", a->id));
  EXPECT_TRUE(*store.update("u1", a->id, std::string("Renamed"), true));
  EXPECT_EQ((*store.get("u1", a->id))->name, "Renamed");
  EXPECT_TRUE((*store.get("u1", a->id))->passwordless);
  EXPECT_EQ(store.counts("u1")->passwordless, 1);

  // Removed: the credential may be registered again.
  EXPECT_TRUE(*store.remove("u1", a->id));
  EXPECT_FALSE(store.by_credential(std::string("\x00\x01cred", 6))->has_value());
  EXPECT_TRUE(store.add(passkey("u2", std::string("\x00\x01cred", 6))).ok());

  // The cap.
  for (int i = 0; i < PasskeyStore::kMaxPerUser; ++i)
    ASSERT_TRUE(store.add(passkey("u3", "c" + std::to_string(i))).ok());
  auto over = store.add(passkey("u3", "one-more"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, errc::passkey_limit);
  EXPECT_EQ(*store.remove_all("u3"), PasskeyStore::kMaxPerUser);
  EXPECT_EQ(store.counts("u3")->count, 0);
}

TEST(PasskeyStore, TheSignatureCounterOnlyMovesForwardEvenUnderRaces) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 8);
  PasskeyStore store(redis);
  auto p = store.add(passkey("u1", "counted"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*store.record_use(*p, 5, true, 2000), PasskeyUse::kRecorded);
  EXPECT_EQ(*store.record_use(*p, 5, true, 2001), PasskeyUse::kRegressed);
  EXPECT_EQ(*store.record_use(*p, 3, true, 2002), PasskeyUse::kRegressed);
  auto now = **store.get("u1", p->id);
  EXPECT_EQ(now.sign_count, 5u);
  EXPECT_TRUE(now.backed_up);
  EXPECT_EQ(now.last_used_ms, 2000);

  std::atomic<int> passed{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 20; ++i)
    racers.emplace_back([&] {
      auto r = store.record_use(*p, 9, false, 3000);
      if (r.ok() && *r == PasskeyUse::kRecorded) ++passed;
    });
  for (auto& t : racers) t.join();
  EXPECT_EQ(passed.load(), 1) << "one use of counter value 9";

  // An authenticator without a counter (always 0) is used as often as it likes.
  auto zero = store.add(passkey("u1", "zero"));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*store.record_use(*zero, 0, false, 1), PasskeyUse::kRecorded);
  EXPECT_EQ(*store.record_use(*zero, 0, false, 2), PasskeyUse::kRecorded);
  ASSERT_TRUE(*store.remove("u1", zero->id));
  EXPECT_EQ(*store.record_use(*zero, 1, false, 3), PasskeyUse::kGone);
}

TEST(WebAuthnChallenges, AChallengeIsTakenOnceForItsOwnPurpose) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis(*parse_redis_url(srv.url()), 2);
  WebAuthnChallenges challenges(redis);
  auto c = challenges.create("register", "u1", true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->challenge.size(), WebAuthnChallenges::kBytes);
  EXPECT_FALSE(challenges.take(c->id, "signin")->has_value())
      << "another purpose; and now it is gone";
  auto d = challenges.create("register", "u1", true);
  auto taken = challenges.take(d->id, "register");
  ASSERT_TRUE(taken.ok() && *taken);
  EXPECT_EQ((*taken)->user_id, "u1");
  EXPECT_TRUE((*taken)->passwordless);
  EXPECT_EQ((*taken)->challenge_sha256, d->challenge_sha256);
  EXPECT_FALSE(challenges.take(d->id, "register")->has_value()) << "single use";
  EXPECT_FALSE(challenges.take("jbw_unknown", "register")->has_value());
  EXPECT_FALSE(challenges.take("not-a-challenge", "register")->has_value());
}
