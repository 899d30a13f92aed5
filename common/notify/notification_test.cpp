// Unit tests for notification.h: channel validation, the webhook signature (a
// fixed vector), the request each channel type sends and the email built for
// an email channel.
#include "common/notify/notification.h"

#include <gtest/gtest.h>

#include <set>

#include "common/core/json.h"

using namespace jb;
using namespace jb::notify;

namespace {

Notification sample() {
  return Notification{"signin.new_device", "u1",       "alice",
                      "192.0.2.7",         1700000000, {{"method", "password"}}};
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST(Notify, ValidationNamesEachBadField) {
  EXPECT_TRUE(validate({"webhook", "Hook", "https://example.org/h", "", {}}).empty());
  EXPECT_TRUE(validate({"ntfy", "Phone", "http://ntfy.local/topic", "", {"lockout"}}).empty());
  auto bad = validate({"smtp", "", "ftp://x", std::string(600, 's'), {"nope"}});
  std::set<std::string> fields;
  for (const auto& [f, _] : bad) fields.insert(f);
  EXPECT_EQ(fields, (std::set<std::string>{"type", "name", "url", "secret", "events"}));
  EXPECT_FALSE(validate({"webhook", "H", "https://user:pw@example.org/", "", {}}).empty());
  EXPECT_FALSE(validate({"webhook", "H", "https://exa mple.org/", "", {}}).empty());
  EXPECT_FALSE(validate({"webhook", "H", "https://", "", {}}).empty());
  EXPECT_FALSE(validate({"gotify", "G", "https://gotify.example.org", "", {}}).empty())
      << "a Gotify channel needs its token";
}

TEST(Notify, WebhookSignatureFixedVector) {
  // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
  EXPECT_EQ(webhook_signature("whsec_test", 1700000000, R"({"a":1})"),
            "sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
}

TEST(Notify, WebhookRequestIsSignedOverTimestampAndBody) {
  auto r = build_request({"webhook", "https://hooks.example.org/x", "s3cret"}, sample(), "d-1",
                         1700000123);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->url, "https://hooks.example.org/x");
  EXPECT_EQ(header(*r, "X-Jellybridge-Delivery"), "d-1");
  EXPECT_EQ(header(*r, "X-Jellybridge-Timestamp"), "1700000123");
  EXPECT_EQ(header(*r, "X-Jellybridge-Signature"),
            webhook_signature("s3cret", 1700000123, r->body));
  auto d = json::parse(r->body);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "event"), "signin.new_device");
  EXPECT_EQ(json::get_string(*json::member(*d, "user"), "id"), "u1");
  EXPECT_EQ(json::get_string(*d, "at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(json::get_string(*json::member(*d, "detail"), "ip"), "192.0.2.7");
  EXPECT_EQ(r->body.find("s3cret"), std::string::npos);
}

TEST(Notify, NtfyRequestFollowsThePublishApi) {
  auto r = build_request({"ntfy", "https://ntfy.sh/topic", "tk_1"}, sample(), "d", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url, "https://ntfy.sh/topic");
  EXPECT_EQ(header(*r, "Title"), "New sign-in to alice");
  EXPECT_EQ(header(*r, "Priority"), "4");
  EXPECT_FALSE(header(*r, "Tags").empty());
  EXPECT_EQ(header(*r, "Authorization"), "Bearer tk_1");
  EXPECT_NE(r->body.find("192.0.2.7"), std::string::npos);
  auto anon = build_request({"ntfy", "https://ntfy.sh/topic", ""}, sample(), "d", 1);
  ASSERT_TRUE(anon.ok());
  EXPECT_EQ(header(*anon, "Authorization"), "");
}

TEST(Notify, GotifyRequestFollowsTheMessageApi) {
  auto r = build_request({"gotify", "https://gotify.example.org/", "AppTok"}, sample(), "d", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url, "https://gotify.example.org/message");
  EXPECT_EQ(header(*r, "X-Gotify-Key"), "AppTok");
  auto d = json::parse(r->body);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "title"), "New sign-in to alice");
  EXPECT_FALSE(json::get_string(*d, "message").empty());
  EXPECT_EQ(json::get_int(*d, "priority"), 7);
}

