// Unit tests of the password policy (password_policy.h) and the bundled breached-password
// list (common_passwords.h): lengths in code points after NFKC, normalisation, UTF-8
// validation, composition rules, the user-name rule and the list.
//
// Thread-safety: single-threaded tests; CommonList.LookupIsSafeFromManyThreads starts the
// list's lazy initialisation from several threads at once.
#include "auth-service/accounts/password_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "auth-service/accounts/common_passwords.h"

using namespace jb;
using namespace jb::accounts;

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kEAcute = "\xC3\xA9";             // é, composed (U+00E9)
const std::string kEAcuteDecomposed = "e\xCC\x81";  // e + U+0301 COMBINING ACUTE ACCENT
const std::string kGrinning = "\xF0\x9F\x98\x80";   // U+1F600, 4 bytes

// The error of a refused password, after checking it is one.
Error refusal(const Result<std::string>& r) {
  EXPECT_FALSE(r.ok()) << "accepted: " << (r.ok() ? r.value() : "");
  if (r.ok()) return Error();
  EXPECT_EQ(r.error().code, errc::password_rejected);
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_FALSE(r.error().message.empty());
  return r.error();
}

bool mentions(const Error& e, const std::string& word) {
  return e.message.find(word) != std::string::npos;
}

}  // namespace

TEST(PasswordPolicy, EightCharactersIsTheDefaultMinimum) {
  PasswordRules rules;
  EXPECT_TRUE(mentions(refusal(check_password("tr0ub4d", rules)), "at least 8 characters"));
  Result<std::string> ok = check_password("tr0ub4do", rules);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, "tr0ub4do");
  EXPECT_TRUE(mentions(refusal(check_password("", rules)), "too short"));
}

TEST(PasswordPolicy, LengthCountsCodePointsNotBytes) {
  PasswordRules rules;
  std::string eight_e = repeat(kEAcute, 8);  // 16 bytes, 8 characters
  Result<std::string> ok = check_password(eight_e, rules);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, eight_e);
  // 28 bytes, but 7 characters.
  EXPECT_TRUE(mentions(refusal(check_password(repeat(kGrinning, 7), rules)), "too short"));
  EXPECT_TRUE(check_password(repeat(kGrinning, 8), rules).ok());
  // Eight decomposed é are 16 code points as sent, 8 once normalised: the minimum is met
  // by the normalised form, and seven of them are refused.
  EXPECT_TRUE(check_password(repeat(kEAcuteDecomposed, 8), rules).ok());
  refusal(check_password(repeat(kEAcuteDecomposed, 7), rules));
}

TEST(PasswordPolicy, At256CharactersTheMaximum) {
  PasswordRules rules;
  EXPECT_TRUE(check_password(std::string(256, 'x'), rules).ok());
  EXPECT_TRUE(
      mentions(refusal(check_password(std::string(257, 'x'), rules)), "at most 256 characters"));
  // 256 four-byte characters (1,024 bytes) are fine; 257 are not.
  EXPECT_TRUE(check_password(repeat(kGrinning, 256), rules).ok());
  refusal(check_password(repeat(kGrinning, 257), rules));
  // A huge body is refused before it is normalised, with the same answer.
  EXPECT_TRUE(mentions(refusal(check_password(std::string(1 << 20, 'x'), rules)), "too long"));
  PasswordRules longer;
  longer.max_length = 300;
  EXPECT_TRUE(check_password(std::string(300, 'x'), longer).ok());
}

TEST(PasswordPolicy, NormalisesToNfkc) {
  // Ligature "ﬁ" (U+FB01) becomes "fi"; full-width "Ａ１" become "A1".
  Result<std::string> lig = normalise_password("\xEF\xAC\x81");
  ASSERT_TRUE(lig.ok());
  EXPECT_EQ(*lig, "fi");
  Result<std::string> wide = normalise_password("\xEF\xBC\xA1\xEF\xBC\x91");
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(*wide, "A1");
  // Composed and decomposed é are the same password, in the same bytes.
  Result<std::string> composed = normalise_password("caf" + kEAcute);
  Result<std::string> decomposed = normalise_password("caf" + kEAcuteDecomposed);
  ASSERT_TRUE(composed.ok() && decomposed.ok());
  EXPECT_EQ(*composed, "caf" + kEAcute);
  EXPECT_EQ(*decomposed, *composed);
  Result<std::string> empty = normalise_password("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");

  // check_password returns the normalised form: a ligature password counts as its letters.
  PasswordRules rules;
  Result<std::string> checked =
      check_password("\xEF\xAC\x81\xEF\xAC\x81\xEF\xAC\x81\xEF\xAC\x81", rules);  // ﬁﬁﬁﬁ
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_EQ(*checked, "fifififi");
  Result<std::string> same = check_password(repeat("caf" + kEAcuteDecomposed, 2), rules);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, repeat("caf" + kEAcute, 2));
}

