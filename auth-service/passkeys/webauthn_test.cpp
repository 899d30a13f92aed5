// Unit tests of the WebAuthn checks (webauthn.h, webauthn_data.h, cose_key.h)
// against a software authenticator (tests/support/soft_authenticator.h): valid
// ES256 and RS256 ceremonies pass; each broken rule fails with its own code;
// truncated and garbage input is refused without crashing.
#include "auth-service/passkeys/webauthn.h"

#include <gtest/gtest.h>

#include <random>

#include "common/core/crypto.h"
#include "tests/support/soft_authenticator.h"

using namespace jb;
using namespace jb::auth;
using namespace jb::auth::webauthn;
using jb::testing::Ceremony;
using jb::testing::SoftAuthenticator;

namespace {

const RelyingParty kRp{"media.example.org", "https://media.example.org"};
const std::string kChallenge(32, '\x5a');

Ceremony good() {
  Ceremony c;
  c.challenge = kChallenge;
  c.origin = kRp.origin;
  c.rp_id = kRp.id;
  return c;
}

Expected expect(bool uv = false) {
  return Expected{crypto::sha256_hex(kChallenge), kRp, uv};
}

Result<NewCredential> register_with(const SoftAuthenticator& a, const Ceremony& c,
                                    bool uv = false) {
  auto r = a.make_credential(c);
  return verify_registration(r.client_data_json, r.attestation_object, expect(uv));
}

std::string code_of(const Error& e) {
  return e.code;
}

template <typename T>
std::string failure(const Result<T>& r) {
  return r.ok() ? std::string("(passed)") : code_of(r.error());
}

Result<AssertionResult> assert_with(SoftAuthenticator& a, const PublicKey& key, const Ceremony& c,
                                    uint32_t stored = 0, bool uv = false) {
  auto s = a.get_assertion(c);
  return verify_assertion(Assertion{s.client_data_json, s.authenticator_data, s.signature},
                          expect(uv), key, stored);
}

}  // namespace

TEST(WebAuthn, Es256RegistrationAndAssertionPass) {
  SoftAuthenticator a(SoftAuthenticator::Kind::kES256);
  Ceremony c = good();
  c.flags |= jb::testing::kBE | jb::testing::kBS;
  auto cred = register_with(a, c, true);
  ASSERT_TRUE(cred.ok()) << cred.error().message;
  EXPECT_EQ(cred->credential_id, a.credential_id());
  EXPECT_EQ(cred->key.alg, kAlgES256);
  EXPECT_FALSE(cred->key.spki_der.empty());
  EXPECT_TRUE(cred->user_verified);
  EXPECT_TRUE(cred->backup_eligible);
  EXPECT_TRUE(cred->backed_up);
  EXPECT_EQ(cred->fmt, "none");
  auto used = assert_with(a, cred->key, good(), cred->sign_count, true);
  ASSERT_TRUE(used.ok()) << used.error().message;
  EXPECT_EQ(used->sign_count, 1u);
  EXPECT_TRUE(used->user_verified);
  auto again = assert_with(a, cred->key, good(), used->sign_count);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->sign_count, 2u);
}

TEST(WebAuthn, Rs256RegistrationAndAssertionPass) {
  SoftAuthenticator a(SoftAuthenticator::Kind::kRS256, 2048);
  auto cred = register_with(a, good());
  ASSERT_TRUE(cred.ok()) << cred.error().message;
  EXPECT_EQ(cred->key.alg, kAlgRS256);
  auto used = assert_with(a, cred->key, good(), cred->sign_count);
  ASSERT_TRUE(used.ok()) << used.error().message;
  Ceremony bad = good();
  bad.bad_signature = true;
  EXPECT_EQ(failure(assert_with(a, cred->key, bad, used->sign_count)), "passkey_bad_signature");
}

TEST(WebAuthn, OtherAttestationFormatsAreTreatedAsNone) {
  SoftAuthenticator a;
  Ceremony c = good();
  c.fmt = "packed";
  auto cred = register_with(a, c);
  ASSERT_TRUE(cred.ok()) << cred.error().message;
  EXPECT_EQ(cred->fmt, "packed");
}

