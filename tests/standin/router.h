// router.h — Jellyfin-style route table: templates like
// "/Users/{userId}/Items/{itemId}", matched segment by segment with
// case-insensitive literals (ASP.NET Core routing), a literal segment
// preferred over a parameter at the same position ("/Users/Me" beats
// "/Users/{userId}"), 405 when the path exists for other methods only.
// Each route has a stable key "METHOD /Template" used for counters and
// fault scopes.
//
// Thread-safety: build once (add), then match() concurrently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/standin/http_message.h"

namespace jb::standin {

struct Ctx;
using RouteFn = HttpResponse (*)(Ctx&);

// Authorization policy, as Jellyfin's [Authorize(Policy = ...)] attributes.
enum class Access {
  kAnonymous,      // [AllowAnonymous] / no attribute
  kAuthenticated,  // DefaultAuthorization, IgnoreParentalControl, ...
  kElevated,       // RequiresElevation, FirstTimeSetupOrElevated (after the wizard)
};

struct Route {
  std::string method;
  std::string tmpl;
  std::string key;  // "GET /Items/{itemId}"
  Access access = Access::kAuthenticated;
  RouteFn fn = nullptr;
  std::vector<std::string> segments;  // "{x}" for parameters
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct RouteMatch {
  enum class Outcome { kFound, kMethodNotAllowed, kNotFound } outcome = Outcome::kNotFound;
  const Route* route = nullptr;
  PathParams params;
  std::vector<std::string> allowed;  // kMethodNotAllowed
};

class Router {
 public:
  void add(std::string method, std::string tmpl, Access access, RouteFn fn);
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace jb::standin
