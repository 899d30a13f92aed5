// Unit tests for the notification channels' body parser (email channels
// included) and the outbox's address blocks (what "a new device or address"
// compares).
#include "auth-service/notify/channel_handlers.h"

#include <gtest/gtest.h>

#include "auth-service/notify/outbox.h"

using namespace jb;
using namespace jb::auth;

namespace {

http::Request post(const std::string& body) {
  http::Request r;
  r.method = "POST";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  return r;
}

bool names(const BodyProblem& p, const std::string& field) {
  for (const auto& [f, _] : p.invalid_params)
    if (f == field) return true;
  return false;
}

}  // namespace

TEST(NotifyChannels, BodyIsParsedWithTokenOrSecret) {
  auto ntfy = parse_channel_body(post(
      R"({"type":"ntfy","name":"Phone","url":"https://ntfy.sh/t","token":"tk","events":["lockout"]})"));
  ASSERT_TRUE(ntfy.ok());
  EXPECT_EQ(ntfy->secret, "tk");
  EXPECT_EQ(ntfy->events, std::vector<std::string>{"lockout"});
  auto hook = parse_channel_body(
      post(R"({"type":"webhook","name":"H","url":"http://hooks.local/x","secret":"s"})"));
  ASSERT_TRUE(hook.ok());
  EXPECT_EQ(hook->secret, "s");
}

TEST(NotifyChannels, BadBodiesNameTheirFields) {
  auto both = parse_channel_body(
      post(R"({"type":"webhook","name":"H","url":"https://x.org","token":"a","secret":"b"})"));
  ASSERT_FALSE(both.ok());
  EXPECT_TRUE(names(both.problem(), "secret"));
  auto bad = parse_channel_body(
      post(R"({"type":"pager","name":"H","url":"javascript:void","events":["everything"]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(names(bad.problem(), "type"));
  EXPECT_TRUE(names(bad.problem(), "url"));
  EXPECT_TRUE(names(bad.problem(), "events"));
  auto unknown = parse_channel_body(
      post(R"({"type":"webhook","name":"H","url":"https://x.org","colour":"red"})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(names(unknown.problem(), "colour"));
  auto gotify = parse_channel_body(post(R"({"type":"gotify","name":"G","url":"https://g.org"})"));
  ASSERT_FALSE(gotify.ok());
  EXPECT_TRUE(names(gotify.problem(), "token"));
}

TEST(NotifyChannels, EmailChannelsTakeNoUrlTokenOrSecret) {
  auto mail =
      parse_channel_body(post(R"({"type":"email","name":"Inbox","events":["app_password"]})"));
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->type, "email");
  EXPECT_TRUE(mail->url.empty());
  EXPECT_TRUE(mail->secret.empty());
  EXPECT_EQ(mail->events, std::vector<std::string>{"app_password"});
  auto to = parse_channel_body(
      post(R"({"type":"email","name":"Inbox","url":"mailto:stranger@example.org"})"));
  ASSERT_FALSE(to.ok());
  EXPECT_TRUE(names(to.problem(), "url"));
  EXPECT_EQ(to.problem().error.http_status, 400);
  auto empty_url = parse_channel_body(post(R"({"type":"email","name":"Inbox","url":""})"));
  ASSERT_FALSE(empty_url.ok());
  EXPECT_TRUE(names(empty_url.problem(), "url"));
  auto token = parse_channel_body(post(R"({"type":"email","name":"Inbox","token":"t"})"));
  ASSERT_FALSE(token.ok());
  EXPECT_TRUE(names(token.problem(), "token"));
  auto secret = parse_channel_body(post(R"({"type":"email","name":"Inbox","secret":"s"})"));
  ASSERT_FALSE(secret.ok());
  EXPECT_TRUE(names(secret.problem(), "secret"));
  auto hook = parse_channel_body(post(R"({"type":"webhook","name":"H"})"));
  ASSERT_FALSE(hook.ok()) << "the other types still need their url";
  EXPECT_TRUE(names(hook.problem(), "url"));
}

TEST(NotifyChannels, AddressBlocksAreSlash24AndSlash64) {
  EXPECT_EQ(address_block("198.51.100.7"), "198.51.100.0/24");
  EXPECT_EQ(address_block("198.51.100.99"), "198.51.100.0/24");
  EXPECT_EQ(address_block("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_block("::ffff:192.0.2.1"), "192.0.2.0/24");
}