TEST(WebAuthn, EachRegistrationRuleFailsWithItsOwnCode) {
  SoftAuthenticator a;
  Ceremony c = good();
  c.type = "webauthn.get";
  EXPECT_EQ(failure(register_with(a, c)), "passkey_wrong_type");
  c = good();
  c.challenge = std::string(32, '\x01');
  EXPECT_EQ(failure(register_with(a, c)), "passkey_challenge_mismatch");
  c = good();
  c.origin = "https://evil.example.org";
  EXPECT_EQ(failure(register_with(a, c)), "passkey_origin_mismatch");
  c = good();
  c.origin = "http://media.example.org";  // another scheme is another origin
  EXPECT_EQ(failure(register_with(a, c)), "passkey_origin_mismatch");
  c = good();
  c.rp_id = "example.org";
  EXPECT_EQ(failure(register_with(a, c)), "passkey_rp_mismatch");
  c = good();
  c.flags = jb::testing::kUV;
  EXPECT_EQ(failure(register_with(a, c)), "passkey_user_not_present");
  c = good();
  c.flags = jb::testing::kUP;
  EXPECT_EQ(failure(register_with(a, c, true)), "passkey_user_not_verified");
  EXPECT_TRUE(register_with(a, c, false).ok()) << "UV only when required";
  c = good();
  c.flags |= jb::testing::kBS;  // backed up, not backup eligible
  EXPECT_EQ(failure(register_with(a, c)), "passkey_malformed");
}

TEST(WebAuthn, UnsupportedAlgorithmsAndWeakKeysAreRefused) {
  SoftAuthenticator eddsa(SoftAuthenticator::Kind::kES256, 0, -8);
  EXPECT_EQ(failure(register_with(eddsa, good())), "passkey_unsupported_algorithm");
  SoftAuthenticator mismatched(SoftAuthenticator::Kind::kES256, 0, kAlgRS256);
  EXPECT_EQ(failure(register_with(mismatched, good())), "passkey_unsupported_algorithm");
  SoftAuthenticator rsa_as_ec(SoftAuthenticator::Kind::kRS256, 2048, kAlgES256);
  EXPECT_EQ(failure(register_with(rsa_as_ec, good())), "passkey_unsupported_algorithm");
  SoftAuthenticator small(SoftAuthenticator::Kind::kRS256, 1024);
  EXPECT_EQ(failure(register_with(small, good())), "passkey_weak_key");
}

TEST(WebAuthn, EachAssertionRuleFailsWithItsOwnCode) {
  SoftAuthenticator a;
  auto cred = register_with(a, good());
  ASSERT_TRUE(cred.ok());
  const PublicKey& key = cred->key;
  Ceremony c = good();
  c.type = "webauthn.create";
  EXPECT_EQ(failure(assert_with(a, key, c)), "passkey_wrong_type");
  c = good();
  c.challenge = "another";
  EXPECT_EQ(failure(assert_with(a, key, c)), "passkey_challenge_mismatch");
  c = good();
  c.origin = "https://media.example.org:8443";
  EXPECT_EQ(failure(assert_with(a, key, c)), "passkey_origin_mismatch");
  c = good();
  c.rp_id = "evil.example.org";
  EXPECT_EQ(failure(assert_with(a, key, c)), "passkey_rp_mismatch");
  c = good();
  c.flags = 0;
  EXPECT_EQ(failure(assert_with(a, key, c)), "passkey_user_not_present");
  c = good();
  c.flags = jb::testing::kUP;
  EXPECT_EQ(failure(assert_with(a, key, c, 0, true)), "passkey_user_not_verified");
  c = good();
  c.bad_signature = true;
  EXPECT_EQ(failure(assert_with(a, key, c)), "passkey_bad_signature");
  // Signed by another authenticator's key.
  SoftAuthenticator other;
  EXPECT_EQ(failure(assert_with(other, key, good())), "passkey_bad_signature");
}

TEST(WebAuthn, ASignatureCounterThatDoesNotGrowIsRefused) {
  SoftAuthenticator a;
  auto cred = register_with(a, good());
  ASSERT_TRUE(cred.ok());
  a.counter = 4;  // the next assertion signs 5
  EXPECT_TRUE(assert_with(a, cred->key, good(), 4).ok());
  a.counter = 4;
  EXPECT_EQ(failure(assert_with(a, cred->key, good(), 5)), "passkey_counter_regressed");
  a.counter = 2;
  EXPECT_EQ(failure(assert_with(a, cred->key, good(), 5)), "passkey_counter_regressed");
  // Authenticators without a counter send 0 every time: fine while the stored one is 0.
  a.counting = false;
  EXPECT_TRUE(assert_with(a, cred->key, good(), 0).ok());
  EXPECT_EQ(failure(assert_with(a, cred->key, good(), 5)), "passkey_counter_regressed");
  EXPECT_FALSE(counter_regressed(0, 0));
  EXPECT_FALSE(counter_regressed(0, 1));
  EXPECT_TRUE(counter_regressed(1, 0));
  EXPECT_TRUE(counter_regressed(7, 7));
  EXPECT_FALSE(counter_regressed(7, 8));
}

