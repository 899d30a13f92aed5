// admin_guard.cpp — see admin_guard.h.
#include "auth-service/accounts/admin_guard.h"

#include "auth-service/api/io.h"

namespace jb::accounts {

auth::AuditEvent admin_event(const std::string& type, const http::Request& r,
                             const auth::AuthContext& ctx,
                             std::vector<std::pair<std::string, std::string>> detail,
                             const std::string& outcome) {
  return auth::AuditEvent{
      type,    ctx.session.user.id, ctx.session.user.name, ctx.session.user.id, r.client_ip,
      outcome, std::move(detail)};
}

http::Handler admins_only(auth::Authenticator& auth, auth::AuditLog* audit, auth::AuthedHandler h) {
  return auth::require_auth(
      auth, [audit, h = std::move(h)](http::Request& r, auth::AuthContext& ctx) {
        if (!ctx.session.user.is_admin) {
          auth::audit_best_effort(audit, admin_event("admin.denied", r, ctx,
                                                     {{"route", r.method + " " + r.path}}, "fail"));
          return auth::fail(Error(errc::admin_only,
                                  "Only a suite administrator (an administrator of the home "
                                  "Jellyfin server) may manage accounts.",
                                  403));
        }
        return h(r, ctx);
      });
}

}  // namespace jb::accounts
