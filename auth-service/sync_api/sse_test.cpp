// Tests for sse.h: the text/event-stream framing and event ids.
#include "auth-service/sync_api/sse.h"

#include <gtest/gtest.h>

using namespace jb::auth;

TEST(SseEvents, AnEventHasItsIdNameAndData) {
  EXPECT_EQ(sse::event("state", "{\"a\":1}", 42), "id: 42\nevent: state\ndata: {\"a\":1}\n\n");
}

TEST(SseEvents, IdZeroAndAnEmptyNameAreLeftOut) {
  EXPECT_EQ(sse::event("end", "{}"), "event: end\ndata: {}\n\n");
  EXPECT_EQ(sse::event("", "x", 7), "id: 7\ndata: x\n\n");
}

TEST(SseEvents, MultiLineDataIsOneDataLinePerLine) {
  EXPECT_EQ(sse::event("m", "a\nb\r\nc\rd"), "event: m\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  // Empty lines survive (a client joins the lines back with \n).
  EXPECT_EQ(sse::event("m", "a\n\nb"), "event: m\ndata: a\ndata: \ndata: b\n\n");
  EXPECT_EQ(sse::event("m", "a\n"), "event: m\ndata: a\ndata: \n\n");
  // Empty data is still one data line, so the client dispatches the event.
  EXPECT_EQ(sse::event("m", ""), "event: m\ndata: \n\n");
}

TEST(SseEvents, ANameCannotStartAFieldOfItsOwn) {
  EXPECT_EQ(sse::event("a\nid: 9\r", "x"), "event: aid: 9\ndata: x\n\n");
}

TEST(SseEvents, CommentsAndRetry) {
  EXPECT_EQ(sse::comment("keep-alive"), ": keep-alive\n\n");
  EXPECT_EQ(sse::comment("a\nb"), ": a\n: b\n\n");
  EXPECT_EQ(sse::retry(1000), "retry: 1000\n\n");
  EXPECT_EQ(sse::retry(-5), "retry: 0\n\n");
}

TEST(SseEvents, EventIdsAreDecimalNumbers) {
  EXPECT_EQ(sse::parse_event_id("42"), 42u);
  EXPECT_EQ(sse::parse_event_id(" 7 "), 7u);
  EXPECT_EQ(sse::parse_event_id("0"), 0u);
  EXPECT_EQ(sse::parse_event_id("18446744073709551615"), 18446744073709551615ull);
  for (const char* bad : {"", " ", "-1", "+1", "1a", "0x10", "18446744073709551616", "1 2", "abc"})
    EXPECT_FALSE(sse::parse_event_id(bad).has_value()) << bad;
}
