// Unit tests of the proof-of-work human check (human_check.h): a made
// challenge, solved, verifies; every altered part, an expired challenge and
// every malformed payload fail with human_check_failed; the number is drawn
// from the whole range; and the hash and HMAC are what OpenSSL computes
// independently (and what a fixed vector, computed with Python's hashlib,
// says), so a wrong construction cannot pass by agreeing with itself.
//
// Thread-safety: one test thread.
#include "auth-service/accounts/human_check.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/text.h"

using namespace jb;
using namespace jb::accounts;

namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kKey = "jellybridge-test-key-of-32-bytes";

// Standard base64 with padding (what the widget's btoa gives), by OpenSSL.
std::string b64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string to_b64url(std::string s) {
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string solution_json(const PowSolution& s) {
  json::Writer w;
  w.begin_object()
      .kv("algorithm", s.algorithm)
      .kv("challenge", s.challenge)
      .kv("number", s.number)
      .kv("salt", s.salt)
      .kv("signature", s.signature)
      .kv("took", 1234)  // the widget's extra member: ignored
      .end_object();
  return w.str();
}

std::string payload(const PowSolution& s) {
  return b64(solution_json(s));
}

PowSolution answer(const PowChallenge& c, int64_t number) {
  return PowSolution{c.algorithm, c.challenge, c.salt, c.signature, number};
}

std::string openssl_sha256_hex(std::string_view msg) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), d, &len, EVP_sha256(), nullptr), 1);
  return text::hex_encode(d, len);
}

std::string openssl_hmac_hex(std::string_view key, std::string_view msg) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), d, &len),
            nullptr);
  return text::hex_encode(d, len);
}

void expect_failed(const Result<int64_t>& r, const std::string& words, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what << " passed";
  EXPECT_EQ(r.error().code, errc::human_check_failed) << what;
  EXPECT_EQ(r.error().http_status, 400) << what;
  EXPECT_NE(r.error().message.find(words), std::string::npos)
      << what << ": \"" << r.error().message << "\" should say \"" << words << "\"";
}

void expect_unparsed(std::string_view p, const std::string& what) {
  auto r = parse_pow_payload(p);
  ASSERT_FALSE(r.ok()) << what << " was parsed";
  EXPECT_EQ(r.error().code, errc::human_check_failed) << what;
  EXPECT_EQ(r.error().http_status, 400) << what;
  EXPECT_NE(r.error().message.find("human check"), std::string::npos) << r.error().message;
}

}  // namespace

