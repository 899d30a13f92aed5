// cidr.cpp — see cidr.h.
#include "common/net/cidr.h"

#include <arpa/inet.h>

#include <algorithm>

#include "common/core/config.h"
#include "common/core/text.h"

namespace jb::net {

const char* const kLanDefault =
    "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, 169.254.0.0/16, "
    "fe80::/10";

namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// Four decimal parts 0–255, no leading zeros, nothing else.
std::optional<std::array<uint8_t, 4>> parse_v4(std::string_view s) {
  std::array<uint8_t, 4> out{};
  size_t part = 0, i = 0;
  while (part < 4) {
    size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    size_t len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return std::nullopt;
    out[part++] = static_cast<uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

}  // namespace

bool IpAddress::is_v4() const {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin());
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  IpAddress a;
  if (auto v4 = parse_v4(text)) {
    std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), a.bytes.begin());
    std::copy(v4->begin(), v4->end(), a.bytes.begin() + 12);
    return a;
  }
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  std::string z(text);  // inet_pton needs a terminated string; it refuses zone ids
  if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) != 1) return std::nullopt;
  // An embedded IPv4 part must follow the strict rules too ("::ffff:0177.0.0.1").
  if (auto colon = z.rfind(':');
      z.find('.', colon) != std::string::npos && !parse_v4(std::string_view(z).substr(colon + 1)))
    return std::nullopt;
  return a;
}

bool Cidr::contains(const IpAddress& a) const {
  int full = prefix / 8, rest = prefix % 8;
  for (int i = 0; i < full; ++i)
    if (a.bytes[i] != base.bytes[i]) return false;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == base.bytes[full];
}

std::string Cidr::str() const {
  return base.str() + "/" + std::to_string(base.is_v4() && prefix >= 96 ? prefix - 96 : prefix);
}

std::optional<Cidr> parse_cidr(std::string_view text, std::string* why) {
  auto fail = [&](const std::string& m) -> std::optional<Cidr> {
    if (why) *why = m;
    return std::nullopt;
  };
  std::string_view addr = text, len;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    len = text.substr(slash + 1);
  }
  auto a = parse_ip(addr);
  if (!a) return fail("'" + std::string(addr) + "' is not an IP address");
  int max = a->is_v4() ? 32 : 128;
  int prefix = max;
  if (!len.empty() || text.find('/') != std::string_view::npos) {
    bool digits =
        std::all_of(len.begin(), len.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (len.empty() || len.size() > 3 || !digits || (len.size() > 1 && len[0] == '0'))
      return fail("'" + std::string(len) + "' is not a prefix length");
    prefix = std::stoi(std::string(len));
    if (prefix > max)
      return fail("/" + std::to_string(prefix) + " is longer than the address (" +
                  std::to_string(max) + " bits)");
  }
  Cidr c{*a, a->is_v4() ? prefix + 96 : prefix};
  Cidr cleared = c;
  int full = c.prefix / 8, rest = c.prefix % 8;
  for (int i = full; i < 16; ++i) {
    uint8_t mask = i == full && rest ? static_cast<uint8_t>(0xff << (8 - rest)) : 0;
    cleared.base.bytes[i] &= mask;
  }
  if (!(cleared.base == c.base))
    return fail("'" + std::string(text) + "' has host bits set (did you mean " + cleared.str() +
                "?)");
  return c;
}

std::optional<CidrSet> CidrSet::parse(std::string_view list, std::string* why) {
  std::vector<Cidr> out;
  std::string items(list);
  for (char& ch : items)
    if (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n') ch = ',';
  for (const auto& part : text::split(items, ',')) {
    if (part.empty()) continue;
    auto c = parse_cidr(part, why);
    if (!c) return std::nullopt;
    out.push_back(*c);
  }
  return CidrSet(std::move(out));
}

bool CidrSet::contains(const IpAddress& a) const {
  for (const auto& r : ranges_)
    if (r.contains(a)) return true;
  return false;
}

bool CidrSet::contains(std::string_view ip) const {
  auto a = parse_ip(ip);
  return a && contains(*a);
}

std::string CidrSet::overlap(const CidrSet& other) const {
  // Two ranges intersect exactly when one contains the other's base.
  for (const auto& a : ranges_)
    for (const auto& b : other.ranges_) {
      const Cidr& wide = a.prefix <= b.prefix ? a : b;
      const Cidr& narrow = a.prefix <= b.prefix ? b : a;
      if (wide.contains(narrow.base)) return a.str() + " ∩ " + b.str();
    }
  return "";
}

std::string CidrSet::str() const {
  std::string out;
  for (const auto& r : ranges_) out += (out.empty() ? "" : ",") + r.str();
  return out;
}

CidrSet read_cidrs(ConfigReader& r, const std::string& name, const std::string& fallback) {
  std::string value = r.str(name, fallback);
  std::string why;
  auto set = CidrSet::parse(value, &why);
  if (!set) {
    r.add_problem(name, "config error: " + name + ": " + why +
                            " (expected CIDR ranges such as 10.0.0.0/8, fd00::/8, "
                            "separated by commas)");
    return CidrSet();
  }
  return *set;
}

std::string client_key(const IpAddress& a) {
  if (a.is_v4()) return a.str();
  Cidr net{a, 64};
  for (size_t i = 8; i < 16; ++i) net.base.bytes[i] = 0;
  return net.str();
}

std::string client_key(std::string_view ip) {
  auto a = parse_ip(ip);
  return a ? client_key(*a) : std::string(ip);
}

}  // namespace jb::net
