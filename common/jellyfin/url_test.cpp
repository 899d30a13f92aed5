// Unit tests for jf_url.h.
#include "common/jellyfin/url.h"

#include <gtest/gtest.h>

using jb::jf::normalize_server_url;

TEST(JfUrl, NormalisesWhatPeoplePaste) {
  EXPECT_EQ(*normalize_server_url("jf.example.com"), "http://jf.example.com");
  EXPECT_EQ(*normalize_server_url("  http://10.0.0.5:8096/  "), "http://10.0.0.5:8096");
  EXPECT_EQ(*normalize_server_url("HTTPS://JF.Example.com:443/jellyfin/"),
            "https://jf.example.com/jellyfin");
  EXPECT_EQ(*normalize_server_url("http://h:80/"), "http://h");
  EXPECT_EQ(*normalize_server_url("https://h:8920"), "https://h:8920");
  EXPECT_EQ(*normalize_server_url("http://10.0.0.5:8096/web/index.html#/home.html"),
            "http://10.0.0.5:8096");
  EXPECT_EQ(*normalize_server_url("http://h/jellyfin/web/"), "http://h/jellyfin");
  EXPECT_EQ(*normalize_server_url("http://h//jellyfin//?x=1"), "http://h/jellyfin");
  EXPECT_EQ(*normalize_server_url("http://h/website"), "http://h/website");  // not the web UI
  EXPECT_EQ(*normalize_server_url("http://[::1]:8096"), "http://[::1]:8096");
}

TEST(JfUrl, RefusesWhatIsNotAServerUrl) {
  for (const char* bad : {"", "   ", "ftp://h", "javascript:alert(1)", "http://",
                          "http://user:pw@h", "http://user@h", "http://h h", "http://h\x01x"}) {
    auto r = normalize_server_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_server_url");
    EXPECT_EQ(r.error().http_status, 400);
  }
  EXPECT_EQ(normalize_server_url("http://user:secret@h").error().message.find("secret"),
            std::string::npos);
}
