// Unit tests for config.h, including every bad-value class.
#include "common/core/config.h"

#include <gtest/gtest.h>

using namespace jb;

TEST(Config, DefaultsWhenUnsetOrEmpty) {
  Env env = Env::from_map({{"JB_EMPTY", "  "}});
  ConfigReader r(env);
  EXPECT_EQ(r.port("JB_HTTP_PORT", 8080), 8080);
  EXPECT_EQ(r.port("JB_EMPTY", 1), 1);
  EXPECT_EQ(r.str("JB_X", "d"), "d");
  EXPECT_TRUE(r.ok());
}

TEST(Config, ParsesGoodValues) {
  Env env = Env::from_map({{"JB_HTTP_PORT", "9090"},
                           {"JB_N", "42"},
                           {"JB_B", "yes"},
                           {"JB_URL", "https://jf.example.com/jellyfin/"},
                           {"JB_REDIS", "redis://:pw@redis:6380/2"},
                           {"JB_ZMQ", "tcp://library-service:5556"},
                           {"JB_ZMQBIND", "tcp://127.0.0.1:*"},
                           {"JB_LIST", " a, b ,,c "},
                           {"JB_LEVEL", "warn"}});
  ConfigReader r(env);
  EXPECT_EQ(r.port("JB_HTTP_PORT", 1), 9090);
  EXPECT_EQ(r.integer("JB_N", 0, 0, 100), 42);
  EXPECT_TRUE(r.boolean("JB_B", false));
  EXPECT_EQ(r.http_url("JB_URL", "", true), "https://jf.example.com/jellyfin/");
  EXPECT_EQ(r.redis_url("JB_REDIS", ""), "redis://:pw@redis:6380/2");
  EXPECT_EQ(r.zmq_endpoint("JB_ZMQ", ""), "tcp://library-service:5556");
  EXPECT_EQ(r.zmq_endpoint("JB_ZMQBIND", ""), "tcp://127.0.0.1:*");
  EXPECT_EQ(r.list("JB_LIST", {}), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.one_of("JB_LEVEL", "info", {"debug", "info", "warn", "error"}), "warn");
  EXPECT_TRUE(r.ok());
}

TEST(Config, BadValuesNameTheVariable) {
  Env env = Env::from_map({{"JB_HTTP_PORT", "80a"},
                           {"JB_PORT2", "70000"},
                           {"JB_N", "x"},
                           {"JB_M", "500"},
                           {"JB_B", "maybe"},
                           {"JB_URL", "jellyfin:8096"},
                           {"JB_URL2", "http://"},
                           {"JB_REDIS", "http://redis"},
                           {"JB_ZMQ", "tcp://host"},
                           {"JB_LEVEL", "loud"}});
  ConfigReader r(env);
  r.port("JB_HTTP_PORT", 1);
  r.port("JB_PORT2", 1);
  r.integer("JB_N", 0, 0, 10);
  r.integer("JB_M", 0, 0, 10);
  r.boolean("JB_B", false);
  r.http_url("JB_URL", "", true);
  r.http_url("JB_URL2", "", true);
  r.redis_url("JB_REDIS", "");
  r.zmq_endpoint("JB_ZMQ", "");
  r.one_of("JB_LEVEL", "info", {"debug", "info"});
  ASSERT_EQ(r.problems().size(), 10u);
  EXPECT_EQ(r.problems()[0].message,
            "config error: JB_HTTP_PORT='80a' is not a port number (0-65535)");
  for (const auto& p : r.problems()) {
    EXPECT_NE(p.message.find(p.variable), std::string::npos);
    EXPECT_EQ(p.message.find('\n'), std::string::npos);  // one line each
  }
}

TEST(Config, RedisUrlErrorsDoNotEchoThePassword) {
  Env env = Env::from_map({{"JB_REDIS_URL", "redis://:s3cret@@/x"}});
  ConfigReader r(env);
  r.redis_url("JB_REDIS_URL", "");
  ASSERT_EQ(r.problems().size(), 1u);
  EXPECT_EQ(r.problems()[0].message.find("s3cret"), std::string::npos);
}

// Found by fuzz/config_values_fuzz.cpp: a value with a line break printed a problem
// over two lines (breaking "one line per problem"), and the 80-byte cut could split a
// UTF-8 character.
TEST(Config, ProblemsStayOneLineAndValidUtf8) {
  std::string long_value(79, 'a');
  long_value += "\u00e9\u00e9";  // é starts at byte 79: a cut at 80 would split it
  Env env = Env::from_map(
      {{"JB_HTTP_PORT", "80\n80"}, {"JB_B", "yes\r\nno\x01"}, {"JB_LEVEL", long_value}});
  ConfigReader r(env);
  r.port("JB_HTTP_PORT", 1);
  r.boolean("JB_B", false);
  r.one_of("JB_LEVEL", "info", {"info"});
  ASSERT_EQ(r.problems().size(), 3u);
  EXPECT_EQ(r.problems()[0].message,
            "config error: JB_HTTP_PORT='80\\n80' is not a port number (0-65535)");
  EXPECT_EQ(r.problems()[1].message,
            "config error: JB_B='yes\\r\\nno\\x01' is not a boolean (true/false, 1/0, yes/no, "
            "on/off)");
  EXPECT_EQ(r.problems()[2].message,
            "config error: JB_LEVEL='" + std::string(79, 'a') + "…' is not one of: info");
}

TEST(Config, RequiredUrl) {
  Env env = Env::from_map({});
  ConfigReader r(env);
  r.http_url("JB_NEEDED", "", false);
  ASSERT_EQ(r.problems().size(), 1u);
  EXPECT_EQ(r.problems()[0].message, "config error: JB_NEEDED is required");
}

TEST(Config, BadValuesAreReportedBeforeMissingSettings) {
  Env env = Env::from_map({{"JB_HTTP_PORT", "80a"}, {"JB_B", "  "}});
  ConfigReader r(env);
  r.missing("JB_FIRST", "read first, but not set");
  EXPECT_FALSE(r.is_set("JB_B")) << "blank is not set";
  EXPECT_TRUE(r.is_set("JB_HTTP_PORT"));
  r.port("JB_HTTP_PORT", 8080);
  r.http_url("JB_NEEDED", "", false);
  auto lines = r.report();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "config error: JB_HTTP_PORT='80a' is not a port number (0-65535)");
  EXPECT_EQ(lines[1], "config error: JB_FIRST is required (read first, but not set)");
  EXPECT_EQ(lines[2], "config error: JB_NEEDED is required");
}

TEST(ConfigDeathTest, ExitsWithCode2AndOneLine) {
  Env env = Env::from_map({{"JB_HTTP_PORT", "abc"}});
  ConfigReader r(env);
  r.port("JB_HTTP_PORT", 8080);
  EXPECT_EXIT(r.exit_on_error(), ::testing::ExitedWithCode(2),
              "JB_HTTP_PORT='abc' is not a port number");
}
