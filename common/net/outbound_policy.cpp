// outbound_policy.cpp — see outbound_policy.h.
#include "common/net/outbound_policy.h"

#include <algorithm>
#include <array>
#include <utility>

namespace jb::net {

const char* const kOutboundAllowDefault =
    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, 100.64.0.0/10";

namespace {

struct NamedRange {
  const char* name;
  Cidr range;
};

std::vector<NamedRange> build(std::initializer_list<std::pair<const char*, const char*>> items) {
  std::vector<NamedRange> out;
  for (const auto& [name, text] : items) {
    auto c = parse_cidr(text);
    if (c) out.push_back({name, *c});
  }
  return out;
}

const std::vector<NamedRange>& always_refused() {
  static const std::vector<NamedRange> k = build({
      {"this network / unspecified", "0.0.0.0/8"},
      {"unspecified", "::/128"},
      {"link-local", "169.254.0.0/16"},
      {"link-local", "fe80::/10"},
      {"multicast", "224.0.0.0/4"},
      {"multicast", "ff00::/8"},
      {"broadcast", "255.255.255.255/32"},
  });
  return k;
}

const std::vector<NamedRange>& non_public() {
  static const std::vector<NamedRange> k = build({
      {"loopback", "127.0.0.0/8"},
      {"loopback", "::1/128"},
      {"private", "10.0.0.0/8"},
      {"private", "172.16.0.0/12"},
      {"private", "192.168.0.0/16"},
      {"unique-local", "fc00::/7"},
      {"carrier-grade NAT", "100.64.0.0/10"},
      {"benchmarking", "198.18.0.0/15"},
      {"reserved", "240.0.0.0/4"},
      {"site-local", "fec0::/10"},
      {"discard-only", "100::/64"},
  });
  return k;
}

const NamedRange* find(const std::vector<NamedRange>& ranges, const IpAddress& a) {
  for (const auto& r : ranges)
    if (r.range.contains(a)) return &r;
  return nullptr;
}

std::string name_of(const NamedRange& r) {
  return std::string(r.name) + " (" + r.range.str() + ")";
}

const Cidr* find_in(const CidrSet& set, const IpAddress& a) {
  for (const auto& r : set.ranges())
    if (r.contains(a)) return &r;
  return nullptr;
}

}  // namespace

std::optional<IpAddress> embedded_v4(const IpAddress& a) {
  if (a.is_v4()) return a;
  const auto& b = a.bytes;
  auto zero = [&b](int from, int to) {
    return std::all_of(b.begin() + from, b.begin() + to, [](uint8_t x) { return x == 0; });
  };
  bool compatible = zero(0, 12) && !zero(12, 16) &&  // ::a.b.c.d, but not :: or ::1
                    !(zero(12, 15) && b[15] == 1);
  bool translated = zero(0, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0;
  bool nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zero(4, 12);
  if (!compatible && !translated && !nat64) return std::nullopt;
  IpAddress v4;
  v4.bytes[10] = v4.bytes[11] = 0xff;
  std::copy(b.begin() + 12, b.end(), v4.bytes.begin() + 12);
  return v4;
}

std::string always_refused_range(const IpAddress& a) {
  const NamedRange* r = find(always_refused(), a);
  if (!r) {
    auto v4 = embedded_v4(a);
    if (v4) r = find(always_refused(), *v4);
  }
  return r ? name_of(*r) : std::string();
}

OutboundPolicy::OutboundPolicy(CidrSet allow, CidrSet deny, std::vector<Endpoint> pinned)
    : allow_(std::move(allow)), deny_(std::move(deny)), pinned_(std::move(pinned)) {}

OutboundDecision OutboundPolicy::decide(const IpAddress& a, uint16_t port) const {
  if (std::string r = always_refused_range(a); !r.empty()) return {false, "always refused: " + r};
  const IpAddress v4 = embedded_v4(a).value_or(a);
  const std::array<const IpAddress*, 2> both = {&a, &v4};
  for (const auto& p : pinned_)
    if ((p.address == a || p.address == v4) && p.port == port)
      return {true, "the home server (JB_JELLYFIN_URL)"};
  for (const IpAddress* x : both)
    if (const Cidr* d = find_in(deny_, *x))
      return {false, "in JB_OUTBOUND_DENY (" + d->str() + ")"};
  if (const Cidr* al = find_in(allow_, v4))  // an embedded IPv4 address is allowed as IPv4
    return {true, "in JB_OUTBOUND_ALLOW (" + al->str() + ")"};
  for (const IpAddress* x : both)
    if (const NamedRange* n = find(non_public(), *x))
      return {false, "not public and not in JB_OUTBOUND_ALLOW: " + name_of(*n)};
  return {true, "public address"};
}

std::string OutboundPolicy::describe() const {
  std::string pins;
  for (const auto& p : pinned_) {
    if (!pins.empty()) pins += ", ";
    pins += (p.address.is_v4() ? p.address.str() : "[" + p.address.str() + "]") + ":" +
            std::to_string(p.port);
  }
  return "allow [" + allow_.str() + "], deny [" + deny_.str() + "], home server [" + pins + "]";
}

}  // namespace jb::net
