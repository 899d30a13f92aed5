// Tests of client_address.h: the X-Forwarded-For matrix. Every row states who
// the client must be; a row where an attacker-written value wins is a bypass.
#include "common/net/client_address.h"

#include <gtest/gtest.h>

using namespace jb::net;

namespace {

struct Row {
  const char* name;
  const char* peer;
  std::vector<std::string> xff;
  const char* trusted;
  const char* want;
  bool forwarded;
};

}  // namespace

TEST(ClientAddress, ForwardedForMatrixHasNoBypass) {
  const char* one_proxy = "10.0.0.5/32";
  const char* two_proxies = "10.0.0.5/32, 10.0.0.6/32";
  const char* proxy_net = "10.0.0.0/24, fd00::/8";
  const std::vector<Row> rows = {
      {"no proxy configured: header ignored", "203.0.113.7", {"1.1.1.1"}, "", "203.0.113.7", false},
      {"untrusted peer: header ignored",
       "203.0.113.7",
       {"1.1.1.1"},
       one_proxy,
       "203.0.113.7",
       false},
      {"trusted peer, one hop", "10.0.0.5", {"198.51.100.1"}, one_proxy, "198.51.100.1", true},
      {"spoofed leftmost entry",
       "10.0.0.5",
       {"127.0.0.1, 198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
      {"spoofed leftmost in its own header line",
       "10.0.0.5",
       {"127.0.0.1", "198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
      {"several header lines joined in order",
       "10.0.0.5",
       {"9.9.9.9, 8.8.8.8", "10.0.0.6"},
       two_proxies,
       "8.8.8.8",
       true},
      {"trusted chain of two",
       "10.0.0.5",
       {"198.51.100.1, 10.0.0.6"},
       two_proxies,
       "198.51.100.1",
       true},
      {"chain with an untrusted middle hop",
       "10.0.0.5",
       {"1.1.1.1, 198.51.100.1, 10.0.0.6"},
       two_proxies,
       "198.51.100.1",
       true},
      {"all hops trusted: the leftmost",
       "10.0.0.5",
       {"10.0.0.7, 10.0.0.6"},
       proxy_net,
       "10.0.0.7",
       true},
      {"empty header from a trusted proxy", "10.0.0.5", {""}, one_proxy, "10.0.0.5", false},
      {"no header from a trusted proxy", "10.0.0.5", {}, one_proxy, "10.0.0.5", false},
      {"malformed rightmost entry",
       "10.0.0.5",
       {"198.51.100.1, garbage"},
       one_proxy,
       "10.0.0.5",
       false},
      {"malformed entry left of the client",
       "10.0.0.5",
       {"garbage, 198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
      {"'unknown' is not an address", "10.0.0.5", {"unknown"}, one_proxy, "10.0.0.5", false},
      {"octal IPv4 is not reinterpreted", "10.0.0.5", {"0177.0.0.1"}, one_proxy, "10.0.0.5", false},
      {"decimal IPv4 is not reinterpreted",
       "10.0.0.5",
       {"2130706433"},
       one_proxy,
       "10.0.0.5",
       false},
      {"IPv6 client", "10.0.0.5", {"2001:db8::42"}, one_proxy, "2001:db8::42", true},
      {"bracketed IPv6 with a port",
       "10.0.0.5",
       {"[2001:db8::42]:51234"},
       one_proxy,
       "2001:db8::42",
       true},
      {"IPv4 with a port", "10.0.0.5", {"198.51.100.1:4711"}, one_proxy, "198.51.100.1", true},
      {"IPv6 proxy peer", "fd00::1", {"198.51.100.1"}, proxy_net, "198.51.100.1", true},
      {"IPv4-mapped peer counts as its IPv4 proxy",
       "::ffff:10.0.0.5",
       {"198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
      {"IPv4-mapped client is printed as IPv4",
       "10.0.0.5",
       {"::ffff:198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
      {"zone id is malformed", "10.0.0.5", {"fe80::1%eth0"}, one_proxy, "10.0.0.5", false},
      {"spaces and empty entries", "10.0.0.5", {" 198.51.100.1 ,  "}, one_proxy, "10.0.0.5", false},
      {"header injection attempt in one value",
       "10.0.0.5",
       {"198.51.100.1\r\nX-Evil: 1"},
       one_proxy,
       "10.0.0.5",
       false},
      {"trusted range must not make a spoofed hop trusted",
       "10.0.0.5",
       {"10.0.0.9, 198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
      {"a huge list stops at the first untrusted hop",
       "10.0.0.5",
       {std::string(5000, '1') + ", 198.51.100.1"},
       one_proxy,
       "198.51.100.1",
       true},
  };
  ASSERT_GE(rows.size(), 20u);
  int bypasses = 0;
  for (const auto& row : rows) {
    auto trusted = CidrSet::parse(row.trusted);
    ASSERT_TRUE(trusted) << row.name;
    ClientAddress c = resolve_client(row.peer, row.xff, {}, *trusted);
    if (c.ip != row.want) ++bypasses;
    EXPECT_EQ(c.ip, row.want) << row.name;
    EXPECT_EQ(c.forwarded, row.forwarded) << row.name;
  }
  EXPECT_EQ(bypasses, 0);
}

TEST(ClientAddress, ForwardedProtoOnlyFromATrustedProxy) {
  auto trusted = *CidrSet::parse("10.0.0.5/32");
  EXPECT_TRUE(resolve_client("10.0.0.5", {}, {"https"}, trusted).https);
  EXPECT_TRUE(resolve_client("10.0.0.5", {}, {"http, HTTPS"}, trusted).https)
      << "the nearest proxy's value (the last) counts";
  EXPECT_FALSE(resolve_client("10.0.0.5", {}, {"https, http"}, trusted).https);
  EXPECT_FALSE(resolve_client("10.0.0.5", {}, {"http"}, trusted).https);
  EXPECT_FALSE(resolve_client("203.0.113.7", {}, {"https"}, trusted).https)
      << "a client cannot claim https";
  EXPECT_FALSE(resolve_client("203.0.113.7", {}, {"https"}, CidrSet()).https);
}
