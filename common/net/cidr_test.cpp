// Tests of cidr.h: strict address parsing, ranges, sets and rate-limit keys.
#include "common/net/cidr.h"

#include <gtest/gtest.h>

#include "common/core/config.h"

using namespace jb::net;

TEST(Cidr, AddressesParseStrictlyAndPrintCanonically) {
  EXPECT_EQ(parse_ip("127.0.0.1")->str(), "127.0.0.1");
  EXPECT_EQ(parse_ip("::ffff:127.0.0.1")->str(), "127.0.0.1") << "IPv4-mapped is IPv4";
  EXPECT_EQ(*parse_ip("::ffff:7f00:1"), *parse_ip("127.0.0.1"));
  EXPECT_EQ(parse_ip("[2001:DB8::1]")->str(), "2001:db8::1");
  EXPECT_EQ(parse_ip("0:0:0:0:0:0:0:1")->str(), "::1");
  for (const char* bad : {"", "0177.0.0.1", "2130706433", "127.1", "127.0.0.256", "1.2.3.4.5",
                          "1.2.3", " 1.2.3.4", "1.2.3.4 ", "0x7f.0.0.1", "fe80::1%eth0", "::g",
                          "::ffff:0177.0.0.1", "localhost", "1.2.3.-4", "[1.2.3.4"})
    EXPECT_FALSE(parse_ip(bad).has_value()) << "'" << bad << "' must not parse";
  EXPECT_TRUE(parse_ip("0.0.0.0").has_value());
  EXPECT_TRUE(parse_ip("::").has_value());
  EXPECT_TRUE(parse_ip("1.2.3.4")->is_v4());
  EXPECT_FALSE(parse_ip("::1")->is_v4());
}

TEST(Cidr, RangesContainTheirAddressesInBothSpellings) {
  auto net8 = parse_cidr("10.0.0.0/8");
  ASSERT_TRUE(net8);
  EXPECT_TRUE(net8->contains(*parse_ip("10.255.1.2")));
  EXPECT_TRUE(net8->contains(*parse_ip("::ffff:10.1.2.3")));
  EXPECT_FALSE(net8->contains(*parse_ip("11.0.0.1")));
  EXPECT_FALSE(net8->contains(*parse_ip("::a00:1"))) << "IPv4-compatible is not IPv4";
  EXPECT_EQ(net8->str(), "10.0.0.0/8");

  auto ll = parse_cidr("fe80::/10");
  ASSERT_TRUE(ll);
  EXPECT_TRUE(ll->contains(*parse_ip("febf::1")));
  EXPECT_FALSE(ll->contains(*parse_ip("fec0::1")));
  EXPECT_EQ(parse_cidr("172.16.0.0/12")->contains(*parse_ip("172.31.255.255")), true);
  EXPECT_EQ(parse_cidr("172.16.0.0/12")->contains(*parse_ip("172.32.0.0")), false);

  auto single = parse_cidr("192.168.1.7");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->str(), "192.168.1.7/32");
  EXPECT_TRUE(single->contains(*parse_ip("192.168.1.7")));
  EXPECT_FALSE(single->contains(*parse_ip("192.168.1.8")));
  EXPECT_TRUE(parse_cidr("0.0.0.0/0")->contains(*parse_ip("8.8.8.8")));
  EXPECT_FALSE(parse_cidr("0.0.0.0/0")->contains(*parse_ip("2001:db8::1")))
      << "an IPv4 range never matches IPv6";
  EXPECT_TRUE(parse_cidr("::/0")->contains(*parse_ip("8.8.8.8")));

  std::string why;
  EXPECT_FALSE(parse_cidr("10.0.0.1/8", &why));
  EXPECT_NE(why.find("10.0.0.0/8"), std::string::npos) << why;
  for (const char* bad :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/x", "/8", "example.com/8"})
    EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(Cidr, SetsParseListsAndFindOverlaps) {
  auto lan = CidrSet::parse(kLanDefault);
  ASSERT_TRUE(lan);
  for (const char* in : {"127.0.0.1", "::1", "10.1.2.3", "172.20.0.1", "192.168.178.20",
                         "fd12:3456::1", "169.254.169.254", "fe80::1", "::ffff:192.168.0.1"})
    EXPECT_TRUE(lan->contains(std::string_view(in))) << in;
  for (const char* out : {"8.8.8.8", "2001:db8::1", "100.64.0.1", "not an ip"})
    EXPECT_FALSE(lan->contains(std::string_view(out))) << out;

  auto proxies = CidrSet::parse("203.0.113.0/24 , 10.9.0.0/16\n2001:db8::/32");
  ASSERT_TRUE(proxies);
  EXPECT_EQ(proxies->ranges().size(), 3u);
  EXPECT_EQ(proxies->str(), "203.0.113.0/24,10.9.0.0/16,2001:db8::/32");
  EXPECT_EQ(proxies->overlap(*lan), "10.9.0.0/16 ∩ 10.0.0.0/8");
  EXPECT_EQ(CidrSet::parse("203.0.113.0/24")->overlap(*lan), "");
  EXPECT_TRUE(CidrSet::parse("")->empty());
  std::string why;
  EXPECT_FALSE(CidrSet::parse("10.0.0.0/8, nonsense", &why));
  EXPECT_NE(why.find("nonsense"), std::string::npos);
}

TEST(Cidr, ConfigErrorsNameTheVariableAndTheEntry) {
  jb::Env env = jb::Env::from_map({{"JB_X", "10.0.0.0/8,10.0.0.1/8"}});
  jb::ConfigReader r(env);
  CidrSet s = read_cidrs(r, "JB_X", "");
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(r.report().size(), 1u);
  EXPECT_NE(r.report()[0].find("JB_X"), std::string::npos);
  EXPECT_NE(r.report()[0].find("host bits"), std::string::npos) << r.report()[0];
  jb::Env ok = jb::Env::from_map({});
  jb::ConfigReader r2(ok);
  EXPECT_EQ(read_cidrs(r2, "JB_Y", "127.0.0.0/8").str(), "127.0.0.0/8");
  EXPECT_TRUE(r2.report().empty());
}

TEST(Cidr, RateLimitKeysGroupAnIpv6SubscriberByItsSlash64) {
  EXPECT_EQ(client_key("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(client_key("::ffff:203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
}
