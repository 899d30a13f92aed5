// lan_bypass.h — the optional LAN bypass of the second factor (issue 12,
// JB_SECOND_FACTOR_LAN_BYPASS, off by default): a sign-in from the local
// network (JB_LAN_CIDRS) is not asked for a second factor.
//
// It never applies to a request that came through a proxy we do not trust: a
// request carrying X-Forwarded-For or Forwarded from a peer outside
// JB_TRUSTED_PROXIES (a LAN reverse proxy nobody declared would otherwise make
// the whole internet look local), nor when the resolved client is itself a
// trusted proxy (every hop trusted: nobody knows where it began).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/net/cidr.h"
#include "common/net/http_server.h"

namespace jb::auth {

bool lan_bypass_applies(std::string_view client_ip, std::string_view peer_ip, bool forwarded,
                        const net::CidrSet& lan, const net::CidrSet& trusted_proxies);
// The same for a request (its client, peer and forwarding headers).
bool lan_bypass_applies(const http::Request& r, const net::CidrSet& lan,
                        const net::CidrSet& trusted_proxies);

}  // namespace jb::auth
