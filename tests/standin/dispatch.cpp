// dispatch.cpp — see dispatch.h.
#include "tests/standin/dispatch.h"

#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/context.h"
#include "tests/standin/responses.h"
#include "tests/standin/routes.h"

namespace jb::standin {

Dispatcher::Dispatcher(App& app) : app_(app) {
  add_system_routes(routes_);
  add_auth_routes(routes_);
  add_quickconnect_routes(routes_);
  add_user_routes(routes_);
  add_display_preference_routes(routes_);
  add_library_routes(routes_);
  add_userdata_routes(routes_);
  add_control_content_routes(control_);
  add_control_fault_routes(control_);
  base_segments_ = text::split(app.settings.base_path, '/', true);
}

Reply Dispatcher::handle(const HttpRequest& req) {
  LoggedRequest entry;
  entry.time_ms = timeutil::now_unix_ms();
  Reply r;
  try {
    r = handle_unsafe(req, entry);
  } catch (...) {
    r = Reply{};
    r.response = middleware_error(500);
  }
  if (!entry.route.empty()) {  // a Jellyfin route (control requests leave it empty)
    entry.method = req.method;
    entry.status =
        r.kind == Reply::Kind::kHang || r.kind == Reply::Kind::kDrop ? 0 : r.response.status;
    if (auto ua = req.header("User-Agent")) entry.user_agent = std::string(*ua);
    app_.requests.add(std::move(entry));
  }
  return r;
}

namespace {

bool starts_with_segments(const std::vector<std::string>& segs,
                          const std::vector<std::string>& prefix) {
  if (segs.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (!text::iequals(segs[i], prefix[i])) return false;
  return true;
}

std::string join_path(const std::vector<std::string>& segs) {
  std::string p;
  for (const auto& s : segs) p += "/" + s;
  return p.empty() ? "/" : p;
}

HttpResponse method_not_allowed(const std::vector<std::string>& allowed) {
  HttpResponse r = empty_response(405);
  std::string allow;
  for (const auto& m : allowed) {
    if (allow.find(m) != std::string::npos) continue;
    allow += allow.empty() ? m : ", " + m;
  }
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace

bool Dispatcher::control_path(std::vector<std::string>& segs) const {
  if (!base_segments_.empty() && starts_with_segments(segs, base_segments_))
    segs.erase(segs.begin(), segs.begin() + static_cast<long>(base_segments_.size()));
  return !segs.empty() && text::iequals(segs[0], "__standin");
}

bool Dispatcher::is_control(const HttpRequest& req) const {
  std::vector<std::string> segs = path_segments(req.path);
  return control_path(segs);
}

Reply Dispatcher::handle_unsafe(const HttpRequest& req, LoggedRequest& logged) {
  Reply reply;
  std::vector<std::string> segs = path_segments(req.path);
  QueryParams query(req.query);

  // 1. Control API, with or without the base path.
  {
    std::vector<std::string> csegs = segs;
    if (control_path(csegs)) {
      RouteMatch m = control_.match(req.method, csegs);
      if (m.outcome == RouteMatch::Outcome::kNotFound) {
        reply.response = empty_response(404);
      } else if (m.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
        reply.response = method_not_allowed(m.allowed);
      } else {
        Ctx ctx{app_, req, query, *m.route, m.params, Caller{}};
        reply.response = m.route->fn(ctx);
      }
      return reply;
    }
  }

  // 2. Base path.
  bool in_base = base_segments_.empty() || starts_with_segments(segs, base_segments_);
  if (in_base) segs.erase(segs.begin(), segs.begin() + static_cast<long>(base_segments_.size()));
  const std::string rel_path = join_path(segs);

  // 3–4. Route and count.
  RouteMatch m = in_base ? routes_.match(req.method, segs) : RouteMatch{};
  const std::string key = m.route ? m.route->key : req.method + " (unmatched)";
  app_.faults.count(key);
  logged.route = key;
  logged.path = rel_path;
  const int64_t latency_us = app_.faults.latency_ms(req.method, rel_path, key) * 1000;
  reply.delay_us = latency_us;
  logged.delay_ms = latency_us / 1000;

  // 5. Starting.
  int retry_after = -1;
  if (app_.faults.starting(retry_after) && !text::iequals(rel_path, "/System/Ping")) {
    reply.response = unavailable_response(retry_after);
    return reply;
  }

  // 6. Faults.
  FaultDecision d = app_.faults.decide(req.method, rel_path, key);
  if (d.kind) {
    switch (*d.kind) {
      case FaultKind::kError500:
        reply.response = middleware_error(500);
        return reply;
      case FaultKind::kUnavailable503:
        reply.response = unavailable_response(d.retry_after_s);
        return reply;
      case FaultKind::kHang:
        reply.kind = Reply::Kind::kHang;
        reply.hang_us = d.hang_ms * 1000;
        return reply;
      case FaultKind::kDrop:
        reply.kind = Reply::Kind::kDrop;
        return reply;
      case FaultKind::kBadRequest400:
        reply.response = problem_response(400);
        return reply;
    }
  }

  if (m.outcome == RouteMatch::Outcome::kNotFound) {
    reply.response = empty_response(404);
    return reply;
  }
  if (m.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    reply.response = method_not_allowed(m.allowed);
    return reply;
  }

  // 7. Caller and policy.
  Ctx ctx{app_, req, query, *m.route, m.params, resolve_caller(app_, req, query)};
  if (m.route->access != Access::kAnonymous) {
    if (!ctx.caller.authenticated) {
      reply.response = empty_response(401);
      return reply;
    }
    // DefaultAuthorizationHandler: remote access is a policy of every route.
    if (ctx.caller.remote_denied ||
        (m.route->access == Access::kElevated && !ctx.caller.is_admin)) {
      reply.response = empty_response(403);
      return reply;
    }
  }

  // 8. Handler.
  reply.response = m.route->fn(ctx);
  return reply;
}

}  // namespace jb::standin