TEST(WebAuthn, TruncatedAndGarbageInputIsRefusedWithoutCrashing) {
  SoftAuthenticator a;
  auto r = a.make_credential(good());
  for (size_t n = 0; n < r.attestation_object.size(); ++n) {
    auto v = verify_registration(r.client_data_json, r.attestation_object.substr(0, n), expect());
    ASSERT_FALSE(v.ok()) << n;
    EXPECT_EQ(v.error().code, "passkey_malformed") << n;
  }
  for (size_t n = 0; n < r.authenticator_data.size(); ++n) {
    auto ad = parse_authenticator_data(r.authenticator_data.substr(0, n));
    ASSERT_FALSE(ad.ok()) << n;
    EXPECT_EQ(ad.error().code, "passkey_malformed");
  }
  EXPECT_FALSE(parse_authenticator_data(r.authenticator_data + "x").ok()) << "trailing bytes";
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    EXPECT_FALSE(verify_registration(r.client_data_json, junk, expect()).ok());
    EXPECT_FALSE(parse_cose_key(junk).ok());
    // Random flips in a valid object: refused or, if the flip missed anything checked, fine.
    std::string flipped = r.attestation_object;
    flipped[rng() % flipped.size()] ^= static_cast<char>(1 + rng() % 255);
    auto v = verify_registration(r.client_data_json, flipped, expect());
    if (!v.ok()) {
      EXPECT_FALSE(v.error().code.empty());
    }
  }
  for (const char* cd : {"", "{", "[]", "{\"type\":\"webauthn.create\"}",
                         "{\"type\":1,\"challenge\":\"x\",\"origin\":\"o\"}",
                         "{\"type\":\"webauthn.create\",\"challenge\":\"***\",\"origin\":\"o\"}"})
    EXPECT_EQ(failure(verify_registration(cd, r.attestation_object, expect())), "passkey_malformed")
        << cd;
  EXPECT_FALSE(parse_cose_key("").ok());
  EXPECT_FALSE(
      verify_assertion(Assertion{"", "", ""}, expect(), PublicKey{kAlgES256, "x"}, 0).ok());
}

TEST(WebAuthn, CollectionsDeclaringMoreItemsThanBytesAreRefusedBeforeAllocating) {
  // libcbor's cbor_load would allocate the declared size (2^28 pointers: 2 GiB) first.
  for (std::string hostile : {std::string("\x9a\x10\x00\x00\x00", 5),  // array(2^28)
                              std::string("\xba\x10\x00\x00\x00", 5),  // map(2^28)
                              std::string("\xa1\x01\x9a\x10\x00\x00\x00", 7)}) {
    EXPECT_EQ(failure(parse_cose_key(hostile)), "passkey_malformed");
    EXPECT_EQ(failure(parse_attestation_object(hostile)), "passkey_malformed");
    size_t read = 0;
    EXPECT_EQ(load_cbor(hostile, read), nullptr);
  }
}

TEST(WebAuthn, TheRelyingPartyComesFromThePublicUrl) {
  auto rp = relying_party("https://Media.Example.org/jellybridge/");
  ASSERT_TRUE(rp.ok());
  EXPECT_EQ(rp->id, "media.example.org");
  EXPECT_EQ(rp->origin, "https://media.example.org");
  rp = relying_party("http://localhost:8080");
  ASSERT_TRUE(rp.ok());
  EXPECT_EQ(rp->id, "localhost");
  EXPECT_EQ(rp->origin, "http://localhost:8080");
  rp = relying_party("https://media.example.org:443/");
  ASSERT_TRUE(rp.ok());
  EXPECT_EQ(rp->origin, "https://media.example.org") << "browsers omit the default port";
  EXPECT_FALSE(relying_party("").ok());
  EXPECT_FALSE(relying_party("ftp://media.example.org").ok());
  EXPECT_FALSE(relying_party("not a url").ok());
}
