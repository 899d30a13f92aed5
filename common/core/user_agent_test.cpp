// Unit tests of common/core/user_agent.h: real User-Agent headers of the
// common browsers, derived browsers kept apart, clients that are not browsers,
// and hostile input reduced to a short printable label.
#include "common/core/user_agent.h"

#include <gtest/gtest.h>

using jb::ua::device_label;

TEST(UserAgent, CommonBrowsersAndSystems) {
  EXPECT_EQ(device_label("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "Firefox on Linux");
  EXPECT_EQ(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                         "like Gecko) Chrome/131.0.0.0 Safari/537.36"),
            "Chrome on Windows");
  EXPECT_EQ(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                         "like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
            "Edge on Windows");
  EXPECT_EQ(
      device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                   "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
      "Safari on iOS");
  EXPECT_EQ(device_label("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                         "(KHTML, like Gecko) Version/18.1 Safari/605.1.15"),
            "Safari on macOS");
  EXPECT_EQ(device_label("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                         "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
            "Chrome on Android");
  EXPECT_EQ(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                         "like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0"),
            "Opera on Windows");
}

TEST(UserAgent, ClientsThatAreNotBrowsersAreNamedByTheirFirstToken) {
  EXPECT_EQ(device_label("curl/8.5.0"), "curl");
  EXPECT_EQ(device_label("Jellyfin-Android/2.6.2 (Linux; Android 14)"),
            "Jellyfin-Android on Android");
  EXPECT_EQ(device_label(""), "");
}

TEST(UserAgent, HostileInputBecomesAShortPrintableLabel) {
  const std::string label =
      device_label(std::string("\x01\x02evil\r\nX-Injected: 1") + std::string(500, 'a'));
  EXPECT_LE(label.size(), 40u);
  for (char c : label) EXPECT_TRUE(c > 0x20 && c < 0x7f) << int(c);
  EXPECT_EQ(device_label("(((;;;"), "");
}
