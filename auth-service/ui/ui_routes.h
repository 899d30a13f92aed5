// ui_routes.h — serves the web front end (web_bundle.h) from memory: GET / is
// the page (never cached, with its own Content-Security-Policy), GET
// /assets/{path*} the hashed files (cached a year, immutable). Both answer
// gzip to clients that accept it (Vary: Accept-Encoding).
//
// Thread-safety: register before the server starts; the handlers only read the
// immutable bundle, which must outlive the server.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth-service/ui/web_bundle.h"
#include "common/net/http_server.h"

namespace jb::ui {

// The security headers of every auth-service answer (the page's own
// Content-Security-Policy replaces the first): a policy that allows nothing for
// API answers, no framing, no Referer off the site, no cross-origin openers.
std::vector<std::pair<std::string, std::string>> security_headers();
// Strict-Transport-Security for answers over TLS: a year, subdomains included.
constexpr const char* kHsts = "max-age=31536000; includeSubDomains";

// Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*" coding
// whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);

void register_ui_routes(http::Server& server, const WebBundle& bundle);

}  // namespace jb::ui
