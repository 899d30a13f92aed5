// Tests of outbound_policy.h: the SSRF guard's pure decision — the ranges
// nothing can allow, deny over allow, the home server's pinned endpoints,
// and IPv6 spellings that embed an IPv4 address.
#include "common/net/outbound_policy.h"

#include <gtest/gtest.h>

using namespace jb::net;

namespace {

IpAddress ip(const char* text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

CidrSet set(const char* text) {
  auto s = CidrSet::parse(text);
  EXPECT_TRUE(s.has_value()) << text;
  return s.value_or(CidrSet{});
}

OutboundPolicy production_default() {
  return OutboundPolicy(set(kOutboundAllowDefault), CidrSet{});
}

}  // namespace

TEST(OutboundPolicy, AlwaysRefusedRangesCannotBeAllowedByAnything) {
  // Allow everything, pin the metadata address itself: still refused.
  OutboundPolicy everything(set("0.0.0.0/0, ::/0"), CidrSet{},
                            {Endpoint{ip("169.254.169.254"), 80}, Endpoint{ip("0.0.0.0"), 80}});
  for (const char* a :
       {"169.254.169.254", "169.254.0.1", "fe80::1", "febf::1", "0.0.0.0", "0.1.2.3",
        "::", "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1", "255.255.255.255",
        "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::ffff:224.0.0.1", "::169.254.169.254",
        "::ffff:0:169.254.169.254", "64:ff9b::169.254.169.254", "64:ff9b::a9fe:a9fe"}) {
    auto d = everything.decide(ip(a), 80);
    EXPECT_FALSE(d.allowed) << a;
    EXPECT_EQ(d.reason.rfind("always refused: ", 0), 0u) << a << ": " << d.reason;
  }
  EXPECT_EQ(always_refused_range(ip("169.254.169.254")), "link-local (169.254.0.0/16)");
  EXPECT_EQ(always_refused_range(ip("::ffff:169.254.169.254")), "link-local (169.254.0.0/16)");
  EXPECT_EQ(always_refused_range(ip("ff02::1")), "multicast (ff00::/8)");
  EXPECT_EQ(always_refused_range(ip("8.8.8.8")), "");
  EXPECT_EQ(always_refused_range(ip("::1")), "");
}

TEST(OutboundPolicy, TheDefaultRefusesLoopbackAndAllowsPrivateAndPublicAddresses) {
  OutboundPolicy p = production_default();
  for (const char* a :
       {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "::ffff:127.0.0.1", "::127.0.0.1",
        "::ffff:0:127.0.0.1", "64:ff9b::7f00:1", "198.18.0.1", "240.0.0.1", "fec0::1"})
    EXPECT_FALSE(p.decide(ip(a), 8096).allowed) << a;
  EXPECT_NE(p.decide(ip("127.0.0.1"), 6379).reason.find("loopback (127.0.0.0/8)"),
            std::string::npos);
  EXPECT_NE(p.decide(ip("::1"), 6379).reason.find("loopback (::1/128)"), std::string::npos);
  for (const char* a :
       {"10.0.0.5", "172.16.3.4", "172.31.255.255", "192.168.1.20", "fd12::1", "100.101.102.103",
        "::ffff:192.168.1.20", "8.8.8.8", "2001:4860::8888", "1.1.1.1", "64:ff9b::808:808"})
    EXPECT_TRUE(p.decide(ip(a), 8096).allowed) << a;
  EXPECT_EQ(p.decide(ip("192.168.1.20"), 8096).reason, "in JB_OUTBOUND_ALLOW (192.168.0.0/16)");
  EXPECT_EQ(p.decide(ip("8.8.8.8"), 443).reason, "public address");
  // Not in the default allow list: 172.32/16 is public, 192.169/16 too.
  EXPECT_EQ(p.decide(ip("172.32.0.1"), 80).reason, "public address");
}

TEST(OutboundPolicy, DenyWinsOverAllowInEitherSpelling) {
  OutboundPolicy p(set("10.0.0.0/8, 127.0.0.2/32"), set("10.0.0.5/32, 8.8.8.0/24, 2001:db8::/32"));
  EXPECT_TRUE(p.decide(ip("10.0.0.4"), 80).allowed);
  EXPECT_FALSE(p.decide(ip("10.0.0.5"), 80).allowed);
  EXPECT_FALSE(p.decide(ip("::ffff:10.0.0.5"), 80).allowed);
  EXPECT_FALSE(p.decide(ip("::10.0.0.5"), 80).allowed) << "IPv4-compatible";
  EXPECT_FALSE(p.decide(ip("8.8.8.8"), 443).allowed) << "deny applies to public addresses too";
  EXPECT_FALSE(p.decide(ip("2001:db8::1"), 443).allowed);
  EXPECT_EQ(p.decide(ip("10.0.0.5"), 80).reason, "in JB_OUTBOUND_DENY (10.0.0.5/32)");
  // A single loopback address allowed; the rest of 127/8 still refused.
  EXPECT_TRUE(p.decide(ip("127.0.0.2"), 8096).allowed);
  EXPECT_TRUE(p.decide(ip("::ffff:127.0.0.2"), 8096).allowed);
  EXPECT_FALSE(p.decide(ip("127.0.0.1"), 8096).allowed);
  EXPECT_FALSE(p.decide(ip("::1"), 8096).allowed);
  // An empty allow list: only public addresses (and the home server).
  OutboundPolicy strict(CidrSet{}, CidrSet{});
  EXPECT_FALSE(strict.decide(ip("192.168.1.20"), 8096).allowed);
  EXPECT_TRUE(strict.decide(ip("203.0.114.1"), 8096).allowed);
}

TEST(OutboundPolicy, TheHomeServerIsAllowedAtItsPortOnlyAndBeatsDeny) {
  OutboundPolicy p(CidrSet{}, set("127.0.0.0/8, 192.168.0.0/16"),
                   {Endpoint{ip("127.0.0.1"), 8096}, Endpoint{ip("192.168.1.20"), 8920}});
  EXPECT_TRUE(p.decide(ip("127.0.0.1"), 8096).allowed);
  EXPECT_TRUE(p.decide(ip("::ffff:127.0.0.1"), 8096).allowed);
  EXPECT_EQ(p.decide(ip("127.0.0.1"), 8096).reason, "the home server (JB_JELLYFIN_URL)");
  EXPECT_FALSE(p.decide(ip("127.0.0.1"), 6379).allowed) << "only the home server's port";
  EXPECT_FALSE(p.decide(ip("127.0.0.2"), 8096).allowed);
  EXPECT_TRUE(p.decide(ip("192.168.1.20"), 8920).allowed);
  EXPECT_FALSE(p.decide(ip("192.168.1.20"), 22).allowed);
  EXPECT_NE(p.describe().find("home server [127.0.0.1:8096, 192.168.1.20:8920]"), std::string::npos)
      << p.describe();
}

TEST(OutboundPolicy, EmbeddedIpv4AddressesAreFound) {
  EXPECT_EQ(embedded_v4(ip("::ffff:169.254.169.254"))->str(), "169.254.169.254");
  EXPECT_EQ(embedded_v4(ip("::127.0.0.1"))->str(), "127.0.0.1");
  EXPECT_EQ(embedded_v4(ip("::ffff:0:10.1.2.3"))->str(), "10.1.2.3");
  EXPECT_EQ(embedded_v4(ip("64:ff9b::7f00:1"))->str(), "127.0.0.1");
  EXPECT_EQ(embedded_v4(ip("8.8.8.8"))->str(), "8.8.8.8");
  EXPECT_FALSE(embedded_v4(ip("::1")).has_value()) << "loopback, not ::0.0.0.1";
  EXPECT_FALSE(embedded_v4(ip("::")).has_value());
  EXPECT_FALSE(embedded_v4(ip("2001:db8::7f00:1")).has_value());
  EXPECT_FALSE(embedded_v4(ip("fe80::1")).has_value());
}
