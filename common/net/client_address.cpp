// client_address.cpp — see client_address.h.
#include "common/net/client_address.h"

#include "common/core/text.h"

namespace jb::net {

namespace {

// One X-Forwarded-For entry: an address, optionally with a port.
std::optional<IpAddress> parse_hop(std::string_view hop) {
  hop = text::trim(hop);
  if (auto a = parse_ip(hop)) return a;
  auto digits = [](std::string_view p) {
    if (p.empty() || p.size() > 5) return false;
    for (char c : p)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (!hop.empty() && hop.front() == '[') {  // "[v6]:port"
    auto close = hop.find("]:");
    if (close == std::string_view::npos || !digits(hop.substr(close + 2))) return std::nullopt;
    return parse_ip(hop.substr(0, close + 1));
  }
  auto colon = hop.find(':');  // "v4:port" (one colon: IPv6 has several)
  if (colon == std::string_view::npos || hop.find(':', colon + 1) != std::string_view::npos ||
      !digits(hop.substr(colon + 1)))
    return std::nullopt;
  auto a = parse_ip(hop.substr(0, colon));
  if (a && !a->is_v4()) return std::nullopt;
  return a;
}

}  // namespace

ClientAddress resolve_client(std::string_view peer_ip,
                             const std::vector<std::string>& forwarded_for,
                             const std::vector<std::string>& forwarded_proto,
                             const CidrSet& trusted_proxies) {
  ClientAddress out;
  auto peer = parse_ip(peer_ip);
  out.ip = peer ? peer->str() : std::string(peer_ip);
  if (!peer || !trusted_proxies.contains(*peer)) return out;

  if (!forwarded_proto.empty()) {
    auto parts = text::split(forwarded_proto.back(), ',');
    if (!parts.empty()) out.https = text::iequals(text::trim(parts.back()), "https");
  }

  std::vector<std::string> hops;
  for (const auto& line : forwarded_for)
    for (auto& h : text::split(line, ',', false)) hops.push_back(h);
  IpAddress current = *peer;  // trusted so far
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = parse_hop(*it);
    if (!hop) break;  // unreadable: keep the last hop we could read
    current = *hop;
    out.forwarded = true;
    if (!trusted_proxies.contains(current)) break;
  }
  out.ip = current.str();
  return out;
}

}  // namespace jb::net
