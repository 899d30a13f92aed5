// session_handlers.cpp — see session_handlers.h.
#include "auth-service/sessions/session_handlers.h"

#include "auth-service/api/io.h"
#include "common/core/json.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

std::string rfc3339(int64_t ms) {
  return timeutil::format_rfc3339(ms * 1000);
}

void audit_revoked(AuditLog* audit, const http::Request& r, const AuthContext& ctx, int64_t n,
                   const std::string& scope) {
  if (n <= 0) return;
  audit_best_effort(
      audit, AuditEvent{"session.revoked",
                        ctx.session.user.id,
                        ctx.session.user.name,
                        "",
                        r.client_ip,
                        "ok",
                        {{"reason", "user"}, {"scope", scope}, {"count", std::to_string(n)}}});
}

}  // namespace

void register_session_routes(http::Server& server, Authenticator& auth, AuditLog* audit) {
  server.route("GET", "/api/v1/sessions",
               require_auth(auth, [&auth](http::Request&, AuthContext& ctx) {
                 auto list = auth.store().list(ctx.session.user.id);
                 if (!list.ok()) return fail(list.error());
                 std::string current = SessionStore::public_id(ctx.session.token_hash);
                 json::Writer w;
                 w.begin_object().key("sessions").begin_array();
                 for (const auto& s : *list) {
                   w.begin_object()
                       .kv("id", s.id)
                       .kv("created_at", rfc3339(s.created_ms))
                       .kv("last_used_at", rfc3339(s.last_used_ms))
                       .kv("expires_at", rfc3339(s.expires_ms))
                       .kv("ip", s.ip)
                       .kv("user_agent", s.user_agent)
                       .kv("current", s.id == current)
                       .end_object();
                 }
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));

  server.route("DELETE", "/api/v1/sessions/{id}",
               require_auth(auth, [&auth, audit](http::Request& r, AuthContext& ctx) {
                 const std::string id = r.param("id");
                 auto done = auth.store().revoke_by_id(ctx.session.user.id, id);
                 if (!done.ok()) return fail(done.error());
                 if (!*done) return not_found("You have no session with id '" + id + "'.");
                 audit_revoked(audit, r, ctx, 1, "one");
                 http::Response resp = http::Response::no_content();
                 if (id == SessionStore::public_id(ctx.session.token_hash))
                   resp.cookies.push_back(auth.clearing_cookie(r));
                 return resp;
               }));

  server.route("DELETE", "/api/v1/sessions",
               require_auth(auth, [&auth, audit](http::Request& r, AuthContext& ctx) {
                 auto n = auth.store().revoke_others(ctx.session.user.id, ctx.session.token_hash);
                 if (!n.ok()) return fail(n.error());
                 audit_revoked(audit, r, ctx, *n, "others");
                 json::Writer w;
                 w.begin_object().kv("revoked", *n).end_object();
                 return ok_json(w.str());
               }));
}

}  // namespace jb::auth
