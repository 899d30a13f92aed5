// Unit tests for crypto.h: round trips, AAD binding, tampering, rotation.
#include "common/core/crypto.h"

#include <gtest/gtest.h>

using namespace jb::crypto;

namespace {
KeyRing ring_with(std::initializer_list<const char*> ids) {
  KeyRing r;
  for (const char* id : ids) r.add(KeyRing::generate(id));
  return r;
}
}  // namespace

TEST(Crypto, SealOpenRoundTripWithKeyIdPrefix) {
  KeyRing r = ring_with({"k1"});
  auto s = seal(r, "jellyfin-token-abc", "conn-1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rfind("jb1.k1.", 0), 0u);
  EXPECT_EQ(s->find("jellyfin-token-abc"), std::string::npos);
  EXPECT_EQ(sealed_key_id(*s), "k1");
  auto o = open(r, *s, "conn-1");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, "jellyfin-token-abc");
  auto again = seal(r, "jellyfin-token-abc", "conn-1");
  EXPECT_NE(*again, *s);  // fresh nonce every time
}

TEST(Crypto, AadBindsTheRecord) {
  KeyRing r = ring_with({"k1"});
  auto s = seal(r, "secret", "conn-1");
  auto o = open(r, *s, "conn-2");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, "vault_corrupt");
}

TEST(Crypto, TamperingAndGarbageAreRejected) {
  KeyRing r = ring_with({"k1"});
  std::string s = *seal(r, "secret", "a");
  std::string t = s;
  t[t.size() - 3] = t[t.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open(r, t, "a").ok());
  for (const char* bad :
       {"", "jb1", "jb1.k1", "jb1.k1.", "jb1.k1.@@@", "xx.k1.AAAA", "jb1.k1.AAAA"})
    EXPECT_FALSE(open(r, bad, "a").ok()) << bad;
}

TEST(Crypto, RotationReadsOldWritesNew) {
  KeyRing old_ring = ring_with({"old"});
  std::string sealed_old = *seal(old_ring, "t", "x");
  KeyRing rotated;
  rotated.add(KeyRing::generate("new"));
  rotated.add(*old_ring.find("old"));
  EXPECT_EQ(*open(rotated, sealed_old, "x"), "t");
  EXPECT_EQ(sealed_key_id(*seal(rotated, "t", "x")), "new");
  KeyRing only_new = ring_with({"new"});
  auto o = open(only_new, sealed_old, "x");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, "vault_unknown_key");
}

TEST(Crypto, KeyParsingAndFormat) {
  Key k = KeyRing::generate("k2026");
  std::string line = KeyRing::format(k);
  auto r = KeyRing::parse("# comment\n" + line + "\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->primary()->id, "k2026");
  EXPECT_EQ(r->primary()->bytes, k.bytes);
  Key k2 = KeyRing::generate("older");
  auto two = KeyRing::parse(line + "," + KeyRing::format(k2));
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
  EXPECT_EQ(two->primary()->id, "k2026");
}

TEST(Crypto, BadKeyMaterialIsRefusedWithoutEchoingIt) {
  for (const char* bad :
       {"", "nocolon", "bad id!:AAAA", "k:notbase64***", "k:AAAA",
        "k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    auto r = KeyRing::parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_master_key");
    if (std::string(bad).size() > 10) {
      EXPECT_EQ(r.error().message.find("AAAAAAAAAAAA"), std::string::npos);
    }
  }
  Key k = KeyRing::generate("dup");
  EXPECT_FALSE(KeyRing::parse(KeyRing::format(k) + "\n" + KeyRing::format(k)).ok());
}

TEST(Crypto, HashAndConstantTimeCompare) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(equal_ct("abc", "abc"));
  EXPECT_FALSE(equal_ct("abc", "abd"));
  EXPECT_FALSE(equal_ct("abc", "ab"));
}

// RFC 4231 test case 2 (HMAC-SHA-256).
TEST(Crypto, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hmac_sha256_b64url("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

TEST(Crypto, DerivedKeysAreStablePerPurposeAndDifferFromEachOther) {
  Key k = KeyRing::generate("k1");
  std::string a = derive_key(k, 1, "jbtrust1");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, derive_key(k, 1, "jbtrust1"));
  EXPECT_NE(a, derive_key(k, 2, "jbtrust1"));
  EXPECT_NE(a, derive_key(k, 1, "jbother1"));
  EXPECT_NE(a, derive_key(KeyRing::generate("k2"), 1, "jbtrust1"));
  EXPECT_NE(a, std::string(k.bytes.begin(), k.bytes.end())) << "never the master itself";
}

TEST(Crypto, HmacSha256HexMatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(jb::crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
