// ui_routes_test.cpp — which Accept-Encoding values get gzip, and the security
// headers every answer carries.
#include "auth-service/ui/ui_routes.h"

#include <gtest/gtest.h>

using namespace jb::ui;

TEST(UiRoutes, AcceptEncodingIsReadAsRfc9110Says) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br, zstd"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("deflate, *;q=0.1"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("x-gzip2"));
}

TEST(UiRoutes, EveryAnswerForbidsFramingAndInlineContent) {
  auto h = security_headers();
  auto value = [&h](const std::string& name) {
    for (const auto& [k, v] : h)
      if (k == name) return v;
    return std::string();
  };
  EXPECT_NE(value("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_NE(value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(value("X-Frame-Options"), "DENY");
  EXPECT_EQ(value("Referrer-Policy"), "same-origin");
  EXPECT_NE(std::string(kHsts).find("max-age=31536000"), std::string::npos);
}
