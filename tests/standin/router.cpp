// router.cpp — see router.h.
#include "tests/standin/router.h"

#include "common/core/text.h"

namespace jb::standin {

namespace {

bool is_param(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

// Compares how specific two matching routes are: earlier literal wins.
bool more_specific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    bool la = !is_param(a.segments[i]), lb = !is_param(b.segments[i]);
    if (la != lb) return la;
  }
  return false;
}

bool path_matches(const Route& r, const std::vector<std::string>& segs) {
  if (r.segments.size() != segs.size()) return false;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (is_param(r.segments[i])) {
      if (segs[i].empty()) return false;
    } else if (!text::iequals(r.segments[i], segs[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string method, std::string tmpl, Access access, RouteFn fn) {
  Route r;
  r.key = method + " " + tmpl;
  r.method = std::move(method);
  r.segments = text::split(tmpl, '/', true);
  r.tmpl = std::move(tmpl);
  r.access = access;
  r.fn = fn;
  routes_.push_back(std::move(r));
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segs) const {
  RouteMatch m;
  const Route* best = nullptr;
  for (const Route& r : routes_) {
    if (!path_matches(r, segs)) continue;
    if (r.method != method) {
      m.allowed.push_back(r.method);
      continue;
    }
    if (!best || more_specific(r, *best)) best = &r;
  }
  if (best) {
    m.outcome = RouteMatch::Outcome::kFound;
    m.route = best;
    for (size_t i = 0; i < segs.size(); ++i)
      if (is_param(best->segments[i]))
        m.params.emplace_back(best->segments[i].substr(1, best->segments[i].size() - 2), segs[i]);
    m.allowed.clear();
    return m;
  }
  if (!m.allowed.empty()) m.outcome = RouteMatch::Outcome::kMethodNotAllowed;
  return m;
}

}  // namespace jb::standin