TEST(HumanCheckPow, ASolvedChallengeVerifiesUntilItExpires) {
  PowChallenge c = make_pow_challenge(kKey, 1000, kNow, 600);
  EXPECT_EQ(c.algorithm, "SHA-256");
  EXPECT_EQ(c.maxnumber, 1000);
  EXPECT_EQ(c.salt.size(), 24u + std::string("?expires=1700000600&").size());
  EXPECT_TRUE(c.salt.ends_with("?expires=1700000600&")) << c.salt;
  EXPECT_TRUE(text::is_hex(c.salt.substr(0, 24)));
  EXPECT_EQ(c.challenge.size(), 64u);
  EXPECT_EQ(c.signature.size(), 64u);

  int64_t n = solve_pow(c);
  ASSERT_GE(n, 0);
  ASSERT_LE(n, 1000);
  for (const std::string& p : {payload(answer(c, n)), to_b64url(payload(answer(c, n)))}) {
    auto s = parse_pow_payload(p);
    ASSERT_TRUE(s.ok()) << p << ": " << s.error().message;
    EXPECT_EQ(s->algorithm, "SHA-256");
    EXPECT_EQ(s->challenge, c.challenge);
    EXPECT_EQ(s->salt, c.salt);
    EXPECT_EQ(s->signature, c.signature);
    EXPECT_EQ(s->number, n);
    auto v = verify_pow(*s, kKey, kNow);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(*v, kNow + 600);
    EXPECT_TRUE(verify_pow(*s, kKey, kNow + 599).ok()) << "the last second of its validity";
    expect_failed(verify_pow(*s, kKey, kNow + 600), "expired", "at its expiry");
    expect_failed(verify_pow(*s, kKey, kNow + 100'000), "expired", "long after its expiry");
  }

  auto doc = json::parse(pow_challenge_json(c));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::get_string(*doc, "algorithm"), "SHA-256");
  EXPECT_EQ(json::get_string(*doc, "challenge"), c.challenge);
  EXPECT_EQ(json::get_int(*doc, "maxnumber"), 1000);
  EXPECT_EQ(json::get_string(*doc, "salt"), c.salt);
  EXPECT_EQ(json::get_string(*doc, "signature"), c.signature);
  EXPECT_EQ(doc->MemberCount(), 5u);
}

TEST(HumanCheckPow, TheNumberIsDrawnFromTheWholeRangeAndChallengesDiffer) {
  std::set<int64_t> seen;
  std::set<std::string> salts, challenges, signatures;
  for (int i = 0; i < 200; ++i) {
    PowChallenge c = make_pow_challenge(kKey, 3, kNow, 600);
    int64_t n = solve_pow(c);
    ASSERT_GE(n, 0);
    ASSERT_LE(n, 3);
    seen.insert(n);
    salts.insert(c.salt);
    challenges.insert(c.challenge);
    signatures.insert(c.signature);
  }
  EXPECT_EQ(seen, (std::set<int64_t>{0, 1, 2, 3})) << "200 draws from [0, 3] miss none";
  EXPECT_EQ(salts.size(), 200u);
  EXPECT_EQ(challenges.size(), 200u);
  EXPECT_EQ(signatures.size(), 200u);

  EXPECT_EQ(make_pow_challenge(kKey, 0, kNow, 600).maxnumber, 1);
  EXPECT_EQ(make_pow_challenge(kKey, -5, kNow, 600).maxnumber, 1);
  EXPECT_EQ(make_pow_challenge(kKey, INT64_MAX, kNow, 600).maxnumber, kMaxMaxNumber);
  EXPECT_TRUE(make_pow_challenge(kKey, 10, kNow, 0).salt.ends_with("?expires=1700000001&"));

  PowChallenge unsolvable = make_pow_challenge(kKey, 10, kNow, 600);
  unsolvable.challenge = std::string(64, '0');
  EXPECT_EQ(solve_pow(unsolvable), -1);
  unsolvable.challenge = "not hex";
  EXPECT_EQ(solve_pow(unsolvable), -1);
}

// The construction, recomputed with OpenSSL: challenge = hex(SHA-256(salt +
// decimal number)), signature = hex(HMAC-SHA-256(key, challenge hex)).
TEST(HumanCheckPow, TheHashAndSignatureAreWhatOpenSslComputes) {
  for (int i = 0; i < 5; ++i) {
    PowChallenge c = make_pow_challenge(kKey, 5000, kNow, 600);
    int64_t n = solve_pow(c);
    ASSERT_GE(n, 0);
    EXPECT_EQ(c.challenge, openssl_sha256_hex(c.salt + std::to_string(n)));
    EXPECT_EQ(c.signature, openssl_hmac_hex(kKey, c.challenge));
  }
}

// A fixed vector computed outside this code base (Python's hashlib and hmac):
//   salt "00112233445566778899aabb?expires=1700000600&", number 4242,
//   key "jellybridge-test-key".
TEST(HumanCheckPow, AKnownAnswerVerifies) {
  PowSolution s{"SHA-256", "0c5a1592ebea176bc353c7bc19a686aa3583b4f4830fdfa695c0cc2cc0a9a823",
                "00112233445566778899aabb?expires=1700000600&",
                "6c4336bb33f31a75990e498dd2a2f8cc8e4e20adce3c884571aa80068a331e53", 4242};
  auto v = verify_pow(s, "jellybridge-test-key", kNow);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, 1'700'000'600);
  expect_failed(verify_pow(s, kKey, kNow), "signature", "another key");

  // Python's base64.b64encode of json.dumps(…, separators=(',', ':')).
  const std::string from_python =
      "eyJhbGdvcml0aG0iOiJTSEEtMjU2IiwiY2hhbGxlbmdlIjoiMGM1YTE1OTJlYmVhMTc2YmMzNTNjN2JjMTlhNjg2YW"
      "EzNTgzYjRmNDgzMGZkZmE2OTVjMGNjMmNjMGE5YTgyMyIsIm51bWJlciI6NDI0Miwic2FsdCI6IjAwMTEyMjMzND"
      "Q1NTY2Nzc4ODk5YWFiYj9leHBpcmVzPTE3MDAwMDA2MDAmIiwic2lnbmF0dXJlIjoiNmM0MzM2YmIzM2YzMWE3NT"
      "k5MGU0OThkZDJhMmY4Y2M4ZTRlMjBhZGNlM2M4ODQ1NzFhYTgwMDY4YTMzMWU1MyJ9";
  auto parsed = parse_pow_payload(from_python);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->challenge, s.challenge);
  EXPECT_EQ(parsed->salt, s.salt);
  EXPECT_EQ(parsed->signature, s.signature);
  EXPECT_EQ(parsed->number, 4242);
  EXPECT_TRUE(verify_pow(*parsed, "jellybridge-test-key", kNow).ok());
}

