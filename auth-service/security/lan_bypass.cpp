// lan_bypass.cpp — see lan_bypass.h.
#include "auth-service/security/lan_bypass.h"

namespace jb::auth {

bool lan_bypass_applies(std::string_view client_ip, std::string_view peer_ip, bool forwarded,
                        const net::CidrSet& lan, const net::CidrSet& trusted_proxies) {
  if (!lan.contains(client_ip)) return false;
  if (forwarded && !trusted_proxies.contains(peer_ip)) return false;
  return !trusted_proxies.contains(client_ip);
}

bool lan_bypass_applies(const http::Request& r, const net::CidrSet& lan,
                        const net::CidrSet& trusted_proxies) {
  const bool forwarded = !r.header("X-Forwarded-For").empty() || !r.header("Forwarded").empty();
  return lan_bypass_applies(r.client_ip, r.peer_ip, forwarded, lan, trusted_proxies);
}

}  // namespace jb::auth
