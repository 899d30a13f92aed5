// Unit tests for errors.h: the one classification of Jellyfin failures.
#include "common/jellyfin/errors.h"

#include <gtest/gtest.h>

using namespace jb;
using namespace jb::jf;

TEST(JellyfinErrors, TransientIsAboutTheMomentUnreachableAboutTheServer) {
  for (const char* c :
       {jf::errc::timeout, jf::errc::server_error, jf::errc::starting, jf::errc::rate_limited,
        jf::errc::connection_refused, jf::errc::unreachable}) {
    EXPECT_TRUE(is_transient(Error(c, ""))) << c;
    EXPECT_TRUE(is_unreachable(Error(c, ""))) << c;
  }
  for (const char* c : {jf::errc::dns, jf::errc::tls, jf::errc::not_jellyfin}) {
    EXPECT_FALSE(is_transient(Error(c, ""))) << c;
    EXPECT_TRUE(is_unreachable(Error(c, ""))) << c;
  }
  for (const char* c :
       {jf::errc::bad_credentials, jf::errc::user_disabled, jf::errc::token_rejected,
        jf::errc::bad_api_key, jf::errc::forbidden, jf::errc::not_found, jf::errc::bad_request,
        jf::errc::quickconnect_disabled, jf::errc::quickconnect_code_unknown,
        jf::errc::quickconnect_code_used, jf::errc::invalid_server_url, "redis_unavailable"}) {
    EXPECT_FALSE(is_transient(Error(c, ""))) << c;
    EXPECT_FALSE(is_unreachable(Error(c, ""))) << c;
  }
}
