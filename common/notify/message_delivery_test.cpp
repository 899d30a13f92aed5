// message_delivery_test.cpp — the account messages' channels: settings'
// validation, webhook events and each channel's request.
#include "common/notify/message_delivery.h"

#include <gtest/gtest.h>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/notify/delivery_queue.h"

namespace jb::msg {
namespace {

Delivery sample() {
  Delivery d;
  d.id = "1700000000000-0";
  d.kind = "welcome";
  d.user_id = "u1";
  d.user_name = "alice";
  d.to = "!room:example.org";
  d.content = {"Welcome", "Hello alice\n", "<p>Hello alice</p>\n"};
  return d;
}

TEST(MessageRetries, TheWaitDoublesIsCappedAndHonoursRetryAfter) {
  EXPECT_EQ(retry_delay_ms(1, 30000, 0), 30000);
  EXPECT_EQ(retry_delay_ms(2, 30000, 0), 60000);
  EXPECT_EQ(retry_delay_ms(4, 30000, 0), 240000);
  EXPECT_EQ(retry_delay_ms(40, 30000, 0), kMaxRetryDelayMs);  // no overflow, an hour at most
  EXPECT_EQ(retry_delay_ms(1, 100, 5000), 5000);              // the receiver's Retry-After
  EXPECT_EQ(retry_delay_ms(1, 100, 10 * kMaxRetryDelayMs), kMaxRetryDelayMs);
  workq::Item first;
  first.id = "1-0";
  EXPECT_EQ(attempt_of(first), 1);
  first.fields["attempt"] = "3";
  EXPECT_EQ(attempt_of(first), 3);
  first.fields["attempt"] = "x";
  EXPECT_EQ(attempt_of(first), 1);
  // A retried item keeps the first entry's id as its delivery id.
  workq::Item retried;
  retried.id = "9-0";
  retried.fields = {{"delivery", "1-0"}, {"kind", "welcome"}};
  EXPECT_EQ(delivery_from_item(retried).id, "1-0");
  EXPECT_EQ(delivery_from_item(first).id, "1-0");
}

TEST(MessageChannels, Validation) {
  EXPECT_TRUE(validate_channel({"email", true, "", "", {}}, false).empty());
  EXPECT_FALSE(validate_channel({"sms", true, "", "", {}}, false).empty());
  EXPECT_FALSE(validate_channel({"discord", true, "", "", {}}, false).empty());
  EXPECT_TRUE(
      validate_channel(
          {"discord", true, "", "https://d.example/api/webhooks/1/x", {"announcement", "welcome"}},
          false)
          .empty());
  EXPECT_FALSE(
      validate_channel({"discord", true, "", "https://d.example/x", {"nope"}}, false).empty());
  EXPECT_TRUE(validate_channel({"telegram", true, "", "123:abc", {}}, false).empty());
  EXPECT_FALSE(validate_channel({"telegram", true, "ftp://x", "123:abc", {}}, false).empty());
  EXPECT_FALSE(validate_channel({"matrix", true, "", "tok", {}}, false).empty());
  EXPECT_TRUE(validate_channel({"matrix", true, "https://hs.example", "", {}}, true).empty());
  EXPECT_FALSE(validate_channel({"webhook", true, "https://w.example", "", {}}, false).empty());
}

TEST(MessageChannels, WebhookEvents) {
  EXPECT_EQ(webhook_event("welcome"), "user.created");
  EXPECT_EQ(webhook_event("invite"), "invite.sent");
  EXPECT_EQ(webhook_event("reset"), "user.reset_requested");
  EXPECT_EQ(webhook_event("announcement"), "announcement");
  EXPECT_EQ(webhook_event("confirmation"), "");
}

TEST(MessageChannels, Truncation) {
  EXPECT_EQ(truncate_chars("abc", 3), "abc");
  EXPECT_EQ(truncate_chars("abcd", 3), "ab\xE2\x80\xA6");
  EXPECT_EQ(truncate_chars("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
}

TEST(MessageChannels, DiscordTelegramMatrixWebhookRequests) {
  Delivery d = sample();
  auto r = build_message_request({"discord", "", "https://d.example/hook"}, d, 1700000000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->url, "https://d.example/hook");
  auto b = json::parse(r->body);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(json::get_string(*b, "content"), "Welcome\n\nHello alice\n");

  d.to = "42";
  r = build_message_request({"telegram", "", "123:abc"}, d, 1700000000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url, "https://api.telegram.org/bot123:abc/sendMessage");
  auto t = json::parse(r->body);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(json::get_string(*t, "chat_id"), "42");

  d.to = "!room:example.org";
  r = build_message_request({"matrix", "https://hs.example/", "tok"}, d, 1700000000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "PUT");
  EXPECT_EQ(r->url,
            "https://hs.example/_matrix/client/v3/rooms/%21room%3Aexample.org/send/"
            "m.room.message/1700000000000-0");
  auto m = json::parse(r->body);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(json::get_string(*m, "msgtype"), "m.text");
  EXPECT_EQ(json::get_string(*m, "format"), "org.matrix.custom.html");
  EXPECT_NE(json::get_string(*m, "formatted_body").find("<p>Hello alice</p>"), std::string::npos);
  bool bearer = false;
  for (const auto& [k, v] : r->headers) bearer |= k == "Authorization" && v == "Bearer tok";
  EXPECT_TRUE(bearer);

  r = build_message_request({"webhook", "https://w.example/in", "s3cret"}, d, 1700000000);
  ASSERT_TRUE(r.ok());
  auto w = json::parse(r->body);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(json::get_string(*w, "event"), "user.created");
  std::string sig;
  for (const auto& [k, v] : r->headers)
    if (k == "X-Jellybridge-Signature") sig = v;
  EXPECT_EQ(sig, "sha256=" + crypto::hmac_sha256_hex("s3cret", "1700000000." + r->body));
  EXPECT_FALSE(build_message_request({"email", "", ""}, d, 1).ok());
  // A reset's link never goes to a webhook.
  d.kind = "reset";
  d.content.text = "https://m.example/#/reset/secret-token\n";
  r = build_message_request({"webhook", "https://w.example/in", "s3cret"}, d, 1700000000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body.find("secret-token"), std::string::npos) << r->body;
}

TEST(MessageChannels, MailHasTextAndHtml) {
  Delivery d = sample();
  d.to = "alice@example.org";
  auto m = build_message_mail(d);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->body, "Hello alice\n");
  EXPECT_NE(m->html.find("<p>Hello alice</p>"), std::string::npos);
  m->from = "jb@example.org";
  auto text = build_message(*m, 0, "x@example.org");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("multipart/alternative"), std::string::npos);
  EXPECT_NE(text->find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  d.to = "not an address";
  EXPECT_FALSE(build_message_mail(d).ok());
}

}  // namespace
}  // namespace jb::msg
