// resolve.h — the addresses an http(s) URL's host resolves to now, with the
// URL's port (the scheme's default when it has none): how the home server
// (JB_JELLYFIN_URL) is pinned in the outbound policy at start. Uses libcurl's
// URL parser and getaddrinfo (so /etc/hosts and the system resolver).
//
// Thread-safety: thread-safe (getaddrinfo is); it blocks while resolving.
#pragma once

#include <string>
#include <vector>

#include "common/core/result.h"
#include "common/net/outbound_policy.h"

namespace jb::net {

// Error code "dns_failure" (the host did not resolve) or "invalid_url".
Result<std::vector<Endpoint>> resolve_url_endpoints(const std::string& url);

}  // namespace jb::net