TEST(HumanCheckPow, EveryAlteredPartFails) {
  PowChallenge c = make_pow_challenge(kKey, 1000, kNow, 600);
  int64_t n = solve_pow(c);
  ASSERT_GE(n, 0);
  const PowSolution good = answer(c, n);
  ASSERT_TRUE(verify_pow(good, kKey, kNow).ok());

  PowSolution s = good;
  s.number = n + 1;
  expect_failed(verify_pow(s, kKey, kNow), "does not match", "the next number");
  s.number = n == 0 ? 1 : n - 1;
  expect_failed(verify_pow(s, kKey, kNow), "does not match", "another number");
  s.number = -1;
  expect_failed(verify_pow(s, kKey, kNow), "malformed", "a negative number");

  s = good;
  s.salt = c.salt.substr(0, 24) + "?expires=1700999999&";
  expect_failed(verify_pow(s, kKey, kNow), "does not match", "a later expiry in the salt");
  s.salt = (good.salt[0] == 'a' ? "b" : "a") + good.salt.substr(1);
  expect_failed(verify_pow(s, kKey, kNow), "does not match", "another salt");

  // A later expiry under a new hash: the hash matches, the signature does not.
  s = good;
  s.salt = c.salt.substr(0, 24) + "?expires=1700999999&";
  s.challenge = openssl_sha256_hex(s.salt + std::to_string(n));
  expect_failed(verify_pow(s, kKey, kNow), "signature", "a re-hashed later expiry");

  s = good;
  s.challenge[5] = s.challenge[5] == '0' ? '1' : '0';
  expect_failed(verify_pow(s, kKey, kNow), "does not match", "an altered challenge");
  s = good;
  s.challenge = std::string(64, 'f');
  expect_failed(verify_pow(s, kKey, kNow), "does not match", "another challenge");

  s = good;
  s.signature[10] = s.signature[10] == '0' ? '1' : '0';
  expect_failed(verify_pow(s, kKey, kNow), "signature", "an altered signature");
  s.signature = "";
  expect_failed(verify_pow(s, kKey, kNow), "signature", "no signature");
  s.signature = good.signature.substr(0, 63);
  expect_failed(verify_pow(s, kKey, kNow), "signature", "a truncated signature");
  expect_failed(verify_pow(good, "another key", kNow), "signature", "another key");
  expect_failed(verify_pow(good, "", kNow), "signature", "an empty key");

  // A challenge signed by someone holding another key.
  PowChallenge foreign = make_pow_challenge("someone else's key", 1000, kNow, 600);
  expect_failed(verify_pow(answer(foreign, solve_pow(foreign)), kKey, kNow), "signature",
                "a foreign challenge");

  for (const char* alg : {"SHA-512", "SHA-1", "sha-256", "SHA256", ""}) {
    s = good;
    s.algorithm = alg;
    expect_failed(verify_pow(s, kKey, kNow), "algorithm", std::string("algorithm ") + alg);
  }

  s = good;
  expect_failed(verify_pow(s, kKey, kNow + 600), "expired", "expired");
}

// ALTCHA's splicing attack: with an unterminated salt the number's digits
// could move into `expires` under the same hash and signature. Our salts end
// with '&', and a salt of any other form is refused.
TEST(HumanCheckPow, TheNumberCannotBeSplicedIntoTheExpiry) {
  PowChallenge c = make_pow_challenge(kKey, 1'000'000, kNow, 600);
  const std::string hex = c.salt.substr(0, 24);
  // An old-style challenge (no '&'), signed with our key: the hash and the
  // signature of a spliced form would match, so its form must be refused.
  PowSolution old{"SHA-256", "", hex + "?expires=1700000600", "", 123};
  old.challenge = openssl_sha256_hex(old.salt + "123");
  old.signature = openssl_hmac_hex(kKey, old.challenge);
  expect_failed(verify_pow(old, kKey, kNow), "malformed", "an unterminated salt");
  PowSolution spliced = old;
  spliced.salt = hex + "?expires=17000006001";
  spliced.number = 23;
  ASSERT_EQ(openssl_sha256_hex(spliced.salt + "23"), old.challenge) << "the attack's premise";
  expect_failed(verify_pow(spliced, kKey, kNow), "malformed", "a spliced salt");

  // Our own form: moving digits after the '&' breaks the form.
  PowSolution ours{"SHA-256", "", c.salt, "", 4567};
  ours.challenge = openssl_sha256_hex(c.salt + "4567");
  ours.signature = openssl_hmac_hex(kKey, ours.challenge);
  ASSERT_TRUE(verify_pow(ours, kKey, kNow).ok());
  PowSolution moved = ours;
  moved.salt = c.salt + "45";
  moved.number = 67;
  expect_failed(verify_pow(moved, kKey, kNow), "malformed", "digits moved into the salt");

  for (const std::string& salt :
       {hex + "?expires=01700000600&", hex + "?expires=&", hex + "?expires=-5&",
        hex + "?expires=1700000600&x=1&", hex.substr(1) + "?expires=1700000600&",
        std::string(24, 'A') + "?expires=1700000600&", hex + "?expires=1234567890123&",
        hex + "?Expires=1700000600&", std::string("")}) {
    PowSolution s{"SHA-256", "", salt, "", 7};
    s.challenge = openssl_sha256_hex(salt + "7");
    s.signature = openssl_hmac_hex(kKey, s.challenge);
    expect_failed(verify_pow(s, kKey, kNow), "malformed", "salt " + salt);
  }
}

