// Unit tests for text.h.
#include "common/core/text.h"

#include <gtest/gtest.h>

using namespace jb::text;

TEST(Text, UrlEncodeRoundTrip) {
  EXPECT_EQ(url_encode("My App"), "My%20App");
  EXPECT_EQ(url_encode("a+b=c&d\"e"), "a%2Bb%3Dc%26d%22e");
  EXPECT_EQ(url_encode("safe-._~"), "safe-._~");
  EXPECT_EQ(url_decode(url_encode("Hörbücher \"x\"")), "Hörbücher \"x\"");
  EXPECT_EQ(url_encode(""), "");
}

TEST(Text, FormDecodeTurnsPlusIntoSpace) {
  EXPECT_EQ(form_decode("My+App%20X"), "My App X");
  EXPECT_EQ(url_decode("My+App"), "My+App");
}

TEST(Text, MalformedEscapesAreKeptLiterally) {
  EXPECT_EQ(url_decode("%22%Hörbücher"), "\"%Hörbücher");
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%4"), "%4");
  EXPECT_EQ(url_decode("%zz"), "%zz");
}

TEST(Text, CaseAndTrim) {
  EXPECT_TRUE(iequals("MediaBrowser", "mediabrowser"));
  EXPECT_FALSE(iequals("MediaBrowser", "MediaBrowse"));
  EXPECT_TRUE(istarts_with("Bearer abc", "bearer "));
  EXPECT_EQ(trim("  x y \t\r\n"), "x y");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(to_lower("AbC1"), "abc1");
}

TEST(Text, Split) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("a,b,,c", ',', false), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_TRUE(split("", ',').empty());
}

TEST(Text, Hex) {
  EXPECT_EQ(hex_encode(std::string_view("\x01\xab", 2)), "01ab");
  EXPECT_EQ(hex_encode(std::string_view("\x01\xab", 2), true), "01AB");
  std::string out;
  EXPECT_TRUE(hex_decode("01AbfF", out));
  EXPECT_EQ(out, std::string("\x01\xab\xff", 3));
  EXPECT_FALSE(hex_decode("abc", out));
  EXPECT_FALSE(hex_decode("zz", out));
  EXPECT_TRUE(is_hex("deadBEEF"));
  EXPECT_FALSE(is_hex("xyz"));
}

TEST(Text, StrictIntegers) {
  int64_t i;
  uint64_t u;
  EXPECT_TRUE(parse_int64("-42", i));
  EXPECT_EQ(i, -42);
  EXPECT_FALSE(parse_int64("42x", i));
  EXPECT_FALSE(parse_int64("", i));
  EXPECT_FALSE(parse_int64(" 4", i));
  EXPECT_FALSE(parse_int64("99999999999999999999", i));
  EXPECT_TRUE(parse_uint64("8080", u));
  EXPECT_FALSE(parse_uint64("-1", u));
}

TEST(Text, JoinIsSplitsInverse) {
  EXPECT_EQ(jb::text::join({}, ","), "");
  EXPECT_EQ(jb::text::join({"a"}, ","), "a");
  EXPECT_EQ(jb::text::join({"a", "", "c"}, ", "), "a, , c");
  EXPECT_EQ(jb::text::split(jb::text::join({"x", "y", "z"}, ","), ','),
            (std::vector<std::string>{"x", "y", "z"}));
}

TEST(Text, PrintableAsciiIsSpaceToTilde) {
  EXPECT_TRUE(is_printable_ascii(""));
  EXPECT_TRUE(is_printable_ascii(" web-7f3a~Firefox"));
  EXPECT_FALSE(is_printable_ascii("a\tb"));
  EXPECT_FALSE(is_printable_ascii("a\x7f"));
  EXPECT_FALSE(is_printable_ascii("caf\xc3\xa9"));
}
