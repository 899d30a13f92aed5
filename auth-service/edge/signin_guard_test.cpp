// Unit tests of the edge's pure policy (signin_guard.h) and the admin lists'
// JSON (edge_handlers.h). The guard against Redis and the real binary are
// tested end to end in tests/e2e/edge_test.cpp.
#include "auth-service/edge/signin_guard.h"

#include <gtest/gtest.h>

#include "auth-service/edge/edge_handlers.h"
#include "common/core/json.h"
#include "common/jellyfin/errors.h"

using namespace jb;
using namespace jb::auth;

TEST(EdgePolicy, AccountsAreCaseInsensitiveAndHashedForKeys) {
  EXPECT_EQ(account_name("Demo"), "demo");
  EXPECT_EQ(account_id("DEMO"), account_id("demo"));
  EXPECT_NE(account_id("demo"), account_id("demo2"));
  EXPECT_EQ(account_id("x").size(), 64u);
}

TEST(EdgePolicy, EveryCredentialFailureHasTheSameAnswer) {
  Error wrong(jf::errc::bad_credentials, "Jellyfin did not accept that user name and password.",
              401);
  Error disabled(jf::errc::user_disabled, "Jellyfin refused the sign-in.", 403);
  EXPECT_EQ(credential_failure_reason(wrong, true), "wrong_password");
  EXPECT_EQ(credential_failure_reason(wrong, false), "unknown_user");
  EXPECT_EQ(credential_failure_reason(disabled, true), "disabled");
  EXPECT_EQ(credential_failure_reason(disabled, false), "disabled");
  Error down(jf::errc::timeout, "slow", 504);
  EXPECT_FALSE(credential_failure_reason(down, true).has_value());
  Error e = sign_in_failed_error();
  EXPECT_EQ(e.code, errc::sign_in_failed);
  EXPECT_EQ(e.http_status, 401);
  EXPECT_EQ(e.message.find("disabled"), std::string::npos) << "says nothing about the reason";
}

TEST(EdgePolicy, RefusalsCarryRetryAfterInWholeSecondsRoundedUp) {
  Error l = rate_limited_error(1500);
  EXPECT_EQ(l.code, errc::rate_limited);
  EXPECT_EQ(l.http_status, 429);
  EXPECT_EQ(l.retry_after_s, 2);
  EXPECT_EQ(rate_limited_error(1).retry_after_s, 1);
  Error b = ip_banned_error(86400000);
  EXPECT_EQ(b.code, errc::ip_banned);
  EXPECT_EQ(b.http_status, 403);
  EXPECT_EQ(b.retry_after_s, 86400);
}

TEST(EdgePolicy, FailuresArePaddedToTheMinimum) {
  EXPECT_EQ(failure_padding_ms(10, 250), 240);
  EXPECT_EQ(failure_padding_ms(250, 250), 0);
  EXPECT_EQ(failure_padding_ms(900, 250), 0);
  EXPECT_EQ(failure_padding_ms(5, 0), 0);
}

TEST(EdgePolicy, KeysFollowTheDocumentedLayout) {
  EXPECT_EQ(SignInGuard::account_key("ab", "lock"), "jb:edge:acct:ab:lock");
  EXPECT_EQ(SignInGuard::ip_key("2001:db8::/64", "ban"), "jb:edge:ip:2001:db8::/64:ban");
  EXPECT_EQ(SignInGuard::bans_key(), "jb:edge:bans");
  EXPECT_EQ(SignInGuard::lockouts_key(), "jb:edge:lockouts");
}

TEST(EdgeAdminJson, ListsCarryUntilReasonAndCounts) {
  auto bans = json::parse(
      bans_json({BanInfo{"203.0.113.9", "too_many_failures", 1700000000000, 1699990000000, 10}}));
  ASSERT_TRUE(bans.ok());
  const auto& b = (*json::member(*bans, "bans")).GetArray()[0];
  EXPECT_EQ(json::get_string(b, "ip"), "203.0.113.9");
  EXPECT_EQ(json::get_string(b, "until"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(json::get_int(b, "failures"), 10);
  EXPECT_EQ(json::get_string(b, "reason"), "too_many_failures");
  auto locks = json::parse(lockouts_json({}));
  ASSERT_TRUE(locks.ok());
  EXPECT_EQ((*json::member(*locks, "lockouts")).GetArray().Size(), 0u);
}
