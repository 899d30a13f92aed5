// client_address.h — who the client of a request is, behind reverse proxies.
//
// The TCP peer is the client unless it is a trusted proxy (JB_TRUSTED_PROXIES).
// Only then is X-Forwarded-For read: all its header lines joined in order (RFC
// 9110 §5.3), entries read right to left, each hop that is itself a trusted
// proxy skipped; the first address that is not trusted is the client. Anything
// left of it was written by that client and is never believed. A malformed
// entry stops the walk: the client is then the last hop we could read (a
// trusted proxy), never a guess. When every hop is trusted the leftmost one is
// the client. Entries may carry a port ("1.2.3.4:5678", "[2001:db8::1]:443").
// X-Forwarded-Proto counts only from a trusted proxy (its last value).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/net/cidr.h"

namespace jb::net {

struct ClientAddress {
  std::string ip;          // canonical text (cidr.h), the peer's when nothing better is known
  bool https = false;      // X-Forwarded-Proto: https from a trusted proxy
  bool forwarded = false;  // the address came from X-Forwarded-For
};

// peer_ip: the TCP peer. forwarded_for: every X-Forwarded-For header value, in
// order. forwarded_proto: every X-Forwarded-Proto value, in order.
ClientAddress resolve_client(std::string_view peer_ip,
                             const std::vector<std::string>& forwarded_for,
                             const std::vector<std::string>& forwarded_proto,
                             const CidrSet& trusted_proxies);

}  // namespace jb::net
