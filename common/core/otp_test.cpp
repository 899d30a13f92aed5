// Unit tests of otp.h, base32.h and recovery_codes.h: the RFC 4226 and RFC
// 6238 vectors, RFC 4648's base32 vectors, a real authenticator (Debian's
// oathtool) agreeing with us, and the shape of recovery codes.
#include "common/core/otp.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/core/base32.h"
#include "common/core/recovery_codes.h"
#include "tests/support/oathtool.h"

using namespace jb;

namespace {

const std::string kSha1Seed = "12345678901234567890";
const std::string kSha256Seed = "12345678901234567890123456789012";
const std::string kSha512Seed = "1234567890123456789012345678901234567890123456789012345678901234";

}  // namespace

TEST(Hotp, Rfc4226AppendixDVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t c = 0; c < 10; ++c) EXPECT_EQ(otp::hotp(kSha1Seed, c), expected[c]) << c;
}

TEST(Totp, Rfc6238AppendixBVectorsWithEightDigits) {
  struct Row {
    int64_t t;
    const char *sha1, *sha256, *sha512;
  };
  const Row rows[] = {{59, "94287082", "46119246", "90693936"},
                      {1111111109, "07081804", "68084774", "25091201"},
                      {1111111111, "14050471", "67062674", "99943326"},
                      {1234567890, "89005924", "91819424", "93441116"},
                      {2000000000, "69279037", "90698825", "38618901"},
                      {20000000000, "65353130", "77737706", "47863826"}};
  for (const auto& r : rows) {
    EXPECT_EQ(otp::totp(kSha1Seed, r.t, 8, otp::Hash::sha1), r.sha1) << r.t;
    EXPECT_EQ(otp::totp(kSha256Seed, r.t, 8, otp::Hash::sha256), r.sha256) << r.t;
    EXPECT_EQ(otp::totp(kSha512Seed, r.t, 8, otp::Hash::sha512), r.sha512) << r.t;
  }
  // The 6-digit form is the last six digits of the 8-digit one.
  EXPECT_EQ(otp::totp(kSha1Seed, 59), "287082");
  EXPECT_EQ(otp::totp(kSha1Seed, 1111111109), "081804");
}

// One step either side is accepted and says which step it was; two steps away,
// a wrong length or anything but digits never is.
TEST(Totp, MatchAcceptsOneStepEitherSideAndNamesTheStep) {
  const int64_t now = 1234567890;  // step 41152263
  const int64_t step = otp::time_step(now);
  EXPECT_EQ(step, 41152263);
  for (int d : {-1, 0, 1}) {
    auto code = otp::hotp(kSha1Seed, static_cast<uint64_t>(step + d));
    auto m = otp::totp_match(kSha1Seed, code, now);
    ASSERT_TRUE(m.has_value()) << d;
    EXPECT_EQ(*m, step + d);
  }
  for (int d : {-2, 2})
    EXPECT_FALSE(
        otp::totp_match(kSha1Seed, otp::hotp(kSha1Seed, static_cast<uint64_t>(step + d)), now))
        << d;
  const std::string good = otp::totp(kSha1Seed, now);
  EXPECT_FALSE(otp::totp_match(kSha1Seed, good.substr(0, 5), now));
  EXPECT_FALSE(otp::totp_match(kSha1Seed, good + "0", now));
  EXPECT_FALSE(otp::totp_match(kSha1Seed, " " + good.substr(1), now));
  EXPECT_FALSE(otp::totp_match(kSha1Seed, "", now));
  EXPECT_FALSE(otp::totp_match("another key", good, now));
  EXPECT_EQ(otp::totp_match(kSha1Seed, good, now, 0), step);
}

