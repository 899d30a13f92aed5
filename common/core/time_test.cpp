// Unit tests for time.h: Jellyfin's date output and every accepted input form.
#include "common/core/time.h"

#include <gtest/gtest.h>

using namespace jb::timeutil;

namespace {
int64_t at(int y, unsigned m, unsigned d, int h, int mi, int s, int64_t us = 0) {
  return (days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s) * kUsPerSecond + us;
}
}  // namespace

TEST(Time, JellyfinFormatWholeMillisecondsUsesSevenDigits) {
  EXPECT_EQ(format_jellyfin(at(2024, 5, 1, 12, 0, 0)), "2024-05-01T12:00:00.0000000Z");
  EXPECT_EQ(format_jellyfin(kDotnetMinUnixUs), "0001-01-01T00:00:00.0000000Z");
}

TEST(Time, JellyfinFormatTrimsTrailingZeros) {
  EXPECT_EQ(format_jellyfin(at(2024, 5, 1, 12, 0, 0, 123000)), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(format_jellyfin(at(2024, 5, 1, 12, 0, 0, 123456)), "2024-05-01T12:00:00.123456Z");
}

TEST(Time, Rfc3339) {
  EXPECT_EQ(format_rfc3339(at(1999, 12, 31, 23, 59, 58)), "1999-12-31T23:59:58Z");
}

TEST(Time, ParsesEveryJellyfinAndIsoForm) {
  int64_t base = at(2024, 5, 1, 12, 0, 0);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00.0000000Z"), base);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00Z"), base);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00.123Z"), base + 123000);
  EXPECT_EQ(parse_iso8601("2024-05-01T14:00:00+02:00"), base);
  EXPECT_EQ(parse_iso8601("2024-05-01T07:00:00-0500"), base);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00"), base);  // no zone: server time = UTC
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00"), base);
  EXPECT_EQ(parse_iso8601("2024-05-01"), at(2024, 5, 1, 0, 0, 0));
  EXPECT_EQ(parse_iso8601("20240501120000", true), base);
  EXPECT_FALSE(parse_iso8601("20240501120000", false));
}

TEST(Time, RejectsGarbage) {
  for (const char* bad :
       {"", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-05-01T25:00:00Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.12345678Z", "2024-05-01T12:00:00+25:00",
        "2024-05-01T12:00:00Zjunk", "2024-5-1"}) {
    EXPECT_FALSE(parse_iso8601(bad, true)) << bad;
  }
}

TEST(Time, RoundTrip) {
  int64_t t = at(2031, 2, 28, 1, 2, 3, 4000);
  EXPECT_EQ(parse_iso8601(format_jellyfin(t)), t);
  EXPECT_EQ(parse_iso8601(format_jellyfin(at(1969, 7, 20, 20, 17, 40))),
            at(1969, 7, 20, 20, 17, 40));
}
