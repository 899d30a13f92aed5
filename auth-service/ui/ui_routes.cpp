// ui_routes.cpp — see ui_routes.h.
#include "auth-service/ui/ui_routes.h"

#include "common/core/text.h"
#include "common/net/problem.h"

namespace jb::ui {
namespace {

http::Response serve(const http::Request& r, const WebAsset& a) {
  http::Response res;
  res.status = 200;
  res.content_type = a.content_type;
  res.headers.emplace_back("Vary", "Accept-Encoding");
  if (!a.gzip.empty() && accepts_gzip(r.header("Accept-Encoding"))) {
    res.body = a.gzip;
    res.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    res.body = a.body;
  }
  return res;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> security_headers() {
  return {
      {"Content-Security-Policy",
       "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "same-origin"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"},
  };
}

bool accepts_gzip(std::string_view accept_encoding) {
  for (const auto& part : text::split(std::string(accept_encoding), ',')) {
    auto fields = text::split(part, ';');
    std::string coding = text::to_lower(text::trim(fields.empty() ? "" : fields[0]));
    if (coding != "gzip" && coding != "*") continue;
    bool zero = false;
    for (size_t i = 1; i < fields.size(); ++i) {
      std::string f = text::to_lower(text::trim(fields[i]));
      if (f.starts_with("q=")) {
        std::string q = f.substr(2);
        zero = !q.empty() && q.find_first_not_of("0.") == std::string::npos;
      }
    }
    if (!zero) return true;
  }
  return false;
}

void register_ui_routes(http::Server& server, const WebBundle& bundle) {
  server.route(
      "GET", "/",
      [&bundle](http::Request& r) {
        http::Response res = serve(r, bundle.index);
        res.headers.emplace_back("Content-Security-Policy", bundle.csp);
        return res;
      },
      http::Exec::inline_);
  server.route(
      "GET", "/assets/{path*}",
      [&bundle](http::Request& r) {
        auto it = bundle.assets.find(r.param("path"));
        if (it == bundle.assets.end())
          return http::Response::problem(
              make_problem(404, errc::not_found,
                           "There is no file " + r.path +
                               " in this version of the web front end; reload "
                               "the page."));
        http::Response res = serve(r, it->second);
        res.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
        return res;
      },
      http::Exec::inline_);
}

}  // namespace jb::ui
