// edge_handlers.cpp — see edge_handlers.h.
#include "auth-service/edge/edge_handlers.h"

#include "auth-service/api/io.h"
#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

std::string when(int64_t ms) {
  return timeutil::format_rfc3339(ms * 1000);
}

AuthedHandler admins_only(AuthedHandler h) {
  return [h = std::move(h)](http::Request& r, AuthContext& ctx) {
    if (!ctx.session.user.is_admin)
      return fail(Error(errc::admin_only,
                        "Only a suite administrator may see or lift bans and lockouts.", 403));
    return h(r, ctx);
  };
}

}  // namespace

std::string bans_json(const std::vector<BanInfo>& bans) {
  json::Writer w;
  w.begin_object().key("bans").begin_array();
  for (const auto& b : bans)
    w.begin_object()
        .kv("ip", b.ip)
        .kv("until", when(b.until_ms))
        .kv("since", when(b.since_ms))
        .kv("failures", b.failures)
        .kv("reason", b.reason)
        .end_object();
  w.end_array().end_object();
  return w.str();
}

std::string lockouts_json(const std::vector<LockoutInfo>& locks) {
  json::Writer w;
  w.begin_object().key("lockouts").begin_array();
  for (const auto& l : locks)
    w.begin_object()
        .kv("user", l.user)
        .kv("until", when(l.until_ms))
        .kv("since", when(l.since_ms))
        .kv("failures", l.failures)
        .kv("ip", l.ip)
        .kv("reason", l.reason)
        .end_object();
  w.end_array().end_object();
  return w.str();
}

void register_edge_routes(http::Server& server, Authenticator& auth, SignInGuard& guard,
                          AuditLog* audit) {
  server.route("GET", "/api/v1/admin/bans",
               require_auth(auth, admins_only([&guard](http::Request&, AuthContext&) {
                              auto list = guard.bans();
                              if (!list.ok()) return fail(list.error());
                              return ok_json(bans_json(*list));
                            })));

  server.route("DELETE", "/api/v1/admin/bans/{ip}",
               require_auth(auth, admins_only([&guard, audit](http::Request& r, AuthContext& ctx) {
                              std::string ip = r.param("ip");
                              auto lifted = guard.lift_ban(ip);
                              if (!lifted.ok()) return fail(lifted.error());
                              if (!*lifted) return not_found("No ban of " + ip + " is in force.");
                              log::info("ban lifted", {{"ip", ip}, {"by", ctx.session.user.id}});
                              audit_best_effort(audit, AuditEvent{"ban.lifted",
                                                                  "",
                                                                  "",
                                                                  ctx.session.user.id,
                                                                  r.client_ip,
                                                                  "ok",
                                                                  {{"banned_ip", ip}}});
                              return http::Response::no_content();
                            })));

  server.route("GET", "/api/v1/admin/lockouts",
               require_auth(auth, admins_only([&guard](http::Request&, AuthContext&) {
                              auto list = guard.lockouts();
                              if (!list.ok()) return fail(list.error());
                              return ok_json(lockouts_json(*list));
                            })));

  server.route("DELETE", "/api/v1/admin/lockouts/{username}",
               require_auth(auth, admins_only([&guard, audit](http::Request& r, AuthContext& ctx) {
                              std::string user = r.param("username");
                              auto lifted = guard.lift_lockout(user);
                              if (!lifted.ok()) return fail(lifted.error());
                              if (!*lifted)
                                return not_found("No lockout of '" + user + "' is in force.");
                              log::info("lockout lifted", {{"by", ctx.session.user.id}});
                              audit_best_effort(audit, AuditEvent{"lockout.lifted",
                                                                  "",
                                                                  account_name(user),
                                                                  ctx.session.user.id,
                                                                  r.client_ip,
                                                                  "ok",
                                                                  {}});
                              return http::Response::no_content();
                            })));
}

}  // namespace jb::auth
