// Unit tests for log.h: JSON shape, request ids, redaction of secrets.
#include "common/core/log.h"

#include <gtest/gtest.h>

#include "common/core/json.h"

using namespace jb;

namespace {
struct Capture {
  std::vector<std::string> lines;
  Capture() {
    log::set_sink([this](const std::string& l) { lines.push_back(l); });
  }
  ~Capture() { log::set_sink(nullptr); }
};
}  // namespace

TEST(Log, WritesOneJsonObjectPerLine) {
  Capture c;
  log::set_service("test-svc");
  log::info("hello \"world\"", {{"n", 3}, {"s", "x"}, {"ok", true}});
  ASSERT_EQ(c.lines.size(), 1u);
  auto d = json::parse(c.lines[0]);
  ASSERT_TRUE(d.ok()) << c.lines[0];
  EXPECT_EQ(json::get_string(*d, "level"), "info");
  EXPECT_EQ(json::get_string(*d, "service"), "test-svc");
  EXPECT_EQ(json::get_string(*d, "msg"), "hello \"world\"");
  EXPECT_EQ(json::get_int(*d, "n"), 3);
  EXPECT_TRUE(json::get_bool(*d, "ok"));
  EXPECT_EQ(json::get_string(*d, "ts").size(), 24u);  // 2026-11-23T14:07:27.123Z
}

TEST(Log, RequestIdFromScope) {
  Capture c;
  {
    log::RequestScope s("r-abc");
    log::info("inside");
  }
  log::info("outside");
  auto a = json::parse(c.lines[0]);
  auto b = json::parse(c.lines[1]);
  EXPECT_EQ(json::get_string(*a, "request_id"), "r-abc");
  EXPECT_EQ(json::member(*b, "request_id"), nullptr);
}

TEST(Log, SecretsAreRedactedWhateverTheCallerPasses) {
  Capture c;
  log::warn("login", {{"password", "hunter2"},
                      {"access_token", "abc"},
                      {"Authorization", "MediaBrowser Token=x"},
                      {"api_key", "k"},
                      {"pw", "p"},
                      {"user", "alice"}});
  const std::string& l = c.lines.at(0);
  for (const char* s : {"hunter2", "\"abc\"", "Token=x", "\"k\"", "\"p\""})
    EXPECT_EQ(l.find(s), std::string::npos) << s << " leaked in " << l;
  EXPECT_NE(l.find("alice"), std::string::npos);
}

TEST(Log, LevelFilter) {
  Capture c;
  log::set_level(log::Level::warn);
  log::info("dropped");
  log::error("kept");
  log::set_level(log::Level::info);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NE(c.lines[0].find("kept"), std::string::npos);
  log::Level l;
  EXPECT_TRUE(log::parse_level("debug", l));
  EXPECT_FALSE(log::parse_level("loud", l));
}

TEST(Log, ReservedKeysCannotBeOverwritten) {
  Capture c;
  log::info("m", {{"level", "fake"}, {"msg", "fake"}});
  auto d = json::parse(c.lines[0]);
  EXPECT_EQ(json::get_string(*d, "level"), "info");
  EXPECT_EQ(json::get_string(*d, "msg"), "m");
}

TEST(Log, LifecycleLinesIgnoreTheLevel) {
  Capture c;
  log::set_level(log::Level::error);
  log::lifecycle("ready", {{"port", 1}});
  log::set_level(log::Level::info);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NE(c.lines[0].find("\"msg\":\"ready\""), std::string::npos);
}