TEST(HumanCheckPow, MalformedPayloadsFail) {
  PowChallenge c = make_pow_challenge(kKey, 100, kNow, 600);
  const PowSolution good = answer(c, solve_pow(c));
  ASSERT_TRUE(parse_pow_payload(payload(good)).ok());

  expect_unparsed("", "empty");
  expect_unparsed("====", "padding alone");
  expect_unparsed("!!!!not base64***", "not base64");
  expect_unparsed("eyJh bGdv", "base64 with a space");
  std::string mixed = payload(good);
  mixed.replace(0, 2, "-+");
  expect_unparsed(mixed, "base64 and base64url mixed");
  expect_unparsed(b64("not json"), "not JSON");
  expect_unparsed(b64("{\"algorithm\":"), "truncated JSON");
  expect_unparsed(b64("[1,2,3]"), "a JSON array");
  expect_unparsed(b64("\"SHA-256\""), "a JSON string");
  expect_unparsed(b64("{}"), "an empty object");
  expect_unparsed(b64(std::string(300, '[')), "deep nesting");

  // Each member missing, then of the wrong type.
  auto doc = json::parse(solution_json(good));
  ASSERT_TRUE(doc.ok());
  for (const char* name : {"algorithm", "challenge", "number", "salt", "signature"}) {
    json::Document d;
    d.CopyFrom(*doc, d.GetAllocator());
    d.RemoveMember(name);
    expect_unparsed(b64(json::stringify(d)), std::string("without ") + name);
    json::Document w;
    w.CopyFrom(*doc, w.GetAllocator());
    w[name].SetNull();
    expect_unparsed(b64(json::stringify(w)), std::string(name) + " null");
  }
  for (const char* name : {"algorithm", "challenge", "salt", "signature"}) {
    json::Document w;
    w.CopyFrom(*doc, w.GetAllocator());
    w[name].SetInt(42);
    expect_unparsed(b64(json::stringify(w)), std::string(name) + " a number");
    w[name].SetArray();
    expect_unparsed(b64(json::stringify(w)), std::string(name) + " an array");
  }
  auto with_number = [&](const std::string& raw) {
    std::string j = solution_json(good);
    std::string from = "\"number\":" + std::to_string(good.number);
    size_t at = j.find(from);
    EXPECT_NE(at, std::string::npos);
    return b64(j.replace(at, from.size(), "\"number\":" + raw));
  };
  ASSERT_TRUE(parse_pow_payload(with_number(std::to_string(good.number))).ok());
  for (const char* raw :
       {"\"42\"", "4.5", "42.0", "-1", "1e30", "18446744073709551615", "true", "null", "{}"})
    expect_unparsed(with_number(raw), std::string("number ") + raw);

  // The size cap comes before decoding: a valid payload made long by an
  // extra member is refused, one just under the cap is not.
  std::string j = solution_json(good);
  j.insert(1, "\"pad\":\"" + std::string(900, 'x') + "\",");
  std::string big = b64(j);
  ASSERT_GT(big.size(), kMaxPayloadBytes);
  expect_unparsed(big, "over 1 KiB");
  expect_unparsed(std::string(kMaxPayloadBytes + 1, 'A'), "1025 bytes");
  std::string fits = solution_json(good);
  std::string pad;
  while (b64(std::string(fits).insert(1, "\"pad\":\"" + pad + "x\",")).size() <= kMaxPayloadBytes)
    pad += 'x';
  std::string at_cap = b64(std::string(fits).insert(1, "\"pad\":\"" + pad + "\","));
  ASSERT_LE(at_cap.size(), kMaxPayloadBytes);
  ASSERT_GT(at_cap.size(), kMaxPayloadBytes - 4);
  EXPECT_TRUE(parse_pow_payload(at_cap).ok()) << "a payload at the cap is read";
}
