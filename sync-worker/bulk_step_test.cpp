// Unit tests of the bulk step's pure decisions: whether another enabled
// administrator remains (the last one is never disabled or deleted), and which
// Jellyfin errors fail a user and which are retried.
#include "sync-worker/bulk_step.h"

#include <gtest/gtest.h>

#include "common/jellyfin/errors.h"

using namespace jb;
using namespace jb::worker;

namespace {

json::Document users(const std::string& text) {
  auto d = json::parse(text);
  EXPECT_TRUE(d.ok());
  return std::move(*d);
}

TEST(BulkLastAdmin, OnlyAnotherEnabledAdministratorCounts) {
  auto two = users(R"([{"Id":"a","Policy":{"IsAdministrator":true,"IsDisabled":false}},
                       {"Id":"b","Policy":{"IsAdministrator":true,"IsDisabled":false}},
                       {"Id":"c","Policy":{"IsAdministrator":false,"IsDisabled":false}}])");
  EXPECT_TRUE(another_enabled_admin(two, "a"));
  EXPECT_TRUE(another_enabled_admin(two, "c"));
  auto one = users(R"([{"Id":"a","Policy":{"IsAdministrator":true,"IsDisabled":false}},
                       {"Id":"b","Policy":{"IsAdministrator":true,"IsDisabled":true}},
                       {"Id":"c","Policy":{"IsAdministrator":false}}])");
  EXPECT_FALSE(another_enabled_admin(one, "a"));
  EXPECT_TRUE(another_enabled_admin(one, "b"));
  EXPECT_FALSE(another_enabled_admin(users("[]"), "a"));
  EXPECT_FALSE(another_enabled_admin(users("{}"), "a"));
}

TEST(BulkFailures, ClientErrorsFailTheUserServerErrorsAreRetried) {
  EXPECT_EQ(user_failure_reason(Error(jf::errc::not_found, "", 404)), "no such user");
  EXPECT_EQ(user_failure_reason(Error(jf::errc::bad_request, "", 400)),
            "Jellyfin refused it (HTTP 400)");
  EXPECT_EQ(user_failure_reason(Error(jf::errc::forbidden, "", 403)),
            "Jellyfin refused it (HTTP 403)");
  EXPECT_FALSE(user_failure_reason(Error(jf::errc::server_error, "", 500)).has_value());
  EXPECT_FALSE(user_failure_reason(Error(jf::errc::timeout, "", 504)).has_value());
  EXPECT_FALSE(user_failure_reason(Error(jf::errc::connection_refused, "", 502)).has_value());
  EXPECT_FALSE(user_failure_reason(Error(jf::errc::token_rejected, "", 401)).has_value());
}

}  // namespace