TEST(PasswordPolicy, InvalidUtf8IsRefused) {
  PasswordRules rules;
  for (const std::string& bad : {std::string("abcdefgh\xFF"), std::string("abcdefg\xC3\x28"),
                                 std::string("abcdefgh\xC0\xAF"),          // overlong "/"
                                 std::string("abcdefgh\xED\xA0\x80"),      // a UTF-16 surrogate
                                 std::string("abcdefgh\xF4\x90\x80\x80"),  // above U+10FFFF
                                 std::string("abcdefgh\xE2\x82")}) {       // truncated
    EXPECT_TRUE(mentions(refusal(check_password(bad, rules)), "UTF-8")) << bad;
    EXPECT_TRUE(mentions(refusal(normalise_password(bad)), "UTF-8")) << bad;
  }
}

TEST(PasswordPolicy, CommonPasswordsAreRefusedWhenTheCheckIsOn) {
  PasswordRules on;
  PasswordRules off;
  off.check_common = false;
  for (const char* pw :
       {"password", "123456789", "qwertyuiop", "PASSWORD", "PassWord", "iloveyou", "trustno1"}) {
    EXPECT_TRUE(mentions(refusal(check_password(pw, on)), "commonly used")) << pw;
    Result<std::string> ok = check_password(pw, off);
    EXPECT_TRUE(ok.ok()) << pw << ": " << ok.error().message;
  }
  // Full-width letters normalise onto a listed password.
  const std::string wide_password =
      "\xEF\xBD\x90\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x93\xEF\xBD\x97\xEF\xBD\x8F\xEF\xBD\x92"
      "\xEF\xBD\x84";  // ｐａｓｓｗｏｒｄ
  refusal(check_password(wide_password, on));
  EXPECT_TRUE(check_password("correct horse battery staple", on).ok());
}

TEST(PasswordPolicy, CompositionRulesWhenConfigured) {
  PasswordRules rules;
  rules.min_upper = 1;
  rules.min_lower = 1;
  rules.min_digit = 2;
  rules.min_symbol = 1;
  EXPECT_TRUE(mentions(refusal(check_password("abcdefgh12!", rules)), "1 uppercase letter"));
  EXPECT_TRUE(mentions(refusal(check_password("ABCDEFGH12!", rules)), "1 lowercase letter"));
  EXPECT_TRUE(mentions(refusal(check_password("Abcdefgh1!", rules)), "2 digits"));
  EXPECT_TRUE(mentions(refusal(check_password("Abcdefgh12", rules)), "1 symbol"));
  EXPECT_TRUE(check_password("Abcdefgh12!", rules).ok());
  // Unicode classes: "Ä" is uppercase, "ß" lowercase, Arabic-Indic digits are digits, a space
  // and an emoji are symbols.
  Result<std::string> unicode =
      check_password("\xC3\x84\xC3\x9F\xD9\xA1\xD9\xA2 " + kGrinning + "xyz", rules);  // Äß١٢ 😀xyz
  EXPECT_TRUE(unicode.ok()) << unicode.error().message;
  // Off by default.
  EXPECT_TRUE(check_password("abcdefghij", PasswordRules{}).ok());
}

TEST(PasswordPolicy, PasswordEqualToTheUserNameIsRefused) {
  PasswordRules rules;
  EXPECT_TRUE(mentions(refusal(check_password("alice2024", rules, "alice2024")), "user name"));
  refusal(check_password("ALICE2024", rules, "alice2024"));
  refusal(check_password("J\xC3\xBCrgenXYZ", rules, "j\xC3\x9crgenxyz"));  // JürgenXYZ / jÜrgenxyz
  EXPECT_TRUE(check_password("alice2024", rules, "bob").ok());
  EXPECT_TRUE(check_password("alice2024", rules, "").ok());
  EXPECT_TRUE(check_password("alice2024!", rules, "alice2024").ok());
}

TEST(CommonList, HoldsTheBundledList) {
  // 10,200 lines as published: one is blank and 87 repeat another in a different case
  // ("password", "Password", "PASSWORD"), which leaves 10,112 distinct entries — at
  // least the 10,000 the policy promises.
  EXPECT_EQ(common_password_count(), 10112u);
  EXPECT_GE(common_password_count(), 10000u);
  EXPECT_TRUE(is_common_password("123456"));
  EXPECT_TRUE(is_common_password("blitz"));  // the last line
  EXPECT_TRUE(is_common_password("Dragon"));
  EXPECT_TRUE(is_common_password("DRAGON"));
  EXPECT_FALSE(is_common_password(""));  // the blank line is not an entry
  EXPECT_FALSE(is_common_password("correct horse battery staple"));
  EXPECT_TRUE(is_common_password("passwor"));     // listed as such
  EXPECT_FALSE(is_common_password("passwordx"));  // whole entries only
  EXPECT_FALSE(is_common_password("password "));
}

TEST(CommonList, LookupIsSafeFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> found(8, 0);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([t, &found] {
      for (int i = 0; i < 1000; ++i) found[t] += is_common_password("qwerty") ? 1 : 0;
    });
  for (auto& th : threads) th.join();
  for (int f : found) EXPECT_EQ(f, 1000);
}
