// Tests for lan_bypass.h: only a request that is really from the LAN skips the
// second factor.
#include "auth-service/security/lan_bypass.h"

#include <gtest/gtest.h>

using namespace jb;
using jb::auth::lan_bypass_applies;

namespace {
net::CidrSet set(const char* text) {
  auto s = net::CidrSet::parse(text);
  EXPECT_TRUE(s.has_value()) << text;
  return s ? *s : net::CidrSet{};
}
}  // namespace

TEST(LanBypass, OnlyADirectOrTrustedlyForwardedLanClientIsExempt) {
  const auto lan = set("192.168.0.0/16,fd00::/8");
  const auto proxies = set("10.0.0.5/32");
  // Direct from the LAN.
  EXPECT_TRUE(lan_bypass_applies("192.168.1.20", "192.168.1.20", false, lan, proxies));
  EXPECT_TRUE(lan_bypass_applies("fd00::7", "fd00::7", false, lan, proxies));
  // Direct from outside.
  EXPECT_FALSE(lan_bypass_applies("203.0.113.9", "203.0.113.9", false, lan, proxies));
  // Through the trusted proxy, from the LAN / from outside.
  EXPECT_TRUE(lan_bypass_applies("192.168.1.20", "10.0.0.5", true, lan, proxies));
  EXPECT_FALSE(lan_bypass_applies("203.0.113.9", "10.0.0.5", true, lan, proxies));
  // Through a LAN proxy nobody declared: the peer looks local, the request is not.
  EXPECT_FALSE(lan_bypass_applies("192.168.1.2", "192.168.1.2", true, lan, proxies));
  // Every hop trusted: the client is the proxy itself.
  const auto lan_proxies = set("192.168.1.2/32");
  EXPECT_FALSE(lan_bypass_applies("192.168.1.2", "192.168.1.2", true, lan, lan_proxies));
  // Not an address at all.
  EXPECT_FALSE(lan_bypass_applies("", "", false, lan, proxies));
}
