// Unit tests of Jellyfin's user-name rule and the uniqueness key (user_name.h): Jellyfin's
// own test cases, .NET's \w over letters, marks, digits and connector punctuation, the
// space rule, our length cap and the case-folded key.
//
// Thread-safety: single-threaded tests of pure functions.
#include "auth-service/accounts/user_name.h"

#include <gtest/gtest.h>

#include <string>

using namespace jb;
using namespace jb::accounts;

namespace {

// The error of a refused name, after checking it is one.
Error refusal(const std::string& name) {
  Status s = check_user_name(name);
  EXPECT_FALSE(s.ok()) << "accepted: " << name;
  if (s.ok()) return Error();
  EXPECT_EQ(s.error().code, errc::invalid_user_name);
  EXPECT_EQ(s.error().http_status, 400);
  return s.error();
}

void accepted(const std::string& name) {
  Status s = check_user_name(name);
  EXPECT_TRUE(s.ok()) << name << ": " << (s.ok() ? "" : s.error().message);
}

std::string key(const std::string& name) {
  Result<std::string> k = user_name_key(name);
  EXPECT_TRUE(k.ok()) << name;
  return k.ok() ? *k : std::string();
}

}  // namespace

TEST(UserName, JellyfinsRefusedCases) {
  // Jellyfin's UserControllerTests: "", "   " and "‼️" (U+203C + U+FE0F) are invalid.
  EXPECT_NE(refusal("").message.find("empty"), std::string::npos);
  refusal("   ");
  EXPECT_NE(refusal("\xE2\x80\xBC\xEF\xB8\x8F").message.find("U+203C"), std::string::npos);
}

TEST(UserName, OrdinaryNamesAreAccepted) {
  accepted("alice");
  accepted("Bob Smith");
  accepted("o'neil");
  accepted("a.b_c-d@e+f");
  accepted("J\xC3\xBCrgen");             // Jürgen, composed
  accepted("Ju\xCC\x88rgen");            // Jürgen, decomposed: U+0308 is a non-spacing mark (Mn)
  accepted("\xE5\x90\x8D\xE5\x89\x8D");  // 名前
  accepted("x");
  accepted(
      "a\xE2\x80\xBF"
      "b");                      // U+203F UNDERTIE is connector punctuation (Pc)
  accepted("\xD9\xA1\xD9\xA2");  // Arabic-Indic digits (Nd)
  accepted("\xCA\xB0i");         // U+02B0 modifier letter (Lm)
}

TEST(UserName, SpacesOnlyInside) {
  accepted("Mary Ann Lee");
  EXPECT_NE(refusal(" alice").message.find("space"), std::string::npos);
  refusal("alice ");
  refusal(" ");
  EXPECT_NE(refusal("a\tb").message.find("U+0009"), std::string::npos);
  refusal("alice\n");  // .NET's $ would let a final newline through; we do not
  refusal(
      "a\xC2\xA0"
      "b");  // U+00A0 no-break space is not in the allowed set
}

TEST(UserName, OnlyDotnetWordCharactersAndTheListedPunctuation) {
  for (const char* bad : {"a/b", "a:b", "a,b", "a!b", "a#b", "a=b", "a\"b", "a<b>", "a\\b", "a*b",
                          "a%b", "a$b", "a~b"})
    refusal(bad);
  refusal(std::string("a\0b", 3));
  refusal("\xE2\x84\x96");              // № (U+2116) is a symbol (So)
  refusal("\xC2\xB2");                  // ² is No, not Nd
  refusal("\xE0\xA4\x95\xE0\xA4\x83");  // क + visarga (Mc): .NET's \w has no Mc
  refusal("\xF0\x9F\x98\x80");          // 😀: outside the BMP
  refusal("\xF0\xA0\x80\x80");          // U+20000 (Lo) is two UTF-16 surrogates in .NET
  refusal("abc\xFF");                   // not UTF-8
  EXPECT_NE(refusal("abc\xFF").message.find("UTF-8"), std::string::npos);
}

TEST(UserName, AtMost128Characters) {
  accepted(std::string(128, 'a'));
  EXPECT_NE(refusal(std::string(129, 'a')).message.find("128"), std::string::npos);
  std::string kanji;
  for (int i = 0; i < 128; ++i) kanji += "\xE5\x90\x8D";  // 384 bytes, 128 characters
  accepted(kanji);
}

TEST(UserNameKey, CaseInsensitiveByFullCaseFolding) {
  EXPECT_EQ(key("ALICE"), key("alice"));
  EXPECT_EQ(key("Alice"), "alice");
  EXPECT_EQ(key("Stra\xC3\x9F"
                "e"),
            key("STRASSE"));                               // Straße
  EXPECT_EQ(key("J\xC3\xBCrgen"), key("JU\xCC\x88RGEN"));  // composed and decomposed
  EXPECT_EQ(key("\xEF\xBC\xA1lice"), key("alice"));        // full-width Ａ
  EXPECT_NE(key("alice"), key("alicia"));
  EXPECT_NE(key("bob smith"), key("bobsmith"));
  Result<std::string> bad = user_name_key("abc\xC3");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, errc::invalid_user_name);
  EXPECT_EQ(bad.error().http_status, 400);
}
