// cidr.h — IP addresses and CIDR ranges for the edge: trusted proxies, LAN
// ranges, the outbound (SSRF) allow and deny lists, and the keys rate limits
// count clients by.
//
// An address is kept as 16 bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d),
// so "127.0.0.1" and "::ffff:127.0.0.1" are one address and an IPv4 range
// matches both spellings. Parsing is strict and never guesses: IPv4 only as
// four decimal parts 0–255 without leading zeros ("0177.0.0.1", "2130706433"
// and "127.1" are refused, not reinterpreted the way inet_aton would), IPv6 as
// RFC 4291 text (inet_pton), optionally in brackets; zone ids ("fe80::1%eth0")
// are refused.
//
// Thread-safety: values and pure functions; a CidrSet is immutable once built
// and may be read from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jb {
class ConfigReader;
}

namespace jb::net {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};

  bool is_v4() const;       // an IPv4 address (stored IPv4-mapped)
  std::string str() const;  // dotted quad for IPv4, RFC 5952 text for IPv6
  bool operator==(const IpAddress& o) const { return bytes == o.bytes; }
};

std::optional<IpAddress> parse_ip(std::string_view text);

struct Cidr {
  IpAddress base;  // host bits cleared
  int prefix = 0;  // in the 128-bit space (an IPv4 /8 is 104)

  bool contains(const IpAddress& a) const;
  std::string str() const;  // "10.0.0.0/8", "fe80::/10"
};

// "10.0.0.0/8", "fe80::/10", or a single address ("127.0.0.1" is a /32).
// Host bits set below the prefix are refused ("10.0.0.1/8": a typo, not a range).
// nullopt with the reason in *why.
std::optional<Cidr> parse_cidr(std::string_view text, std::string* why = nullptr);

class CidrSet {
 public:
  CidrSet() = default;
  explicit CidrSet(std::vector<Cidr> ranges) : ranges_(std::move(ranges)) {}
  // Entries separated by commas and/or blanks; "" is the empty set.
  static std::optional<CidrSet> parse(std::string_view list, std::string* why = nullptr);

  bool contains(const IpAddress& a) const;
  bool contains(std::string_view ip) const;  // false when `ip` is not an address
  // The first pair of ranges (one from each set) that share an address, as "a ∩ b"; "" if none.
  std::string overlap(const CidrSet& other) const;
  bool empty() const { return ranges_.empty(); }
  const std::vector<Cidr>& ranges() const { return ranges_; }
  std::string str() const;  // comma-separated

 private:
  std::vector<Cidr> ranges_;
};

// Reads a CIDR list setting (a bad entry is a config error naming it).
CidrSet read_cidrs(ConfigReader& r, const std::string& name, const std::string& fallback);

// The ranges no outbound request and no client is ever treated as "the
// public internet": loopback, RFC 1918, unique-local (fc00::/7), link-local.
// JB_LAN_CIDRS' default.
extern const char* const kLanDefault;

// What rate limits count a client as: an IPv4 address itself, an IPv6 address
// by its /64 (one subscriber usually holds a whole /64): "2001:db8:1:2::/64".
std::string client_key(const IpAddress& a);
// The same for text; the text itself when it is not an address.
std::string client_key(std::string_view ip);

}  // namespace jb::net