TEST(Notify, EmailChannelsHaveNeitherUrlNorSecret) {
  EXPECT_TRUE(validate({"email", "Mail", "", "", {}}).empty());
  EXPECT_TRUE(validate({"email", "Mail", "", "", {"lockout", "app_password"}}).empty());
  auto with_url = validate({"email", "Mail", "mailto:stranger@example.org", "", {}});
  ASSERT_EQ(with_url.size(), 1u);
  EXPECT_EQ(with_url[0].first, "url");
  auto with_secret = validate({"email", "Mail", "", "s3cret", {}});
  ASSERT_EQ(with_secret.size(), 1u);
  EXPECT_EQ(with_secret[0].first, "secret");
  std::set<std::string> fields;
  for (const auto& [f, _] : validate({"email", "", "https://x.org", "t", {"nope"}}))
    fields.insert(f);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "url", "secret", "events"}));
}

TEST(Notify, EmailIsBuiltForTheMailtoAddress) {
  auto m = build_mail({"email", "mailto:alice@example.org", ""}, sample());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->to, "alice@example.org");
  EXPECT_TRUE(m->from.empty()) << "the SmtpClient's configured sender";
  EXPECT_EQ(m->subject, "New sign-in to alice");
  EXPECT_EQ(m->body.rfind(message(sample()), 0), 0u) << m->body;
  EXPECT_NE(m->body.find("event: signin.new_device"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("/api/v1/me/security/channels"), std::string::npos) << m->body;
  MailMessage sent = *m;
  sent.from = "Jellybridge <jb@example.org>";  // what SmtpClient::send fills in
  auto msg = build_message(sent, 1700000000000, "id@example.org");
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_NE(msg->find("\r\nTo: alice@example.org\r\n"), std::string::npos);

  Notification test = sample();
  test.event = "test";
  auto t = build_mail({"email", "mailto:alice@example.org", ""}, test);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->subject, "Jellybridge test notification");
  EXPECT_NE(t->body.find("event: test"), std::string::npos);

  for (const Target& bad :
       {Target{"email", "alice@example.org", ""}, Target{"email", "mailto:", ""},
        Target{"email", "mailto:a@b.org\r\nBcc: x@y.org", ""},
        Target{"email", "mailto:a@b.org,x@y.org", ""}, Target{"webhook", "mailto:a@b.org", ""}}) {
    auto r = build_mail(bad, sample());
    ASSERT_FALSE(r.ok()) << bad.url;
    EXPECT_EQ(r.error().code, errc::smtp_invalid_message);
  }
}

TEST(Notify, EmailIsNotAnHttpRequestAndNotificationsRoundTrip) {
  EXPECT_FALSE(build_request({"email", "mailto:a@example.org", ""}, sample(), "d", 1).ok());
  auto back = notification_from_json(to_json(sample()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->event, "signin.new_device");
  EXPECT_EQ(back->user_name, "alice");
  EXPECT_EQ(back->at, 1700000000);
  EXPECT_EQ(back->detail, sample().detail);
  EXPECT_FALSE(notification_from_json("{}").ok());
}

TEST(Notify, AnswersAreClassified) {
  EXPECT_EQ(classify(200), Outcome::delivered);
  EXPECT_EQ(classify(204), Outcome::delivered);
  EXPECT_EQ(classify(429), Outcome::retry);
  EXPECT_EQ(classify(503), Outcome::retry);
  EXPECT_EQ(classify(404), Outcome::rejected);
  EXPECT_EQ(classify(401), Outcome::rejected);
  EXPECT_EQ(classify(302), Outcome::rejected);
}
