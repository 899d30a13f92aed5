// routes_system.cpp — /System/Info/Public, /System/Info, /System/Ping.
#include "tests/standin/routes.h"

namespace jb::standin {

namespace {

HttpResponse public_info(Ctx& c) {
  json::Writer w;
  write_public_system_info(w, c.app.server);
  return json_response(w.str());
}

HttpResponse info(Ctx& c) {
  json::Writer w;
  write_system_info(w, c.app.server, c.app.port);
  return json_response(w.str());
}

HttpResponse ping(Ctx&) {
  return json_response("\"Jellyfin Server\"");
}

}  // namespace

void add_system_routes(Router& r) {
  r.add("GET", "/System/Info/Public", Access::kAnonymous, public_info);
  r.add("GET", "/System/Info", Access::kAuthenticated, info);
  r.add("GET", "/System/Ping", Access::kAnonymous, ping);
  r.add("POST", "/System/Ping", Access::kAnonymous, ping);
}

}  // namespace jb::standin
