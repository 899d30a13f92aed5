// Unit tests of home_account.h: which answers of the home server end a user's sessions.
#include "auth-service/connections/home_account.h"

#include <gtest/gtest.h>

#include "common/jellyfin/errors.h"

using namespace jb;
using namespace jb::auth;

TEST(HomeAccount, RejectedDisabledAndDeletedEndSessionsOtherFailuresDoNot) {
  jf::User ok_user{"u1", "alice", false, false, true};
  EXPECT_EQ(home_account_lost_reason(Result<jf::User>(ok_user)), "");
  jf::User disabled = ok_user;
  disabled.is_disabled = true;
  EXPECT_EQ(home_account_lost_reason(Result<jf::User>(disabled)), "home_user_disabled");
  EXPECT_EQ(home_account_lost_reason(Result<jf::User>(Error(jf::errc::token_rejected, "401", 401))),
            "home_token_rejected");
  EXPECT_EQ(home_account_lost_reason(Result<jf::User>(Error(jf::errc::not_found, "404", 404))),
            "home_user_deleted");
  // Unreachable or broken servers say nothing about the account.
  for (const char* code : {jf::errc::unreachable, jf::errc::server_error, jf::errc::timeout}) {
    EXPECT_EQ(home_account_lost_reason(Result<jf::User>(Error(code, "x", 503))), "") << code;
    EXPECT_EQ(home_account_lost_reason(Error(code, "x", 503)), "") << code;
  }
  // On other routes only a rejected token counts (a 404 is about an item).
  EXPECT_EQ(home_account_lost_reason(Error(jf::errc::token_rejected, "401", 401)),
            "home_token_rejected");
  EXPECT_EQ(home_account_lost_reason(Error(jf::errc::not_found, "404", 404)), "");
}
