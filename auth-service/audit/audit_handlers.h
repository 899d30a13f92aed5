// audit_handlers.h — the audit log's API (audit_log.h):
//   GET /api/v1/audit[?start=&count=&type=&user_id=&ip=&outcome=&since=&until=]
//       a signed-in user's own events, newest first; an administrator
//       (session user is_admin) sees everyone's and may filter by user_id
//       (anyone else naming another user: 403 admin_only)
//   GET /api/v1/admin/audit/verify
//       administrators only (else 403 admin_only): walks the chain and answers
//       {ok, checked, first_broken: {id, reason} | null}
//
// Thread-safety: handlers run concurrently; state is in Redis (AuditLog).
#pragma once

#include <string>

#include "auth-service/audit/audit_log.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

void register_audit_routes(http::Server& server, Authenticator& auth, AuditLog& log);

// The query of GET /api/v1/audit for this user: paging (read_page_query), the
// filters type (a prefix), user_id, ip, outcome (ok|fail|info), since and until
// (RFC 3339, inclusive); 400 invalid_request naming a bad parameter, 403
// admin_only when a non-administrator names another user.
Result<AuditQuery> read_audit_query(const http::Request& r, const SessionUser& who);
// One entry as the API shows it.
std::string audit_entry_json(const AuditEntry& x);
std::string audit_verify_json(const AuditVerifyReport& rep);

}  // namespace jb::auth
