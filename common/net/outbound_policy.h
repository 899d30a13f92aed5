// outbound_policy.h — which addresses outbound HTTP (requests to Jellyfin
// servers) may connect to: the pure decision behind the SSRF guard in
// http_client.h, which asks it for every socket libcurl opens, with the
// address actually being connected to (so DNS rebinding cannot get around it).
//
// The decision, in this order:
//   1. always refused, whatever the configuration: the unspecified address and
//      "this network" (0.0.0.0/8, ::), link-local (169.254.0.0/16, fe80::/10,
//      where cloud metadata services live), multicast (224.0.0.0/4, ff00::/8),
//      the broadcast address 255.255.255.255;
//   2. allowed: a pinned endpoint (address and port), i.e. the home server
//      (JB_JELLYFIN_URL) as resolved at start;
//   3. refused: the deny list (JB_OUTBOUND_DENY) — deny wins over allow;
//   4. allowed: the allow list (JB_OUTBOUND_ALLOW);
//   5. refused: any other non-public address — loopback (127.0.0.0/8, ::1),
//      RFC 1918, unique-local (fc00::/7), carrier-grade NAT (100.64.0.0/10),
//      benchmarking (198.18.0.0/15), reserved (240.0.0.0/4), site-local
//      (fec0::/10), discard-only (100::/64);
//   6. allowed: everything else (the public internet).
// An IPv6 address that embeds an IPv4 one — IPv4-mapped (::ffff:a.b.c.d, how
// IpAddress stores every IPv4 address), IPv4-compatible (::a.b.c.d),
// IPv4-translated (::ffff:0:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) — is judged
// as both: refused if either form is refused, its IPv4 form decides steps 4-6.
//
// Thread-safety: an OutboundPolicy is immutable once built and may be shared
// by any number of threads; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/net/cidr.h"

namespace jb::net {

// JB_OUTBOUND_ALLOW's default: the private ranges where LAN Jellyfin servers
// live (RFC 1918, unique-local, carrier-grade NAT as used by Tailscale).
// Loopback is not in it: the suite's own Redis and ZeroMQ listen there.
extern const char* const kOutboundAllowDefault;

struct Endpoint {
  IpAddress address;
  uint16_t port = 0;
  bool operator==(const Endpoint& o) const { return address == o.address && port == o.port; }
};

struct OutboundDecision {
  bool allowed = false;
  std::string reason;  // why, for the log: "always refused: link-local (169.254.0.0/16)"
};

class OutboundPolicy {
 public:
  OutboundPolicy(CidrSet allow, CidrSet deny, std::vector<Endpoint> pinned = {});

  OutboundDecision decide(const IpAddress& a, uint16_t port) const;
  const CidrSet& allow() const { return allow_; }
  const CidrSet& deny() const { return deny_; }
  const std::vector<Endpoint>& pinned() const { return pinned_; }
  std::string describe() const;  // one line for the start-up log

 private:
  CidrSet allow_, deny_;
  std::vector<Endpoint> pinned_;
};

// The IPv4 address an IPv6 address embeds (see above), as IpAddress stores
// IPv4; nullopt when it embeds none. An IPv4 address embeds itself.
std::optional<IpAddress> embedded_v4(const IpAddress& a);

// The name of the always-refused range containing `a` ("link-local
// (169.254.0.0/16)"), or "" when it is not in one.
std::string always_refused_range(const IpAddress& a);

}  // namespace jb::net