// A real authenticator agrees: Debian's oathtool (installed by scripts/deps.sh)
// computes the same codes from the base32 secret we would show in a QR code.
TEST(Totp, AgreesWithOathtool) {
  const std::string secret = base32::encode(kSha1Seed);
  ASSERT_EQ(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  for (int64_t t : {int64_t{59}, int64_t{1111111109}, int64_t{1700000000}, int64_t{1796428445}}) {
    std::string theirs = jb::testing::oathtool(secret, t);
    ASSERT_EQ(theirs.size(), 6u) << "oathtool did not run (scripts/deps.sh installs it): '"
                                 << theirs << "'";
    EXPECT_EQ(otp::totp(kSha1Seed, t), theirs) << t;
  }
  // And for a random 160-bit secret, at the current time.
  const std::string key =
      "\x8f\x01\xa2\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x10\x20\x30\x40";
  const int64_t t = 1800000000;
  EXPECT_EQ(otp::totp(key, t), jb::testing::oathtool(base32::encode(key), t));
}

TEST(Totp, OtpauthUriCarriesTheSecretAndEncodesTheLabel) {
  auto uri = otp::otpauth_uri("Jelly bridge", "ann@home", "GEZDGNBV");
  EXPECT_EQ(uri,
            "otpauth://totp/Jelly%20bridge:ann%40home?secret=GEZDGNBV&issuer=Jelly%20bridge&"
            "algorithm=SHA1&digits=6&period=30");
}

TEST(Base32, Rfc4648VectorsBothWays) {
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "MY"},
                                                   {"fo", "MZXQ"},
                                                   {"foo", "MZXW6"},
                                                   {"foob", "MZXW6YQ"},
                                                   {"fooba", "MZXW6YTB"},
                                                   {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, enc] : v) {
    EXPECT_EQ(base32::encode(plain), enc);
    auto d = base32::decode(enc);
    ASSERT_TRUE(d.ok()) << enc;
    EXPECT_EQ(*d, plain);
  }
  // As people type or paste it: padding, lower case, spaces, dashes.
  EXPECT_EQ(*base32::decode("MZXW6YQ="), "foob");
  EXPECT_EQ(*base32::decode("mzxw 6ytb-oi"), "foobar");
  // Not base32, or a last character whose spare bits are not zero.
  EXPECT_FALSE(base32::decode("MZXW1").ok());
  EXPECT_FALSE(base32::decode("MZ=XW").ok());
  EXPECT_FALSE(base32::decode("MZ").ok());
  EXPECT_FALSE(base32::decode("M").ok());
}

TEST(RecoveryCodes, TenDistinctCodesOfTheAlphabetShownAsFiveDashFive) {
  EXPECT_EQ(recovery::kAlphabet.size(), 31u);
  for (char c : std::string("01ILO")) EXPECT_EQ(recovery::kAlphabet.find(c), std::string::npos);
  auto codes = recovery::generate();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), 10u);
  std::set<char> used;
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 11u) << c;
    EXPECT_EQ(c[5], '-') << c;
    auto n = recovery::normalize(c);
    ASSERT_TRUE(n.has_value()) << c;
    EXPECT_EQ(recovery::display(*n), c);
    for (char s : *n) used.insert(s);
  }
  EXPECT_GT(used.size(), 10u) << "drawn from the whole alphabet";
}

// Shorter codes of the same alphabet (device pairing: 6 symbols, XXX-XXX).
TEST(RecoveryCodes, ShorterCodesOfTheSameAlphabetAreShownAsTwoHalves) {
  auto codes = recovery::generate(50, 6);
  ASSERT_EQ(codes.size(), 50u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 50u);
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 7u) << c;
    EXPECT_EQ(c[3], '-') << c;
    auto n = recovery::normalize(c, 6);
    ASSERT_TRUE(n.has_value()) << c;
    EXPECT_EQ(recovery::display(*n), c);
    EXPECT_FALSE(recovery::normalize(c)) << "a 6-symbol code is no recovery code";
  }
  EXPECT_EQ(recovery::normalize(" k7q-m4t ", 6), "K7QM4T");
  EXPECT_FALSE(recovery::normalize("K7Q-M4", 6));
  EXPECT_FALSE(recovery::normalize("K7Q-M4T0", 6));
  EXPECT_EQ(recovery::display("ABC"), "ABC") << "an odd count stays as it is";
}

TEST(RecoveryCodes, NormaliseIgnoresCaseSpacesAndDashesAndRejectsTheRest) {
  EXPECT_EQ(recovery::normalize("abcde-fghjk"), "ABCDEFGHJK");
  EXPECT_EQ(recovery::normalize(" ABCDE FGHJK "), "ABCDEFGHJK");
  EXPECT_EQ(recovery::normalize("a-b-c-d-e-f-g-h-j-k"), "ABCDEFGHJK");
  EXPECT_FALSE(recovery::normalize("ABCDE-FGHJ"));    // too short
  EXPECT_FALSE(recovery::normalize("ABCDE-FGHJKM"));  // too long
  EXPECT_FALSE(recovery::normalize("ABCDE-FGHJ0"));   // 0 is not a symbol
  EXPECT_FALSE(recovery::normalize("ABCDE-FGHJI"));   // nor I
  EXPECT_FALSE(recovery::normalize("ABCDE_FGHJK"));
  EXPECT_FALSE(recovery::normalize(""));
}
