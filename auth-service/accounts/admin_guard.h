// admin_guard.h — what every account-management admin route shares: only a
// suite administrator (session user is_admin) gets through; anyone else gets
// 403 admin_only, and the refusal is audited as admin.denied with the route
// and the address. admin_event() builds the audit event of an admin's act.
//
// Thread-safety: the returned handlers may run concurrently (the audit log is
// thread-safe).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "auth-service/audit/audit_log.h"
#include "auth-service/sessions/authenticator.h"

namespace jb::accounts {

auth::AuditEvent admin_event(const std::string& type, const http::Request& r,
                             const auth::AuthContext& ctx,
                             std::vector<std::pair<std::string, std::string>> detail,
                             const std::string& outcome = "ok");

http::Handler admins_only(auth::Authenticator& auth, auth::AuditLog* audit, auth::AuthedHandler h);

}  // namespace jb::accounts
